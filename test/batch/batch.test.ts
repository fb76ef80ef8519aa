import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { BATCH_CONCURRENCY, handleBatch } from '../../src/api/batch.js';
import type { ApiRequest, ApiResponse } from '../../src/api/types.js';
import { ApiError } from '../../src/util/errors.js';

const JSON_CT = 'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';
const DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/;

const outer = (body: ApiRequest['body'], headers: Record<string, string> = {}): ApiRequest => ({
  method: 'POST',
  url: '/v1.0/$batch',
  headers: {
    authorization: 'Bearer T',
    'content-type': 'application/json',
    'client-request-id': 'outer-client',
    prefer: 'return=minimal',
    ...headers,
  },
  body,
  baseUrl: 'https://localhost:8443',
  requestId: 'outer-req',
});

const batchOf = (requests: unknown[]): ApiRequest => outer(JSON.stringify({ requests }));

/** A pipeline stand-in: answers by the last path segment and records what it was given. */
function fakePipeline(opts: { delayMs?: number } = {}) {
  const calls: ApiRequest[] = [];
  const events: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  let n = 0;
  const handle = async (req: ApiRequest): Promise<ApiResponse> => {
    calls.push(req);
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    const name = req.url.split('?')[0]!.split('/').pop()!;
    events.push(`start ${name}`);
    try {
      if (opts.delayMs) await sleep(opts.delayMs);
      const ids = {
        'request-id': req.requestId,
        'client-request-id': req.headers['client-request-id'] ?? req.requestId,
      };
      switch (name) {
        case 'missing':
          return {
            status: 404,
            headers: { 'Content-Type': 'application/json', ...ids },
            body: JSON.stringify({ error: { code: 'ResourceNotFound', message: 'nope' } }),
          };
        case 'busy':
          return {
            status: 429,
            headers: { 'Content-Type': 'application/json', 'Retry-After': '7', ...ids },
            body: JSON.stringify({ error: { code: 'TooManyRequests', message: 'slow down' } }),
          };
        case '$count':
          return { status: 200, headers: { 'content-type': 'text/plain;charset=utf-8', ...ids }, body: '5' };
        case 'gone':
          return { status: 204, headers: ids };
        case 'throws':
          throw new ApiError('Forbidden', 'no permission');
        case 'bug':
          throw new TypeError('boom');
        default:
          return {
            status: req.method === 'POST' ? 201 : 200,
            headers: { 'content-type': JSON_CT, 'Content-Length': '99', ETag: '"e"', ...ids },
            body: JSON.stringify({
              name,
              n: n++,
              ...(req.body && typeof req.body === 'object' && 'json' in req.body ? { got: req.body.json } : {}),
            }),
          };
      }
    } finally {
      inFlight--;
      events.push(`end ${name}`);
    }
  };
  let seq = 0;
  const newId = () => `item-${++seq}`;
  return { calls, events, handle, newId, maxInFlight: () => maxInFlight };
}

async function run(req: ApiRequest, p = fakePipeline(), version: 'v1.0' | 'beta' = 'v1.0') {
  const res = await handleBatch(req, version, p.handle, p.newId);
  return { res, json: JSON.parse(res.body!) as Record<string, unknown>, p };
}

type Item = { id: string; status: number; headers: Record<string, string>; body?: unknown };
const responses = (json: Record<string, unknown>) => json.responses as Item[];

