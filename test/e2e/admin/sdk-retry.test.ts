/**
 * The Graph SDK's RetryHandler recovers from faults the control plane injects: 429 with `Retry-After: 1` and
 * 503 with `Retry-After: 0`, each answered first, then the real answer.
 */
import { type AuthenticationProvider, Client } from '@microsoft/microsoft-graph-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminServer, startAdminServer } from './helpers.js';

// biome-ignore lint/suspicious/noExplicitAny: JSON answers
type Json = any;

let t: AdminServer;
let client: Client;

beforeAll(async () => {
  t = await startAdminServer('sqlite');
  const authProvider: AuthenticationProvider = { getAccessToken: () => t.token() };
  client = Client.initWithMiddleware({
    authProvider,
    baseUrl: t.https,
    customHosts: new Set([new URL(t.https).hostname]),
    fetchOptions: { dispatcher: t.dispatcher } as RequestInit,
  });
});
afterAll(() => t?.close());

describe('Graph SDK retry handler against injected faults', () => {
  it.each([
    [429, 1, 1],
    [503, 0, 2],
  ])('recovers from %i with Retry-After %i (%i times)', async (status, retryAfter, times) => {
    const created = await client
      .api('/deviceAppManagement/mobileAppConfigurations')
      .post({ '@odata.type': '#microsoft.graph.iosMobileAppConfiguration', displayName: `Retry ${status}` });
    await t.admin('DELETE', '/requests');
    const rule = (await (
      await t.admin('POST', '/faults', {
        body: { method: 'GET', path: '/deviceAppManagement/mobileAppConfigurations/*', status, retryAfter, times },
      })
    ).json()) as Json;
    const got = await client.api(`/deviceAppManagement/mobileAppConfigurations/${created.id}`).get();
    expect(got.displayName).toBe(`Retry ${status}`);
    const journal = ((await (await t.admin('GET', '/requests?method=GET')).json()) as Json).value as Json[];
    expect(journal.map((e) => [e.status, e.faultId])).toEqual([
      [200, null],
      ...Array.from({ length: times }, () => [status, rule.id]),
    ]);
    await t.admin('DELETE', '/faults');
  });
});
