/**
 * Identity and tenant isolation across every route (docs/api.md#identity-and-tenants): each route × {no token, bad
 * tokens of each kind, read-only, read-write, delegated, application, other tenant} → the expected status, and nothing
 * of tenant A is visible to or changed by tenant B.
 */
import { base64url, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TENANT } from '../../src/auth/issuer.js';
import { KeyRing } from '../../src/auth/keys.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

let t: TestServer;
let cfg: string;
let status: string;
let device: string;
let assignment: string;
const OTHER = '22222222-2222-2222-2222-222222222222';
const ROOT = '/v1.0/deviceAppManagement/mobileAppConfigurations';

interface Route {
  readonly name: string;
  readonly method: string;
  readonly path: () => string;
  readonly body?: () => unknown;
  readonly write: boolean;
  /** Names a configuration (so another tenant gets 404). */
  readonly scoped: boolean;
}

const iosBody = () => ({ '@odata.type': '#microsoft.graph.iosMobileAppConfiguration', displayName: 'matrix' });
const ROUTES: Route[] = [
  { name: 'list configurations', method: 'GET', path: () => ROOT, write: false, scoped: false },
  { name: 'create configuration', method: 'POST', path: () => ROOT, body: iosBody, write: true, scoped: false },
  { name: 'count configurations', method: 'GET', path: () => `${ROOT}/$count`, write: false, scoped: false },
  { name: 'get configuration', method: 'GET', path: () => `${ROOT}/${cfg}`, write: false, scoped: true },
  {
    name: 'update configuration',
    method: 'PATCH',
    path: () => `${ROOT}/${cfg}`,
    body: () => ({ description: 'x' }),
    write: true,
    scoped: true,
  },
  { name: 'delete configuration', method: 'DELETE', path: () => `${ROOT}/${cfg}`, write: true, scoped: true },
  { name: 'list userStatuses', method: 'GET', path: () => `${ROOT}/${cfg}/userStatuses`, write: false, scoped: true },
  {
    name: 'count userStatuses',
    method: 'GET',
    path: () => `${ROOT}/${cfg}/userStatuses/$count`,
    write: false,
    scoped: true,
  },
  {
    name: 'create userStatus',
    method: 'POST',
    path: () => `${ROOT}/${cfg}/userStatuses`,
    body: () => ({ userPrincipalName: `p${Math.random()}@x` }),
    write: true,
    scoped: true,
  },
  {
    name: 'seed PATCH by principal',
    method: 'PATCH',
    path: () => `${ROOT}/${cfg}/userStatuses`,
    body: () => ({ userPrincipalName: 'a@contoso.com', status: 'error' }),
    write: true,
    scoped: true,
  },
  {
    name: 'seed PATCH by id',
    method: 'PATCH',
    path: () => `${ROOT}/${cfg}/userStatuses`,
    body: () => ({ id: status, devicesCount: 9 }),
    write: true,
    scoped: true,
  },
  {
    name: 'get userStatus',
    method: 'GET',
    path: () => `${ROOT}/${cfg}/userStatuses/${status}`,
    write: false,
    scoped: true,
  },
  {
    name: 'update userStatus',
    method: 'PATCH',
    path: () => `${ROOT}/${cfg}/userStatuses('${status}')`,
    body: () => ({ devicesCount: 3 }),
    write: true,
    scoped: true,
  },
  {
    name: 'delete userStatus',
    method: 'DELETE',
    path: () => `${ROOT}/${cfg}/userStatuses/${status}`,
    write: true,
    scoped: true,
  },
  {
    name: 'userStatusSummary',
    method: 'GET',
    path: () => `${ROOT}/${cfg}/userStatusSummary`,
    write: false,
    scoped: true,
  },
  {
    name: 'deviceStatusSummary',
    method: 'GET',
    path: () => `${ROOT}/${cfg}/deviceStatusSummary`,
    write: false,
    scoped: true,
  },
  {
    name: 'list deviceStatuses',
    method: 'GET',
    path: () => `${ROOT}/${cfg}/deviceStatuses`,
    write: false,
    scoped: true,
  },
  {
    name: 'create deviceStatus',
    method: 'POST',
    path: () => `${ROOT}/${cfg}/deviceStatuses`,
    body: () => ({ deviceDisplayName: 'd' }),
    write: true,
    scoped: true,
  },
  {
    name: 'get deviceStatus',
    method: 'GET',
    path: () => `${ROOT}/${cfg}/deviceStatuses/${device}`,
    write: false,
    scoped: true,
  },
  {
    name: 'update deviceStatus',
    method: 'PATCH',
    path: () => `${ROOT}/${cfg}/deviceStatuses/${device}`,
    body: () => ({ deviceModel: 'm' }),
    write: true,
    scoped: true,
  },
  {
    name: 'delete deviceStatus',
    method: 'DELETE',
    path: () => `${ROOT}/${cfg}/deviceStatuses/${device}`,
    write: true,
    scoped: true,
  },
  { name: 'list assignments', method: 'GET', path: () => `${ROOT}/${cfg}/assignments`, write: false, scoped: true },
  {
    name: 'create assignment',
    method: 'POST',
    path: () => `${ROOT}/${cfg}/assignments`,
    body: () => ({ target: { '@odata.type': '#microsoft.graph.allDevicesAssignmentTarget' } }),
    write: true,
    scoped: true,
  },
  {
    name: 'get assignment',
    method: 'GET',
    path: () => `${ROOT}/${cfg}/assignments/${assignment}`,
    write: false,
    scoped: true,
  },
  {
    name: 'delete assignment',
    method: 'DELETE',
    path: () => `${ROOT}/${cfg}/assignments/${assignment}`,
    write: true,
    scoped: true,
  },
  {
    name: 'assign',
    method: 'POST',
    path: () => `${ROOT}/${cfg}/assign`,
    body: () => ({ assignments: [] }),
    write: true,
    scoped: true,
  },
];

