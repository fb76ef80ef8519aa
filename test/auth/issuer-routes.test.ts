import { randomUUID } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ApiRequest, ApiResponse } from '../../src/api/types.js';
import { createClientRegistry } from '../../src/auth/clients.js';
import { GRAPH_APP_ID, issuerUrl } from '../../src/auth/issuer.js';
import { FULL_ACCESS } from '../../src/auth/permissions.js';
import { createIssuerRoutes, type IssuerRoutes } from '../../src/auth/token-endpoint.js';
import { createVerifier, type Verifier } from '../../src/auth/verify.js';
import { BASE, type Setup, setup, T0, TENANT } from './fixtures.js';

const HOST = 'https://api.example:9443';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const GRAPH_DEFAULT = 'https://graph.microsoft.com/.default';

function request(
  method: string,
  url: string,
  opts: { headers?: Record<string, string>; body?: string | Buffer } = {},
): ApiRequest {
  return {
    method,
    url,
    headers: opts.headers ?? {},
    ...(opts.body !== undefined ? { body: opts.body } : {}),
    baseUrl: HOST,
    requestId: randomUUID(),
  };
}

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
const json = (r: ApiResponse | undefined) => JSON.parse(r?.body ?? 'null');

describe('issuer routes', () => {
  let s: Setup;
  let routes: IssuerRoutes;
  let verifier: Verifier;

  beforeAll(() => {
    s = setup();
    routes = createIssuerRoutes({ issuer: s.issuer, clients: createClientRegistry(), clock: s.clock });
    verifier = createVerifier({ mode: 'local', keys: s.ring, issuerBase: BASE, clock: s.clock });
  });

  const token = (fields: Record<string, string>, headers: Record<string, string> = {}, tenant = TENANT, r = routes) =>
    r.handle(request('POST', `/${tenant}/oauth2/v2.0/token`, { headers: { ...FORM, ...headers }, body: form(fields) }));

  it('leaves other paths alone', async () => {
    for (const url of ['/v1.0/deviceAppManagement/mobileAppConfigurations', '/', '/healthz', `/${TENANT}/v2.0/other`]) {
      expect(await routes.handle(request('GET', url))).toBeUndefined();
    }
  });

  it('serves the discovery document: issuer from the configured base, endpoints on the request host', async () => {
    const r = await routes.handle(request('GET', `/${TENANT}/v2.0/.well-known/openid-configuration`));
    expect(r?.status).toBe(200);
    expect(r?.headers['Content-Type']).toMatch(/^application\/json/);
    expect(json(r)).toMatchObject({
      issuer: `${BASE}/${TENANT}/v2.0`,
      token_endpoint: `${HOST}/${TENANT}/oauth2/v2.0/token`,
      jwks_uri: `${HOST}/${TENANT}/discovery/v2.0/keys`,
      token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
      grant_types_supported: ['client_credentials'],
      id_token_signing_alg_values_supported: expect.arrayContaining(['RS256', 'ES256']),
      response_types_supported: expect.any(Array),
      subject_types_supported: expect.any(Array),
    });
    // The v1-style path and the multi-tenant alias.
    const alias = json(await routes.handle(request('GET', `/${TENANT}/.well-known/openid-configuration`)));
    expect(alias.issuer).toBe(`${BASE}/${TENANT}/v2.0`);
    const common = json(await routes.handle(request('GET', '/common/v2.0/.well-known/openid-configuration')));
    expect(common.issuer).toBe(`${BASE}/{tenantid}/v2.0`);
    expect(common.token_endpoint).toBe(`${HOST}/common/oauth2/v2.0/token`);
    // GUIDs are normalised to lower case, as Entra writes tid.
    const upper = json(
      await routes.handle(request('GET', `/${TENANT.toUpperCase()}/v2.0/.well-known/openid-configuration`)),
    );
    expect(upper.issuer).toBe(`${BASE}/${TENANT}/v2.0`);
  });

  it('serves the JWKS: public keys only, with kid, alg and use', async () => {
    await s.ring.signingKey();
    const r = await routes.handle(request('GET', `/${TENANT}/discovery/v2.0/keys`));
    expect(r?.status).toBe(200);
    const { keys } = json(r);
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig', kid: expect.any(String) });
    expect(keys[0].d).toBeUndefined();
    const head = await routes.handle(request('HEAD', `/${TENANT}/discovery/keys`));
    expect(head?.status).toBe(200);
    expect(head?.body).toBeUndefined();
  });

  it('grants a client-credentials token (secret in the form) that the verifier accepts', async () => {
    const r = await token({
      grant_type: 'client_credentials',
      client_id: 'my-app',
      client_secret: 's',
      scope: GRAPH_DEFAULT,
    });
    expect(r?.status).toBe(200);
    expect(r?.headers['Cache-Control']).toBe('no-store, no-cache');
    const body = json(r);
    expect(body).toEqual({
      token_type: 'Bearer',
      expires_in: 3600,
      ext_expires_in: 3600,
      access_token: expect.any(String),
    });
    const claims = decodeJwt(body.access_token);
    expect(claims).toMatchObject({
      aud: 'https://graph.microsoft.com',
      iss: issuerUrl(BASE, TENANT),
      tid: TENANT,
      appid: 'my-app',
      azp: 'my-app',
      idtyp: 'app',
      roles: [...FULL_ACCESS],
      exp: Math.floor(T0 / 1000) + 3600,
    });
    expect(claims.oid).toMatch(/^[0-9a-f-]{36}$/);
    expect(claims.scp).toBeUndefined();
    expect(decodeProtectedHeader(body.access_token)).toMatchObject({
      typ: 'JWT',
      alg: 'ES256',
      kid: expect.any(String),
    });
    await expect(verifier.verify(`Bearer ${body.access_token}`)).resolves.toMatchObject({
      tenant: TENANT,
      app: 'my-app',
      kind: 'application',
    });
  });

  it('accepts HTTP Basic client authentication and Buffer bodies, and the Graph app-id scope', async () => {
    const r = await routes.handle(
      request('POST', `/${TENANT}/oauth2/v2.0/token`, {
        headers: { ...FORM, authorization: basic('my app', 'p@ss:word') },
        body: Buffer.from(form({ grant_type: 'client_credentials', scope: `${GRAPH_APP_ID}/.default` })),
      }),
    );
    expect(r?.status).toBe(200);
    const claims = decodeJwt(json(r).access_token);
    expect(claims.aud).toBe(GRAPH_APP_ID);
    expect(claims.appid).toBe('my app');
  });

  const base = { grant_type: 'client_credentials', client_id: 'c', client_secret: 's', scope: GRAPH_DEFAULT };
  type ErrCase = [
    name: string,
    run: () => Promise<ApiResponse | undefined>,
    status: number,
    error: string,
    code: number,
  ];
  const cases: ErrCase[] = [
    [
      'GET on the token endpoint',
      () => routes.handle(request('GET', `/${TENANT}/oauth2/v2.0/token`)),
      405,
      'invalid_request',
      900561,
    ],
    ['no grant_type', () => token({ ...base, grant_type: '' }), 400, 'invalid_request', 900144],
    [
      'a JSON body',
      () =>
        routes.handle(
          request('POST', `/${TENANT}/oauth2/v2.0/token`, {
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(base),
          }),
        ),
      400,
      'invalid_request',
      900144,
    ],
    ['another grant', () => token({ ...base, grant_type: 'password' }), 400, 'unsupported_grant_type', 70003],
    [
      'no client_id',
      () => token({ grant_type: 'client_credentials', client_secret: 's', scope: GRAPH_DEFAULT }),
      400,
      'invalid_request',
      900144,
    ],
    ['no scope', () => token({ ...base, scope: '' }), 400, 'invalid_request', 900144],
    [
      'a scope without /.default',
      () => token({ ...base, scope: 'https://graph.microsoft.com/User.Read' }),
      400,
      'invalid_scope',
      1002012,
    ],
    ['two scopes', () => token({ ...base, scope: `${GRAPH_DEFAULT} openid` }), 400, 'invalid_scope', 1002012],
    [
      'another resource',
      () => token({ ...base, scope: 'https://management.azure.com/.default' }),
      400,
      'invalid_resource',
      500011,
    ],
    ['no secret', () => token({ ...base, client_secret: '' }), 401, 'invalid_client', 7000216],
    [
      'a client assertion',
      () =>
        token({
          ...base,
          client_secret: '',
          client_assertion: 'x',
          client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        }),
      401,
      'invalid_client',
      7000216,
    ],
    [
      'Basic and form credentials together',
      () => token(base, { authorization: basic('c', 's') }),
      400,
      'invalid_request',
      900144,
    ],
    ['a bad tenant segment', () => token(base, {}, 'not_a_tenant!'), 400, 'invalid_request', 900023],
    ['/common with no tenant to infer', () => token(base, {}, 'common'), 400, 'invalid_request', 50059],
  ];

  it.each(cases)('answers %s with an Entra-shaped error', async (_name, run, status, error, code) => {
    const r = await run();
    expect(r?.status).toBe(status);
    expect(r?.headers['Content-Type']).toMatch(/^application\/json/);
    const body = json(r);
    expect(body).toMatchObject({
      error,
      error_codes: [code],
      timestamp: '2025-01-15 12:00:00Z',
      trace_id: expect.any(String),
      correlation_id: expect.any(String),
    });
    expect(body.error_description).toMatch(
      new RegExp(`^AADSTS${code}: .+ Trace ID: .+ Correlation ID: .+ Timestamp: `),
    );
  });

  it('echoes client-request-id as the correlation id', async () => {
    const r = await token({ ...base, grant_type: 'password' }, { 'client-request-id': 'corr-1' });
    expect(json(r).correlation_id).toBe('corr-1');
    const viaQuery = await routes.handle(
      request('POST', `/${TENANT}/oauth2/v2.0/token?client-request-id=corr-2`, {
        headers: FORM,
        body: form({ ...base, grant_type: 'password' }),
      }),
    );
    expect(json(viaQuery).correlation_id).toBe('corr-2');
  });

  describe('with a clients file', () => {
    const BOUND = '22222222-2222-2222-2222-222222222222';
    let restricted: IssuerRoutes;
    beforeAll(() => {
      restricted = createIssuerRoutes({
        issuer: s.issuer,
        clock: s.clock,
        clients: [
          {
            clientId: 'reader',
            clientSecret: 'r',
            roles: ['DeviceManagementApps.Read.All', 'DeviceManagementConfiguration.Read.All'],
          },
          { clientId: 'bound', clientSecret: 'b', tenant: BOUND, roles: ['DeviceManagementApps.ReadWrite.All'] },
        ],
      });
    });
    const grant = (id: string, secret: string, tenant = TENANT) =>
      token(
        { grant_type: 'client_credentials', client_id: id, client_secret: secret, scope: GRAPH_DEFAULT },
        {},
        tenant,
        restricted,
      );

    it("grants the client's roles", async () => {
      const r = await grant('reader', 'r');
      expect(r?.status).toBe(200);
      expect(decodeJwt(json(r).access_token).roles).toEqual([
        'DeviceManagementApps.Read.All',
        'DeviceManagementConfiguration.Read.All',
      ]);
    });

    it('refuses a wrong secret (401 invalid_client) and an unknown client (400 unauthorized_client)', async () => {
      const bad = await grant('reader', 'R');
      expect(bad?.status).toBe(401);
      expect(json(bad)).toMatchObject({ error: 'invalid_client', error_codes: [7000215] });
      const unknown = await grant('someone', 'r');
      expect(unknown?.status).toBe(400);
      expect(json(unknown)).toMatchObject({ error: 'unauthorized_client', error_codes: [700016] });
      expect(json(unknown).error_description).toContain(
        `Application with identifier 'someone' was not found in the directory '${TENANT}'`,
      );
    });

    it('keeps a tenant-bound client to its tenant, and infers it on /common', async () => {
      const elsewhere = await grant('bound', 'b', TENANT);
      expect(json(elsewhere)).toMatchObject({ error: 'unauthorized_client', error_codes: [700016] });
      const common = await grant('bound', 'b', 'common');
      expect(common?.status).toBe(200);
      expect(decodeJwt(json(common).access_token)).toMatchObject({ tid: BOUND, iss: issuerUrl(BASE, BOUND) });
    });

    it('answers a wrong Basic secret with a Basic challenge', async () => {
      const r = await token(
        { grant_type: 'client_credentials', scope: GRAPH_DEFAULT },
        { authorization: basic('reader', 'nope') },
        TENANT,
        restricted,
      );
      expect(r?.status).toBe(401);
      expect(r?.headers['WWW-Authenticate']).toBe('Basic realm=""');
    });
  });

  it('can be built from a key store and an issuer base', async () => {
    const r = createIssuerRoutes({
      keyStore: s.store,
      issuerBase: `${BASE}/`,
      defaultRoles: ['DeviceManagementApps.Read.All'],
    });
    const doc = json(await r.handle(request('GET', `/${TENANT}/v2.0/.well-known/openid-configuration`)));
    expect(doc.issuer).toBe(`${BASE}/${TENANT}/v2.0`);
    const res = await token(base, {}, TENANT, r);
    const realTime = createVerifier({ mode: 'local', keyStore: s.store, issuerBase: BASE });
    await expect(realTime.verify(`Bearer ${json(res).access_token}`)).resolves.toMatchObject({
      permissions: new Set(['DeviceManagementApps.Read.All']),
    });
  });
});
