/**
 * The client-credentials grant (RFC 6749 §4.4) with Entra's parameter rules: which request gets a token, and for
 * which tenant, audience and roles. Failures are rows of the AADSTS table, answered by the token endpoint.
 */
import { failure, type OAuthFailure } from './aadsts.js';
import type { ClientRegistry } from './clients.js';
import { MULTI_TENANT } from './discovery.js';
import type { EndpointRequest } from './endpoint.js';
import { basicCredentials, parseForm } from './form.js';
import { GRAPH_APP_ID, GRAPH_RESOURCE, type LocalIssuer, normalizeTenant } from './issuer.js';

const DEFAULT_SUFFIX = '/.default';
const TOKEN_PATH = '/{tenant}/oauth2/v2.0/token';

export interface GrantDeps {
  readonly issuer: LocalIssuer;
  readonly clients: ClientRegistry;
  readonly ttlSeconds: number;
}

export type GrantResult =
  | { readonly ok: true; readonly accessToken: string }
  | { readonly ok: false; readonly failure: OAuthFailure };

const fail = (f: OAuthFailure): GrantResult => ({ ok: false, failure: f });

/** The client's id and secret, from HTTP Basic or the form, never both. */
function clientCredentials(
  req: EndpointRequest,
  form: URLSearchParams,
): { id: string | undefined; secret: string | undefined; basic: boolean } | OAuthFailure {
  const id = form.get('client_id') ?? undefined;
  const secret = form.get('client_secret') ?? undefined;
  const basic = basicCredentials(req.headers.authorization);
  if (basic === null) return failure('malformedBasic', {});
  if (basic === undefined) return { id, secret, basic: false };
  if ((id !== undefined && id !== basic.id) || secret !== undefined) return failure('basicAndForm', {});
  return { id: basic.id, secret: basic.secret, basic: true };
}

/** The audience a `…/.default` scope asks for: Graph by its URI or its app id, nothing else. */
function audienceOf(scope: string, pathTenant: string): string | OAuthFailure {
  const scopes = scope.split(' ').filter(Boolean);
  if (scopes.length !== 1 || !scopes[0]?.endsWith(DEFAULT_SUFFIX)) return failure('invalidScope', { scope });
  const resource = scopes[0].slice(0, -DEFAULT_SUFFIX.length).replace(/\/+$/, '');
  const lower = resource.toLowerCase();
  if (lower === GRAPH_RESOURCE) return GRAPH_RESOURCE;
  if (lower === GRAPH_APP_ID) return GRAPH_APP_ID;
  return failure('unknownResource', { resource, tenant: pathTenant, graph: GRAPH_RESOURCE, graphAppId: GRAPH_APP_ID });
}

export async function clientCredentialsGrant(
  deps: GrantDeps,
  req: EndpointRequest,
  pathTenant: string,
): Promise<GrantResult> {
  const form = parseForm(req);
  const grant = form?.get('grant_type');
  if (!form || !grant) return fail(failure('missingParameter', { name: 'grant_type' }));
  if (grant !== 'client_credentials') return fail(failure('unsupportedGrant', { grant }));

  const client = clientCredentials(req, form);
  if ('key' in client) return fail(client);
  const clientId = client.id;
  if (!clientId) return fail(failure('missingParameter', { name: 'client_id' }));

  const scope = form.get('scope');
  if (!scope) return fail(failure('missingParameter', { name: 'scope' }));
  const aud = audienceOf(scope, pathTenant);
  if (typeof aud !== 'string') return fail(aud);

  if (form.has('client_assertion')) return fail(failure('clientAssertion', {}));
  if (!client.secret) return fail(failure('missingSecret', {}));

  const multi = MULTI_TENANT.has(pathTenant);
  const decision = deps.clients.authenticate(clientId, client.secret, multi ? undefined : pathTenant);
  if (!decision.ok) {
    if (decision.reason === 'bad_secret') {
      const challenge = client.basic ? { 'WWW-Authenticate': 'Basic realm=""' } : undefined;
      return fail(failure('badSecret', { client: clientId }, challenge));
    }
    if (multi) return fail(failure('noTenant', { endpoint: TOKEN_PATH }));
    return fail(failure('unknownClient', { client: clientId, tenant: pathTenant }));
  }
  const tenant = decision.tenant ?? (multi ? undefined : pathTenant);
  if (tenant === undefined) return fail(failure('noTenant', { endpoint: TOKEN_PATH }));

  const accessToken = await deps.issuer.mintToken({
    tenant: normalizeTenant(tenant),
    app: clientId,
    roles: decision.roles,
    aud,
    ttlSeconds: deps.ttlSeconds,
  });
  return { ok: true, accessToken };
}
