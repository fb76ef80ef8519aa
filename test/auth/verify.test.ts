import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type CryptoKey, exportJWK, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createClientRegistry } from '../../src/auth/clients.js';
import { GRAPH_APP_ID, issuerUrl } from '../../src/auth/issuer.js';
import { createIssuerRoutes } from '../../src/auth/token-endpoint.js';
import { createVerifier, type Verifier } from '../../src/auth/verify.js';
import { ApiError } from '../../src/util/errors.js';
import {
  APP,
  BASE,
  claimsAt,
  foreignKey,
  OTHER_TENANT,
  type Setup,
  serveRoutes,
  setup,
  sign,
  T0,
  TENANT,
  unsecured,
} from './fixtures.js';

async function rejection(verifier: Verifier, authorization: string | undefined): Promise<ApiError> {
  const e = await verifier.verify(authorization).then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!(e instanceof ApiError)) throw new Error(`expected an ApiError, got ${String(e)}`);
  return e;
}

describe('local verifier', () => {
  let s: Setup;
  let verifier: Verifier;
  let kid: string;
  let key: CryptoKey;

  beforeAll(async () => {
    s = setup();
    const k = await s.ring.signingKey();
    kid = k.kid;
    key = k.key;
    verifier = createVerifier({ mode: 'local', keys: s.ring, issuerBase: BASE, clock: s.clock, cacheSize: 0 });
  });

  it('accepts an application token from the issuer', async () => {
    const token = await s.issuer.mintToken({ tenant: TENANT, app: APP, roles: ['DeviceManagementApps.Read.All'] });
    const p = await verifier.verify(`Bearer ${token}`);
    expect(p).toEqual({
      tenant: TENANT,
      app: APP,
      kind: 'application',
      permissions: new Set(['DeviceManagementApps.Read.All']),
      expiresAt: Math.floor(T0 / 1000) + 3600,
    });
    expect(p.user).toBeUndefined();
  });

  it('accepts a delegated token and takes the user from oid', async () => {
    const token = await s.issuer.mintToken({
      tenant: TENANT,
      user: 'Adele.Vance@contoso.example',
      scopes: 'DeviceManagementApps.Read.All User.Read',
    });
    const p = await verifier.verify(`bearer ${token}`); // the scheme is case-insensitive
    expect(p.kind).toBe('delegated');
    expect(p.permissions).toEqual(new Set(['DeviceManagementApps.Read.All', 'User.Read']));
    expect(p.user).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("accepts Graph's application id as the audience", async () => {
    const token = await s.issuer.mintToken({ tenant: TENANT, aud: GRAPH_APP_ID });
    await expect(verifier.verify(`Bearer ${token}`)).resolves.toMatchObject({ tenant: TENANT });
  });

  it('keeps tenants apart: the tenant is the token tid', async () => {
    const a = await verifier.verify(`Bearer ${await s.issuer.mintToken({ tenant: TENANT })}`);
    const b = await verifier.verify(`Bearer ${await s.issuer.mintToken({ tenant: OTHER_TENANT })}`);
    expect([a.tenant, b.tenant]).toEqual([TENANT, OTHER_TENANT]);
  });

  it('answers a missing header with a bare challenge', async () => {
    const e = await rejection(verifier, undefined);
    expect(e.status).toBe(401);
    expect(e.code).toBe('InvalidAuthenticationToken');
    expect(e.message).toMatch(/^Access token is empty\. No Authorization header: .*allowed hosts probably exclude/);
    expect(e.headers['WWW-Authenticate']).toBe(`Bearer realm="", client_id="${GRAPH_APP_ID}"`);
  });

  type Case = [name: string, make: () => Promise<string> | string, message: RegExp];
  const now = () => s.clock();
  const cases: Case[] = [
    ['not Bearer', () => 'Basic dXNlcjpwYXNz', /must use the Bearer scheme/],
    ['empty Bearer', () => 'Bearer ', /must use the Bearer scheme|empty/],
    ['malformed', () => 'Bearer not-a-jwt', /not a well-formed JWT/],
    ['two segments', () => 'Bearer abc.def', /not a well-formed JWT/],
    ['garbage JSON', () => 'Bearer eyJhbGciOiJFUzI1NiJ9.bm90IGpzb24.c2ln', /not a well-formed JWT|Signature/],
    [
      'alg none',
      () => `Bearer ${unsecured(claimsAt(now()), kid)}`,
      /algorithm 'none' is not allowed; accepted: RS256, ES256/,
    ],
    [
      'HS256',
      async () =>
        `Bearer ${await sign(claimsAt(now()), new TextEncoder().encode('x'.repeat(32)), { alg: 'HS256', kid })}`,
      /algorithm 'HS256' is not allowed/,
    ],
    [
      'PS256 (external issuers only)',
      async () =>
        `Bearer ${await sign(claimsAt(now()), (await generateKeyPair('PS256')).privateKey, { alg: 'PS256', kid })}`,
      /algorithm 'PS256' is not allowed/,
    ],
    [
      'signed by another key under our kid',
      async () => `Bearer ${await sign(claimsAt(now()), await foreignKey(), { alg: 'ES256', kid })}`,
      /Signature validation failed: the token was not signed by a key of this issuer/,
    ],
    [
      'signed by another key with its own kid',
      async () => `Bearer ${await sign(claimsAt(now()), await foreignKey(), { alg: 'ES256', kid: 'someone-else' })}`,
      /no signing key with kid 'someone-else'/,
    ],
    ['no kid', async () => `Bearer ${await sign(claimsAt(now()), key, { alg: 'ES256' })}`, /has no "kid"/],
    [
      'RS256 header on our ES256 key',
      async () => `Bearer ${await sign(claimsAt(now()), await foreignKey('RS256'), { alg: 'RS256', kid })}`,
      /is for ES256, but the token says RS256/,
    ],
    [
      'expired',
      async () =>
        `Bearer ${await sign(claimsAt(now(), { exp: Math.floor(now() / 1000) }), key, { alg: 'ES256', kid })}`,
      /^Lifetime validation failed, the token is expired\.$/,
    ],
    [
      'not yet valid',
      async () =>
        `Bearer ${await sign(claimsAt(now(), { nbf: Math.floor(now() / 1000) + 1 }), key, { alg: 'ES256', kid })}`,
      /^Lifetime validation failed, the token is not yet valid\.$/,
    ],
    [
      'no exp',
      async () => `Bearer ${await sign(claimsAt(now(), { exp: undefined }), key, { alg: 'ES256', kid })}`,
      /no 'exp' claim/,
    ],
    [
      'wrong audience',
      async () => `Bearer ${await sign(claimsAt(now(), { aud: 'api://other' }), key, { alg: 'ES256', kid })}`,
      /Invalid audience "api:\/\/other"; this API accepts 'https:\/\/graph.microsoft.com' or '00000003-/,
    ],
    [
      'wrong issuer',
      async () =>
        `Bearer ${await sign(claimsAt(now(), { iss: 'https://evil.example/x/v2.0' }), key, { alg: 'ES256', kid })}`,
      /Invalid issuer "https:\/\/evil.example\/x\/v2.0"; expected 'https:\/\/issuer.test:8443\/11111111-/,
    ],
    [
      "another tenant's issuer",
      async () =>
        `Bearer ${await sign(claimsAt(now(), { iss: issuerUrl(BASE, OTHER_TENANT) }), key, { alg: 'ES256', kid })}`,
      /Invalid issuer/,
    ],
    [
      'no tid',
      async () => `Bearer ${await sign(claimsAt(now(), { tid: undefined }), key, { alg: 'ES256', kid })}`,
      /no 'tid' \(tenant\) claim/,
    ],
    [
      'neither scp nor roles',
      async () => `Bearer ${await sign(claimsAt(now(), { roles: undefined }), key, { alg: 'ES256', kid })}`,
      /^Either scp or roles claim need to be present in the token\.$/,
    ],
    [
      'empty roles',
      async () => `Bearer ${await sign(claimsAt(now(), { roles: [] }), key, { alg: 'ES256', kid })}`,
      /Either scp or roles/,
    ],
    [
      'roles not an array',
      async () => `Bearer ${await sign(claimsAt(now(), { roles: 'X' }), key, { alg: 'ES256', kid })}`,
      /'roles' claim must be an array of strings/,
    ],
    [
      'no client application',
      async () => `Bearer ${await sign(claimsAt(now(), { appid: undefined }), key, { alg: 'ES256', kid })}`,
      /names no client application/,
    ],
  ];

  it.each(cases)('rejects %s', async (_name, make, message) => {
    const e = await rejection(verifier, await make());
    expect(e.status).toBe(401);
    expect(e.code).toBe('InvalidAuthenticationToken');
    expect(e.message).toMatch(message);
    const challenge = e.headers['WWW-Authenticate'] ?? '';
    expect(challenge.startsWith('Bearer realm=""')).toBe(true);
    expect(challenge).toContain('error="invalid_token"');
    expect(challenge).toContain(`error_description="${e.message.replace(/"/g, '\\"')}"`);
  });

  it('applies a configured leeway to exp and nbf', async () => {
    const lenient = createVerifier({
      mode: 'local',
      keys: s.ring,
      issuerBase: BASE,
      clock: s.clock,
      clockToleranceSeconds: 5,
    });
    const sec = Math.floor(s.clock() / 1000);
    const expired = await sign(claimsAt(s.clock(), { exp: sec - 4 }), key, { alg: 'ES256', kid });
    const early = await sign(claimsAt(s.clock(), { nbf: sec + 4 }), key, { alg: 'ES256', kid });
    await expect(lenient.verify(`Bearer ${expired}`)).resolves.toMatchObject({ tenant: TENANT });
    await expect(lenient.verify(`Bearer ${early}`)).resolves.toMatchObject({ tenant: TENANT });
    const tooLate = await sign(claimsAt(s.clock(), { exp: sec - 5 }), key, { alg: 'ES256', kid });
    expect((await rejection(lenient, `Bearer ${tooLate}`)).message).toMatch(/expired/);
  });

  it('adds authorization_uri to challenges when configured', async () => {
    const v = createVerifier({
      mode: 'local',
      keys: s.ring,
      issuerBase: BASE,
      clock: s.clock,
      authorizationUri: `${BASE}/common/oauth2/v2.0/token`,
    });
    const e = await rejection(v, undefined);
    expect(e.headers['WWW-Authenticate']).toBe(
      `Bearer realm="", authorization_uri="${BASE}/common/oauth2/v2.0/token", client_id="${GRAPH_APP_ID}"`,
    );
  });
});

describe('verification cache', () => {
  it('verifies a signature once, then answers from the cache', async () => {
    const s = setup();
    const v = createVerifier({ mode: 'local', keys: s.ring, issuerBase: BASE, clock: s.clock });
    const token = await s.issuer.mintToken({ tenant: TENANT });
    const spy = vi.spyOn(s.ring, 'verificationKey');
    const first = await v.verify(`Bearer ${token}`);
    for (let i = 0; i < 5; i++) expect(await v.verify(`Bearer ${token}`)).toBe(first);
    expect(spy).toHaveBeenCalledTimes(1);
  });

  it('still expires a cached token to the second', async () => {
    const s = setup();
    const v = createVerifier({ mode: 'local', keys: s.ring, issuerBase: BASE, clock: s.clock });
    const token = await s.issuer.mintToken({ tenant: TENANT, ttlSeconds: 2 });
    const spy = vi.spyOn(s.ring, 'verificationKey');
    await v.verify(`Bearer ${token}`);
    s.clock.advance(1.999); // exp - 1 ms: still valid
    await expect(v.verify(`Bearer ${token}`)).resolves.toMatchObject({ tenant: TENANT });
    s.clock.advance(0.001); // now == exp: expired (exp <= now)
    const e = await rejection(v, `Bearer ${token}`);
    expect(e.message).toBe('Lifetime validation failed, the token is expired.');
    expect(spy).toHaveBeenCalledTimes(1); // both answers came from the cache
    // And once dropped from the cache, the full check says the same.
    expect((await rejection(v, `Bearer ${token}`)).message).toBe('Lifetime validation failed, the token is expired.');
  });

  it('re-verifies after the entry TTL', async () => {
    const s = setup();
    const v = createVerifier({ mode: 'local', keys: s.ring, issuerBase: BASE, clock: s.clock, cacheTtlSeconds: 30 });
    const token = await s.issuer.mintToken({ tenant: TENANT });
    const spy = vi.spyOn(s.ring, 'verificationKey');
    await v.verify(`Bearer ${token}`);
    s.clock.advance(29);
    await v.verify(`Bearer ${token}`);
    expect(spy).toHaveBeenCalledTimes(1);
    s.clock.advance(1);
    await v.verify(`Bearer ${token}`);
    expect(spy).toHaveBeenCalledTimes(2);
  });

  it('never trusts an entry longer than 60 s', async () => {
    const s = setup();
    const v = createVerifier({ mode: 'local', keys: s.ring, issuerBase: BASE, clock: s.clock, cacheTtlSeconds: 3600 });
    const token = await s.issuer.mintToken({ tenant: TENANT });
    const spy = vi.spyOn(s.ring, 'verificationKey');
    await v.verify(`Bearer ${token}`);
    s.clock.advance(60);
    await v.verify(`Bearer ${token}`);
    expect(spy).toHaveBeenCalledTimes(2);
  });

  it('is bounded: the oldest entry goes first', async () => {
    const s = setup();
    const v = createVerifier({ mode: 'local', keys: s.ring, issuerBase: BASE, clock: s.clock, cacheSize: 2 });
    const tokens = await Promise.all([1, 2, 3].map((i) => s.issuer.mintToken({ tenant: TENANT, app: `app-${i}` })));
    const spy = vi.spyOn(s.ring, 'verificationKey');
    for (const t of tokens) await v.verify(`Bearer ${t}`);
    expect(spy).toHaveBeenCalledTimes(3);
    await v.verify(`Bearer ${tokens[2]}`); // newest: cached
    await v.verify(`Bearer ${tokens[1]}`); // cached
    expect(spy).toHaveBeenCalledTimes(3);
    await v.verify(`Bearer ${tokens[0]}`); // evicted by the third
    expect(spy).toHaveBeenCalledTimes(4);
  });

  it('does not cache failures', async () => {
    const s = setup();
    const v = createVerifier({ mode: 'local', keys: s.ring, issuerBase: BASE, clock: s.clock });
    const token = await s.issuer.mintToken({ tenant: TENANT, aud: 'api://other' });
    const spy = vi.spyOn(s.ring, 'verificationKey');
    await rejection(v, `Bearer ${token}`);
    await rejection(v, `Bearer ${token}`);
    expect(spy).toHaveBeenCalledTimes(2);
  });
});

describe('oidc verifier', () => {
  const s = setup({ clock: undefined });
  let server: Awaited<ReturnType<typeof serveRoutes>>;

  beforeAll(async () => {
    server = await serveRoutes(() => createIssuerRoutes({ issuer: s.issuer, clients: createClientRegistry() }));
  });
  afterAll(() => server.close());

  const oidc = (issuers: string[], extra: { algorithms?: ('RS256' | 'ES256' | 'PS256')[] } = {}) =>
    createVerifier({
      mode: 'oidc',
      jwksUrl: `${server.url}/${TENANT}/discovery/v2.0/keys`,
      issuers,
      clock: s.clock,
      ...extra,
    });

  it("verifies against the issuer's JWKS over HTTP, with a {tenantid} issuer template", async () => {
    const token = await s.issuer.mintToken({ tenant: OTHER_TENANT, app: APP });
    const p = await oidc([`${BASE}/{tenantid}/v2.0`]).verify(`Bearer ${token}`);
    expect(p).toMatchObject({ tenant: OTHER_TENANT, app: APP, kind: 'application' });
  });

  it('rejects an issuer that is not configured', async () => {
    const token = await s.issuer.mintToken({ tenant: TENANT });
    const e = await rejection(oidc(['https://login.microsoftonline.com/{tenantid}/v2.0']), `Bearer ${token}`);
    expect(e.message).toMatch(/Invalid issuer ".*"; expected 'https:\/\/login.microsoftonline.com\/11111111-/);
  });

  it('accepts PS256 from an external issuer', async () => {
    const { publicKey, privateKey } = await generateKeyPair('PS256');
    const jwks = JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: 'ps', alg: 'PS256', use: 'sig' }] });
    const jwksServer = createServer((_req, res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(jwks),
    );
    await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
    try {
      const iss = 'https://login.example/tenant/v2.0';
      const v = createVerifier({
        mode: 'oidc',
        jwksUrl: `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/keys`,
        issuers: [iss],
        clock: s.clock,
      });
      const token = await sign(claimsAt(s.clock(), { iss, appid: undefined, azp: APP }), privateKey, {
        alg: 'PS256',
        kid: 'ps',
      });
      await expect(v.verify(`Bearer ${token}`)).resolves.toMatchObject({ tenant: TENANT, app: APP });
    } finally {
      jwksServer.close();
    }
  });

  it('refuses algorithms that are not configured', async () => {
    const token = await s.issuer.mintToken({ tenant: TENANT });
    const e = await rejection(oidc([`${BASE}/{tenantid}/v2.0`], { algorithms: ['RS256'] }), `Bearer ${token}`);
    expect(e.message).toMatch(/algorithm 'ES256' is not allowed; accepted: RS256/);
  });

  it('rejects a kid the JWKS does not have', async () => {
    const token = await sign(claimsAt(s.clock(), { iss: `${BASE}/${TENANT}/v2.0` }), await foreignKey(), {
      alg: 'ES256',
      kid: 'nope',
    });
    const e = await rejection(oidc([`${BASE}/{tenantid}/v2.0`]), `Bearer ${token}`);
    expect(e.message).toMatch(/no signing key matching/);
  });

  it('answers 503 when the JWKS cannot be fetched', async () => {
    const v = createVerifier({ mode: 'oidc', jwksUrl: 'http://127.0.0.1:9/keys', issuers: [BASE], clock: s.clock });
    const token = await s.issuer.mintToken({ tenant: TENANT });
    const e = await rejection(v, `Bearer ${token}`);
    expect(e.status).toBe(503);
  });
});