async function send(r: Route, auth: string | undefined): Promise<Response> {
  const body = r.body?.();
  return t.call(r.method, r.path(), { auth: auth ?? '', ...(body !== undefined ? { body } : {}) });
}

/** Recreates tenant A's fixtures: a configuration with one user status, one device status, one assignment. */
async function fixtures(): Promise<void> {
  const c = await t.call('POST', ROOT, { body: iosBody() });
  cfg = ((await c.json()) as { id: string }).id;
  status = (
    (await (
      await t.call('POST', `${ROOT}/${cfg}/userStatuses`, { body: { userPrincipalName: 'fixture@contoso.com' } })
    ).json()) as { id: string }
  ).id;
  device = (
    (await (
      await t.call('POST', `${ROOT}/${cfg}/deviceStatuses`, { body: { deviceDisplayName: 'fixture' } })
    ).json()) as { id: string }
  ).id;
  assignment = (
    (await (
      await t.call('POST', `${ROOT}/${cfg}/assignments`, {
        body: { target: { '@odata.type': '#microsoft.graph.allLicensedUsersAssignmentTarget' } },
      })
    ).json()) as { id: string }
  ).id;
}

/** Tokens that must all be refused with 401. */
async function badTokens(): Promise<Record<string, string | undefined>> {
  const key = await new KeyRing(t.server.store).signingKey();
  const now = Math.floor(Date.now() / 1000);
  const iss = `${t.server.issuerBase}/${DEFAULT_TENANT}/v2.0`;
  const good = {
    aud: 'https://graph.microsoft.com',
    iss,
    tid: DEFAULT_TENANT,
    appid: 'app',
    oid: 'o',
    roles: ['DeviceManagementApps.ReadWrite.All'],
    iat: now - 60,
    nbf: now - 60,
    exp: now + 600,
  };
  const signed = (claims: Record<string, unknown>) =>
    new SignJWT(claims).setProtectedHeader({ alg: key.alg, kid: key.kid }).sign(key.key);
  const foreign = await generateKeyPair('ES256');
  const enc = (o: unknown) => base64url.encode(JSON.stringify(o));
  const tid = { ...good } as Record<string, unknown>;
  delete tid.tid;
  const perms = { ...good } as Record<string, unknown>;
  delete perms.roles;
  return {
    'no header': undefined,
    'not Bearer': `Basic ${Buffer.from('a:b').toString('base64')}`,
    'empty Bearer': 'Bearer ',
    malformed: 'Bearer not.a.jwt',
    'alg none': `Bearer ${enc({ alg: 'none', typ: 'JWT' })}.${enc(good)}.`,
    HS256: `Bearer ${await new SignJWT(good).setProtectedHeader({ alg: 'HS256', kid: key.kid }).sign(new TextEncoder().encode('a-shared-secret-of-32-bytes-long!'))}`,
    'another key': `Bearer ${await new SignJWT(good).setProtectedHeader({ alg: 'ES256', kid: key.kid }).sign(foreign.privateKey)}`,
    expired: `Bearer ${await signed({ ...good, exp: now - 1 })}`,
    'not yet valid': `Bearer ${await signed({ ...good, nbf: now + 600 })}`,
    'wrong audience': `Bearer ${await signed({ ...good, aud: 'https://management.azure.com' })}`,
    'wrong issuer': `Bearer ${await signed({ ...good, iss: 'https://login.microsoftonline.com/x/v2.0' })}`,
    'missing tid': `Bearer ${await signed(tid)}`,
    'no scp or roles': `Bearer ${await signed(perms)}`,
  };
}

beforeAll(async () => {
  t = await startTestServer();
  await fixtures();
});
afterAll(async () => {
  await t.close();
});

