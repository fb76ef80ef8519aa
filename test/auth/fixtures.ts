/** Shared pieces for the auth tests: a clock the test moves, token builders, and a socket around issuer routes. */
import { randomUUID } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { base64url, type CryptoKey, generateKeyPair, type JWTPayload, SignJWT } from 'jose';
import type { ApiRequest } from '../../src/api/types.js';
import { createLocalIssuer, issuerUrl, type LocalIssuer } from '../../src/auth/issuer.js';
import { KeyRing, type KeyRingOptions, MemoryKeyStore } from '../../src/auth/keys.js';
import type { IssuerRoutes } from '../../src/auth/token-endpoint.js';

export const T0 = Date.UTC(2025, 0, 15, 12, 0, 0);

export interface Clock {
  (): number;
  set(ms: number): void;
  advance(seconds: number): void;
}

export function manualClock(start = T0): Clock {
  let t = start;
  const clock = (() => t) as Clock;
  clock.set = (ms) => {
    t = ms;
  };
  clock.advance = (s) => {
    t += s * 1000;
  };
  return clock;
}

export const BASE = 'https://issuer.test:8443';
export const TENANT = '11111111-2222-3333-4444-555555555555';
export const OTHER_TENANT = '99999999-8888-7777-6666-555555555555';
export const APP = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';

export interface Setup {
  store: MemoryKeyStore;
  ring: KeyRing;
  issuer: LocalIssuer;
  clock: Clock;
}

export function setup(opts: KeyRingOptions & { clock?: Clock } = {}): Setup {
  const clock = opts.clock ?? manualClock();
  const store = new MemoryKeyStore();
  const ring = new KeyRing(store, { ...opts, clock });
  return { store, ring, issuer: createLocalIssuer({ keys: ring, issuerBase: BASE, clock }), clock };
}

/** Claims a valid application token for TENANT carries at T0 (for tokens built outside the issuer). */
export function claimsAt(nowMs: number, over: Record<string, unknown> = {}): JWTPayload {
  const now = Math.floor(nowMs / 1000);
  return {
    aud: 'https://graph.microsoft.com',
    iss: issuerUrl(BASE, TENANT),
    iat: now,
    nbf: now,
    exp: now + 3600,
    tid: TENANT,
    appid: APP,
    oid: randomUUID(),
    roles: ['DeviceManagementApps.ReadWrite.All'],
    ...over,
  };
}

/** Signs any claims with any key and header (undefined members are dropped). */
export async function sign(
  claims: Record<string, unknown>,
  key: CryptoKey | Uint8Array,
  header: { alg: string; kid?: string; typ?: string },
): Promise<string> {
  const payload = Object.fromEntries(Object.entries(claims).filter(([, v]) => v !== undefined));
  return new SignJWT(payload).setProtectedHeader(header).sign(key);
}

/** An unsecured JWT (`alg: none`): jose will not produce one, so it is put together by hand. */
export function unsecured(claims: Record<string, unknown>, kid?: string): string {
  const enc = (o: unknown) => base64url.encode(JSON.stringify(o));
  return `${enc({ alg: 'none', typ: 'JWT', ...(kid ? { kid } : {}) })}.${enc(claims)}.`;
}

export async function foreignKey(alg: 'ES256' | 'RS256' = 'ES256'): Promise<CryptoKey> {
  return (await generateKeyPair(alg)).privateKey;
}

/**
 * Serves issuer routes on a real socket, as the HTTP shell would (404 for other paths). `make` gets the server's
 * URL, so the issuer can name itself by it.
 */
export async function serveRoutes(
  make: (url: string) => IssuerRoutes,
  tls?: { key: string; cert: string },
): Promise<{ url: string; requests: string[]; close(): Promise<void> }> {
  const requests: string[] = [];
  let base = '';
  let routes: IssuerRoutes | undefined;
  const listener = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push(`${req.method} ${req.url}`);
      const headers: Record<string, string | undefined> = {};
      for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : v;
      const apiReq: ApiRequest = {
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        headers,
        ...(chunks.length ? { body: Buffer.concat(chunks) } : {}),
        baseUrl: base,
        requestId: randomUUID(),
      };
      (routes as IssuerRoutes).handle(apiReq).then(
        (r) => {
          if (!r) {
            res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not_found"}');
            return;
          }
          res.writeHead(r.status, r.headers).end(r.body);
        },
        (e: unknown) => {
          res.writeHead(500).end(String(e));
        },
      );
    });
  };
  const server: Server = tls ? createHttpsServer(tls, listener) : createHttpServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  base = `${tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  routes = make(base);
  return {
    url: base,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
