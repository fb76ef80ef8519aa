/**
 * A request with no Authorization header is what a Graph SDK sends when its allowed hosts exclude this server:
 * the 401 says so, and keeps Graph's code and the Bearer challenge.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.close());

describe('401 without an Authorization header', () => {
  it('names the likely cause, with InvalidAuthenticationToken and WWW-Authenticate', async () => {
    const r = await t.call('GET', '/v1.0/deviceAppManagement/mobileAppConfigurations', { auth: '' });
    expect(r.status).toBe(401);
    expect(r.headers.get('www-authenticate')).toMatch(/^Bearer realm="", client_id="/);
    const { error } = (await r.json()) as { error: { code: string; message: string; innerError: unknown } };
    expect(error.code).toBe('InvalidAuthenticationToken');
    expect(error.message).toContain('No Authorization header');
    expect(error.message).toContain('allowed hosts probably exclude this host');
    expect(error.message).toContain('customHosts');
    expect(error.innerError).toMatchObject({ 'request-id': expect.any(String) });
  });

  it('an empty Bearer token is not taken for a missing header', async () => {
    const r = await t.call('GET', '/v1.0/deviceAppManagement/mobileAppConfigurations', { auth: 'Bearer  ' });
    expect(r.status).toBe(401);
    const { error } = (await r.json()) as { error: { message: string } };
    expect(error.message).not.toContain('No Authorization header');
  });
});
