/**
 * The issuer's OpenID Connect discovery document, shaped like Entra ID's v2.0 one. `issuer` is the local issuer's
 * name (a property of the database); the endpoints name the host the request came in on, so a client reaches them
 * however it reached the server.
 */
import { GRAPH_RESOURCE, type LocalIssuer } from './issuer.js';

/** Path tenants that name no tenant: discovery reports Entra's `{tenantid}` template issuer for them. */
export const MULTI_TENANT: ReadonlySet<string> = new Set(['common', 'organizations']);

const CLAIMS = ['aud', 'iss', 'iat', 'nbf', 'exp', 'tid', 'oid', 'sub', 'appid', 'azp', 'scp', 'roles', 'idtyp', 'ver'];

export function discoveryDocument(issuer: LocalIssuer, baseUrl: string, tenant: string): Record<string, unknown> {
  const base = baseUrl.replace(/\/+$/, '');
  const t = encodeURIComponent(tenant);
  return {
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
    claims_supported: CLAIMS,
    request_uri_parameter_supported: false,
    msgraph_host: 'graph.microsoft.com',
  };
}
