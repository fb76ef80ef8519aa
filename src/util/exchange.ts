/**
 * A request and its answer as plain data: what the HTTP shell hands to the framework-free layers (the api
 * pipeline, the token endpoint) and what they hand back, so neither needs a web framework or a socket.
 */
export interface PlainRequest {
  readonly method: string;
  /** Path and query as sent, e.g. `/v1.0/deviceAppManagement/mobileAppConfigurations?$top=5`. */
  readonly url: string;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** Raw body text (HTTP) or an already-parsed JSON value (`$batch` items); undefined when there is none. */
  readonly body?: string | Buffer | { readonly json: unknown };
  /** `https://host:port` the request came in on: absolute URLs (`@odata.nextLink`, `Location`, discovery) name it. */
  readonly baseUrl: string;
  /** The request id assigned by the shell (a GUID); batch items get their own. */
  readonly requestId: string;
}

export interface PlainResponse {
  status: number;
  headers: Record<string, string>;
  /** A serialized body (JSON or text) or nothing. */
  body?: string;
}

/**
 * An answer that stays open and sends events as they happen (Server-Sent Events): the shell writes the status
 * and headers, calls `open` with a writer, sends `keepAlive` every `keepAliveMs` while idle, and calls the
 * function `open` answered when the client goes or the server closes.
 */
export interface EventStreamResponse {
  status: number;
  headers: Record<string, string>;
  readonly keepAliveMs: number;
  /** A comment line sent while nothing else is (`: keep-alive\n\n`), so proxies keep the connection. */
  readonly keepAlive: string;
  open(send: (text: string) => void): () => void;
}

export const isEventStream = (r: PlainResponse | EventStreamResponse): r is EventStreamResponse => 'open' in r;
