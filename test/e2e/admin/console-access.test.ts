/**
 * What the console needs of the control plane (docs/admin.md#graph-tokens, #the-request-journal): Graph tokens for
 * a tenant from the admin key, and the event stream opened with a one-time ticket, since a browser's EventSource
 * cannot send the key in a header.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminServer, startAdminServer } from './helpers.js';

const CFGS = '/v1.0/deviceAppManagement/mobileAppConfigurations';

// biome-ignore lint/suspicious/noExplicitAny: JSON answers
type Json = any;

let t: AdminServer;
beforeAll(async () => {
  t = await startAdminServer('sqlite', {
    defaultRoles: ['DeviceManagementApps.Read.All', 'User.Read.All'],
  });
});
afterAll(() => t?.close());

const claims = (jwt: string): Json => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8'));

describe('POST /_admin/tenants/{tid}/token', () => {
  it('mints a Graph token of the local issuer for the tenant, with the default roles', async () => {
    const tenant = crypto.randomUUID().toUpperCase();
    const r = await t.admin('POST', `/tenants/${tenant}/token`);
    expect(r.status).toBe(200);
    expect(r.headers.get('cache-control')).toBe('no-store');
    const body = (await r.json()) as Json;
    expect(body).toEqual({
      token_type: 'Bearer',
      access_token: expect.any(String),
      expires_in: 3600,
      tenant: tenant.toLowerCase(),
      roles: ['DeviceManagementApps.Read.All', 'User.Read.All'],
    });
    expect(claims(body.access_token)).toMatchObject({ tid: tenant.toLowerCase(), roles: body.roles });
    // It opens the tenant's Graph API for reading, and only what its roles allow.
    const read = await fetch(`${t.http}${CFGS}`, { headers: { authorization: `Bearer ${body.access_token}` } });
    expect(read.status).toBe(200);
    const write = await fetch(`${t.http}${CFGS}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${body.access_token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ '@odata.type': '#microsoft.graph.iosMobileAppConfiguration', displayName: 'x' }),
    });
    expect(write.status).toBe(403);
  });

  it('needs the admin key, and refuses what is not a tenant', async () => {
    const none = await t.admin('POST', '/tenants/contoso.com/token', { auth: '' });
    expect(none.status).toBe(401);
    const graph = await t.admin('POST', '/tenants/contoso.com/token', { auth: `Bearer ${await t.token()}` });
    expect(graph.status).toBe(401);
    const bad = await t.admin('POST', '/tenants/not%20a%20tenant/token');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as Json).error).toMatchObject({ code: 'BadRequest', target: 'tid' });
    const get = await t.admin('GET', '/tenants/contoso.com/token');
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
  });
});

describe('POST /_admin/tenants/{tid}/token with an external issuer', () => {
  it('answers 404 saying the server mints no tokens', async () => {
    const o = await startAdminServer('sqlite', {
      auth: 'oidc',
      oidcJwksUrl: 'http://127.0.0.1:9/keys',
      oidcIssuers: ['https://login.example/tenant/v2.0'],
    });
    try {
      const r = await o.admin('POST', '/tenants/contoso.com/token');
      expect(r.status).toBe(404);
      expect(((await r.json()) as Json).error.message).toMatch(/--auth oidc.*mints none/);
    } finally {
      await o.close();
    }
  });
});

describe('the journal stream with a one-time ticket', () => {
  async function ticket(): Promise<{ ticket: string; expiresAt: string; location: string }> {
    const r = await t.admin('POST', '/requests/stream/tickets');
    expect(r.status).toBe(201);
    return { ...((await r.json()) as Json), location: r.headers.get('location') };
  }

  it('opens the stream once without the key, and the stream carries new requests', async () => {
    const tenant = crypto.randomUUID();
    const tk = await ticket();
    expect(Date.parse(tk.expiresAt) - Date.now()).toBeGreaterThan(50_000);
    expect(tk.location).toBe(`/_admin/requests/stream?ticket=${tk.ticket}`);
    const ac = new AbortController();
    const res = await fetch(`${t.http}/_admin/requests/stream?tenant=${tenant}&ticket=${tk.ticket}`, {
      signal: ac.signal,
    });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = decoder.decode((await reader.read()).value);
    expect(text).toContain(': connected');
    await t.call('GET', CFGS, { tenant });
    while (!/data: .*\n\n/.test(text)) text += decoder.decode((await reader.read()).value);
    expect(JSON.parse(/data: (.*)\n\n/.exec(text)![1]!)).toMatchObject({ method: 'GET', url: CFGS, tenant });
    ac.abort();
    await reader.cancel().catch(() => {});

    const again = await fetch(`${t.http}/_admin/requests/stream?ticket=${tk.ticket}`);
    expect(again.status).toBe(401);
    expect(((await again.json()) as Json).error.message).toMatch(/unknown, spent or expired/);
  });

  it('opens nothing but the stream, and is not spent by trying', async () => {
    const tk = await ticket();
    for (const path of [`/requests?ticket=${tk.ticket}`, `/tenants?ticket=${tk.ticket}`]) {
      const r = await t.admin('GET', path, { auth: '' });
      expect(r.status, path).toBe(401);
    }
    const del = await fetch(`${t.http}/_admin/requests/stream?ticket=${tk.ticket}`, { method: 'DELETE' });
    expect(del.status).toBe(401);
    const ac = new AbortController();
    const ok = await fetch(`${t.http}/_admin/requests/stream?ticket=${tk.ticket}`, { signal: ac.signal });
    expect(ok.status).toBe(200);
    ac.abort();
  });

  it('refuses a made-up ticket and a ticket given twice, and needs the key to ask for one', async () => {
    expect((await fetch(`${t.http}/_admin/requests/stream?ticket=made-up`)).status).toBe(401);
    const tk = await ticket();
    const twice = await fetch(`${t.http}/_admin/requests/stream?ticket=${tk.ticket}&ticket=${tk.ticket}`);
    expect(twice.status).toBe(401);
    expect((await t.admin('POST', '/requests/stream/tickets', { auth: '' })).status).toBe(401);
  });
});
