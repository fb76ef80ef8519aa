/** Every control-plane route refuses bad input with a Graph-shaped 4xx naming what is wrong. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminServer, startAdminServer } from './helpers.js';

// biome-ignore lint/suspicious/noExplicitAny: JSON answers
type Json = any;

let t: AdminServer;
beforeAll(async () => {
  t = await startAdminServer('sqlite');
});
afterAll(() => t?.close());

async function refused(r: Response): Promise<{ status: number; code: string; message: string }> {
  const b = (await r.json()) as Json;
  expect(b.error.innerError['request-id']).toBe(r.headers.get('request-id'));
  return { status: r.status, code: b.error.code, message: b.error.message };
}

const bad = (message: string | RegExp) => ({
  status: 400,
  code: 'BadRequest',
  message: typeof message === 'string' ? message : expect.stringMatching(message),
});

describe('bad input to the control plane', () => {
  it.each([
    [
      'POST',
      '/snapshots',
      { raw: '{"name":', headers: { 'content-type': 'application/json' } },
      bad(/^The request body is not valid JSON/),
    ],
    ['POST', '/snapshots', { body: [1] }, bad('The request body must be a JSON object.')],
    ['POST', '/snapshots', { body: {} }, bad(/^Property 'name' is required/)],
    ['POST', '/snapshots', { body: { name: 'a b' } }, bad(/^Property 'name' must be a string matching/)],
    ['POST', '/snapshots', { body: { name: 3 } }, bad(/^Property 'name' must be a string matching .*; got 3\.$/)],
    [
      'POST',
      '/snapshots',
      { body: { name: 'ok', extra: 1 } },
      bad("Property 'extra' is not known here; allowed: name, tenant."),
    ],
    [
      'POST',
      '/snapshots',
      { raw: '{"name":"x"}', headers: { 'content-type': 'text/plain' } },
      { status: 415, code: 'UnsupportedMediaType', message: expect.any(String) },
    ],
    ['POST', '/snapshots', { raw: '' }, bad('This request needs a JSON body, and none was sent.')],
    [
      'POST',
      '/snapshots',
      { body: { name: 'n', tenant: 'nobody' } },
      { status: 404, code: 'ResourceNotFound', message: "Tenant 'nobody' has no data in this store." },
    ],
    [
      'POST',
      '/snapshots/none/restore',
      {},
      { status: 404, code: 'ResourceNotFound', message: "No snapshot named 'none' exists." },
    ],
    [
      'DELETE',
      '/snapshots/none',
      {},
      { status: 404, code: 'ResourceNotFound', message: "No snapshot named 'none' exists." },
    ],
    [
      'DELETE',
      '/tenants/none',
      {},
      { status: 404, code: 'ResourceNotFound', message: "Tenant 'none' has no data in this store." },
    ],
    ['GET', '/tenants?x=1', {}, bad("Query parameter 'x' is not known here; allowed: none.")],
    ['GET', '/requests?top=0', {}, bad(/^Query parameter 'top' must be an integer from 1 to 10000; got "0"\.$/)],
    ['GET', '/requests?top=abc', {}, bad(/^Query parameter 'top' must be an integer/)],
    ['GET', '/requests?status=6xx', {}, bad(/^Query parameter 'status' must be a string matching/)],
    [
      'GET',
      '/requests?since=yesterday',
      {},
      bad(`Query parameter 'since' must be an ISO 8601 date-time; got "yesterday".`),
    ],
    ['GET', '/requests?method=GET&method=POST', {}, bad("Query parameter 'method' is given 2 times; give it once.")],
    ['GET', '/requests?path=abc', {}, bad(/^Query parameter 'path' must be a string matching \^\//)],
    ['GET', '/requests/stream?top=1', {}, bad(/^Query parameter 'top' is not known here/)],
    ['POST', '/faults', { body: { path: '/x' } }, bad(/^Property 'status' is required/)],
    [
      'POST',
      '/faults',
      { body: { path: '/x', status: 418 } },
      bad(/^Property 'status' must be one of 400, 401, .*; got 418\.$/),
    ],
    [
      'POST',
      '/faults',
      { body: { path: '/x', status: '503' } },
      bad(/^Property 'status' must be an integer from 400 to 599; got "503"\.$/),
    ],
    ['POST', '/faults', { body: { path: 'x', status: 503 } }, bad(/^Property 'path' must be a string matching/)],
    [
      'POST',
      '/faults',
      { body: { path: '/x', status: 503, probability: 2 } },
      bad(/^Property 'probability' must be a number from 0 to 1/),
    ],
    [
      'POST',
      '/faults',
      { body: { path: '/x', status: 503, times: 0 } },
      bad(/^Property 'times' must be an integer from 1/),
    ],
    [
      'POST',
      '/faults',
      { body: { path: '/x', status: 503, latencyMs: -1 } },
      bad(/^Property 'latencyMs' must be an integer from 0/),
    ],
    [
      'POST',
      '/faults',
      { body: { path: '/x', status: 503, method: 'FETCH' } },
      bad(/^Property 'method' must be a string matching/),
    ],
    [
      'GET',
      '/faults/nope',
      {},
      { status: 404, code: 'ResourceNotFound', message: "No fault rule with id 'nope' exists." },
    ],
    [
      'DELETE',
      '/faults/nope',
      {},
      { status: 404, code: 'ResourceNotFound', message: "No fault rule with id 'nope' exists." },
    ],
    [
      'GET',
      '/nothing',
      {},
      {
        status: 404,
        code: 'ResourceNotFound',
        message: "No control-plane resource at '/_admin/nothing'; GET /_admin/openapi.json lists them.",
      },
    ],
    ['GET', '/snapshots/%zz/restore', {}, bad(/not valid/)],
  ] as const)('%s %s %j', async (method, path, opts, expected) => {
    expect(await refused(await t.admin(method, path, opts as Json))).toEqual(expected);
  });

  it.each([
    ['PUT', '/tenants', 'GET'],
    ['GET', '/tenants/x', 'DELETE'],
    ['PATCH', '/snapshots', 'POST, GET'],
    ['GET', '/snapshots/x/restore', 'POST'],
    ['POST', '/requests', 'GET, DELETE'],
    ['PUT', '/faults/x', 'GET, DELETE'],
    ['POST', '/openapi.json', 'GET'],
  ])('%s %s → 405 with Allow: %s', async (method, path, allow) => {
    const r = await t.admin(method, path);
    expect(r.headers.get('allow')).toBe(allow);
    expect(await refused(r)).toEqual({
      status: 405,
      code: 'MethodNotAllowed',
      message: `${method} is not allowed on '/_admin${path}'; allowed: ${allow}.`,
    });
  });

  it('a snapshot name taken is 409', async () => {
    expect((await t.admin('POST', '/snapshots', { body: { name: 'dup' } })).status).toBe(201);
    expect(await refused(await t.admin('POST', '/snapshots', { body: { name: 'dup' } }))).toEqual({
      status: 409,
      code: 'Conflict',
      message: "A snapshot named 'dup' already exists; delete it first or choose another name.",
    });
  });
});
