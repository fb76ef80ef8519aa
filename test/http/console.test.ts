/**
 * Serving the console (docs/console.md#serving): its files from the build directory with a self-only
 * Content-Security-Policy, hashed assets cached for good and the page revalidated; Graph 404 for a missing file,
 * for a console that is not built, and for `--console off` (where `GET /` is the api's again). And on both
 * listeners of a real server.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi } from '../../src/api/app.js';
import { ensureActiveKey, KeyRing } from '../../src/auth/keys.js';
import { createVerifier } from '../../src/auth/verify.js';
import { CONSOLE_DIR } from '../../src/cli/start.js';
import { CONSOLE_CSP } from '../../src/http/console.js';
import { createMetrics } from '../../src/http/metrics.js';
import { buildShell } from '../../src/http/server.js';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/store/port.js';
import { noThrottle } from '../../src/throttle/index.js';
import { startTestServer } from '../helpers/server.js';

let dir: string;
let store: Store;
const shells: FastifyInstance[] = [];

async function shell(console?: { dir: string }): Promise<FastifyInstance> {
  const api = createApi({
    store,
    verifier: createVerifier({ mode: 'local', keys: new KeyRing(store), issuerBase: 'https://localhost:8443' }),
    throttle: noThrottle,
    settings: { pageSize: 1000, publicUrl: undefined },
  });
  const app = buildShell({
    api,
    store,
    metrics: createMetrics(),
    log: pino({ level: 'silent' }),
    openapi: () => '{}',
    ...(console ? { console } : {}),
  });
  await app.ready();
  shells.push(app);
  return app;
}

const ASSET = 'assets/index-AbCd1234.js';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'appconfig-graph-console-'));
  store = await openStore({ db: ':memory:', dataDir: dir });
  await ensureActiveKey(store);
  mkdirSync(join(dir, 'built', 'assets'), { recursive: true });
  writeFileSync(join(dir, 'built', 'index.html'), '<!doctype html><title>console</title>');
  writeFileSync(join(dir, 'built', ASSET), 'export {};');
  writeFileSync(join(dir, 'built', '.hidden'), 'secret');
});
afterAll(async () => {
  for (const s of shells) await s.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

function graph404(r: LightMyRequestResponse, message: RegExp): void {
  expect(r.statusCode).toBe(404);
  expect(r.headers['content-type']).toMatch(/^application\/json/);
  const body = r.json() as { error: { code: string; message: string; innerError: Record<string, string> } };
  expect(body.error.code).toBe('ResourceNotFound');
  expect(body.error.message).toMatch(message);
  expect(body.error.innerError['request-id']).toBe(r.headers['request-id']);
}

describe('the console served from its build', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await shell({ dir: join(dir, 'built') });
  });

  it('serves the page revalidated every time, under a self-only Content-Security-Policy', async () => {
    const r = await app.inject({ method: 'GET', url: '/console/' });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/html/);
    expect(r.body).toContain('<title>console</title>');
    expect(r.headers['cache-control']).toBe('no-cache');
    expect(r.headers['content-security-policy']).toBe(CONSOLE_CSP);
    expect(CONSOLE_CSP).toMatch(/default-src 'self'/);
    expect(CONSOLE_CSP).not.toMatch(/unsafe|\*|https?:/);
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['referrer-policy']).toBe('no-referrer');
    expect(r.headers['x-frame-options']).toBe('DENY');
  });

  it('caches hashed assets for good', async () => {
    const r = await app.inject({ method: 'GET', url: `/console/${ASSET}` });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toMatch(/javascript/);
    expect(r.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(r.headers['content-security-policy']).toBe(CONSOLE_CSP);
  });

  it('sends /console to /console/, and GET / there too', async () => {
    const bare = await app.inject({ method: 'GET', url: '/console' });
    expect(bare.statusCode).toBe(301);
    expect(bare.headers.location).toBe('/console/');
    const root = await app.inject({ method: 'GET', url: '/' });
    expect(root.statusCode).toBe(302);
    expect(root.headers.location).toBe('/console/');
  });

  it('answers Graph 404 for a file it does not have, a dotfile, or a path out of its directory', async () => {
    graph404(await app.inject({ method: 'GET', url: '/console/nope.js' }), /no file at '\/console\/nope\.js'/);
    graph404(await app.inject({ method: 'GET', url: '/console/.hidden' }), /no file/);
    const out = await app.inject({ method: 'GET', url: '/console/..%2f..%2fpackage.json' });
    expect(out.statusCode).toBe(404);
    expect(out.body).not.toContain('"name"');
  });
});

describe('without the console', () => {
  it('--console off: Graph 404 naming the option, and GET / is the api’s', async () => {
    const app = await shell();
    graph404(await app.inject({ method: 'GET', url: '/console/' }), /off on this server \(--console off\)/);
    graph404(await app.inject({ method: 'GET', url: '/console' }), /--console off/);
    const root = await app.inject({ method: 'GET', url: '/' });
    expect(root.statusCode).toBe(404);
    expect(root.headers.location).toBeUndefined();
  });

  it('not built: Graph 404 saying how to build it', async () => {
    const app = await shell({ dir: join(dir, 'missing') });
    graph404(await app.inject({ method: 'GET', url: '/console/' }), /not built: run 'npm run build'/);
  });
});

describe('a real server (after npm run build)', () => {
  it('serves the console on both listeners, and not with --console off', async () => {
    const on = await startTestServer();
    const off = await startTestServer({ console: 'off' });
    try {
      expect(on.server.consoleUrl).toBe(`${on.https}/console/`);
      for (const base of [on.http, on.https]) {
        const r = await fetch(`${base}/console/`, { dispatcher: on.dispatcher } as RequestInit);
        expect(r.status, `${base}: the console is built into ${CONSOLE_DIR}`).toBe(200);
        expect(await r.text()).toMatch(/<script type="module" crossorigin src="\/console\/assets\/index-[\w-]+\.js">/);
        expect(r.headers.get('content-security-policy')).toBe(CONSOLE_CSP);
      }
      expect(off.server.consoleUrl).toBeUndefined();
      const r = await fetch(`${off.http}/console/`);
      expect(r.status).toBe(404);
      expect(((await r.json()) as { error: { message: string } }).error.message).toMatch(/--console off/);
    } finally {
      await on.close();
      await off.close();
    }
  });
});