describe('handleBatch', () => {
  it('runs each item through the pipeline and answers 200 with every result in request order', async () => {
    const { res, json, p } = await run(
      batchOf([
        { id: '1', method: 'get', url: '/v1.0/deviceAppManagement/mobileAppConfigurations' },
        { id: '2', method: 'GET', url: '/deviceAppManagement/mobileAppConfigurations/c1/userStatuses/$count' },
        { id: '3', method: 'DELETE', url: 'deviceAppManagement/mobileAppConfigurations/gone' },
        {
          id: '4',
          method: 'POST',
          url: 'v1.0/deviceAppManagement/mobileAppConfigurations?x=1',
          body: { displayName: 'a' },
          headers: { 'Client-Request-Id': 'mine' },
        },
      ]),
    );
    expect(res.status).toBe(200);
    expect(res.headers).toEqual({ 'Content-Type': JSON_CT });
    const r = responses(json);
    expect(r.map((x) => [x.id, x.status])).toEqual([
      ['1', 200],
      ['2', 200],
      ['3', 204],
      ['4', 201],
    ]);
    expect(r[0]!.headers['Content-Type']).toBe(JSON_CT);
    expect(r[0]!.headers).not.toHaveProperty('content-type');
    expect(r[0]!.headers).not.toHaveProperty('Content-Length');
    expect(r[0]!.headers.ETag).toBe('"e"');
    expect(r[0]!.body).toMatchObject({ name: 'mobileAppConfigurations' });
    expect(r[1]!.headers['Content-Type']).toBe('text/plain;charset=utf-8');
    expect(r[1]!.body).toBe('5');
    expect(r[2]).not.toHaveProperty('body');
    expect(r[3]!.body).toMatchObject({ got: { displayName: 'a' } });

    expect(p.calls.map((c) => [c.method, c.url])).toEqual([
      ['GET', '/v1.0/deviceAppManagement/mobileAppConfigurations'],
      ['GET', '/v1.0/deviceAppManagement/mobileAppConfigurations/c1/userStatuses/$count'],
      ['DELETE', '/v1.0/deviceAppManagement/mobileAppConfigurations/gone'],
      ['POST', '/v1.0/deviceAppManagement/mobileAppConfigurations?x=1'],
    ]);
    for (const c of p.calls) {
      expect(c.batchItem).toBe(true);
      expect(c.baseUrl).toBe('https://localhost:8443');
      expect(c.headers.authorization).toBe('Bearer T');
      expect(c.headers).not.toHaveProperty('prefer');
    }
    expect(new Set(p.calls.map((c) => c.requestId)).size).toBe(4);
    expect(p.calls.every((c) => /^item-\d+$/.test(c.requestId))).toBe(true);
    expect(p.calls[0]!.headers['client-request-id']).toBe('outer-client');
    expect(p.calls[0]!.headers).not.toHaveProperty('content-type');
    expect(p.calls[3]!.headers['client-request-id']).toBe('mine');
    expect(p.calls[3]!.headers['content-type']).toBe('application/json');
    expect(p.calls[3]!.body).toEqual({ json: { displayName: 'a' } });
  });

  it('resolves items against the batch version, and fails an item that names the other one', async () => {
    const { json, p } = await run(
      batchOf([
        { id: 'a', method: 'GET', url: '/beta/deviceAppManagement/mobileAppConfigurations' },
        { id: 'b', method: 'GET', url: '/deviceAppManagement/mobileAppConfigurations' },
        { id: 'c', method: 'GET', url: '/v1.0/deviceAppManagement/mobileAppConfigurations' },
      ]),
      fakePipeline(),
      'beta',
    );
    const r = responses(json);
    expect(r.map((x) => x.status)).toEqual([200, 200, 400]);
    expect(r[2]!.body).toMatchObject({ error: { code: 'BadRequest', message: expect.stringMatching(/v1\.0.*beta/) } });
    expect(p.calls.map((c) => c.url)).toEqual([
      '/beta/deviceAppManagement/mobileAppConfigurations',
      '/beta/deviceAppManagement/mobileAppConfigurations',
    ]);
  });

  it('answers 424 for items whose dependency failed, transitively, without running them', async () => {
    const { json, p } = await run(
      batchOf([
        { id: 'a', method: 'GET', url: '/x/missing' },
        {
          id: 'b',
          method: 'PATCH',
          url: '/x/b',
          dependsOn: ['a'],
          body: {},
          headers: { 'content-type': 'application/json' },
        },
        { id: 'c', method: 'GET', url: '/x/c', dependsOn: ['B'] },
        { id: 'd', method: 'GET', url: '/x/busy' },
        { id: 'e', method: 'GET', url: '/x/e', dependsOn: ['d'] },
        { id: 'f', method: 'GET', url: '/x/f', dependsOn: ['a', 'd'] },
        { id: 'g', method: 'GET', url: '/x/g' },
      ]),
    );
    const r = responses(json);
    expect(r.map((x) => [x.id, x.status])).toEqual([
      ['a', 404],
      ['b', 424],
      ['c', 424],
      ['d', 429],
      ['e', 424],
      ['f', 424],
      ['g', 200],
    ]);
    expect(r[3]!.headers['Retry-After']).toBe('7');
    expect(p.calls.map((c) => c.url.split('/').pop())).toEqual(['missing', 'busy', 'g']);
    const b = r[1]!;
    expect(b.headers['Content-Type']).toBe('application/json');
    expect(b.headers['client-request-id']).toBe('outer-client');
    expect(b.headers['request-id']).toMatch(/^item-\d+$/);
    expect(b.body).toEqual({
      error: {
        code: 'FailedDependency',
        message: expect.stringMatching(/"b".*"a".*404/),
        innerError: {
          date: expect.stringMatching(DATE),
          'request-id': b.headers['request-id'],
          'client-request-id': 'outer-client',
        },
      },
    });
    expect(r[2]!.body).toMatchObject({ error: { message: expect.stringMatching(/"c".*"b".*424/) } });
  });

  it('runs a dependent only after what it depends on has finished', async () => {
    const p = fakePipeline({ delayMs: 20 });
    const { json } = await run(
      batchOf([
        { id: '3', method: 'GET', url: '/x/three', dependsOn: ['2'] },
        { id: '2', method: 'GET', url: '/x/two', dependsOn: ['1'] },
        { id: '1', method: 'GET', url: '/x/one' },
        { id: '4', method: 'GET', url: '/x/four' },
      ]),
      p,
    );
    expect(responses(json).map((x) => x.status)).toEqual([200, 200, 200, 200]);
    const at = (e: string) => p.events.indexOf(e);
    expect(at('end one')).toBeLessThan(at('start two'));
    expect(at('end two')).toBeLessThan(at('start three'));
    // Independent work overlaps the chain.
    expect(at('start four')).toBeLessThan(at('end one'));
  });

  it(`runs independent items concurrently, at most ${BATCH_CONCURRENCY} at once`, async () => {
    const p = fakePipeline({ delayMs: 15 });
    const { json } = await run(
      batchOf(Array.from({ length: 20 }, (_, i) => ({ id: `r${i}`, method: 'GET', url: `/x/i${i}` }))),
      p,
    );
    expect(responses(json)).toHaveLength(20);
    expect(p.maxInFlight()).toBe(BATCH_CONCURRENCY);
    expect(responses(json).map((x) => x.id)).toEqual(Array.from({ length: 20 }, (_, i) => `r${i}`));
  });

  it('passes base64 bodies on as bytes with the item Content-Type', async () => {
    const { p } = await run(
      batchOf([
        {
          id: '1',
          method: 'POST',
          url: '/x/y',
          headers: { 'Content-Type': 'application/json' },
          body: Buffer.from('{"a":1}').toString('base64'),
        },
        { id: '2', method: 'PUT', url: '/x/z', headers: { 'Content-Type': 'text/plain' }, body: 'aGk_' },
      ]),
    );
    expect(p.calls[0]!.body).toEqual(Buffer.from('{"a":1}'));
    expect(p.calls[0]!.headers['content-type']).toBe('application/json');
    expect(p.calls[1]!.body).toEqual(Buffer.from([0x68, 0x69, 0x3f]));
  });

  it('accepts the batch body as text, bytes or parsed JSON', async () => {
    const requests = [{ id: '1', method: 'GET', url: '/x/y' }];
    for (const body of [
      JSON.stringify({ requests }),
      Buffer.from(`\uFEFF${JSON.stringify({ requests })}`),
      { json: { requests } },
    ]) {
      const { res, json } = await run(outer(body));
      expect(res.status).toBe(200);
      expect(responses(json)[0]!.status).toBe(200);
    }
  });

  it('turns an ApiError thrown for an item into that item’s answer, and fails the batch on a bug', async () => {
    const { json } = await run(
      batchOf([
        { id: '1', method: 'GET', url: '/x/throws' },
        { id: '2', method: 'GET', url: '/x/y', dependsOn: ['1'] },
      ]),
    );
    const r = responses(json);
    expect(r.map((x) => x.status)).toEqual([403, 424]);
    expect(r[0]!.body).toMatchObject({ error: { code: 'Forbidden', message: 'no permission' } });

    const p = fakePipeline();
    await expect(
      handleBatch(
        batchOf([
          { id: '1', method: 'GET', url: '/x/bug' },
          { id: '2', method: 'GET', url: '/x/y' },
        ]),
        'v1.0',
        p.handle,
        p.newId,
      ),
    ).rejects.toThrow('boom');
  });

  const ok = { method: 'GET', url: '/x/y' };
  const malformed: [string, ApiRequest['body'], RegExp][] = [
    ['no body', undefined, /no body/],
    ['not JSON', '{"requests": [', /not valid JSON/],
    ['not an object', '[]', /must be a JSON object/],
    ['no requests', '{}', /no "requests" array/],
    ['requests not an array', '{"requests": {}}', /must be an array/],
    ['no requests at all', '{"requests": []}', /holds no requests/],
    [
      'too many',
      JSON.stringify({ requests: Array.from({ length: 21 }, (_, i) => ({ id: `${i}`, ...ok })) }),
      /at most 20.*21/,
    ],
    ['item not an object', JSON.stringify({ requests: ['x'] }), /requests\[0\] must be a JSON object/],
    ['no id', JSON.stringify({ requests: [ok] }), /requests\[0\] has no "id"/],
    [
      'numeric id',
      JSON.stringify({ requests: [{ id: 1, ...ok }] }),
      /"id" of requests\[0\] must be a non-empty string/,
    ],
    [
      'duplicate ids',
      JSON.stringify({
        requests: [
          { id: 'a', ...ok },
          { id: 'A', ...ok },
        ],
      }),
      /id "A" of requests\[1\] is already used by requests\[0\]/,
    ],
    ['no method', JSON.stringify({ requests: [{ id: 'a', url: '/x' }] }), /\(id "a"\) has no "method"/],
    ['bad method', JSON.stringify({ requests: [{ id: 'a', method: 'G T', url: '/x' }] }), /must be an HTTP method/],
    ['no url', JSON.stringify({ requests: [{ id: 'a', method: 'GET' }] }), /\(id "a"\) has no "url"/],
    [
      'absolute url',
      JSON.stringify({ requests: [{ id: 'a', method: 'GET', url: 'https://graph.microsoft.com/v1.0/me' }] }),
      /must be relative/,
    ],
    [
      'protocol-relative url',
      JSON.stringify({ requests: [{ id: 'a', method: 'GET', url: '//evil/x' }] }),
      /must be relative/,
    ],
    ['nested batch', JSON.stringify({ requests: [{ id: 'a', method: 'POST', url: '/$batch' }] }), /cannot be nested/],
    [
      'nested batch with version',
      JSON.stringify({ requests: [{ id: 'a', method: 'POST', url: '/beta/$Batch/?x=1' }] }),
      /cannot be nested/,
    ],
    [
      'unknown dependency',
      JSON.stringify({ requests: [{ id: 'a', ...ok, dependsOn: ['zz'] }] }),
      /depends on "zz", which is not in this batch/,
    ],
    ['self dependency', JSON.stringify({ requests: [{ id: 'a', ...ok, dependsOn: ['a'] }] }), /depends on itself/],
    [
      'cycle',
      JSON.stringify({
        requests: [
          { id: 'a', ...ok, dependsOn: ['c'] },
          { id: 'b', ...ok, dependsOn: ['a'] },
          { id: 'c', ...ok, dependsOn: ['b'] },
          { id: 'd', ...ok },
        ],
      }),
      /"a", "b", "c" form a cycle/,
    ],
    [
      'dependsOn not an array',
      JSON.stringify({ requests: [{ id: 'a', ...ok, dependsOn: 'b' }] }),
      /must be an array of request ids/,
    ],
    [
      'body a number',
      JSON.stringify({ requests: [{ id: 'a', ...ok, body: 5 }] }),
      /JSON object or a base64 string; got 5/,
    ],
    ['body an array', JSON.stringify({ requests: [{ id: 'a', ...ok, body: [] }] }), /got an array/],
    ['body not base64', JSON.stringify({ requests: [{ id: 'a', ...ok, body: 'not base64!' }] }), /not base64/],
    [
      'header not a string',
      JSON.stringify({ requests: [{ id: 'a', ...ok, headers: { 'x-n': 1 } }] }),
      /"x-n".*must be a string/,
    ],
  ];

  it.each(malformed)('answers 400 for the whole batch: %s', async (_name, body, message) => {
    const p = fakePipeline();
    const res = await handleBatch(outer(body), 'v1.0', p.handle, p.newId);
    expect(res.status).toBe(400);
    expect(res.headers['Content-Type']).toBe('application/json');
    expect(JSON.parse(res.body!)).toEqual({
      error: {
        code: 'BadRequest',
        message: expect.stringMatching(message),
        innerError: {
          date: expect.stringMatching(DATE),
          'request-id': 'outer-req',
          'client-request-id': 'outer-client',
        },
      },
    });
    expect(p.calls).toHaveLength(0);
  });
});
