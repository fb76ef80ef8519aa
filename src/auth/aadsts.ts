/**
 * Every error the issuer's endpoints answer, as Entra ID answers it: one row per case, with its AADSTS code,
 * HTTP status, OAuth 2.0 `error` and message template (`{name}` is filled from the caller's parameters). The
 * body has OAuth's shape plus Entra's members (`error_codes`, `timestamp`, `trace_id`, `correlation_id`).
 */
import { randomUUID } from 'node:crypto';
import { type EndpointRequest, type EndpointResponse, JSON_TYPE, NO_STORE } from './endpoint.js';

export interface AadstsRow {
  readonly code: number;
  readonly status: 400 | 401 | 405;
  readonly error:
    | 'invalid_request'
    | 'invalid_client'
    | 'invalid_scope'
    | 'invalid_resource'
    | 'unauthorized_client'
    | 'unsupported_grant_type';
  readonly message: string;
}

export const AADSTS = {
  invalidTenant: {
    code: 900023,
    status: 400,
    error: 'invalid_request',
    message: "Specified tenant identifier '{tenant}' is neither a valid DNS name, nor a valid external domain.",
  },
  methodNotAllowed: {
    code: 900561,
    status: 405,
    error: 'invalid_request',
    message: 'The endpoint only accepts {accepted} requests. Received a {method} request.',
  },
  missingParameter: {
    code: 900144,
    status: 400,
    error: 'invalid_request',
    message: "The request body must contain the following parameter: '{name}'.",
  },
  basicAndForm: {
    code: 900144,
    status: 400,
    error: 'invalid_request',
    message: 'The client authenticated with both HTTP Basic and form parameters; use one.',
  },
  unsupportedGrant: {
    code: 70003,
    status: 400,
    error: 'unsupported_grant_type',
    message: "The app requested an unsupported grant type '{grant}'. This issuer supports only 'client_credentials'.",
  },
  malformedBasic: {
    code: 7000216,
    status: 401,
    error: 'invalid_client',
    message: 'The Authorization header is not valid HTTP Basic client authentication.',
  },
  invalidScope: {
    code: 1002012,
    status: 400,
    error: 'invalid_scope',
    message:
      'The provided value for scope {scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).',
  },
  unknownResource: {
    code: 500011,
    status: 400,
    error: 'invalid_resource',
    message:
      'The resource principal named {resource} was not found in the tenant named {tenant}. This issuer grants tokens for {graph} ({graphAppId}) only.',
  },
  clientAssertion: {
    code: 7000216,
    status: 401,
    error: 'invalid_client',
    message: "This issuer does not accept 'client_assertion'; send 'client_secret'.",
  },
  missingSecret: {
    code: 7000216,
    status: 401,
    error: 'invalid_client',
    message: "'client_assertion', 'client_secret' or 'request' is required for the 'client_credentials' grant type.",
  },
  badSecret: {
    code: 7000215,
    status: 401,
    error: 'invalid_client',
    message:
      "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '{client}'.",
  },
  unknownClient: {
    code: 700016,
    status: 400,
    error: 'unauthorized_client',
    message:
      "Application with identifier '{client}' was not found in the directory '{tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.",
  },
  noTenant: {
    code: 50059,
    status: 400,
    error: 'invalid_request',
    message:
      'No tenant-identifying information found in either the request or implied by any provided credentials. Use a tenant-specific endpoint: {endpoint}.',
  },
} as const satisfies Record<string, AadstsRow>;

export type AadstsKey = keyof typeof AADSTS;

/** The `{name}` placeholders of a template, as a union of names. */
type Placeholders<T extends string> = T extends `${string}{${infer P}}${infer Rest}` ? P | Placeholders<Rest> : never;
export type AadstsParams<K extends AadstsKey> = Record<Placeholders<(typeof AADSTS)[K]['message']>, string>;

/** One failure of an issuer endpoint: which row, its parameters, and any extra header (a Basic challenge). */
export interface OAuthFailure {
  readonly key: AadstsKey;
  readonly params: Readonly<Record<string, string>>;
  readonly headers?: Readonly<Record<string, string>>;
}

export function failure<K extends AadstsKey>(
  key: K,
  params: AadstsParams<K>,
  headers?: Record<string, string>,
): OAuthFailure {
  return headers === undefined ? { key, params } : { key, params, headers };
}

/** A template with its placeholders filled, in one pass: a value may itself contain braces. */
export function fill(template: string, params: Readonly<Record<string, string>>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.hasOwn(params, name) ? (params[name] as string) : whole,
  );
}

/** Entra's error response for a failure, with its trace and correlation ids and a second-precision timestamp. */
export function oauthErrorResponse(req: EndpointRequest, f: OAuthFailure, now: number): EndpointResponse {
  const row: AadstsRow = AADSTS[f.key];
  const iso = new Date(now).toISOString();
  const timestamp = `${iso.slice(0, 10)} ${iso.slice(11, 19)}Z`;
  const traceId = req.requestId;
  // MSAL sends its correlation id as a query parameter; other clients as a header.
  const q = req.url.indexOf('?');
  const correlationId =
    req.headers['client-request-id'] ||
    (q < 0 ? undefined : new URLSearchParams(req.url.slice(q + 1)).get('client-request-id')) ||
    randomUUID();
  return {
    status: row.status,
    headers: { 'Content-Type': JSON_TYPE, ...NO_STORE, ...f.headers },
    body: JSON.stringify({
      error: row.error,
      error_description: `AADSTS${row.code}: ${fill(row.message, f.params)} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
      error_codes: [row.code],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
    }),
  };
}
