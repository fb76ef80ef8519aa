/**
 * The compatibility proof: the official `@microsoft/microsoft-graph-client` over HTTPS (trusting the local CA),
 * with `customHosts` naming the host, exactly as the README shows.
 */
import { type AuthenticationProvider, Client, GraphError, PageIterator } from '@microsoft/microsoft-graph-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';

let t: TestServer;
let client: Client;

function sdkClient(base: string, token: () => Promise<string>, version = 'v1.0'): Client {
  const authProvider: AuthenticationProvider = { getAccessToken: token };
  return Client.initWithMiddleware({
    authProvider,
    baseUrl: base,
    defaultVersion: version,
    customHosts: new Set([new URL(base).hostname]),
    fetchOptions: { dispatcher: t.dispatcher } as RequestInit,
  });
}

beforeAll(async () => {
  t = await startTestServer();
  client = sdkClient(t.https, () => t.token());
});
afterAll(async () => {
  await t.close();
});

describe('Graph SDK over HTTPS', () => {
  it('creates a configuration and sends the seed request, getting the whole entity back', async () => {
    const config = await client.api('/deviceAppManagement/mobileAppConfigurations').post({
      '@odata.type': '#microsoft.graph.iosMobileAppConfiguration',
      displayName: 'Teams',
      targetedMobileApps: ['com.microsoft.skype.teams'],
    });
    expect(config['@odata.type']).toBe('#microsoft.graph.iosMobileAppConfiguration');
    const status = await client.api(`/deviceAppManagement/mobileAppConfigurations/${config.id}/userStatuses`).patch({
      '@odata.type': '#microsoft.graph.managedDeviceMobileAppConfigurationUserStatus',
      userDisplayName: 'Adele Vance',
      devicesCount: 2,
      status: 'compliant',
      lastReportedDateTime: '2024-05-01T10:00:00Z',
      userPrincipalName: 'AdeleV@contoso.onmicrosoft.com',
    });
    expect(status).toMatchObject({
      '@odata.type': '#microsoft.graph.managedDeviceMobileAppConfigurationUserStatus',
      userDisplayName: 'Adele Vance',
      devicesCount: 2,
      status: 'compliant',
      lastReportedDateTime: '2024-05-01T10:00:00.0000000Z',
      userPrincipalName: 'AdeleV@contoso.onmicrosoft.com',
    });
    expect(status.id).toMatch(/^[0-9a-f-]{36}$/);

    const keyed = await client
      .api(`/deviceAppManagement/mobileAppConfigurations/${config.id}/userStatuses/${status.id}`)
      .patch({ status: 'error' });
    expect(keyed.status).toBe('error');
    const got = await client
      .api(`/deviceAppManagement/mobileAppConfigurations/${config.id}/userStatuses/${status.id}`)
      .get();
    expect(got.status).toBe('error');
    const list = await client.api(`/deviceAppManagement/mobileAppConfigurations/${config.id}/userStatuses`).get();
    expect(list.value).toHaveLength(1);
    await client.api(`/deviceAppManagement/mobileAppConfigurations/${config.id}/userStatuses/${status.id}`).delete();
    await client.api(`/deviceAppManagement/mobileAppConfigurations/${config.id}`).delete();
  });

  it('surfaces Graph errors as GraphError with code, message, requestId and date', async () => {
    const config = await client.api('/deviceAppManagement/mobileAppConfigurations').post({
      '@odata.type': '#microsoft.graph.iosMobileAppConfiguration',
      displayName: 'x',
    });
    let err: unknown;
    try {
      await client.api(`/deviceAppManagement/mobileAppConfigurations/${config.id}/userStatuses`).patch({
        '@odata.type': '#microsoft.graph.managedDeviceMobileAppConfigurationUserStatus',
        userDisplayName: 'String',
        devicesCount: 'Integer',
        status: 'String',
        lastReportedDateTime: 'String (timestamp)',
        userPrincipalName: 'String',
      });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(GraphError);
    const g = err as GraphError;
    expect(g.statusCode).toBe(400);
    expect(g.code).toBe('BadRequest');
    expect(g.message).toContain("'devicesCount'");
    expect(g.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(g.date).toBeInstanceOf(Date);
    expect(Number.isNaN(g.date.getTime())).toBe(false);
  });

  it('walks every page with PageIterator over HTTPS', async () => {
    const config = await client.api('/deviceAppManagement/mobileAppConfigurations').post({
      '@odata.type': '#microsoft.graph.iosMobileAppConfiguration',
      displayName: 'paged',
    });
    const value = Array.from({ length: 25 }, (_, i) => ({
      userPrincipalName: `user${String(i).padStart(2, '0')}@contoso.com`,
    }));
    await client.api(`/deviceAppManagement/mobileAppConfigurations/${config.id}/userStatuses`).patch({ value });
    const first = await client
      .api(`/deviceAppManagement/mobileAppConfigurations/${config.id}/userStatuses`)
      .top(10)
      .get();
    expect(first['@odata.nextLink']).toMatch(new RegExp(`^${t.https}/v1.0/`));
    const seen: string[] = [];
    const it = new PageIterator(client, first, (s: { userPrincipalName: string }) => {
      seen.push(s.userPrincipalName);
      return true;
    });
    await it.iterate();
    expect(seen.sort()).toEqual(value.map((v) => v.userPrincipalName).sort());
  });

  it('reads $count as text', async () => {
    const config = await client.api('/deviceAppManagement/mobileAppConfigurations').post({
      '@odata.type': '#microsoft.graph.iosMobileAppConfiguration',
      displayName: 'count',
    });
    await client
      .api(`/deviceAppManagement/mobileAppConfigurations/${config.id}/userStatuses`)
      .post({ userPrincipalName: 'a@b.c' });
    const n = await client
      .api(`/deviceAppManagement/mobileAppConfigurations/${config.id}/userStatuses/$count`)
      .header('Accept', 'text/plain')
      .get();
    expect(Number(n)).toBe(1);
  });
});
