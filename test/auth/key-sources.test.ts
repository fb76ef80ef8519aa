/**
 * The verifier's two key sources, the local key ring and a remote JWKS, keep one contract: the key that signed a
 * token of their issuer, a refusal for a kid they do not have, and an issuer check that ties `iss` to `tid`.
 */
import { decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClientRegistry } from '../../src/auth/clients.js';
import { issuerUrl } from '../../src/auth/issuer.js';
import { type KeySource, localKeySource, remoteKeySource } from '../../src/auth/key-sources.js';
import { createIssuerRoutes } from '../../src/auth/token-endpoint.js';
import { BASE, OTHER_TENANT, type Setup, serveRoutes, setup, TENANT } from './fixtures.js';

let s: Setup;
let server: Awaited<ReturnType<typeof serveRoutes>>;
beforeAll(async () => {
  s = setup();
  server = await serveRoutes(() => createIssuerRoutes({ issuer: s.issuer, clients: createClientRegistry() }));
});
afterAll(() => server.close());

const sources: [string, () => KeySource][] = [
  ['local key ring', () => localKeySource(s.ring, `${BASE}/`)],
  ['remote JWKS', () => remoteKeySource(`${server.url}/${TENANT}/discovery/v2.0/keys`, [`${BASE}/{tenantid}/v2.0`])],
];

describe.each(sources)('%s', (_name, make) => {
  it('gives the key that signed a token of its issuer', async () => {
    const source = make();
    const token = await s.issuer.mintToken({ tenant: TENANT });
    expect(source.algorithms).toContain(decodeProtectedHeader(token).alg);
    const { payload } = await jwtVerify(token, (h) => source.key(h), {
      algorithms: [...source.algorithms],
      currentDate: new Date(s.clock()),
    });
    expect(payload.tid).toBe(TENANT);
  });

  it('refuses a kid it does not have', async () => {
    const source = make();
    await expect(source.key({ alg: 'ES256', kid: 'no-such-kid' })).rejects.toThrow(/kid|key/i);
  });

  it("accepts iss only when it names the token's own tenant", () => {
    const source = make();
    expect(source.acceptsIssuer(issuerUrl(BASE, TENANT), TENANT)).toBe(true);
    expect(source.acceptsIssuer(issuerUrl(BASE, OTHER_TENANT), TENANT)).toBe(false);
    expect(source.acceptsIssuer('https://elsewhere.example/x/v2.0', TENANT)).toBe(false);
    expect(source.expectedIssuer(TENANT)).toContain(issuerUrl(BASE, TENANT));
  });
});
