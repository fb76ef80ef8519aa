import { BatchRequestContent, type BatchResponseBody, BatchResponseContent } from '@microsoft/microsoft-graph-client';
import { describe, expect, it } from 'vitest';
import { handleBatch } from '../../src/api/batch.js';
import type { ApiRequest, ApiResponse } from '../../src/api/types.js';

const JSON_CT = 'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';
const BASE = 'https://graph.microsoft.com/v1.0/deviceAppManagement/mobileAppConfigurations';

describe('handleBatch with the Graph SDK batch classes', () => {
  it('reads what BatchRequestContent writes, and BatchResponseContent reads what it answers', async () => {
    const content = new BatchRequestContent([
      { id: 'list', request: new Request(`${BASE}?$top=2`, { method: 'GET' }) },
      {
        id: 'create',
        request: new Request(BASE, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ '@odata.type': '#microsoft.graph.iosMobileAppConfiguration', displayName: 'x' }),
        }),
        dependsOn: ['list'],
      },
      { id: 'count', request: new Request(`${BASE}/c1/userStatuses/$count`), dependsOn: ['create'] },
      { id: 'delete', request: new Request(`${BASE}/c1`, { method: 'DELETE' }), dependsOn: ['count'] },
    ]);
    const body = await content.getContent();

    const seen: ApiRequest[] = [];
    const handle = async (req: ApiRequest): Promise<ApiResponse> => {
      seen.push(req);
      const ids = { 'request-id': req.requestId, 'client-request-id': req.requestId };
      if (req.method === 'POST') {
        const json = (req.body as { json: Record<string, unknown> }).json;
        return {
          status: 201,
          headers: { 'Content-Type': JSON_CT, Location: `${BASE}/c1`, ...ids },
          body: JSON.stringify({ id: 'c1', ...json }),
        };
      }
      if (req.method === 'DELETE') return { status: 204, headers: ids };
      if (req.url.endsWith('$count'))
        return { status: 200, headers: { 'Content-Type': 'text/plain;charset=utf-8', ...ids }, body: '3' };
      return { status: 200, headers: { 'Content-Type': JSON_CT, ...ids }, body: JSON.stringify({ value: [] }) };
    };
    let n = 0;
    const res = await handleBatch(
      {
        method: 'POST',
        url: '/v1.0/$batch',
        headers: { authorization: 'Bearer T' },
        body: JSON.stringify(body),
        baseUrl: 'https://localhost',
        requestId: 'o',
      },
      'v1.0',
      handle,
      () => `r${++n}`,
    );
    expect(res.status).toBe(200);

    expect(seen.map((r) => `${r.method} ${r.url}`)).toEqual([
      'GET /v1.0/deviceAppManagement/mobileAppConfigurations?$top=2',
      'POST /v1.0/deviceAppManagement/mobileAppConfigurations',
      'GET /v1.0/deviceAppManagement/mobileAppConfigurations/c1/userStatuses/$count',
      'DELETE /v1.0/deviceAppManagement/mobileAppConfigurations/c1',
    ]);
    expect(seen[1]!.body).toEqual({
      json: { '@odata.type': '#microsoft.graph.iosMobileAppConfiguration', displayName: 'x' },
    });

    // The SDK gets the parsed body (as `client.api('/$batch').post(...)` would hand it over).
    const parsed = new BatchResponseContent(JSON.parse(res.body!));
    const list = parsed.getResponseById('list');
    expect(list.status).toBe(200);
    expect(await list.json()).toEqual({ value: [] });
    const created = parsed.getResponseById('create');
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`${BASE}/c1`);
    expect(await created.json()).toMatchObject({ id: 'c1', displayName: 'x' });
    const count = parsed.getResponseById('count');
    expect(await count.text()).toBe('3');
    const deleted = parsed.getResponseById('delete');
    expect(deleted.status).toBe(204);
    expect(await deleted.text()).toBe('');
    expect([...parsed.getResponses().keys()]).toEqual(['list', 'create', 'count', 'delete']);

    // And from an HTTP response, as the SDK's transport would see it.
    const http = new Response(res.body, { status: res.status, headers: res.headers });
    const again = new BatchResponseContent((await http.json()) as BatchResponseBody);
    expect(again.getResponseById('create').status).toBe(201);
  });
});
