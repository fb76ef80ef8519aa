/**
 * `--auth oidc`: tokens from an external OpenID Connect issuer, verified against its JWKS (served here by the
 * test itself), with the configured issuer and audience.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';

const TENANT = '44444444-4444-4444-4444-444444444444';
const ISSUER = `https://login.microsoftonline.com/${TENANT}/v2.0`;
let jwksServer: Server;
let t: TestServer;
let key: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

beforeAll(async () => {
  const pair = await generateKeyPair('RS256', { extractable: true });
  key = pair.privateKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'entra-1', alg: 'RS256', use: 'sig' };
  jwksServer = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((r) => jwksServer.listen(0, '127.0.0.1', r));
  const jwksUrl = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/discovery/v2.0/keys`;
  t = await startTestServer({ auth: 'oidc', oidcJwksUrl: jwksUrl, oidcIssuers: [ISSUER] });
});
afterAll(async () => {
  await t.close();
  jwksServer.close();
});

const token = (over: Record<string, unknown> = {}, kid = 'entra-1') => {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    aud: '00000003-0000-0000-c000-000000000000',
    iss: ISSUER,
    tid: TENANT,
    appid: 'external-app',
    oid: 'o',
    roles: ['DeviceManagementConfiguration.ReadWrite.All'],
    iat: now,
    nbf: now,
    exp: now + 300,
    ...over,
  })
    .setProtectedHeader({ alg: 'RS256', kid })
    .sign(key);
};

describe('--auth oidc', () => {
  it('accepts a token signed by the external issuer and scopes data by its tid', async () => {
    const r = await t.call('POST', '/v1.0/deviceAppManagement/mobileAppConfigurations', {
      auth: `Bearer ${await token()}`,
      body: { '@odata.type': '#microsoft.graph.iosMobileAppConfiguration', displayName: 'from Entra' },
    });
    expect(r.status).toBe(201);
    const list = await t.call('GET', '/v1.0/deviceAppManagement/mobileAppConfigurations', {
      auth: `Bearer ${await token()}`,
    });
    expect(((await list.json()) as { value: unknown[] }).value).toHaveLength(1);
  });

  it('refuses another issuer, another audience, an unknown kid and the local issuer', async () => {
    for (const bad of [
      await token({ iss: 'https://login.microsoftonline.com/other/v2.0' }),
      await token({ aud: 'api://something-else' }),
      await token({}, 'unknown-kid'),
    ]) {
      const r = await t.call('GET', '/v1.0/deviceAppManagement/mobileAppConfigurations', { auth: `Bearer ${bad}` });
      expect(r.status).toBe(401);
    }
    // No local issuer in oidc mode: its endpoints are not served.
    expect((await t.call('GET', `/${TENANT}/v2.0/.well-known/openid-configuration`, { auth: '' })).status).toBe(404);
  });
});
