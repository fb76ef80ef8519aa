/**
 * The AADSTS table is the whole list of the issuer endpoints' errors: each row is well-formed, and each is what
 * the endpoints answer for the request that should meet it (status, `error`, code and the filled message).
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { AADSTS, type AadstsKey, fill } from '../../src/auth/aadsts.js';
import { createClientRegistry } from '../../src/auth/clients.js';
import type { EndpointRequest, EndpointResponse } from '../../src/auth/endpoint.js';
import { GRAPH_APP_ID, GRAPH_RESOURCE } from '../../src/auth/issuer.js';
import { createIssuerRoutes, type IssuerRoutes } from '../../src/auth/token-endpoint.js';
import { setup, TENANT } from './fixtures.js';

const OAUTH_ERRORS = [
  'invalid_request',
  'invalid_client',
  'invalid_scope',
  'invalid_resource',
  'unauthorized_client',
  'unsupported_grant_type',
];
const SCOPE = 'https://graph.microsoft.com/.default';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const ok = { grant_type: 'client_credentials', client_id: 'known', client_secret: 's', scope: SCOPE };

function request(method: string, url: string, fields?: Record<string, string>, headers = {}): EndpointRequest {
  return {
    method,
    url,
    headers: { ...FORM, ...headers },
    ...(fields ? { body: new URLSearchParams(fields).toString() } : {}),
    baseUrl: 'https://localhost:8443',
    requestId: randomUUID(),
  };
}

describe('the AADSTS table', () => {
  it('has well-formed rows', () => {
    for (const [key, row] of Object.entries(AADSTS)) {
      expect(Number.isInteger(row.code) && row.code > 0, key).toBe(true);
      expect([400, 401, 405], key).toContain(row.status);
      expect(OAUTH_ERRORS, key).toContain(row.error);
      expect(row.message, key).toMatch(/[.]$/);
    }
  });

  it('fills placeholders once, leaving braces inside values alone', () => {
    expect(fill('a {x} b {y}.', { x: '{y}', y: '2' })).toBe('a {y} b 2.');
  });

  describe('is what the endpoints answer', () => {
    let routes: IssuerRoutes;
    beforeAll(() => {
      routes = createIssuerRoutes({
        issuer: setup().issuer,
        clients: createClientRegistry({ clients: [{ clientId: 'known', clientSecret: 's', roles: ['X'] }] }),
      });
    });
    const token = (fields: Record<string, string>, headers = {}, tenant = TENANT) =>
      routes.handle(request('POST', `/${tenant}/oauth2/v2.0/token`, fields, headers));
    const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

    // One request per row, and the parameters its message must be filled with.
    const triggers: Record<AadstsKey, [() => Promise<EndpointResponse | undefined>, Record<string, string>]> = {
      invalidTenant: [() => token(ok, {}, 'not_a_tenant!'), { tenant: 'not_a_tenant!' }],
      methodNotAllowed: [
        () => routes.handle(request('GET', `/${TENANT}/oauth2/v2.0/token`)),
        { accepted: 'POST', method: 'GET' },
      ],
      missingParameter: [() => token({ ...ok, scope: '' }), { name: 'scope' }],
      basicAndForm: [() => token(ok, { authorization: basic('known', 's') }), {}],
      unsupportedGrant: [() => token({ ...ok, grant_type: 'password' }), { grant: 'password' }],
      malformedBasic: [() => token({ ...ok, client_id: '' }, { authorization: 'Basic bm8tY29sb24=' }), {}],
      invalidScope: [() => token({ ...ok, scope: 'User.Read' }), { scope: 'User.Read' }],
      unknownResource: [
        () => token({ ...ok, scope: 'api://other/.default' }),
        { resource: 'api://other', tenant: TENANT, graph: GRAPH_RESOURCE, graphAppId: GRAPH_APP_ID },
      ],
      clientAssertion: [() => token({ ...ok, client_secret: '', client_assertion: 'x' }), {}],
      missingSecret: [() => token({ ...ok, client_secret: '' }), {}],
      badSecret: [() => token({ ...ok, client_secret: 'wrong' }), { client: 'known' }],
      unknownClient: [() => token({ ...ok, client_id: 'stranger' }), { client: 'stranger', tenant: TENANT }],
      noTenant: [
        () => token({ ...ok, client_id: 'stranger' }, {}, 'common'),
        { endpoint: '/{tenant}/oauth2/v2.0/token' },
      ],
    };

    it('covers every row', () => {
      expect(Object.keys(triggers).sort()).toEqual(Object.keys(AADSTS).sort());
    });

    it.each(Object.keys(AADSTS) as AadstsKey[])('%s', async (key) => {
      const row = AADSTS[key];
      const [send, params] = triggers[key];
      const r = await send();
      expect(r?.status).toBe(row.status);
      const body = JSON.parse(r?.body ?? 'null');
      expect(body.error).toBe(row.error);
      expect(body.error_codes).toEqual([row.code]);
      expect(body.error_description.startsWith(`AADSTS${row.code}: ${fill(row.message, params)} Trace ID: `)).toBe(
        true,
      );
    });
  });
});
