/** Content types and the headers every response carries (docs/api.md#representation). */
export const JSON_CONTENT_TYPE =
  'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';
export const ERROR_CONTENT_TYPE = 'application/json';
export const TEXT_CONTENT_TYPE = 'text/plain;charset=utf-8';
export const XML_CONTENT_TYPE = 'application/xml;charset=utf-8';
