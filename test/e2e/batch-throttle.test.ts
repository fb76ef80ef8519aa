/**
 * JSON $batch through the real server with the SDK's BatchRequestContent / BatchResponseContent, and Intune
 * throttling: 429 with Retry-After, recovered transparently by the SDK's RetryHandler
 * (docs/api.md#batching-and-throttling).
 */
import { BatchRequestContent, BatchResponseContent, Client } from '@microsoft/microsoft-graph-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';

const ROOT = '/v1.0/deviceAppManagement/mobileAppConfigurations';

describe('$batch', () => {
  let t: TestServer;
  let client: Client;
  beforeAll(async () => {
    t = await startTestServer();
    client = Client.initWithMiddleware({
      authProvider: { getAccessToken: () => t.token() },
      baseUrl: t.https,
      customHosts: new Set([new URL(t.https).hostname]),
      fetchOptions: { dispatcher: t.dispatcher } as RequestInit,
    });
  });
  afterAll(async () => {
    await t.close();
  });

  it('runs items through the same pipeline, with dependsOn and per-item statuses', async () => {
    const config = await client.api('/deviceAppManagement/mobileAppConfigurations').post({
      '@odata.type': '#microsoft.graph.iosMobileAppConfiguration',
      displayName: 'batched',
    });
    const statuses = `${t.https}${ROOT}/${config.id}/userStatuses`;
    const json = { 'Content-Type': 'application/json' };
    const run = async (b: BatchRequestContent) =>
      new BatchResponseContent(await client.api('/$batch').post(await b.getContent()));
    // The SDK only builds parallel, serial or same-dependency batches; the server takes any acyclic graph.
    const serial = await run(
      new BatchRequestContent([
        {
          id: '1',
          request: new Request(statuses, {
            method: 'PATCH',
            headers: json,
            body: JSON.stringify({ userPrincipalName: 'a@contoso.com' }),
          }),
        },
        {
          id: '2',
          request: new Request(statuses, {
            method: 'PATCH',
            headers: json,
            body: JSON.stringify({ userPrincipalName: 'a@contoso.com', status: 'error' }),
          }),
          dependsOn: ['1'],
        },
        { id: '3', request: new Request(`${statuses}/$count`, { method: 'GET' }), dependsOn: ['2'] },
      ]),
    );
    expect(serial.getResponseById('1').status).toBe(201);
    expect(serial.getResponseById('2').status).toBe(200);
    expect(((await serial.getResponseById('2').json()) as { status: string }).status).toBe('error');
    expect(serial.getResponseById('3').status).toBe(200);
    expect(await serial.getResponseById('3').text()).toBe('1');
    const failing = await run(
      new BatchRequestContent([
        {
          id: '4',
          request: new Request(statuses, {
            method: 'PATCH',
            headers: json,
            body: JSON.stringify({ devicesCount: 'Integer', userPrincipalName: 'b@x' }),
          }),
        },
        {
          id: '6',
          request: new Request(statuses, {
            method: 'PATCH',
            headers: json,
            body: JSON.stringify({ userPrincipalName: 'c@x' }),
          }),
          dependsOn: ['4'],
        },
      ]),
    );
    expect(failing.getResponseById('4').status).toBe(400);
    expect(((await failing.getResponseById('4').json()) as { error: { message: string } }).error.message).toContain(
      "'devicesCount'",
    );
    expect(failing.getResponseById('6').status).toBe(424);
    const parallel = await run(
      new BatchRequestContent([
        { id: '5', request: new Request(`${statuses}/nope`, { method: 'GET' }) },
        { id: '7', request: new Request(`${statuses}?$top=1`, { method: 'GET' }) },
      ]),
    );
    expect(parallel.getResponseById('5').status).toBe(404);
    expect(parallel.getResponseById('7').status).toBe(200);
    expect(Number(await (await t.call('GET', `${ROOT}/${config.id}/userStatuses/$count`)).text())).toBe(1);
  });

  it('authorises each item with the outer token and keeps tenants apart', async () => {
    const c = await t.call('POST', ROOT, {
      body: { '@odata.type': '#microsoft.graph.iosMobileAppConfiguration', displayName: 'x' },
    });
    const id = ((await c.json()) as { id: string }).id;
    const readOnly = await t.token({ roles: ['DeviceManagementApps.Read.All'] });
    const other = await t.token({ tenant: '33333333-3333-3333-3333-333333333333' });
    const body = {
      requests: [
        { id: 'r', method: 'GET', url: `/deviceAppManagement/mobileAppConfigurations/${id}` },
        {
          id: 'w',
          method: 'PATCH',
          url: `/deviceAppManagement/mobileAppConfigurations/${id}`,
          headers: { 'Content-Type': 'application/json' },
          body: { description: 'x' },
        },
      ],
    };
    const ro = (await (await t.call('POST', '/v1.0/$batch', { body, auth: `Bearer ${readOnly}` })).json()) as {
      responses: { id: string; status: number }[];
    };
    expect(Object.fromEntries(ro.responses.map((r) => [r.id, r.status]))).toEqual({ r: 200, w: 403 });
    const ot = (await (await t.call('POST', '/v1.0/$batch', { body, auth: `Bearer ${other}` })).json()) as {
      responses: { id: string; status: number }[];
    };
    expect(Object.fromEntries(ot.responses.map((r) => [r.id, r.status]))).toEqual({ r: 404, w: 404 });
    expect((await t.call('POST', '/v1.0/$batch', { body, auth: '' })).status).toBe(401);
  });

  it('rejects a malformed batch whole with 400', async () => {
    const cases: unknown[] = [
      {
        requests: Array.from({ length: 21 }, (_, i) => ({
          id: String(i),
          method: 'GET',
          url: '/deviceAppManagement/mobileAppConfigurations',
        })),
      },
      {
        requests: [
          { id: 'a', method: 'GET', url: '/x' },
          { id: 'A', method: 'GET', url: '/x' },
        ],
      },
      { requests: [{ id: 'a', method: 'GET', url: 'https://graph.microsoft.com/v1.0/me' }] },
      { requests: [{ id: 'a', method: 'POST', url: '/$batch', body: { requests: [] } }] },
      { requests: [{ id: 'a', method: 'GET', url: '/x', dependsOn: ['zz'] }] },
      { nothing: true },
    ];
    for (const body of cases) {
      const r = await t.call('POST', '/v1.0/$batch', { body });
      expect(r.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(((await r.json()) as { error: { code: string } }).error.code).toBe('BadRequest');
    }
    expect(
      (await t.call('POST', '/v1.0/$batch', { raw: '{', headers: { 'content-type': 'application/json' } })).status,
    ).toBe(400);
  });
});

describe('throttling', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ throttle: 'intune' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers 429 TooManyRequests with Retry-After past 100 writes per app per 20 s, and does not execute it', async () => {
    const c = await t.call('POST', ROOT, {
      body: { '@odata.type': '#microsoft.graph.iosMobileAppConfiguration', displayName: 'x' },
    });
    const id = ((await c.json()) as { id: string }).id;
    let throttled: Response | undefined;
    let writes = 1;
    while (!throttled && writes < 150) {
      const r = await t.call('PATCH', `${ROOT}/${id}/userStatuses`, { body: { userPrincipalName: `u${writes}@x` } });
      writes++;
      if (r.status === 429) throttled = r;
      else expect(r.status).toBe(201);
    }
    // The POST above was write 1; PATCH number 100 is the 101st write.
    expect(writes).toBe(101);
    const retry = Number(throttled!.headers.get('retry-after'));
    expect(Number.isInteger(retry) && retry >= 1 && retry <= 20).toBe(true);
    const e = (await throttled!.json()) as { error: { code: string } };
    expect(e.error.code).toBe('TooManyRequests');
    // Reads still pass (1,000 per app), and the throttled write was not executed.
    const n = await t.call('GET', `${ROOT}/${id}/userStatuses/$count`);
    expect(await n.text()).toBe('99');
    // Another app of the same tenant has its own 100, up to the tenant's 200.
    const other = await t.token({ app: 'another-app' });
    expect(
      (
        await t.call('PATCH', `${ROOT}/${id}/userStatuses`, {
          auth: `Bearer ${other}`,
          body: { userPrincipalName: 'other@x' },
        })
      ).status,
    ).toBe(201);
  });
});

