/**
 * The framework-free request and response the api layer works on. The HTTP shell turns a socket request into
 * an `ApiRequest`; `$batch` builds one per item; in-process tests build them directly.
 */
export interface ApiRequest {
  readonly method: string;
  /** Path and query as sent, e.g. `/v1.0/deviceAppManagement/mobileAppConfigurations?$top=5`. */
  readonly url: string;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** Raw body text (HTTP) or an already-parsed JSON value (`$batch` items); undefined when there is none. */
  readonly body?: string | Buffer | { readonly json: unknown };
  /** `https://host:port` the request came in on; used for absolute `@odata.nextLink` and `Location`. */
  readonly baseUrl: string;
  /** The request id assigned by the shell (a GUID); batch items get their own. */
  readonly requestId: string;
  /** Set on `$batch` items: the outer request already passed these phases once. */
  readonly batchItem?: boolean;
}

export interface ApiResponse {
  status: number;
  headers: Record<string, string>;
  /** A serialized body (JSON or text) or nothing. */
  body?: string;
}

/** A finished request: the response, and what the shell logs and measures about it. */
export interface Handled extends ApiResponse {
  /** The shape of the path, never its ids (`mobileAppConfigurations/{id}/userStatuses`). */
  route: string;
  tenant?: string;
}
