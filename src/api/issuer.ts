/**
 * The local issuer's HTTP endpoints (API.md §7), shaped like Entra ID's v2.0 endpoints so that MSAL and
 * `@azure/identity` can be pointed at this server:
 *
 *   GET  /{tenant}/v2.0/.well-known/openid-configuration   (also /{tenant}/.well-known/openid-configuration)
 *   GET  /{tenant}/discovery/v2.0/keys                     (also /{tenant}/discovery/keys)
 *   POST /{tenant}/oauth2/v2.0/token                       client-credentials grant only
 *
 * `{tenant}` is a tenant id, or `common` / `organizations` (discovery reports the `{tenantid}` template issuer, and
 * the token endpoint then needs a client bound to one tenant). Errors use OAuth 2.0's shape with Entra's extra
 * members (`error_codes`, `timestamp`, `trace_id`, `correlation_id`) and AADSTS codes.
 */
import { randomUUID } from 'node:crypto';
import { type ClientEntry, type ClientRegistry, createClientRegistry } from '../auth/clients.js';
import {
  createLocalIssuer,
  DEFAULT_TOKEN_TTL,
  GRAPH_APP_ID,
  GRAPH_RESOURCE,
  type LocalIssuer,
  normalizeTenant,
} from '../auth/issuer.js';
import { KeyRing, type KeyStore } from '../auth/keys.js';
import type { ApiRequest, ApiResponse } from './types.js';

export interface IssuerRoutesDeps {
  /** The issuer (share its key ring with the verifier); or give `keyStore` and `issuerBase` and one is made. */
  readonly issuer?: LocalIssuer;
  readonly keyStore?: KeyStore;
  readonly issuerBase?: string;
  /** A registry, or the clients file's entries; default: any client, granted `defaultRoles`. */
  readonly clients?: ClientRegistry | readonly ClientEntry[];
  /** Roles for any client when there is no clients file. Default `DeviceManagementApps.ReadWrite.All`. */
  readonly defaultRoles?: readonly string[];
  /** Lifetime of tokens from the token endpoint, seconds. Default 3,600. */
  readonly tokenTtlSeconds?: number;
  /** Milliseconds since the epoch; default `Date.now`. */
  readonly clock?: () => number;
}

export interface IssuerRoutes {
  /** The response for an issuer path, or undefined for any other path. */
  handle(req: ApiRequest): Promise<ApiResponse | undefined>;
}