describe('authentication', () => {
  it('answers 401 InvalidAuthenticationToken with WWW-Authenticate for every bad token on every route', async () => {
    const bad = await badTokens();
    for (const [kind, auth] of Object.entries(bad)) {
      for (const r of ROUTES) {
        const res = await send(r, auth);
        expect(res.status, `${kind} on ${r.name}`).toBe(401);
        expect(res.headers.get('www-authenticate'), `${kind} on ${r.name}`).toMatch(/^Bearer/);
        const e = (await res.json()) as { error: { code: string; message: string } };
        expect(e.error.code).toBe('InvalidAuthenticationToken');
        expect(e.error.message.length).toBeGreaterThan(10);
      }
    }
    // Nothing was changed by any of them.
    expect((await t.call('GET', `${ROOT}/${cfg}/userStatuses/${status}`)).status).toBe(200);
    expect(Number(await (await t.call('GET', `${ROOT}/${cfg}/userStatuses/$count`)).text())).toBe(1);
  });

  it('serves $metadata, health and metrics without a token', async () => {
    for (const p of ['/healthz', '/readyz', '/metrics', '/openapi.json'])
      expect((await t.call('GET', p, { auth: '' })).status, p).toBe(200);
  });
});

describe('permissions', () => {
  const kinds = [
    {
      name: 'application Read.All',
      token: () => t.token({ roles: ['DeviceManagementApps.Read.All'] }),
      canWrite: false,
    },
    {
      name: 'application Configuration.Read.All',
      token: () => t.token({ roles: ['DeviceManagementConfiguration.Read.All'] }),
      canWrite: false,
    },
    {
      name: 'application ReadWrite.All',
      token: () => t.token({ roles: ['DeviceManagementApps.ReadWrite.All'] }),
      canWrite: true,
    },
    {
      name: 'application Configuration.ReadWrite.All',
      token: () => t.token({ roles: ['DeviceManagementConfiguration.ReadWrite.All'] }),
      canWrite: true,
    },
    {
      name: 'delegated Read.All',
      token: () => t.token({ user: 'adele@contoso.com', scopes: ['User.Read', 'DeviceManagementApps.Read.All'] }),
      canWrite: false,
    },
    {
      name: 'delegated ReadWrite.All',
      token: () => t.token({ user: 'adele@contoso.com', scopes: ['DeviceManagementApps.ReadWrite.All'] }),
      canWrite: true,
    },
    {
      name: 'unrelated permission',
      token: () => t.token({ roles: ['User.Read.All'] }),
      canWrite: false,
      canRead: false,
    },
  ];
  for (const k of kinds) {
    it(`${k.name}: reads ${k.canRead === false ? 'forbidden' : 'allowed'}, writes ${k.canWrite ? 'allowed' : 'forbidden'}`, async () => {
      const auth = `Bearer ${await k.token()}`;
      for (const r of ROUTES) {
        await fixtures();
        const res = await send(r, auth);
        const allowed = r.write ? k.canWrite : k.canRead !== false;
        if (allowed) {
          expect(res.status, `${r.name}`).toBeLessThan(300);
        } else {
          expect(res.status, `${r.name}`).toBe(403);
          const e = (await res.json()) as { error: { code: string; message: string } };
          expect(e.error.code).toBe('Forbidden');
          expect(e.error.message).toContain(
            r.write ? 'DeviceManagementApps.ReadWrite.All' : 'DeviceManagementApps.Read.All',
          );
        }
      }
    });
  }
});

describe('tenant isolation', () => {
  it("answers 404 for another tenant's ids on every route and leaves tenant A untouched", async () => {
    await fixtures();
    const before = await (await t.call('GET', `${ROOT}/${cfg}/userStatuses/${status}`)).json();
    const other = `Bearer ${await t.token({ tenant: OTHER })}`;
    for (const r of ROUTES.filter((x) => x.scoped)) {
      const res = await send(r, other);
      expect(res.status, r.name).toBe(404);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('ResourceNotFound');
    }
    const list = (await (await t.call('GET', ROOT, { auth: other })).json()) as { value: unknown[] };
    expect(list.value).toEqual([]);
    expect(await (await t.call('GET', `${ROOT}/$count`, { auth: other })).text()).toBe('0');
    // B's own configuration is invisible to A, and A's is unchanged.
    const mine = await t.call('POST', ROOT, { auth: other, body: iosBody() });
    expect(mine.status).toBe(201);
    const bId = ((await mine.json()) as { id: string }).id;
    expect((await t.call('GET', `${ROOT}/${bId}`)).status).toBe(404);
    expect(await (await t.call('GET', `${ROOT}/${cfg}/userStatuses/${status}`)).json()).toEqual(before);
    expect((await t.call('GET', `${ROOT}/${cfg}/assignments/${assignment}`)).status).toBe(200);
    expect((await t.call('GET', `${ROOT}/${cfg}/deviceStatuses/${device}`)).status).toBe(200);
  });

  it('keeps the principal-name upsert per tenant', async () => {
    await fixtures();
    const other = `Bearer ${await t.token({ tenant: OTHER })}`;
    const b = ((await (await t.call('POST', ROOT, { auth: other, body: iosBody() })).json()) as { id: string }).id;
    const r = await t.call('PATCH', `${ROOT}/${b}/userStatuses`, {
      auth: other,
      body: { userPrincipalName: 'fixture@contoso.com', status: 'error' },
    });
    expect(r.status).toBe(201);
    const a = (await (await t.call('GET', `${ROOT}/${cfg}/userStatuses/${status}`)).json()) as { status: string };
    expect(a.status).toBe('unknown');
  });
});
