/**
 * Two real server processes (`node dist/cli/main.js serve --db postgres://...`) on one PostgreSQL schema, as
 * two stateless instances behind a load balancer would run (docs/api.md#storage-and-scale): requests alternate between
 * them.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, type ServerProcess, spawnServer, stopped } from '../helpers/process.js';
import { freshSchema, postgresAvailable, requirePostgresOrSkip, type TestSchema } from './stores.js';

requirePostgresOrSkip();

const CLI = new URL('../../dist/cli/main.js', import.meta.url).pathname;
const COLLECTION = '/v1.0/deviceAppManagement/mobileAppConfigurations';

describe.skipIf(!postgresAvailable)('two server processes on one PostgreSQL database', () => {
  let schema: TestSchema;
  let dir: string;
  let servers: ServerProcess[] = [];
  let headers: Record<string, string>;

  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run "npm run build" first (npm test does).`);
    schema = await freshSchema();
    dir = mkdtempSync(join(tmpdir(), 'appconfig-graph-pg-'));
    // The token command migrates the schema and creates the issuer key; both servers then share that key.
    const token = await cli(['token', '--db', schema.url]);
    headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const args = ['--db', schema.url, '--data-dir', dir, '--throttle', 'off'];
    servers = await Promise.all([spawnServer(args), spawnServer(args)]);
  });

  afterAll(async () => {
    for (const s of servers) {
      s.child.kill('SIGTERM');
      await stopped(s.child);
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
    await schema?.drop();
  });

  const server = (i: number): string => servers[i % servers.length]!.http;
  const call = (i: number, method: string, path: string, body?: unknown, extra: Record<string, string> = {}) =>
    fetch(`${server(i)}${path}`, {
      method,
      headers: { ...headers, ...extra },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });

  async function newConfiguration(i = 0): Promise<string> {
    const r = await call(i, 'POST', COLLECTION, {
      '@odata.type': '#microsoft.graph.iosMobileAppConfiguration',
      displayName: 'shared',
    });
    expect(r.status).toBe(201);
    return ((await r.json()) as { id: string }).id;
  }

  it('both instances serve the same data', async () => {
    const id = await newConfiguration(0);
    const r = await call(1, 'GET', `${COLLECTION}/${id}`);
    expect(r.status).toBe(200);
    expect(((await r.json()) as { displayName: string }).displayName).toBe('shared');
    expect((await call(1, 'GET', '/healthz', undefined)).status).toBe(200);
  });

  it('20 concurrent seed PATCHes of one new principal name make one row', async () => {
    const id = await newConfiguration();
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        call(i, 'PATCH', `${COLLECTION}/${id}/userStatuses`, {
          userPrincipalName: i % 2 ? 'Race@Contoso.com' : 'race@contoso.com',
          devicesCount: i,
        }),
      ),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 200)).toHaveLength(19);
    const ids = new Set(await Promise.all(responses.map(async (r) => ((await r.json()) as { id: string }).id)));
    expect(ids.size).toBe(1);
    const count = await call(1, 'GET', `${COLLECTION}/${id}/userStatuses/$count`);
    expect(await count.text()).toBe('1');
  });

  it('If-Match races between the instances have exactly one winner', async () => {
    const id = await newConfiguration();
    const etag = (await call(0, 'GET', `${COLLECTION}/${id}`)).headers.get('etag')!;
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        call(
          i,
          'PATCH',
          `${COLLECTION}/${id}`,
          { '@odata.type': '#microsoft.graph.iosMobileAppConfiguration', description: `w${i}` },
          { 'if-match': etag },
        ),
      ),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 412)).toHaveLength(19);
    const after = (await (await call(1, 'GET', `${COLLECTION}/${id}`)).json()) as { version: number };
    expect(after.version).toBe(2);
  });

  it('no lost updates under a mixed load', async () => {
    const id = await newConfiguration();
    const statuses = `${COLLECTION}/${id}/userStatuses`;
    const counter = (await (await call(0, 'PATCH', statuses, { userPrincipalName: 'counter@contoso.com' })).json()) as {
      id: string;
    };
    const increments = 10;
    const incrementer = (worker: number) => async () => {
      for (let n = 0; n < increments; n++) {
        for (let attempt = 0; ; attempt++) {
          const r = await call(worker + n + attempt, 'GET', `${statuses}/${counter.id}`);
          const cur = (await r.json()) as { devicesCount: number };
          const u = await call(
            worker + n + attempt + 1,
            'PATCH',
            `${statuses}/${counter.id}`,
            { devicesCount: cur.devicesCount + 1 },
            { 'if-match': r.headers.get('etag')! },
          );
          if (u.status === 200) break;
          expect(u.status).toBe(412);
        }
      }
    };
    const work: (() => Promise<unknown>)[] = [];
    for (let w = 0; w < 4; w++) work.push(incrementer(w));
    for (let i = 0; i < 20; i++) {
      work.push(() =>
        call(i, 'PATCH', `${COLLECTION}/${id}`, {
          '@odata.type': '#microsoft.graph.iosMobileAppConfiguration',
          description: `d${i}`,
        }),
      );
      work.push(() => call(i, 'PATCH', statuses, { userPrincipalName: `user${i}@contoso.com`, devicesCount: 1 }));
      work.push(() => call(i + 1, 'PATCH', statuses, { userPrincipalName: `USER${i}@contoso.com`, status: 'error' }));
    }
    work.push(() =>
      call(0, 'PATCH', statuses, {
        value: Array.from({ length: 50 }, (_, k) => ({ userPrincipalName: `bulk${k}@contoso.com`, devicesCount: 2 })),
      }),
    );
    work.push(() =>
      call(1, 'PATCH', statuses, {
        value: Array.from({ length: 50 }, (_, k) => ({
          userPrincipalName: `BULK${49 - k}@contoso.com`,
          status: 'compliant',
        })),
      }),
    );
    const results = await Promise.all(work.map((w) => w()));
    for (const r of results) if (r instanceof Response) expect([200, 201]).toContain(r.status);
    const got = (await (await call(1, 'GET', `${statuses}/${counter.id}`)).json()) as { devicesCount: number };
    expect(got.devicesCount).toBe(4 * increments);
    const config = (await (await call(0, 'GET', `${COLLECTION}/${id}`)).json()) as { version: number };
    expect(config.version).toBe(21);
    const list = (await (
      await call(
        1,
        'GET',
        `${statuses}?$filter=${encodeURIComponent("startswith(userPrincipalName,'user')")}&$count=true`,
      )
    ).json()) as {
      '@odata.count': number;
      value: { devicesCount: number; status: string }[];
    };
    expect(list['@odata.count']).toBe(20);
    for (const v of list.value) expect(v).toMatchObject({ devicesCount: 1, status: 'error' });
    const bulk = (await (
      await call(0, 'GET', `${statuses}?$filter=${encodeURIComponent("startswith(userPrincipalName,'bulk')")}`)
    ).json()) as {
      value: { devicesCount: number; status: string }[];
    };
    expect(bulk.value).toHaveLength(50);
    for (const v of bulk.value) expect(v).toMatchObject({ devicesCount: 2, status: 'compliant' });
  });

  it('a nextLink from one instance is followed on the other, while both write', async () => {
    const id = await newConfiguration();
    const statuses = `${COLLECTION}/${id}/userStatuses`;
    const r = await call(0, 'PATCH', statuses, {
      value: Array.from({ length: 30 }, (_, k) => ({ userPrincipalName: `p${k}@contoso.com` })),
    });
    expect(r.status).toBe(200);
    const seen: string[] = [];
    let url: string | undefined = `${server(0)}${statuses}?$top=4&$orderby=userPrincipalName`;
    let hop = 0;
    while (url) {
      const page = (await (await fetch(url, { headers })).json()) as {
        value: { userPrincipalName: string }[];
        '@odata.nextLink'?: string;
      };
      seen.push(...page.value.map((v) => v.userPrincipalName));
      await call(hop, 'PATCH', statuses, { userPrincipalName: `new${hop}@contoso.com` });
      const next: string | undefined = page['@odata.nextLink'];
      // Send the next page to the other instance.
      url = next?.replace(server(hop), server(hop + 1));
      hop++;
    }
    for (let k = 0; k < 30; k++) expect(seen.filter((s) => s === `p${k}@contoso.com`)).toHaveLength(1);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('an instance killed with SIGKILL loses nothing it acknowledged; the other serves on', async () => {
    const id = await newConfiguration(1);
    const statuses = `${COLLECTION}/${id}/userStatuses`;
    const acknowledged: string[] = [];
    await Promise.all(
      Array.from({ length: 40 }, async (_, k) => {
        const r = await call(0, 'PATCH', statuses, { userPrincipalName: `k${k}@contoso.com` });
        if (r.status === 201) acknowledged.push(`k${k}@contoso.com`);
      }),
    );
    const victim = servers[0]!;
    victim.child.kill('SIGKILL');
    await stopped(victim.child);
    const list = (await (await fetch(`${servers[1]!.http}${statuses}`, { headers })).json()) as {
      value: { userPrincipalName: string }[];
    };
    expect(list.value.map((v) => v.userPrincipalName).sort()).toEqual(acknowledged.sort());
    servers[0] = await spawnServer(['--db', schema.url, '--data-dir', dir, '--throttle', 'off']);
    const again = await fetch(`${servers[0]!.http}${statuses}/$count`, { headers });
    expect(await again.text()).toBe(String(acknowledged.length));
  });
});