describe('throttling recovered and shared', () => {
  const limits = {
    windowMs: 2000,
    writesPerAppPerTenant: 3,
    writesPerTenant: 6,
    allPerAppPerTenant: 1000,
    allPerTenant: 2000,
  };

  it("the Graph SDK's RetryHandler waits out a short throttle transparently", async () => {
    const t = await startTestServer({ throttle: 'intune', throttleLimits: limits });
    try {
      const client = Client.initWithMiddleware({
        authProvider: { getAccessToken: () => t.token() },
        baseUrl: t.https,
        customHosts: new Set([new URL(t.https).hostname]),
        fetchOptions: { dispatcher: t.dispatcher } as RequestInit,
      });
      const config = await client.api('/deviceAppManagement/mobileAppConfigurations').post({
        '@odata.type': '#microsoft.graph.iosMobileAppConfiguration',
        displayName: 'retry',
      });
      for (let i = 0; i < 5; i++) {
        const s = await client
          .api(`/deviceAppManagement/mobileAppConfigurations/${config.id}/userStatuses`)
          .patch({ userPrincipalName: `r${i}@x` });
        expect(s.userPrincipalName).toBe(`r${i}@x`);
      }
      expect(await (await t.call('GET', `${ROOT}/${config.id}/userStatuses/$count`)).text()).toBe('5');
    } finally {
      await t.close();
    }
  });

  it('two instances on one Redis share one limit', async () => {
    const redisUrl = 'redis://127.0.0.1:6379';
    const { default: Redis } = await import('ioredis');
    const probe = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 1000 });
    const up = await probe.connect().then(
      () => true,
      () => false,
    );
    probe.disconnect();
    if (!up) {
      if (process.env.REQUIRE_REDIS)
        throw new Error('Redis is required (REQUIRE_REDIS) but 127.0.0.1:6379 does not answer');
      console.warn('skipped: Redis at 127.0.0.1:6379 is not reachable');
      return;
    }
    const a = await startTestServer({ throttle: 'intune', throttleLimits: { ...limits, windowMs: 20_000 }, redisUrl });
    const b = await startTestServer({ throttle: 'intune', throttleLimits: { ...limits, windowMs: 20_000 }, redisUrl });
    try {
      // A fresh tenant per run, so earlier runs' counters in Redis do not matter.
      const tenant = crypto.randomUUID();
      const body = { '@odata.type': '#microsoft.graph.iosMobileAppConfiguration', displayName: 'shared' };
      const onA = async () => (await a.call('POST', ROOT, { tenant, body })).status;
      const onB = async () => (await b.call('POST', ROOT, { tenant, body })).status;
      expect([await onA(), await onB(), await onA()]).toEqual([201, 201, 201]);
      // Three writes in the window across both instances: the fourth is throttled on either.
      expect(await onB()).toBe(429);
      expect(await onA()).toBe(429);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
