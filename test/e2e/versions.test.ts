/**
 * The version segment, through the real server: either version in any case, and a 404 naming anything else,
 * including names that every JavaScript object has.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';

let t: TestServer;

beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t.close();
});

it('serves v1.0 and beta in any case', async () => {
  for (const v of ['v1.0', 'V1.0', 'beta', 'Beta']) {
    const r = await t.call('GET', `/${v}/deviceAppManagement/mobileAppConfigurations`);
    expect(r.status, v).toBe(200);
    const body = (await r.json()) as { '@odata.context': string };
    expect(body['@odata.context'], v).toContain(`/${v.toLowerCase()}/$metadata#`);
  }
});

it('answers 404 for any other version, even a name Object.prototype has', async () => {
  for (const v of ['v2.0', 'constructor', '__proto__', 'hasOwnProperty']) {
    const r = await t.call('GET', `/${v}/deviceAppManagement/mobileAppConfigurations`);
    expect(r.status, v).toBe(404);
    const body = (await r.json()) as { error: { code: string; message: string } };
    expect(body.error.code, v).toBe('ResourceNotFound');
    expect(body.error.message, v).toBe(`Invalid version: ${v}`);
  }
});
