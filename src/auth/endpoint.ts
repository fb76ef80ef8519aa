/**
 * The request and response shapes of the issuer's HTTP endpoints: plain data, so the endpoints run without a web
 * framework (the api layer's requests and responses have these shapes).
 */
export interface EndpointRequest {
  readonly method: string;
  /** Path and query as sent. */
  readonly url: string;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body?: string | Buffer | { readonly json: unknown };
  /** `https://host:port` the request came in on: the discovery document's endpoints name it. */
  readonly baseUrl: string;
  readonly requestId: string;
}

export interface EndpointResponse {
  status: number;
  headers: Record<string, string>;
  body?: string;
}

export const JSON_TYPE = 'application/json; charset=utf-8';
/** Token responses and errors must not be cached (RFC 6749 §5.1). */
export const NO_STORE = { 'Cache-Control': 'no-store, no-cache', Pragma: 'no-cache' } as const;

/** A 200 JSON answer; HEAD gets the headers only. */
export function jsonResponse(req: EndpointRequest, value: unknown, cacheControl: string): EndpointResponse {
  return {
    status: 200,
    headers: { 'Content-Type': JSON_TYPE, 'Cache-Control': cacheControl },
    ...(req.method === 'HEAD' ? {} : { body: JSON.stringify(value) }),
  };
}
