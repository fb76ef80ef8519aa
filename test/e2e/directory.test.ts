/**
 * The directory through the real server: users, groups and their members, and Intune managed devices, under both
 * versions, with plain fetch (every endpoint and its bad inputs) and the Graph SDK over HTTPS.
 */
import { type AuthenticationProvider, Client, GraphError, PageIterator } from '@microsoft/microsoft-graph-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FULL_ACCESS } from '../../src/auth/permissions.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

let t: TestServer;
let full: string;
const EVENTUAL = { consistencylevel: 'eventual' };

beforeAll(async () => {
  t = await startTestServer();
  full = `Bearer ${await t.token({ roles: [...FULL_ACCESS] })}`;
});
afterAll(() => t.close());

type Body = Record<string, unknown>;
/** A parsed answer: JSON (with a Graph error when it failed) or text. */
type Answer = Body & { error: { code: string; message: string } } & string;

async function call(
  method: string,
  path: string,
  opts: { body?: unknown; headers?: Record<string, string>; auth?: string; tenant?: string } = {},
) {
  const auth =
    opts.auth ?? (opts.tenant ? `Bearer ${await t.token({ tenant: opts.tenant, roles: [...FULL_ACCESS] })}` : full);
  const r = await t.call(method, path, { ...opts, auth });
  const text = await r.text();
  const body = text && r.headers.get('content-type')?.includes('json') ? (JSON.parse(text) as Body) : text;
  return { status: r.status, headers: r.headers, body: body as Answer };
}

let serial = 0;
const newUser = (over: Body = {}): Body => {
  serial++;
  return {
    accountEnabled: true,
    displayName: `Test User ${serial}`,
    mailNickname: `test${serial}`,
    userPrincipalName: `test${serial}@contoso.onmicrosoft.com`,
    passwordProfile: { forceChangePasswordNextSignIn: true, password: 'xWwvJ]6NMw+bWH-d' },
    ...over,
  };
};
const newGroup = (over: Body = {}): Body => ({
  displayName: `Group ${++serial}`,
  mailEnabled: false,
  mailNickname: `group${serial}`,
  securityEnabled: true,
  ...over,
});

