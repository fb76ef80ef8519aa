/**
 * Graph tokens for the holder of the admin key (docs/admin.md#graph-tokens): the console, and any script that has
 * the key, reads and writes a tenant through the public Graph API with a token of the local issuer. The token
 * endpoint may be closed by a clients file; the admin key already opens everything, so it may ask here instead.
 */
import { normalizeTenant } from '../../auth/issuer.js';
import { badRequest, notFound } from '../../util/errors.js';
import { json, ref } from '../answer.js';
import type { Route } from '../router.js';

/** Mints an application token for a tenant with the issuer's default roles; absent when the issuer is not local. */
export type MintGraphToken = (
  tenant: string,
) => Promise<{ readonly accessToken: string; readonly expiresIn: number; readonly roles: readonly string[] }>;

export const TOKEN_SCHEMAS = {
  GraphToken: {
    type: 'object',
    additionalProperties: false,
    required: ['token_type', 'access_token', 'expires_in', 'tenant', 'roles'],
    properties: {
      token_type: { type: 'string', enum: ['Bearer'] },
      access_token: { type: 'string', description: 'A Graph access token of the local issuer for the tenant.' },
      expires_in: { type: 'integer', description: 'Seconds it is valid for.' },
      tenant: { type: 'string', description: 'Its `tid`.' },
      roles: { type: 'array', items: { type: 'string' }, description: 'Its `roles`: the issuer’s default roles.' },
    },
  },
} as const;

/** A tenant id (GUID) or a domain-like name, as the token endpoint accepts in its path. */
const TENANT = /^[0-9a-z](?:[0-9a-z-]{0,61}[0-9a-z])?(?:\.[0-9a-z](?:[0-9a-z-]{0,61}[0-9a-z])?)*$/i;

export function tokenRoutes(mint: MintGraphToken | undefined): Route[] {
  return [
    {
      method: 'POST',
      path: '/tenants/{tid}/token',
      operationId: 'createGraphToken',
      summary: 'A Graph access token for the tenant, with the default roles of the local issuer',
      params: { tid: 'The tenant id (a GUID) or a domain name.' },
      answer: { status: 200, description: 'The token, as an OAuth token answer.', schema: { $ref: ref('GraphToken') } },
      errors: [404],
      async handle({ req, params }) {
        if (!TENANT.test(params.tid!))
          throw badRequest(`The tenant '${params.tid}' is not a tenant id (a GUID) or a domain name.`, 'tid');
        const tenant = normalizeTenant(params.tid!);
        if (!mint)
          throw notFound(
            'This server verifies tokens of an external issuer (--auth oidc); it mints none. Get one from that issuer.',
          );
        const t = await mint(tenant);
        return json(
          req,
          200,
          { token_type: 'Bearer', access_token: t.accessToken, expires_in: t.expiresIn, tenant, roles: t.roles },
          { 'Cache-Control': 'no-store', Pragma: 'no-cache' },
        );
      },
    },
  ];
}
