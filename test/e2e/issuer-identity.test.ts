/**
 * The local issuer belongs to the database, not to a port: a token from `token --db X` works on every server on X
 * whatever its ports, host or public URL; a token from a server's token endpoint outlives a restart on other
 * ports; the discovery document names the issuer its tokens carry; `iss` still has to name the token's tenant.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt, SignJWT } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { KeyRing } from '../../src/auth/keys.js';
import { cli } from '../helpers/process.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const TENANT = '3c0ffee0-0000-4000-8000-000000000001';
const OTHER = '3c0ffee0-0000-4000-8000-000000000002';
const LIST = '/v1.0/deviceAppManagement/mobileAppConfigurations';

const dir = mkdtempSync(join(tmpdir(), 'appconfig-graph-issuer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A port that was free a moment ago, and is not the default 8443 (which would hide a port-bound issuer). */
async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const s = createServer();
      s.once('error', reject);
      s.listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    if (port !== 8443) return port;
  }
}

/** GET the collection over HTTPS, as a client that trusts the local CA does. */
async function list(t: TestServer, token: string): Promise<Response> {
  return fetch(`${t.https}${LIST}`, {
    headers: { authorization: `Bearer ${token}` },
    dispatcher: t.dispatcher,
  } as RequestInit);
}

async function clientCredentials(t: TestServer, tenant: string): Promise<string> {
  const r = await fetch(`${t.https}/${tenant}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: 'ci-app',
      client_secret: 'anything',
      scope: 'https://graph.microsoft.com/.default',
    }),
    dispatcher: t.dispatcher,
  } as RequestInit);
  expect(r.status).toBe(200);
  return ((await r.json()) as { access_token: string }).access_token;
}

describe('the local issuer is a property of the database', () => {
  it('a token from `token --db X` is accepted by servers on X on other ports, hosts and public URLs', async () => {
    const db = join(dir, 'cli.db');
    const token = await cli(['token', '--db', db, '--tenant', TENANT]);
    const variants = [
      { httpsPort: await freePort() },
      { httpsPort: await freePort(), host: 'localhost' },
      { httpsPort: await freePort(), publicUrl: 'https://graph.example.internal' },
    ];
    for (const v of variants) {
      const t = await startTestServer({ db, ...v });
      try {
        const r = await list(t, token);
        expect(r.status, `${JSON.stringify(v)}: ${await r.clone().text()}`).toBe(200);
        expect(decodeJwt(token).iss).toBe(`${t.server.issuerBase}/${TENANT}/v2.0`);
      } finally {
        await t.close();
      }
    }
  });

  it('a token from the token endpoint stays valid after a restart on other ports, same SQLite file', async () => {
    const db = join(dir, 'restart.db');
    const first = await startTestServer({ db, httpsPort: await freePort() });
    let token: string;
    try {
      token = await clientCredentials(first, TENANT);
      expect((await list(first, token)).status).toBe(200);
    } finally {
      await first.close();
    }
    const second = await startTestServer({ db, httpsPort: await freePort() });
    try {
      expect(second.https).not.toBe(first.https);
      const r = await list(second, token);
      expect(r.status, await r.clone().text()).toBe(200);
    } finally {
      await second.close();
    }
  });

  it("the discovery document's issuer is the iss its token endpoint mints; endpoints name the request's host", async () => {
    const t = await startTestServer({ db: join(dir, 'discovery.db'), httpsPort: await freePort() });
    try {
      const r = await fetch(`${t.https}/${TENANT}/v2.0/.well-known/openid-configuration`, {
        dispatcher: t.dispatcher,
      } as RequestInit);
      const doc = (await r.json()) as { issuer: string; token_endpoint: string; jwks_uri: string };
      const claims = decodeJwt(await clientCredentials(t, TENANT));
      expect(doc.issuer).toBe(claims.iss);
      expect(claims.iss).toMatch(new RegExp(`/${TENANT}/v2\\.0$`));
      expect(doc.token_endpoint).toBe(`${t.https}/${TENANT}/oauth2/v2.0/token`);
      expect(doc.jwks_uri).toBe(`${t.https}/${TENANT}/discovery/v2.0/keys`);
    } finally {
      await t.close();
    }
  });

  it('a token whose iss names another tenant than its tid is refused (401)', async () => {
    const t = await startTestServer({ db: join(dir, 'mismatch.db') });
    try {
      const good = decodeJwt(await t.token({ tenant: TENANT }));
      // Signed with the database's own key: only the iss/tid pairing is wrong.
      const key = await new KeyRing(t.server.store).signingKey();
      const forged = await new SignJWT({ ...good, iss: `${t.server.issuerBase}/${OTHER}/v2.0` })
        .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' })
        .sign(key.key);
      const r = await t.call('GET', LIST, { auth: `Bearer ${forged}` });
      expect(r.status).toBe(401);
      const body = (await r.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('InvalidAuthenticationToken');
      expect(body.error.message).toContain('Invalid issuer');
      expect(r.headers.get('www-authenticate')).toContain('error="invalid_token"');
    } finally {
      await t.close();
    }
  });

  it("a token from another database's issuer is refused (401)", async () => {
    const token = await cli(['token', '--db', join(dir, 'elsewhere.db'), '--tenant', TENANT]);
    const t = await startTestServer({ db: join(dir, 'home.db') });
    try {
      const r = await t.call('GET', LIST, { auth: `Bearer ${token}` });
      expect(r.status).toBe(401);
    } finally {
      await t.close();
    }
  });
});
