/**
 * The compatibility proof for the token endpoint: Microsoft's own clients, pointed at a local HTTPS server running
 * the issuer routes, get a token that the verifier accepts, with no network beyond the loopback.
 */
import { KeyObject, webcrypto } from 'node:crypto';
import { ClientSecretCredential } from '@azure/identity';
import { ConfidentialClientApplication, LogLevel } from '@azure/msal-node';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClientRegistry } from '../../src/auth/clients.js';
import { createLocalIssuer, LOCAL_ISSUER_HOST } from '../../src/auth/issuer.js';
import { KeyRing, MemoryKeyStore } from '../../src/auth/keys.js';
import { createIssuerRoutes } from '../../src/auth/token-endpoint.js';
import { createVerifier, type Verifier } from '../../src/auth/verify.js';
import { serveRoutes } from './fixtures.js';

const TENANT = '5b1a8f2e-3c4d-4e5f-8a9b-0c1d2e3f4a5b';
const CLIENT_ID = 'c0ffee00-0000-4000-8000-000000000001';
const SECRET = 'local~secret.value_1';
const GRAPH_DEFAULT = 'https://graph.microsoft.com/.default';

/** A throwaway self-signed certificate for 127.0.0.1, trusted explicitly by each client below. */
async function selfSigned(): Promise<{ key: string; cert: string }> {
  // @peculiar/x509 resolves its services through tsyringe, which needs the Reflect metadata API loaded first.
  await import('reflect-metadata');
  const x509 = await import('@peculiar/x509');
  x509.cryptoProvider.set(webcrypto);
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: 'CN=127.0.0.1',
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + 3_600_000),
    keys,
    signingAlgorithm: alg,
    extensions: [
      new x509.SubjectAlternativeNameExtension([
        { type: 'ip', value: '127.0.0.1' },
        { type: 'dns', value: 'localhost' },
      ]),
    ],
  });
  const key = KeyObject.from(keys.privateKey).export({
    type: 'pkcs8',
    format: 'pem',
  });
  return { key: String(key), cert: cert.toString('pem') };
}

describe('Microsoft clients against the local token endpoint', () => {
  let server: Awaited<ReturnType<typeof serveRoutes>>;
  let ca: string;
  let verifier: Verifier;

  beforeAll(async () => {
    const tls = await selfSigned();
    ca = tls.cert;
    const ring = new KeyRing(new MemoryKeyStore());
    const clients = createClientRegistry({
      clients: [{ clientId: CLIENT_ID, clientSecret: SECRET, roles: ['DeviceManagementApps.ReadWrite.All'] }],
    });
    // The issuer names the database, not this server (as `serve` does): the clients must not care.
    const issuerBase = `${LOCAL_ISSUER_HOST}/0123456789abcdef01234567`;
    server = await serveRoutes(
      () => createIssuerRoutes({ issuer: createLocalIssuer({ keys: ring, issuerBase }), clients }),
      tls,
    );
    verifier = createVerifier({ mode: 'local', keys: ring, issuerBase });
  });
  afterAll(() => server.close());

  it('@azure/identity ClientSecretCredential (authorityHost, disableInstanceDiscovery, tlsOptions.ca)', async () => {
    const credential = new ClientSecretCredential(TENANT, CLIENT_ID, SECRET, {
      authorityHost: server.url,
      disableInstanceDiscovery: true,
      tlsOptions: { ca },
      retryOptions: { maxRetries: 0 },
    });
    const before = server.requests.length;
    const result = await credential.getToken(GRAPH_DEFAULT);
    expect(result.token).toBeTypeOf('string');
    expect(result.expiresOnTimestamp).toBeGreaterThan(Date.now());
    const principal = await verifier.verify(`Bearer ${result.token}`);
    expect(principal).toMatchObject({ tenant: TENANT, app: CLIENT_ID, kind: 'application' });
    expect(principal.permissions.has('DeviceManagementApps.ReadWrite.All')).toBe(true);
    // Discovery, then the token request; nothing else, nothing elsewhere.
    expect(server.requests.slice(before).map((r) => r.replace(/\?.*$/, ''))).toEqual([
      `GET /${TENANT}/v2.0/.well-known/openid-configuration`,
      `POST /${TENANT}/oauth2/v2.0/token`,
    ]);

    const wrong = new ClientSecretCredential(TENANT, CLIENT_ID, 'not-the-secret', {
      authorityHost: server.url,
      disableInstanceDiscovery: true,
      tlsOptions: { ca },
      retryOptions: { maxRetries: 0 },
    });
    await expect(wrong.getToken(GRAPH_DEFAULT)).rejects.toThrow(/AADSTS7000215/);
  });

  it('@azure/msal-node ConfidentialClientApplication (knownAuthorities, customAgentOptions.ca)', async () => {
    const app = new ConfidentialClientApplication({
      auth: {
        clientId: CLIENT_ID,
        clientSecret: SECRET,
        authority: `${server.url}/${TENANT}`,
        knownAuthorities: [new URL(server.url).host],
      },
      system: { customAgentOptions: { ca }, loggerOptions: { logLevel: LogLevel.Error, loggerCallback: () => {} } },
    });
    const result = await app.acquireTokenByClientCredential({ scopes: [GRAPH_DEFAULT] });
    expect(result?.tokenType).toBe('Bearer');
    const token = result?.accessToken ?? '';
    expect(decodeJwt(token)).toMatchObject({ tid: TENANT, appid: CLIENT_ID, aud: 'https://graph.microsoft.com' });
    await expect(verifier.verify(`Bearer ${token}`)).resolves.toMatchObject({ tenant: TENANT, app: CLIENT_ID });
  });
});
