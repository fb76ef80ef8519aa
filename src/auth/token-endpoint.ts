/**
 * The local issuer's HTTP endpoints, shaped like Entra ID's v2.0 endpoints so that MSAL and `@azure/identity` can
 * be pointed at this server (docs/clients.md):
 *
 *   GET  /{tenant}/v2.0/.well-known/openid-configuration   (also /{tenant}/.well-known/openid-configuration)
 *   GET  /{tenant}/discovery/v2.0/keys                     (also /{tenant}/discovery/keys)
 *   POST /{tenant}/oauth2/v2.0/token                       client-credentials grant only
 *
 * `{tenant}` is a tenant id, or `common` / `organizations` (discovery reports the `{tenantid}` template issuer, and
 * the token endpoint then needs a client bound to one tenant). Framework-free: a request in, a response out.
 */
import { failure, type OAuthFailure, oauthErrorResponse } from './aadsts.js';
import { clientCredentialsGrant, type GrantDeps } from './client-credentials.js';
import { type ClientEntry, type ClientRegistry, createClientRegistry } from './clients.js';
import { discoveryDocument, MULTI_TENANT } from './discovery.js';
import { type EndpointRequest, type EndpointResponse, JSON_TYPE, jsonResponse, NO_STORE } from './endpoint.js';
import { createLocalIssuer, DEFAULT_TOKEN_TTL, type LocalIssuer, normalizeTenant } from './issuer.js';
import { KeyRing, type KeyStore } from './keys.js';

export interface IssuerRoutesDeps {
  /** The issuer (share its key ring with the verifier); or give `keyStore` and `issuerBase` and one is made. */
  readonly issuer?: LocalIssuer;
  readonly keyStore?: KeyStore;
  readonly issuerBase?: string;
  /** A registry, or the clients file's entries; default: any client, granted `defaultRoles`. */
  readonly clients?: ClientRegistry | readonly ClientEntry[];
  /** Roles for any client when there is no clients file. Default: every permission served (`DEFAULT_ROLES`). */
  readonly defaultRoles?: readonly string[];
  /** Lifetime of tokens from the token endpoint, seconds. Default 3,600. */
  readonly tokenTtlSeconds?: number;
  /** Milliseconds since the epoch; default `Date.now`. */
  readonly clock?: () => number;
}

export interface IssuerRoutes {
  /** The response for an issuer path, or undefined for any other path. */
  handle(req: EndpointRequest): Promise<EndpointResponse | undefined>;
}

/** A tenant id (GUID) or a verified-domain-like name, as Entra accepts in the path. */
const TENANT = /^(?:[0-9a-z](?:[0-9a-z-]{0,61}[0-9a-z])?)(?:\.[0-9a-z](?:[0-9a-z-]{0,61}[0-9a-z])?)*$/i;
const ROUTE =
  /^\/([^/?#]+)\/(v2\.0\/\.well-known\/openid-configuration|\.well-known\/openid-configuration|discovery\/v2\.0\/keys|discovery\/keys|oauth2\/v2\.0\/token)$/;

type Endpoint = 'discovery' | 'keys' | 'token';
const ENDPOINT: Record<string, Endpoint> = {
  'v2.0/.well-known/openid-configuration': 'discovery',
  '.well-known/openid-configuration': 'discovery',
  'discovery/v2.0/keys': 'keys',
  'discovery/keys': 'keys',
  'oauth2/v2.0/token': 'token',
};

/** Which endpoint and tenant a path names: undefined for other paths, a failure for a malformed tenant. */
function route(url: string): { endpoint: Endpoint; tenant: string } | OAuthFailure | undefined {
  const q = url.indexOf('?');
  const m = ROUTE.exec(q < 0 ? url : url.slice(0, q));
  if (!m) return undefined;
  let tenant: string;
  try {
    tenant = decodeURIComponent(m[1] as string);
  } catch {
    return undefined;
  }
  const lower = tenant.toLowerCase();
  if (MULTI_TENANT.has(lower)) return { endpoint: ENDPOINT[m[2] as string] as Endpoint, tenant: lower };
  if (!TENANT.test(tenant)) return failure('invalidTenant', { tenant });
  return { endpoint: ENDPOINT[m[2] as string] as Endpoint, tenant: normalizeTenant(tenant) };
}

function clientRegistry(deps: IssuerRoutesDeps): ClientRegistry {
  if (deps.clients !== undefined && !Array.isArray(deps.clients)) return deps.clients as ClientRegistry;
  return createClientRegistry({
    ...(deps.clients ? { clients: deps.clients as readonly ClientEntry[] } : {}),
    ...(deps.defaultRoles ? { defaultRoles: deps.defaultRoles } : {}),
  });
}

function issuerOf(deps: IssuerRoutesDeps): LocalIssuer {
  if (deps.issuer) return deps.issuer;
  if (!deps.keyStore || !deps.issuerBase)
    throw new TypeError("createIssuerRoutes needs 'issuer', or 'keyStore' and 'issuerBase'.");
  return createLocalIssuer({ keys: new KeyRing(deps.keyStore), issuerBase: deps.issuerBase });
}

export function createIssuerRoutes(deps: IssuerRoutesDeps): IssuerRoutes {
  const grant: GrantDeps = {
    issuer: issuerOf(deps),
    clients: clientRegistry(deps),
    ttlSeconds: deps.tokenTtlSeconds ?? DEFAULT_TOKEN_TTL,
  };
  const clock = deps.clock ?? Date.now;
  const error = (req: EndpointRequest, f: OAuthFailure) => oauthErrorResponse(req, f, clock());
  const wrongMethod = (req: EndpointRequest, accepted: string, allow: string) =>
    error(req, failure('methodNotAllowed', { accepted, method: req.method }, { Allow: allow }));

  async function token(req: EndpointRequest, tenant: string): Promise<EndpointResponse> {
    const r = await clientCredentialsGrant(grant, req, tenant);
    if (!r.ok) return error(req, r.failure);
    const ttl = grant.ttlSeconds;
    return {
      status: 200,
      headers: { 'Content-Type': JSON_TYPE, ...NO_STORE },
      body: JSON.stringify({ token_type: 'Bearer', expires_in: ttl, ext_expires_in: ttl, access_token: r.accessToken }),
    };
  }

  return {
    async handle(req) {
      const r = route(req.url);
      if (r === undefined) return undefined;
      if ('key' in r) return error(req, r);
      if (r.endpoint === 'token') {
        return req.method === 'POST' ? token(req, r.tenant) : wrongMethod(req, 'POST', 'POST');
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') return wrongMethod(req, 'GET', 'GET, HEAD');
      if (r.endpoint === 'discovery')
        return jsonResponse(req, discoveryDocument(grant.issuer, req.baseUrl, r.tenant), 'max-age=86400, private');
      // Short: a rotation elsewhere should reach clients soon (jose re-fetches on an unknown kid anyway).
      return jsonResponse(req, await grant.issuer.keys.jwks(), 'max-age=300, private');
    },
  };
}