async function createUser(v = 'v1.0', over: Body = {}, tenant?: string): Promise<Body> {
  const r = await call('POST', `/${v}/users`, { body: newUser(over), ...(tenant ? { tenant } : {}) });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body;
}
async function createGroup(v = 'v1.0', over: Body = {}): Promise<Body> {
  const r = await call('POST', `/${v}/groups`, { body: newGroup(over) });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body;
}
const ref = (id: string) => ({ '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${id}` });

describe.each(['v1.0', 'beta'])('users on %s', (v) => {
  it('creates a user: 201, Location, passwordProfile never returned', async () => {
    const r = await call('POST', `/${v}/users`, { body: newUser({ jobTitle: 'Engineer', department: 'R&D' }) });
    expect(r.status).toBe(201);
    expect(r.headers.get('location')).toContain(`/${v}/users('${r.body.id}')`);
    expect(r.body['@odata.context']).toMatch(new RegExp(`/${v.replace('.', '\\.')}/\\$metadata#users/\\$entity$`));
    expect(r.body).toMatchObject({
      '@odata.type': '#microsoft.graph.user',
      jobTitle: 'Engineer',
      passwordProfile: null,
    });
    expect(r.body.createdDateTime).toMatch(/^\d{4}-\d\d-\d\dT.*Z$/);
  });

  it('returns the default property set without $select, others with it', async () => {
    const u = await createUser(v, { department: 'Sales', usageLocation: 'US' });
    const got = await call('GET', `/${v}/users/${u.id}`);
    expect(got.status).toBe(200);
    expect(
      Object.keys(got.body)
        .filter((k) => !k.startsWith('@'))
        .sort(),
    ).toEqual(
      [
        'businessPhones',
        'displayName',
        'givenName',
        'id',
        'jobTitle',
        'mail',
        'mobilePhone',
        'officeLocation',
        'preferredLanguage',
        'surname',
        'userPrincipalName',
      ].sort(),
    );
    const sel = await call('GET', `/${v}/users/${u.id}?$select=department,usageLocation,accountEnabled`);
    expect(sel.body).toMatchObject({ department: 'Sales', usageLocation: 'US', accountEnabled: true });
    expect(sel.body.displayName).toBeUndefined();
  });

  it('addresses a user by id or by userPrincipalName', async () => {
    const u = await createUser(v);
    const byUpn = await call('GET', `/${v}/users/${encodeURIComponent(String(u.userPrincipalName).toUpperCase())}`);
    expect(byUpn.status).toBe(200);
    expect(byUpn.body.id).toBe(u.id);
    const patched = await call('PATCH', `/${v}/users/${u.userPrincipalName}`, { body: { jobTitle: 'Lead' } });
    expect(patched.status).toBe(204);
    expect((await call('GET', `/${v}/users/${u.id}?$select=jobTitle`)).body.jobTitle).toBe('Lead');
    const missing = await call('GET', `/${v}/users/nobody@contoso.onmicrosoft.com`);
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('Request_ResourceNotFound');
  });

  it('updates with 204 and deletes with 204; then 404 Request_ResourceNotFound', async () => {
    const u = await createUser(v);
    const p = await call('PATCH', `/${v}/users/${u.id}`, {
      body: { department: 'Ops', passwordProfile: { password: 'n3w-P@ss' } },
    });
    expect(p.status).toBe(204);
    expect(p.body).toBe('');
    expect((await call('GET', `/${v}/users/${u.id}?$select=department,passwordProfile`)).body).toMatchObject({
      department: 'Ops',
      passwordProfile: null,
    });
    expect((await call('DELETE', `/${v}/users/${u.id}`)).status).toBe(204);
    const gone = await call('GET', `/${v}/users/${u.id}`);
    expect(gone.status).toBe(404);
    expect(gone.body.error).toMatchObject({
      code: 'Request_ResourceNotFound',
      message: `Resource '${u.id}' does not exist or one of its queried reference-property objects are not present.`,
    });
    expect((await call('DELETE', `/${v}/users/${u.id}`)).body.error.code).toBe('Request_ResourceNotFound');
  });

  it('refuses bad bodies with Request_BadRequest naming the property', async () => {
    for (const missing of ['accountEnabled', 'displayName', 'mailNickname', 'passwordProfile', 'userPrincipalName']) {
      const body = newUser();
      delete body[missing];
      const r = await call('POST', `/${v}/users`, { body });
      expect(r.status, missing).toBe(400);
      expect(r.body.error.code).toBe('Request_BadRequest');
      expect(r.body.error.message).toContain(missing);
    }
    const wrong = await call('POST', `/${v}/users`, { body: newUser({ accountEnabled: 'yes' }) });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.message).toContain("'accountEnabled'");
    const unknown = await call('POST', `/${v}/users`, { body: newUser({ shoeSize: 44 }) });
    expect(unknown.body.error).toMatchObject({ code: 'Request_BadRequest' });
    expect(unknown.body.error.message).toContain("'shoeSize'");
  });

  it('keeps userPrincipalName unique in the tenant, case-insensitively', async () => {
    const u = await createUser(v);
    const again = await call('POST', `/${v}/users`, {
      body: newUser({ userPrincipalName: String(u.userPrincipalName).toUpperCase() }),
    });
    expect(again.status).toBe(400);
    expect(again.body.error).toMatchObject({
      code: 'Request_BadRequest',
      message: 'Another object with the same value for property userPrincipalName already exists.',
    });
    const other = await createUser(v);
    const clash = await call('PATCH', `/${v}/users/${other.id}`, { body: { userPrincipalName: u.userPrincipalName } });
    expect(clash.status).toBe(400);
    // Another tenant may use the same name.
    await createUser(v, { userPrincipalName: u.userPrincipalName }, 'contoso-two');
  });
});

describe('directory queries', () => {
  let ids: string[];
  beforeAll(async () => {
    ids = [];
    for (let i = 0; i < 12; i++) {
      const u = await createUser('v1.0', {
        displayName: `Query ${String.fromCharCode(65 + (i % 4))}${i}`,
        department: i % 2 ? 'Finance' : 'Legal',
        mailNickname: `q${i}`,
        userPrincipalName: `query${i}@fabrikam.example`,
      });
      ids.push(String(u.id));
    }
  });

  it('filters with eq and startsWith without ConsistencyLevel', async () => {
    const r = await call(
      'GET',
      `/v1.0/users?$filter=department eq 'Finance' and startswith(userPrincipalName,'query')`,
    );
    expect(r.status).toBe(200);
    expect(r.body.value).toHaveLength(6);
  });

  it('pages 100 by default and follows @odata.nextLink with $top', async () => {
    const seen: string[] = [];
    let next: string | undefined = `/v1.0/users?$top=5&$filter=startswith(userPrincipalName,'query')&$select=id`;
    while (next) {
      const r = await call('GET', next.replace(t.http, ''));
      expect(r.status).toBe(200);
      seen.push(...(r.body.value as Body[]).map((u) => String(u.id)));
      next = r.body['@odata.nextLink'] as string | undefined;
    }
    expect(seen.sort()).toEqual([...ids].sort());
  });

  it('refuses a page size outside 1..999 with Request_UnsupportedQuery and $skip with Request_BadRequest', async () => {
    for (const n of ['1000', '0']) {
      const top = await call('GET', `/v1.0/users?$top=${n}`);
      expect(top.status, n).toBe(400);
      expect(top.body.error).toMatchObject({
        code: 'Request_UnsupportedQuery',
        message: `Invalid page size specified: '${n}'. Must be between 1 and 999 inclusive.`,
      });
    }
    const members = await call('GET', `/v1.0/groups/${(await createGroup()).id}/members?$top=0`);
    expect(members.body.error.code).toBe('Request_UnsupportedQuery');
    expect((await call('GET', '/v1.0/users?$top=999')).status).toBe(200);
    expect((await call('GET', '/v1.0/users?$top=1')).status).toBe(200);
    const skip = await call('GET', '/v1.0/groups?$skip=2');
    expect(skip.status).toBe(400);
    expect(skip.body.error).toMatchObject({
      code: 'Request_BadRequest',
      message: "'$skip' is not supported by the service.",
    });
  });

  it('needs ConsistencyLevel: eventual (and $count=true) for advanced queries', async () => {
    for (const q of [
      "$filter=department ne 'Legal'",
      "$filter=not(department eq 'Legal')",
      "$filter=endswith(userPrincipalName,'fabrikam.example')",
      "$filter=department eq 'Legal'&$orderby=displayName",
    ]) {
      const plain = await call('GET', `/v1.0/users?${q}`);
      expect(plain.status, q).toBe(400);
      expect(plain.body.error.code).toBe('Request_UnsupportedQuery');
      const headerOnly = await call('GET', `/v1.0/users?${q}`, { headers: EVENTUAL });
      expect(headerOnly.status, q).toBe(400);
      const ok = await call('GET', `/v1.0/users?${q}&$count=true`, { headers: EVENTUAL });
      expect(ok.status, `${q}: ${JSON.stringify(ok.body)}`).toBe(200);
      expect(typeof ok.body['@odata.count']).toBe('number');
    }
    expect((await call('GET', '/v1.0/users?$count=true')).body.error.code).toBe('Request_UnsupportedQuery');
    expect((await call('GET', '/v1.0/users/$count')).body.error.code).toBe('Request_UnsupportedQuery');
    const count = await call('GET', "/v1.0/users/$count?$filter=department eq 'Finance'", { headers: EVENTUAL });
    expect(count.status).toBe(200);
    expect(Number(count.body)).toBeGreaterThanOrEqual(6);
  });

  it('searches "displayName:word" with ConsistencyLevel', async () => {
    const q = `$search=${encodeURIComponent('"displayName:Query B"')}`;
    expect((await call('GET', `/v1.0/users?${q}`)).body.error.code).toBe('Request_UnsupportedQuery');
    const r = await call('GET', `/v1.0/users?${q}&$filter=department eq 'Finance'`, { headers: EVENTUAL });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const names = (r.body.value as Body[]).map((u) => u.displayName).sort();
    expect(names).toEqual(['Query B1', 'Query B5', 'Query B9']);
    const bad = await call('GET', '/v1.0/users?$search=Query', { headers: EVENTUAL });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('Request_BadRequest');
  });
});

describe.each(['v1.0', 'beta'])('groups and members on %s', (v) => {
  it('creates, reads, updates (204) and deletes groups; requires Graph required properties', async () => {
    const g = await createGroup(v, { description: 'All finance', groupTypes: [] });
    expect(g).toMatchObject({ '@odata.type': '#microsoft.graph.group', securityEnabled: true, groupTypes: [] });
    const p = await call('PATCH', `/${v}/groups/${g.id}`, { body: { description: 'Finance team' } });
    expect(p.status).toBe(204);
    expect((await call('GET', `/${v}/groups/${g.id}`)).body.description).toBe('Finance team');
    for (const missing of ['displayName', 'mailEnabled', 'mailNickname', 'securityEnabled']) {
      const body = newGroup();
      delete body[missing];
      const r = await call('POST', `/${v}/groups`, { body });
      expect(r.status, missing).toBe(400);
      expect(r.body.error.message).toContain(missing);
    }
    expect((await call('DELETE', `/${v}/groups/${g.id}`)).status).toBe(204);
    expect((await call('GET', `/${v}/groups/${g.id}`)).body.error.code).toBe('Request_ResourceNotFound');
  });

  it('adds, lists, pages and removes members', async () => {
    const g = await createGroup(v);
    const users = [];
    for (let i = 0; i < 7; i++) users.push(await createUser(v));
    for (const [i, u] of users.entries()) {
      const body = i % 2 ? { '@odata.id': `${t.http}/${v}/users/${u.id}` } : ref(String(u.id));
      const r = await call('POST', `/${v}/groups/${g.id}/members/$ref`, { body });
      expect(r.status, JSON.stringify(r.body)).toBe(204);
    }
    const dup = await call('POST', `/${v}/groups/${g.id}/members/$ref`, { body: ref(String(users[0]!.id)) });
    expect(dup.status).toBe(400);
    expect(dup.body.error).toMatchObject({
      code: 'Request_BadRequest',
      message: "One or more added object references already exist for the following modified properties: 'members'.",
    });
    const nobody = await call('POST', `/${v}/groups/${g.id}/members/$ref`, { body: ref('no-such-user') });
    expect(nobody.status).toBe(404);
    expect(nobody.body.error).toMatchObject({
      code: 'Request_ResourceNotFound',
      message:
        "Resource 'no-such-user' does not exist or one of its queried reference-property objects are not present.",
    });
    const badRef = await call('POST', `/${v}/groups/${g.id}/members/$ref`, { body: { '@odata.id': 'nonsense' } });
    expect(badRef.status).toBe(400);

    const first = await call('GET', `/${v}/groups/${g.id}/members?$top=3`);
    expect(first.status).toBe(200);
    expect(first.body['@odata.context']).toContain('$metadata#directoryObjects');
    expect((first.body.value as Body[])[0]).toMatchObject({ '@odata.type': '#microsoft.graph.user' });
    const seen = (first.body.value as Body[]).map((u) => u.id);
    let next = first.body['@odata.nextLink'] as string | undefined;
    while (next) {
      const r = await call('GET', next.replace(t.http, ''));
      seen.push(...(r.body.value as Body[]).map((u) => u.id));
      next = r.body['@odata.nextLink'] as string | undefined;
    }
    expect(seen.sort()).toEqual(users.map((u) => u.id).sort());
    const count = await call('GET', `/${v}/groups/${g.id}/members/$count`, { headers: EVENTUAL });
    expect(count.body).toBe('7');

    expect((await call('DELETE', `/${v}/groups/${g.id}/members/${users[0]!.id}/$ref`)).status).toBe(204);
    const again = await call('DELETE', `/${v}/groups/${g.id}/members/${users[0]!.id}/$ref`);
    expect(again.status).toBe(404);
    expect(again.body.error.code).toBe('Request_ResourceNotFound');
    // Deleting a user removes its memberships.
    expect((await call('DELETE', `/${v}/users/${users[1]!.id}`)).status).toBe(204);
    const left = await call('GET', `/${v}/groups/${g.id}/members?$select=id`);
    expect((left.body.value as Body[]).map((u) => u.id).sort()).toEqual(
      users
        .slice(2)
        .map((u) => u.id)
        .sort(),
    );
    expect((await call('GET', `/${v}/groups/unknown-group/members`)).body.error.code).toBe('Request_ResourceNotFound');
    expect((await call('PATCH', `/${v}/groups/${g.id}/members`)).status).toBe(405);
  });
});

describe.each(['v1.0', 'beta'])('managed devices on %s', (v) => {
  const path = `/${v}/deviceManagement/managedDevices`;
  it('creates (201), reads, updates (200 with the entity) and deletes (204) with Intune codes', async () => {
    const u = await createUser(v);
    const r = await call('POST', path, {
      body: {
        deviceName: 'ADELE-IPHONE',
        operatingSystem: 'iOS',
        osVersion: '17.5',
        userId: u.id,
        userPrincipalName: u.userPrincipalName,
        model: 'iPhone 15',
        manufacturer: 'Apple',
        serialNumber: 'F2LZK1ABCDEF',
        complianceState: 'compliant',
        managementAgent: 'mdm',
        managedDeviceOwnerType: 'company',
      },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body['@odata.context']).toContain('$metadata#deviceManagement/managedDevices/$entity');
    expect(r.body.enrolledDateTime).toMatch(/Z$/);
    const p = await call('PATCH', `${path}/${r.body.id}`, { body: { complianceState: 'noncompliant' } });
    expect(p.status).toBe(200);
    expect(p.body.complianceState).toBe('noncompliant');
    const list = await call('GET', `${path}?$filter=operatingSystem eq 'iOS'&$count=true`);
    expect(list.status).toBe(200);
    expect(list.body['@odata.count']).toBeGreaterThanOrEqual(1);
    const bad = await call('PATCH', `${path}/${r.body.id}`, { body: { complianceState: 'fine' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('BadRequest');
    expect((await call('DELETE', `${path}/${r.body.id}`)).status).toBe(204);
    const gone = await call('GET', `${path}/${r.body.id}`);
    expect(gone.status).toBe(404);
    expect(gone.body.error.code).toBe('ResourceNotFound');
  });

  it('shows beta-only managementAgentType members only on beta', async () => {
    const r = await call('POST', path, { body: { deviceName: 'AOSP-1', managementAgent: 'intuneAosp' } });
    expect(r.status).toBe(v === 'beta' ? 201 : 400);
  });
});

describe('tenants and permissions', () => {
  it("answers another tenant's ids with 404", async () => {
    const u = await createUser();
    const g = await createGroup();
    const other = { tenant: 'fabrikam-other' };
    expect((await call('GET', `/v1.0/users/${u.id}`, other)).status).toBe(404);
    expect((await call('GET', `/v1.0/groups/${g.id}/members`, other)).status).toBe(404);
    expect(
      (await call('POST', `/v1.0/groups/${g.id}/members/$ref`, { ...other, body: ref(String(u.id)) })).status,
    ).toBe(404);
    const mine = await call('POST', `/v1.0/groups`, { ...other, body: newGroup() });
    const cross = await call('POST', `/v1.0/groups/${mine.body.id}/members/$ref`, {
      ...other,
      body: ref(String(u.id)),
    });
    expect(cross.status).toBe(404);
    expect((await call('GET', '/v1.0/users?$select=id', other)).body.value).toHaveLength(0);
  });

  it('asks for the permissions of each set and names them in the 403', async () => {
    const as = async (roles: string[]) => `Bearer ${await t.token({ roles })}`;
    const apps = await as(['DeviceManagementApps.ReadWrite.All']);
    const denied = await call('GET', '/v1.0/users', { auth: apps });
    expect(denied.status).toBe(403);
    expect(denied.body.error.message).toContain('User.Read.All');
    const reader = await as(['User.Read.All']);
    expect((await call('GET', '/v1.0/users', { auth: reader })).status).toBe(200);
    expect((await call('POST', '/v1.0/users', { auth: reader, body: newUser() })).status).toBe(403);
    expect((await call('GET', '/v1.0/groups', { auth: reader })).status).toBe(403);
    const directory = await as(['Directory.ReadWrite.All']);
    const g = await call('POST', '/v1.0/groups', { auth: directory, body: newGroup() });
    expect(g.status).toBe(201);
    const u = await createUser();
    const member = await as(['GroupMember.ReadWrite.All']);
    expect(
      (await call('POST', `/v1.0/groups/${g.body.id}/members/$ref`, { auth: member, body: ref(String(u.id)) })).status,
    ).toBe(204);
    expect((await call('POST', '/v1.0/groups', { auth: member, body: newGroup() })).status).toBe(403);
    const devices = await as(['DeviceManagementManagedDevices.Read.All']);
    expect((await call('GET', '/v1.0/deviceManagement/managedDevices', { auth: devices })).status).toBe(200);
    const w = await call('POST', '/v1.0/deviceManagement/managedDevices', { auth: devices, body: { deviceName: 'x' } });
    expect(w.status).toBe(403);
    expect(w.body.error.message).toContain('DeviceManagementManagedDevices.ReadWrite.All');
  });
});

describe('$batch, $metadata and OpenAPI', () => {
  it('serves the directory through $batch', async () => {
    const r = await call('POST', '/v1.0/$batch', {
      body: {
        requests: [
          { id: '1', method: 'POST', url: '/users', headers: { 'content-type': 'application/json' }, body: newUser() },
          { id: '2', method: 'GET', url: '/groups?$top=1' },
          { id: '3', method: 'GET', url: '/users/$count', headers: EVENTUAL },
        ],
      },
    });
    expect(r.status).toBe(200);
    const byId = Object.fromEntries((r.body.responses as Body[]).map((x) => [x.id, x.status]));
    expect(byId).toEqual({ '1': 201, '2': 200, '3': 200 });
  });

  it('describes the new sets in $metadata and OpenAPI', async () => {
    const xml = (await (await fetch(`${t.http}/v1.0/$metadata`)).text()) as string;
    expect(xml).toContain('<EntitySet Name="users" EntityType="microsoft.graph.user" />');
    expect(xml).toContain('<Singleton Name="deviceManagement" Type="microsoft.graph.deviceManagement" />');
    expect(xml).toContain('<NavigationProperty Name="members" Type="Collection(graph.directoryObject)" />');
    const doc = (await (await fetch(`${t.http}/v1.0/openapi.json`)).json()) as { paths: Record<string, Body> };
    for (const p of [
      '/users',
      '/users/{user-id}',
      '/groups/{group-id}/members',
      '/groups/{group-id}/members/$ref',
      '/groups/{group-id}/members/{directoryObject-id}/$ref',
      '/deviceManagement/managedDevices/{managedDevice-id}',
    ]) {
      expect(doc.paths[p], p).toBeDefined();
    }
    expect((doc.paths['/users'] as { get: Body }).get.operationId).toBe('users.user.ListUser');
  });
});

describe('Graph SDK over HTTPS', () => {
  let client: Client;
  beforeAll(() => {
    const authProvider: AuthenticationProvider = { getAccessToken: () => t.token({ roles: [...FULL_ACCESS] }) };
    client = Client.initWithMiddleware({
      authProvider,
      baseUrl: t.https,
      defaultVersion: 'v1.0',
      customHosts: new Set([new URL(t.https).hostname]),
      fetchOptions: { dispatcher: t.dispatcher } as RequestInit,
    });
  });

  it('creates users and a group, adds members, pages them with PageIterator and removes one', async () => {
    const group = await client.api('/groups').post(newGroup());
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const u = await client.api('/users').post(newUser());
      ids.push(u.id);
      await client.api(`/groups/${group.id}/members/$ref`).post(ref(u.id));
    }
    const first = await client.api(`/groups/${group.id}/members`).top(2).get();
    const seen: string[] = [];
    await new PageIterator(client, first, (m: { id: string }) => {
      seen.push(m.id);
      return true;
    }).iterate();
    expect(seen.sort()).toEqual([...ids].sort());
    await client.api(`/groups/${group.id}/members/${ids[0]}/$ref`).delete();
    const count = await client.api(`/groups/${group.id}/members/$count`).header('ConsistencyLevel', 'eventual').get();
    expect(Number(count)).toBe(4);
    const byUpn = await client.api(`/users/${(await client.api(`/users/${ids[1]}`).get()).userPrincipalName}`).get();
    expect(byUpn.id).toBe(ids[1]);
    await client.api(`/users/${ids[1]}`).update({ jobTitle: 'Director' });
    expect((await client.api(`/users/${ids[1]}`).select('jobTitle').get()).jobTitle).toBe('Director');
  });

  it('surfaces Entra error codes as GraphError', async () => {
    let err: unknown;
    try {
      await client.api("/users?$filter=displayName ne 'x'").get();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(GraphError);
    expect((err as GraphError).statusCode).toBe(400);
    expect((err as GraphError).code).toBe('Request_UnsupportedQuery');
    const devices = await client
      .api('/deviceManagement/managedDevices')
      .post({ deviceName: 'SDK-PIXEL', operatingSystem: 'Android', complianceState: 'compliant' });
    expect(devices.deviceName).toBe('SDK-PIXEL');
  });
});
