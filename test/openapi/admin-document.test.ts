/** `/_admin/openapi.json`: lint-clean, open without the key, and exactly the route table — no more, no less. */
import { createConfig, lintFromString } from '@redocly/openapi-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminServer, startAdminServer } from '../e2e/admin/helpers.js';

// biome-ignore lint/suspicious/noExplicitAny: walking a parsed JSON document
type Json = Record<string, any>;

let t: AdminServer;
let doc: Json;
beforeAll(async () => {
  t = await startAdminServer('sqlite');
  const r = await t.admin('GET', '/openapi.json', { auth: '' });
  expect(r.status).toBe(200);
  doc = (await r.json()) as Json;
});
afterAll(() => t?.close());

describe('the control plane OpenAPI document', () => {
  it('lints clean under the recommended rules but for info-license', async () => {
    const problems = await lintFromString({
      source: JSON.stringify(doc, null, 2),
      absoluteRef: '/_admin/openapi.json',
      config: await createConfig({ extends: ['recommended'] }),
    });
    const found = problems.map((p) => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`);
    expect(found).toEqual([expect.stringMatching(/^warn info-license:/)]);
  });

  it('lists exactly the routes the server answers', async () => {
    const documented = Object.entries(doc.paths as Json)
      .flatMap(([path, item]) => Object.keys(item as Json).map((m) => `${m.toUpperCase()} ${path}`))
      .sort();
    expect(documented).toEqual(
      [
        'GET /openapi.json',
        'GET /tenants',
        'DELETE /tenants/{tid}',
        'POST /tenants/{tid}/token',
        'POST /snapshots',
        'GET /snapshots',
        'POST /snapshots/{name}/restore',
        'DELETE /snapshots/{name}',
        'GET /requests',
        'DELETE /requests',
        'GET /requests/stream',
        'POST /requests/stream/tickets',
        'POST /faults',
        'GET /faults',
        'DELETE /faults',
        'GET /faults/{id}',
        'DELETE /faults/{id}',
        'GET /clock',
        'POST /clock',
        'POST /devices/{id}/checkin',
        'PATCH /devices/{id}',
      ].sort(),
    );
    // Each documented operation is routed: whatever it answers, it is not the router's "no such resource".
    for (const line of documented) {
      const [method, path] = line.split(' ') as [string, string];
      if (path === '/requests/stream') continue; // stays open; covered by the stream test
      const r = await t.admin(method, path.replace(/\{[^}]+\}/g, 'x'));
      const text = await r.text();
      expect(text, line).not.toContain('No control-plane resource');
    }
  });

  it('describes the body of adding a fault closed to unknown members', () => {
    const schema = doc.paths['/faults'].post.requestBody.content['application/json'].schema;
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(['path', 'status']);
    expect(Object.keys(schema.properties)).toEqual([
      'method',
      'path',
      'tenant',
      'app',
      'status',
      'retryAfter',
      'latencyMs',
      'times',
      'probability',
      'seed',
    ]);
  });

  it('describes the stream ticket as a query parameter of the stream alone', () => {
    const names = (op: Json) => (op.parameters ?? []).map((p: Json) => p.name);
    expect(names(doc.paths['/requests/stream'].get)).toContain('ticket');
    expect(names(doc.paths['/requests'].get)).not.toContain('ticket');
    expect(doc.paths['/requests/stream/tickets'].post.responses['201'].headers.Location).toBeDefined();
  });
});
