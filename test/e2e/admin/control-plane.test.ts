/**
 * The control plane through the real server on both stores (docs/admin.md): access, tenants, snapshots restoring
 * byte-identical answers, the journal of a $batch, faults that change nothing and then stop, the event stream.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requirePostgresOrSkip } from '../../store/stores.js';
import { type AdminServer, STORE_KINDS, startAdminServer } from './helpers.js';

requirePostgresOrSkip();

const CFGS = '/v1.0/deviceAppManagement/mobileAppConfigurations';
const IOS = '#microsoft.graph.iosMobileAppConfiguration';

// biome-ignore lint/suspicious/noExplicitAny: JSON answers
type Json = any;

for (const kind of STORE_KINDS) {
  describe.skipIf(!kind.available)(`control plane on ${kind.name}`, () => {
    let t: AdminServer;
    beforeAll(async () => {
      t = await startAdminServer(kind.name);
    });
    afterAll(() => t?.close());

    const newTenant = () => crypto.randomUUID();
    async function config(tenant?: string, name = 'Config'): Promise<Json> {
      const r = await t.call('POST', CFGS, {
        body: { '@odata.type': IOS, displayName: name },
        ...(tenant ? { tenant } : {}),
      });
      expect(r.status).toBe(201);
      return r.json();
    }
    async function seed(configId: string, upns: string[], tenant?: string, status = 'compliant'): Promise<void> {
      const r = await t.call('PATCH', `${CFGS}/${configId}/userStatuses`, {
        body: { value: upns.map((u) => ({ userPrincipalName: u, status, devicesCount: 1 })) },
        ...(tenant ? { tenant } : {}),
      });
      expect(r.status).toBe(200);
    }
    async function errorOf(r: Response): Promise<{ status: number; code: string; message: string }> {
      const b = (await r.json()) as Json;
      return { status: r.status, code: b.error.code, message: b.error.message };
    }

    describe('access', () => {
      it('needs the admin key; a Graph token is refused with a 401 naming the admin key', async () => {
        const none = await t.admin('GET', '/tenants', { auth: '' });
        expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
        expect(await errorOf(none)).toEqual({
          status: 401,
          code: 'InvalidAuthenticationToken',
          message: expect.stringContaining('needs the admin key'),
        });
        const graph = await t.admin('GET', '/tenants', { auth: `Bearer ${await t.token()}` });
        expect(await errorOf(graph)).toEqual({
          status: 401,
          code: 'InvalidAuthenticationToken',
          message: expect.stringMatching(/^A Graph access token does not open the control plane; .*admin key/),
        });
        const wrong = await t.admin('GET', '/tenants', { auth: `Bearer ${t.key}x` });
        expect(await errorOf(wrong)).toMatchObject({ status: 401, message: expect.stringContaining('not right') });
        // Without the key not even unknown paths are told apart.
        expect((await t.admin('GET', '/nothing', { auth: '' })).status).toBe(401);
        expect((await t.admin('GET', '/tenants')).status).toBe(200);
      });

      it('the admin key does not open Graph paths: 401 as for any bad token', async () => {
        const r = await t.call('GET', CFGS, { auth: `Bearer ${t.key}` });
        expect(await errorOf(r)).toMatchObject({ status: 401, code: 'InvalidAuthenticationToken' });
      });

      it('the key file is readable by its owner only', async () => {
        const { statSync } = await import('node:fs');
        expect(t.server.admin?.keyPath).toBe(`${t.dataDir}/admin.key`);
        expect(statSync(t.server.admin!.keyPath!).mode & 0o777).toBe(0o600);
      });
    });

    describe('tenants', () => {
      it('are listed with their rows per table, and deleted whole', async () => {
        const tenant = newTenant();
        const c = await config(tenant);
        await seed(c.id, ['a@contoso.com', 'b@contoso.com'], tenant);
        const list = (await (await t.admin('GET', '/tenants')).json()) as Json;
        expect(list.value.find((x: Json) => x.tenant === tenant)).toEqual({
          tenant,
          rows: 3,
          counts: { configurations: 1, user_statuses: 2 },
        });
        const del = await t.admin('DELETE', `/tenants/${tenant}`);
        expect(del.status).toBe(200);
        expect(await del.json()).toEqual({ tenant, rowsDeleted: 3 });
        expect((await t.call('GET', `${CFGS}/${c.id}`, { tenant })).status).toBe(404);
        expect(await errorOf(await t.admin('DELETE', `/tenants/${tenant}`))).toEqual({
          status: 404,
          code: 'ResourceNotFound',
          message: `Tenant '${tenant}' has no data in this store.`,
        });
      });
    });

    describe('snapshots', () => {
      it('taken, data changed, restored: byte-identical GET answers, ETags included', async () => {
        const tenant = newTenant();
        const c = await config(tenant, 'Before');
        await seed(c.id, ['a@contoso.com', 'b@contoso.com', 'c@contoso.com'], tenant);
        const paths = [
          CFGS,
          `${CFGS}/${c.id}`,
          `${CFGS}/${c.id}/userStatuses?$orderby=userPrincipalName`,
          `${CFGS}/${c.id}/userStatusSummary`,
          `/beta/deviceAppManagement/mobileAppConfigurations/${c.id}?$expand=userStatuses`,
        ];
        const answers = async () =>
          Promise.all(
            paths.map(async (p) => {
              const r = await t.call('GET', p, { tenant });
              return { status: r.status, etag: r.headers.get('etag'), body: await r.text() };
            }),
          );
        const before = await answers();
        const name = `s-${tenant}`;
        const taken = await t.admin('POST', '/snapshots', { body: { name, tenant } });
        expect(taken.status).toBe(201);
        expect(taken.headers.get('location')).toBe(`/_admin/snapshots/${name}`);
        expect(await taken.json()).toMatchObject({ name, tenant, rows: 4 });

        expect(
          (await t.call('PATCH', `${CFGS}/${c.id}`, { tenant, body: { '@odata.type': IOS, displayName: 'After' } }))
            .status,
        ).toBe(200);
        await seed(c.id, ['a@contoso.com', 'd@contoso.com'], tenant, 'error');
        await config(tenant, 'Added');
        expect(await answers()).not.toEqual(before);

        const restored = await t.admin('POST', `/snapshots/${name}/restore`);
        expect(restored.status).toBe(200);
        expect(await answers()).toEqual(before);

        const listed = (await (await t.admin('GET', '/snapshots')).json()) as Json;
        expect(listed.value.map((s: Json) => s.name)).toContain(name);
        expect((await t.admin('DELETE', `/snapshots/${name}`)).status).toBe(204);
        expect(await errorOf(await t.admin('POST', `/snapshots/${name}/restore`))).toEqual({
          status: 404,
          code: 'ResourceNotFound',
          message: `No snapshot named '${name}' exists.`,
        });
      });
    });

    describe('the request journal', () => {
      it('records a $batch of 3 as the parent and its 3 items, newest first, never a token', async () => {
        const tenant = newTenant();
        const c = await config(tenant);
        await t.admin('DELETE', '/requests');
        const batch = await t.call('POST', '/v1.0/$batch', {
          tenant,
          body: {
            requests: [
              { id: '1', method: 'GET', url: `/deviceAppManagement/mobileAppConfigurations/${c.id}` },
              { id: '2', method: 'GET', url: '/deviceAppManagement/mobileAppConfigurations?$top=1' },
              { id: '3', method: 'GET', url: `/deviceAppManagement/mobileAppConfigurations/${c.id}/userStatuses` },
            ],
          },
        });
        expect(batch.status).toBe(200);
        const outerId = batch.headers.get('request-id');
        const r = await t.admin('GET', `/requests?tenant=${tenant}`);
        const entries = ((await r.json()) as Json).value as Json[];
        expect(entries).toHaveLength(4);
        expect(entries[0]).toMatchObject({
          method: 'POST',
          url: '/v1.0/$batch',
          status: 200,
          requestId: outerId,
          parentRequestId: null,
          tenant,
          app: 'test-app',
          roles: ['DeviceManagementApps.ReadWrite.All'],
          scp: null,
          throttled: false,
          faulted: false,
        });
        const items = entries.slice(1);
        expect(items.every((e) => e.parentRequestId === outerId && e.method === 'GET' && e.status === 200)).toBe(true);
        expect(items.map((e) => e.url).sort()).toEqual(
          [`${CFGS}/${c.id}`, `${CFGS}?$top=1`, `${CFGS}/${c.id}/userStatuses`].sort(),
        );
        expect(JSON.stringify(entries)).not.toContain((await t.token({ tenant })).slice(0, 40));

        const filtered = async (q: string) =>
          ((await (await t.admin('GET', `/requests?${q}`)).json()) as Json).value as Json[];
        expect(await filtered(`tenant=${tenant}&path=/$batch`)).toHaveLength(1);
        expect(await filtered(`tenant=${tenant}&path=/deviceAppManagement/**&top=2`)).toHaveLength(2);
        expect(await filtered(`tenant=${tenant}&method=post`)).toHaveLength(1);
        expect(await filtered(`tenant=${tenant}&status=2xx`)).toHaveLength(4);
        expect(await filtered(`tenant=${tenant}&status=404`)).toHaveLength(0);
        expect(await filtered(`tenant=${tenant}&since=2999-01-01T00:00:00Z`)).toHaveLength(0);
        expect(await filtered(`tenant=${tenant}&app=other`)).toHaveLength(0);
        expect((await t.admin('DELETE', '/requests')).status).toBe(204);
        expect(await filtered(`tenant=${tenant}`)).toHaveLength(0);
      });

      it('streams new entries as Server-Sent Events', async () => {
        const tenant = newTenant();
        const ac = new AbortController();
        const res = await fetch(`${t.http}/_admin/requests/stream?tenant=${tenant}`, {
          headers: { authorization: `Bearer ${t.key}` },
          signal: ac.signal,
        });
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
        const reader = res.body!.getReader();
        const decoder = new TextDecoder();
        let text = '';
        text += decoder.decode((await reader.read()).value);
        expect(text).toContain(': connected');
        await t.call('GET', CFGS, { tenant });
        while (!text.includes('\n\ndata') && !/data: .*\n\n/.test(text))
          text += decoder.decode((await reader.read()).value);
        const event = /event: request\nid: (\S+)\ndata: (.*)\n\n/.exec(text);
        expect(event).not.toBeNull();
        expect(JSON.parse(event![2]!)).toMatchObject({
          method: 'GET',
          url: CFGS,
          status: 200,
          tenant,
          requestId: event![1],
        });
        ac.abort();
        await reader.cancel().catch(() => {});
      });
    });

    describe('faults', () => {
      it('answer the next 2 PATCHes with 503 and Retry-After, change nothing, then service is normal', async () => {
        const tenant = newTenant();
        const c = await config(tenant, 'Kept');
        const add = await t.admin('POST', '/faults', {
          body: {
            method: 'PATCH',
            path: '/deviceAppManagement/mobileAppConfigurations/*',
            tenant,
            status: 503,
            retryAfter: 2,
            times: 2,
          },
        });
        expect(add.status).toBe(201);
        const rule = (await add.json()) as Json;
        expect(add.headers.get('location')).toBe(`/_admin/faults/${rule.id}`);
        const patch = () =>
          t.call('PATCH', `${CFGS}/${c.id}`, { tenant, body: { '@odata.type': IOS, displayName: 'Changed' } });
        for (let i = 0; i < 2; i++) {
          const r = await patch();
          expect(r.headers.get('retry-after')).toBe('2');
          expect(await errorOf(r)).toEqual({
            status: 503,
            code: 'ServiceUnavailable',
            message: `This request was answered with 503 by the control plane's fault rule '${rule.id}'.`,
          });
          expect(((await (await t.call('GET', `${CFGS}/${c.id}`, { tenant })).json()) as Json).displayName).toBe(
            'Kept',
          );
        }
        // Reads were never matched; the third PATCH goes through.
        expect((await patch()).status).toBe(200);
        expect(((await (await t.call('GET', `${CFGS}/${c.id}`, { tenant })).json()) as Json).displayName).toBe(
          'Changed',
        );
        expect(await (await t.admin('GET', `/faults/${rule.id}`)).json()).toMatchObject({ matched: 2, spent: true });
        const faulted = ((await (await t.admin('GET', `/requests?tenant=${tenant}&method=PATCH`)).json()) as Json)
          .value as Json[];
        expect(faulted.map((e) => [e.status, e.faulted, e.faultId])).toEqual([
          [200, false, null],
          [503, true, rule.id],
          [503, true, rule.id],
        ]);
        expect((await t.admin('DELETE', `/faults/${rule.id}`)).status).toBe(204);
        expect((await t.admin('GET', `/faults/${rule.id}`)).status).toBe(404);
      });

      it('match each $batch item on its own', async () => {
        const tenant = newTenant();
        const c = await config(tenant);
        await t.admin('POST', '/faults', {
          body: {
            path: '/deviceAppManagement/mobileAppConfigurations/*/userStatuses',
            tenant,
            status: 429,
            retryAfter: 1,
          },
        });
        const r = await t.call('POST', '/v1.0/$batch', {
          tenant,
          body: {
            requests: [
              { id: '1', method: 'GET', url: `/deviceAppManagement/mobileAppConfigurations/${c.id}` },
              { id: '2', method: 'GET', url: `/deviceAppManagement/mobileAppConfigurations/${c.id}/userStatuses` },
            ],
          },
        });
        const items = (((await r.json()) as Json).responses as Json[]).sort((a, b) => a.id.localeCompare(b.id));
        expect(items.map((i) => i.status)).toEqual([200, 429]);
        expect(items[1].headers['Retry-After']).toBe('1');
        expect(items[1].body.error.code).toBe('TooManyRequests');
        await t.admin('DELETE', '/faults');
        expect(((await (await t.admin('GET', '/faults')).json()) as Json).value).toEqual([]);
      });

      it('with a seeded probability take the same requests every time', async () => {
        const tenant = newTenant();
        const pattern = async () => {
          await t.admin('POST', '/faults', { body: { path: '/**', tenant, status: 500, probability: 0.5, seed: 42 } });
          const out: number[] = [];
          for (let i = 0; i < 12; i++) out.push((await t.call('GET', CFGS, { tenant })).status);
          await t.admin('DELETE', '/faults');
          return out;
        };
        const first = await pattern();
        expect(first).toContain(500);
        expect(first).toContain(200);
        expect(await pattern()).toEqual(first);
      });
    });
  });
}

describe('--admin off', () => {
  let t: AdminServer;
  beforeAll(async () => {
    t = await startAdminServer('sqlite', { admin: 'off' });
  });
  afterAll(() => t?.close());

  it('answers 404 on every /_admin path, Graph-shaped, and makes no key', async () => {
    for (const p of ['/tenants', '/openapi.json', '/faults', '/requests/stream']) {
      const r = await t.admin('GET', p, { auth: 'Bearer anything' });
      expect(r.status).toBe(404);
      expect(((await r.json()) as Json).error.code).toBe('ResourceNotFound');
    }
    expect(t.server.admin).toBeUndefined();
    const { existsSync } = await import('node:fs');
    expect(existsSync(`${t.dataDir}/admin.key`)).toBe(false);
  });
});