const JSON_TYPE = 'application/json; charset=utf-8';
const MULTI_TENANT = new Set(['common', 'organizations']);
/** A tenant id (GUID) or a verified-domain-like name, as Entra accepts in the path. */
const TENANT = /^(?:[0-9a-z](?:[0-9a-z-]{0,61}[0-9a-z])?)(?:\.[0-9a-z](?:[0-9a-z-]{0,61}[0-9a-z])?)*$/i;
const ROUTE =
  /^\/([^/?#]+)\/(v2\.0\/\.well-known\/openid-configuration|\.well-known\/openid-configuration|discovery\/v2\.0\/keys|discovery\/keys|oauth2\/v2\.0\/token)$/;
const DEFAULT_SUFFIX = '/.default';

type Endpoint = 'discovery' | 'keys' | 'token';
const ENDPOINT: Record<string, Endpoint> = {
  'v2.0/.well-known/openid-configuration': 'discovery',
  '.well-known/openid-configuration': 'discovery',
  'discovery/v2.0/keys': 'keys',
  'discovery/keys': 'keys',
  'oauth2/v2.0/token': 'token',
};

/** An OAuth error: status, `error`, AADSTS number and text. */
interface OAuthError {
  readonly status: 400 | 401 | 405;
  readonly error: string;
  readonly code: number;
  readonly text: string;
  readonly headers?: Record<string, string>;
}

const fail = (
  status: OAuthError['status'],
  error: string,
  code: number,
  text: string,
  headers?: Record<string, string>,
): OAuthError => (headers === undefined ? { status, error, code, text } : { status, error, code, text, headers });

export function createIssuerRoutes(deps: IssuerRoutesDeps): IssuerRoutes {
  const issuer = deps.issuer ?? issuerFromStore(deps);
  const clients: ClientRegistry =
    deps.clients !== undefined && !Array.isArray(deps.clients)
      ? (deps.clients as ClientRegistry)
      : createClientRegistry({
          ...(deps.clients ? { clients: deps.clients as readonly ClientEntry[] } : {}),
          ...(deps.defaultRoles ? { defaultRoles: deps.defaultRoles } : {}),
        });
  const ttl = deps.tokenTtlSeconds ?? DEFAULT_TOKEN_TTL;
  const clock = deps.clock ?? Date.now;

  function oauthError(req: ApiRequest, e: OAuthError): ApiResponse {
    const d = new Date(clock());
    const timestamp = `${d.toISOString().slice(0, 10)} ${d.toISOString().slice(11, 19)}Z`;
    const traceId = req.requestId;
    // MSAL sends its correlation id as a query parameter; other clients as a header.
    const q = req.url.indexOf('?');
    const correlationId =
      req.headers['client-request-id'] ||
      (q < 0 ? undefined : new URLSearchParams(req.url.slice(q + 1)).get('client-request-id')) ||
      randomUUID();
    return {
      status: e.status,
      headers: { 'Content-Type': JSON_TYPE, 'Cache-Control': 'no-store, no-cache', Pragma: 'no-cache', ...e.headers },
      body: JSON.stringify({
        error: e.error,
        error_description: `AADSTS${e.code}: ${e.text} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
        error_codes: [e.code],
        timestamp,
        trace_id: traceId,
        correlation_id: correlationId,
      }),
    };
  }

  /** Entra's 405 for an issuer endpoint called with the wrong method. */
  const methodNotAllowed = (req: ApiRequest, accepted: string, allow: string): ApiResponse =>
    oauthError(
      req,
      fail(
        405,
        'invalid_request',
        900561,
        `The endpoint only accepts ${accepted} requests. Received a ${req.method} request.`,
        {
          Allow: allow,
        },
      ),
    );

  const json = (req: ApiRequest, value: unknown, cacheControl: string): ApiResponse => ({
    status: 200,
    headers: { 'Content-Type': JSON_TYPE, 'Cache-Control': cacheControl },
    ...(req.method === 'HEAD' ? {} : { body: JSON.stringify(value) }),
  });

  function discovery(req: ApiRequest, tenant: string): ApiResponse {
    const base = req.baseUrl.replace(/\/+$/, '');
    const t = encodeURIComponent(tenant);
    return json(
      req,
      {
        issuer: issuer.issuer(MULTI_TENANT.has(tenant) ? '{tenantid}' : tenant),
        token_endpoint: `${base}/${t}/oauth2/v2.0/token`,
        jwks_uri: `${base}/${t}/discovery/v2.0/keys`,
        // Required by OpenID Connect Discovery and by MSAL's metadata check; this server does not serve it
        // (only the client-credentials grant is implemented).
        authorization_endpoint: `${base}/${t}/oauth2/v2.0/authorize`,
        token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
        grant_types_supported: ['client_credentials'],
        response_types_supported: ['token'],
        response_modes_supported: ['query', 'fragment', 'form_post'],
        subject_types_supported: ['pairwise'],
        id_token_signing_alg_values_supported: ['RS256', 'ES256'],
        scopes_supported: [`${GRAPH_RESOURCE}/.default`],
        claims_supported: [
          'aud',
          'iss',
          'iat',
          'nbf',
          'exp',
          'tid',
          'oid',
          'sub',
          'appid',
          'azp',
          'scp',
          'roles',
          'idtyp',
          'ver',
        ],
        request_uri_parameter_supported: false,
        msgraph_host: 'graph.microsoft.com',
      },
      'max-age=86400, private',
    );
  }

  async function keys(req: ApiRequest): Promise<ApiResponse> {
    // Short: a rotation elsewhere should reach clients soon (jose re-fetches on an unknown kid anyway).
    return json(req, await issuer.keys.jwks(), 'max-age=300, private');
  }

  /** Client credentials (RFC 6749 §4.4) with Entra's parameter rules. Returns the response or an error. */
  async function token(req: ApiRequest, pathTenant: string): Promise<ApiResponse> {
    const missing = (name: string): ApiResponse =>
      oauthError(
        req,
        fail(400, 'invalid_request', 900144, `The request body must contain the following parameter: '${name}'.`),
      );
    const form = parseForm(req);
    const grant = form?.get('grant_type');
    if (!form || !grant) return missing('grant_type');
    if (grant !== 'client_credentials') {
      return oauthError(
        req,
        fail(
          400,
          'unsupported_grant_type',
          70003,
          `The app requested an unsupported grant type '${grant}'. This issuer supports only 'client_credentials'.`,
        ),
      );
    }

    // Client authentication: HTTP Basic (RFC 6749 §2.3.1: form-encoded id and secret) or form fields, not both.
    let clientId = form.get('client_id') ?? undefined;
    let secret = form.get('client_secret') ?? undefined;
    const basic = basicCredentials(req.headers.authorization);
    if (basic === null) {
      return oauthError(
        req,
        fail(401, 'invalid_client', 7000216, 'The Authorization header is not valid HTTP Basic client authentication.'),
      );
    }
    if (basic !== undefined) {
      if ((clientId !== undefined && clientId !== basic.id) || secret !== undefined) {
        return oauthError(
          req,
          fail(
            400,
            'invalid_request',
            900144,
            'The client authenticated with both HTTP Basic and form parameters; use one.',
          ),
        );
      }
      clientId = basic.id;
      secret = basic.secret;
    }
    if (!clientId) return missing('client_id');

    const scope = form.get('scope');
    if (!scope) return missing('scope');
    const scopes = scope.split(' ').filter(Boolean);
    if (scopes.length !== 1 || !scopes[0]?.endsWith(DEFAULT_SUFFIX)) {
      return oauthError(
        req,
        fail(
          400,
          'invalid_scope',
          1002012,
          `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
        ),
      );
    }
    const resource = scopes[0].slice(0, -DEFAULT_SUFFIX.length).replace(/\/+$/, '');
    const aud =
      resource.toLowerCase() === GRAPH_RESOURCE
        ? GRAPH_RESOURCE
        : resource.toLowerCase() === GRAPH_APP_ID
          ? GRAPH_APP_ID
          : undefined;
    if (aud === undefined) {
      return oauthError(
        req,
        fail(
          400,
          'invalid_resource',
          500011,
          `The resource principal named ${resource} was not found in the tenant named ${pathTenant}. This issuer grants tokens for ${GRAPH_RESOURCE} (${GRAPH_APP_ID}) only.`,
        ),
      );
    }

    if (form.has('client_assertion')) {
      return oauthError(
        req,
        fail(401, 'invalid_client', 7000216, "This issuer does not accept 'client_assertion'; send 'client_secret'."),
      );
    }
    if (!secret) {
      return oauthError(
        req,
        fail(
          401,
          'invalid_client',
          7000216,
          "'client_assertion', 'client_secret' or 'request' is required for the 'client_credentials' grant type.",
        ),
      );
    }

    const multi = MULTI_TENANT.has(pathTenant);
    const decision = clients.authenticate(clientId, secret, multi ? undefined : pathTenant);
    const challenge = basic !== undefined ? { 'WWW-Authenticate': 'Basic realm=""' } : undefined;
    if (!decision.ok) {
      if (decision.reason === 'bad_secret') {
        return oauthError(
          req,
          fail(
            401,
            'invalid_client',
            7000215,
            `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
            challenge,
          ),
        );
      }
      if (multi) return noTenant(req);
      return oauthError(
        req,
        fail(
          400,
          'unauthorized_client',
          700016,
          `Application with identifier '${clientId}' was not found in the directory '${pathTenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
        ),
      );
    }
    const tenant = decision.tenant ?? (multi ? undefined : pathTenant);
    if (tenant === undefined) return noTenant(req);

    const accessToken = await issuer.mintToken({
      tenant: normalizeTenant(tenant),
      app: clientId,
      roles: decision.roles,
      aud,
      ttlSeconds: ttl,
    });
    return {
      status: 200,
      headers: { 'Content-Type': JSON_TYPE, 'Cache-Control': 'no-store, no-cache', Pragma: 'no-cache' },
      body: JSON.stringify({ token_type: 'Bearer', expires_in: ttl, ext_expires_in: ttl, access_token: accessToken }),
    };
  }

  const noTenant = (req: ApiRequest): ApiResponse =>
    oauthError(
      req,
      fail(
        400,
        'invalid_request',
        50059,
        'No tenant-identifying information found in either the request or implied by any provided credentials. Use a tenant-specific endpoint: /{tenant}/oauth2/v2.0/token.',
      ),
    );

  return {
    async handle(req) {
      const q = req.url.indexOf('?');
      const path = q < 0 ? req.url : req.url.slice(0, q);
      const m = ROUTE.exec(path);
      if (!m) return undefined;
      const endpoint = ENDPOINT[m[2] as string] as Endpoint;
      let tenant: string;
      try {
        tenant = decodeURIComponent(m[1] as string);
      } catch {
        return undefined;
      }
      if (!MULTI_TENANT.has(tenant.toLowerCase()) && !TENANT.test(tenant)) {
        return oauthError(
          req,
          fail(
            400,
            'invalid_request',
            900023,
            `Specified tenant identifier '${tenant}' is neither a valid DNS name, nor a valid external domain.`,
          ),
        );
      }
      tenant = MULTI_TENANT.has(tenant.toLowerCase()) ? tenant.toLowerCase() : normalizeTenant(tenant);
      if (endpoint === 'token') {
        if (req.method !== 'POST') return methodNotAllowed(req, 'POST', 'POST');
        return token(req, tenant);
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') return methodNotAllowed(req, 'GET', 'GET, HEAD');
      return endpoint === 'keys' ? keys(req) : discovery(req, tenant);
    },
  };
}

function issuerFromStore(deps: IssuerRoutesDeps): LocalIssuer {
  if (!deps.keyStore || !deps.issuerBase)
    throw new TypeError("createIssuerRoutes needs 'issuer', or 'keyStore' and 'issuerBase'.");
  return createLocalIssuer({ keys: new KeyRing(deps.keyStore), issuerBase: deps.issuerBase });
}

/** The form body of a token request, or undefined when the body is not form-encoded. */
function parseForm(req: ApiRequest): URLSearchParams | undefined {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== '' && type !== 'application/x-www-form-urlencoded') return undefined;
  const body = req.body;
  if (body === undefined) return new URLSearchParams();
  if (typeof body === 'string') return new URLSearchParams(body);
  if (Buffer.isBuffer(body)) return new URLSearchParams(body.toString('utf8'));
  return undefined;
}

/**
 * `Authorization: Basic` client credentials (RFC 6749 §2.3.1: each part form-encoded before base64). Undefined
 * when there is no Basic header; null when it is malformed.
 */
function basicCredentials(header: string | undefined): { id: string; secret: string } | null | undefined {
  if (header === undefined || header.slice(0, 6).toLowerCase() !== 'basic ') return undefined;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  return { id: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)) };
}

/** Clients that skip the form-encoding step send raw text; when it does not decode, take it as is. */
function formDecode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}
