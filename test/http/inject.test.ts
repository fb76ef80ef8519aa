/** The shell's own answers through Fastify's `inject()` (a socket where inject cannot go): Graph-shaped, never Fastify's bodies. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi } from '../../src/api/app.js';
import { ensureActiveKey, KeyRing } from '../../src/auth/keys.js';
import { createVerifier } from '../../src/auth/verify.js';
import { createMetrics } from '../../src/http/metrics.js';
import { buildShell } from '../../src/http/server.js';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/store/port.js';
import { noThrottle } from '../../src/throttle/index.js';

const CFG = '/v1.0/deviceAppManagement/mobileAppConfigurations';
let dir: string;
let store: Store;
let app: FastifyInstance;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'appconfig-graph-inject-'));
  store = await openStore({ db: ':memory:', dataDir: dir });
  await ensureActiveKey(store);
  const api = createApi({
    store,
    verifier: createVerifier({ mode: 'local', keys: new KeyRing(store), issuerBase: 'https://localhost:8443' }),
    throttle: noThrottle,
    settings: { pageSize: 1000, publicUrl: undefined },
  });
  app = buildShell({
    api,
    store,
    metrics: createMetrics(),
    log: pino({ level: 'silent' }),
    openapi: () => '{}',
    console: { dir: join(dir, 'console') },
  });
  await app.ready();
});
afterAll(async () => {
  await app.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

function graphError(
  res: { statusCode: number; headers: Record<string, unknown>; body: string },
  status: number,
  code: string,
) {
  expect(res.statusCode).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(res.headers['odata-version']).toBe('4.0');
  expect(res.headers['client-request-id']).toBe('inject');
  const body = JSON.parse(res.body) as { error: { code: string; message: string; innerError: Record<string, string> } };
  expect(Object.keys(body)).toEqual(['error']);
  expect(body.error.code).toBe(code);
  expect(body.error.innerError['request-id']).toBe(res.headers['request-id']);
  expect(body.error.innerError['client-request-id']).toBe('inject');
  return body.error;
}

const headers = { 'client-request-id': 'inject' };

describe('the shell, injected', () => {
  it.each(['PROPFIND', 'MKCOL', 'QUERY', 'PUT'])('%s answers 405 with Allow', async (method) => {
    const res = await app.inject({ method: method as 'PUT', url: CFG, headers });
    graphError(res, 405, 'MethodNotAllowed');
    expect(res.headers.allow).toBe('GET, POST');
  });

  it('a URL over 8,192 bytes answers 414', async () => {
    graphError(
      await app.inject({ method: 'GET', url: `${CFG}?$filter=${'a'.repeat(9000)}`, headers }),
      414,
      'RequestUriTooLong',
    );
  });

  it('a URL the router cannot decode answers 400', async () => {
    graphError(await app.inject({ method: 'GET', url: '/v1.0/%zz', headers }), 400, 'BadRequest');
  });

  it('a Content-Type Fastify cannot parse answers 415', async () => {
    const res = await app.inject({
      method: 'POST',
      url: CFG,
      headers: { ...headers, 'content-type': '???' },
      payload: '{}',
    });
    graphError(res, 415, 'UnsupportedMediaType');
  });

  it('GET / and HEAD / redirect to the console', async () => {
    for (const method of ['GET', 'HEAD'] as const) {
      const res = await app.inject({ method, url: '/' });
      expect(res.statusCode).toBe(302);
      expect(res.headers.location).toBe('/console/');
    }
  });

  it("other methods on / are the api's to answer", async () => {
    graphError(await app.inject({ method: 'POST', url: '/', headers }), 404, 'ResourceNotFound');
  });
});

describe('while closing', () => {
  it('a request that still arrives gets Graph 503, not Fastify’s body', async () => {
    const dir2 = mkdtempSync(join(tmpdir(), 'appconfig-graph-inject-'));
    const s2 = await openStore({ db: ':memory:', dataDir: dir2 });
    await ensureActiveKey(s2);
    const api = createApi({
      store: s2,
      verifier: createVerifier({ mode: 'local', keys: new KeyRing(s2), issuerBase: 'https://localhost:8443' }),
      throttle: noThrottle,
      settings: { pageSize: 1000, publicUrl: undefined },
    });
    const shell = buildShell({
      api,
      store: s2,
      metrics: createMetrics(),
      log: pino({ level: 'silent' }),
      openapi: () => '{}',
    });
    await shell.listen({ port: 0, host: '127.0.0.1' });
    const port = (shell.server.address() as { port: number }).port;
    // A request in flight (its body not yet sent) keeps the connection busy while close() begins; the request
    // pipelined behind it reaches the router after that.
    const { connect } = await import('node:net');
    const answer = await new Promise<string>((resolve) => {
      const sock = connect(port, '127.0.0.1');
      let text = '';
      sock.on('data', (d) => {
        text += d.toString();
      });
      sock.on('error', () => {});
      sock.on('close', () => resolve(text));
      sock.write(`POST ${CFG} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n`);
      setTimeout(() => {
        void shell.close();
        setTimeout(() => sock.write(`{}GET ${CFG} HTTP/1.1\r\nHost: x\r\nClient-Request-Id: inject\r\n\r\n`), 50);
      }, 50);
    });
    await s2.close();
    rmSync(dir2, { recursive: true, force: true });
    const second = answer.slice(answer.indexOf('HTTP/1.1', 10));
    expect(second).toMatch(/^HTTP\/1\.1 503/);
    expect(second).toContain('"code":"ServiceUnavailable"');
  });
});
