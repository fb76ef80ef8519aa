/**
 * The one error table: every error the service can answer is an entry here (code, HTTP status, default
 * message). `docs/errors.md` is generated from / checked against this table (test/unit/errors-doc.test.ts).
 * Only `ApiError` becomes a 4xx; anything else that escapes a handler is a bug and answers 500.
 */
export const ERRORS = {
  BadRequest: { status: 400, when: 'malformed JSON, wrong types, unknown property, bad query option, unknown segment' },
  InvalidAuthenticationToken: {
    status: 401,
    when: 'no, malformed, badly signed, expired or wrong-audience token (with `WWW-Authenticate: Bearer`)',
  },
  Forbidden: { status: 403, when: 'the token lacks the permission; the message names what is needed' },
  ResourceNotFound: { status: 404, when: 'no such entity in this tenant; unknown version (`Invalid version: x`)' },
  MethodNotAllowed: { status: 405, when: 'method not defined for that path (with an `Allow` header)' },
  Conflict: {
    status: 409,
    when: 'duplicate `userPrincipalName` or client-supplied id; a simulation route without `--simulate`; a device id held by several tenants without `?tenant=`',
  },
  PreconditionFailed: {
    status: 412,
    when: '`If-Match` does not match the current ETag (or the target does not exist)',
  },
  RequestTimeout: { status: 408, when: "the request (headers and body) did not arrive within the server's time limit" },
  RequestEntityTooLarge: { status: 413, when: 'body over the limit (1 MiB; 8 MiB for a bulk PATCH)' },
  RequestUriTooLong: { status: 414, when: 'a URL (path and query) longer than 8,192 bytes' },
  ExpectationFailed: { status: 417, when: 'an `Expect` header other than `100-continue`' },
  UnsupportedMediaType: { status: 415, when: 'a body that is not `application/json`' },
  FailedDependency: { status: 424, when: 'a `$batch` item whose `dependsOn` item failed' },
  TooManyRequests: { status: 429, when: 'throttled; `Retry-After` gives whole seconds' },
  RequestHeaderFieldsTooLarge: { status: 431, when: 'request headers (with the request line) over 16 KiB' },
  Request_BadRequest: {
    status: 400,
    when: 'on a directory path (`/users`, `/groups`): a bad body or query option, a duplicate `userPrincipalName`, a member already added, `$skip`',
  },
  Request_UnsupportedQuery: {
    status: 400,
    when: 'on a directory path: an advanced query (`ne`, `not`, `endsWith`, `$count`, `$search`, `$orderby` with `$filter`) without `ConsistencyLevel: eventual` (and `$count=true`); a `$top` outside 1 to 999',
  },
  Request_ResourceNotFound: {
    status: 404,
    when: "on a directory path: no such user, group or member in this tenant (`Resource '{id}' does not exist …`)",
  },
  InternalError: { status: 500, when: 'a bug: never expected, always logged with the request-id' },
  BadGateway: { status: 502, when: 'only from a fault rule of the control plane' },
  ServiceUnavailable: { status: 503, when: 'the store is unreachable or the server is shutting down' },
  GatewayTimeout: { status: 504, when: 'only from a fault rule of the control plane' },
} as const satisfies Record<string, { status: number; when: string }>;

export type ErrorCode = keyof typeof ERRORS;

/** The code the table gives a status (each status has one). */
export const codeForStatus = (status: number): ErrorCode | undefined =>
  (Object.keys(ERRORS) as ErrorCode[]).find((c) => ERRORS[c].status === status);

export interface ErrorDetail {
  code: string;
  message: string;
  target?: string;
}

export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly target: string | undefined;
  readonly details: ErrorDetail[] | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    opts: { headers?: Record<string, string>; target?: string; details?: ErrorDetail[] } = {},
  ) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.status = ERRORS[code].status;
    this.headers = opts.headers ?? {};
    this.target = opts.target;
    this.details = opts.details;
  }
}

export const badRequest = (message: string, target?: string): ApiError =>
  new ApiError('BadRequest', message, target === undefined ? {} : { target });

export const notFound = (message: string): ApiError => new ApiError('ResourceNotFound', message);

export const isApiError = (e: unknown): e is ApiError => e instanceof ApiError;
