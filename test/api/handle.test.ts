/**
 * `api.handle` in process, without a socket: every error answer has Graph's shape and the request-id headers,
 * whichever phase decided it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Api, createApi } from '../../src/api/app.js';
import type { ApiRequest } from '../../src/api/types.js';
import { createLocalIssuer } from '../../src/auth/issuer.js';
import { ensureActiveKey, KeyRing } from '../../src/auth/keys.js';
import { createVerifier } from '../../src/auth/verify.js';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/store/port.js';
import { noThrottle } from '../../src/throttle/index.js';

const CFG = '/v1.0/deviceAppManagement/mobileAppConfigurations';
let dir: string;
let store: Store;
let api: Api;
let token: string;
let verifier: ReturnType<typeof createVerifier>;
const internalErrors: unknown[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'appconfig-graph-handle-'));
  store = await openStore({ db: ':memory:', dataDir: dir });
  await ensureActiveKey(store);
  const keys = new KeyRing(store);
  const issuerBase = 'https://localhost:8443';
  verifier = createVerifier({ mode: 'local', keys, issuerBase });
  api = createApi({
    store,
    verifier,
    throttle: noThrottle,
    settings: { pageSize: 1000, publicUrl: undefined },
    onInternalError: (err) => internalErrors.push(err),
  });
  token = await createLocalIssuer({ keys, issuerBase }).mintToken({ roles: ['DeviceManagementApps.ReadWrite.All'] });
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
});

let n = 0;
const req = (method: string, url: string, extra: Partial<ApiRequest> = {}): ApiRequest => ({
  method,
  url,
  headers: { authorization: `Bearer ${token}`, 'client-request-id': `client-${++n}`, ...extra.headers },
  baseUrl: 'https://localhost:8443',
  requestId: `00000000-0000-0000-0000-${String(n).padStart(12, '0')}`,
  ...(extra.body !== undefined ? { body: extra.body } : {}),
});

async function graphError(r: ApiRequest, status: number, code: string) {
  const res = await api.handle(r);
  expect(res.status).toBe(status);
  expect(res.headers['Content-Type']).toBe('application/json');
  expect(res.headers['request-id']).toBe(r.requestId);
  expect(res.headers['client-request-id']).toBe(r.headers['client-request-id']);
  expect(res.headers['OData-Version']).toBe('4.0');
  const body = JSON.parse(res.body!) as { error: Record<string, unknown> };
  expect(Object.keys(body)).toEqual(['error']);
  expect(body.error.code).toBe(code);
  expect(body.error.innerError).toEqual({
    date: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/),
    'request-id': r.requestId,
    'client-request-id': r.headers['client-request-id'],
  });
  return { res, error: body.error as { message: string } };
}

describe('api.handle error answers', () => {
  it('404 for an unknown version', async () => {
    const { error } = await graphError(req('GET', '/v9/x'), 404, 'ResourceNotFound');
    expect(error.message).toBe('Invalid version: v9');
  });

  it('405 with Allow for a method the path does not define', async () => {
    const { res } = await graphError(req('PUT', CFG), 405, 'MethodNotAllowed');
    expect(res.headers.Allow).toBe('GET, POST');
    expect(res.route).toBe('mobileAppConfigurations');
  });

  it('415 for a body that is not JSON', async () => {
    await graphError(
      req('POST', CFG, { headers: { 'content-type': 'text/plain' }, body: Buffer.from('{}') }),
      415,
      'UnsupportedMediaType',
    );
  });

  it('400 for a body nested too deep, in process as over a socket', async () => {
    const { error } = await graphError(
      req('POST', CFG, {
        headers: { 'content-type': 'application/json' },
        body: `{"displayName":${'['.repeat(100)}${']'.repeat(100)}}`,
      }),
      400,
      'BadRequest',
    );
    expect(error.message).toContain("'displayName'");
  });

  it('500 for a failure that is not an error of the API, and reports it', async () => {
    const broken = await openStore({ db: ':memory:', dataDir: dir });
    await broken.close();
    const brokenApi = createApi({
      store: broken,
      verifier,
      throttle: noThrottle,
      settings: { pageSize: 1000, publicUrl: undefined },
      onInternalError: (err) => internalErrors.push(err),
    });
    const r = req('GET', CFG);
    const res = await brokenApi.handle(r);
    expect(res.status).toBe(500);
    const body = JSON.parse(res.body!) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('InternalError');
    expect(body.error.message).toContain(r.requestId);
    expect(res.headers['request-id']).toBe(r.requestId);
    expect(internalErrors.length).toBe(1);
  });
});
