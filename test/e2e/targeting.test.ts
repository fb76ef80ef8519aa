/**
 * Targeting through the real server, without the simulation, on SQLite and PostgreSQL: statuses appear, change
 * and go `notAssigned` as assignments and the directory change, the summaries follow, and the seed PATCH still
 * works on targeted and untargeted statuses. Plain fetch for the writes, the Graph SDK over HTTPS for reads and an
 * assign.
 */
import { type AuthenticationProvider, Client } from '@microsoft/microsoft-graph-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FULL_ACCESS } from '../../src/auth/permissions.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { freshSchema, postgresAvailable, requirePostgresOrSkip, type TestSchema } from '../store/stores.js';

requirePostgresOrSkip();

type Body = Record<string, unknown>;
const CONFIGS = '/beta/deviceAppManagement/mobileAppConfigurations';
const NEVER = '0001-01-01T00:00:00.0000000Z';

const group = (groupId: string) => ({ target: { '@odata.type': '#microsoft.graph.groupAssignmentTarget', groupId } });
const exclusion = (groupId: string) => ({
  target: { '@odata.type': '#microsoft.graph.exclusionGroupAssignmentTarget', groupId },
});
const everyUser = { target: { '@odata.type': '#microsoft.graph.allLicensedUsersAssignmentTarget' } };
const everyDevice = { target: { '@odata.type': '#microsoft.graph.allDevicesAssignmentTarget' } };

const STORES = [
  { name: 'sqlite', available: true },
  { name: 'postgres', available: postgresAvailable },
] as const;

for (const kind of STORES) {
  describe.skipIf(!kind.available)(`targeting without simulation on ${kind.name}`, () => {
    let t: TestServer;
    let schema: TestSchema | undefined;
    let auth: string;
    let sdk: Client;

    beforeAll(async () => {
      schema = kind.name === 'postgres' ? await freshSchema() : undefined;
      t = await startTestServer(schema ? { db: schema.url } : {});
      auth = `Bearer ${await t.token({ roles: [...FULL_ACCESS] })}`;
      const authProvider: AuthenticationProvider = { getAccessToken: () => t.token({ roles: [...FULL_ACCESS] }) };
      sdk = Client.initWithMiddleware({
        authProvider,
        baseUrl: t.https,
        defaultVersion: 'beta',
        customHosts: new Set([new URL(t.https).hostname]),
        fetchOptions: { dispatcher: t.dispatcher } as RequestInit,
      });
    });
    afterAll(async () => {
      await t?.close();
      await schema?.drop();
    });

    async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: Body }> {
      const r = await t.call(method, path, { ...(body !== undefined ? { body } : {}), auth });
      const text = await r.text();
      return { status: r.status, body: text ? (JSON.parse(text) as Body) : {} };
    }
    async function ok(method: string, path: string, body?: unknown, status = [200, 201, 204]): Promise<Body> {
      const r = await call(method, path, body);
      expect(status, `${method} ${path}: ${JSON.stringify(r.body)}`).toContain(r.status);
      return r.body;
    }
    let serial = 0;
    const user = async (name: string): Promise<string> => {
      serial++;
      const b = await ok('POST', '/v1.0/users', {
        accountEnabled: true,
        displayName: name,
        mailNickname: `${name.toLowerCase()}${serial}`,
        userPrincipalName: `${name.toLowerCase()}${serial}@contoso.com`,
        passwordProfile: { password: 'xWwvJ]6NMw+bWH-d' },
      });
      return b.id as string;
    };
    const newGroup = async (): Promise<string> =>
      (
        await ok('POST', '/v1.0/groups', {
          displayName: `g${++serial}`,
          mailEnabled: false,
          mailNickname: `g${serial}`,
          securityEnabled: true,
        })
      ).id as string;
    const device = async (userId: string | null, operatingSystem: string, deviceName: string): Promise<string> =>
      (
        await ok('POST', '/beta/deviceManagement/managedDevices', {
          userId,
          operatingSystem,
          deviceName,
          model: `${operatingSystem} model`,
        })
      ).id as string;
    const member = (g: string, u: string) =>
      ok('POST', `/v1.0/groups/${g}/members/$ref`, {
        '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${u}`,
      });
    const configuration = async (type = 'iosMobileAppConfiguration'): Promise<string> =>
      (await ok('POST', CONFIGS, { '@odata.type': `#microsoft.graph.${type}`, displayName: `c${++serial}` }))
        .id as string;
    const assign = (c: string, assignments: unknown[]) => ok('POST', `${CONFIGS}/${c}/assign`, { assignments });
    const list = async (c: string, set: 'userStatuses' | 'deviceStatuses'): Promise<Body[]> =>
      (await ok('GET', `${CONFIGS}/${c}/${set}?$top=999`)).value as Body[];
    /** Status by user principal name (user statuses) or device name (device statuses). */
    const users = async (c: string) =>
      Object.fromEntries((await list(c, 'userStatuses')).map((s) => [s.userDisplayName, [s.status, s.devicesCount]]));
    const devices = async (c: string) =>
      Object.fromEntries((await list(c, 'deviceStatuses')).map((s) => [s.deviceDisplayName, s.status]));
    const summary = async (c: string, which: 'userStatusSummary' | 'deviceStatusSummary') => {
      const s = await ok('GET', `${CONFIGS}/${c}/${which}`);
      return [s.pendingCount, s.notApplicableCount, s.successCount];
    };

    it('follows a group assignment, an exclusion, members added and removed, and the summaries', async () => {
      const [ada, bo, cy] = [await user('Ada'), await user('Bo'), await user('Cy')];
      await device(ada, 'iOS', 'ada-iphone');
      await device(ada, 'Android', 'ada-pixel');
      await device(bo, 'iPadOS', 'bo-ipad');
      await device(cy, 'iOS', 'cy-iphone');
      const g = await newGroup();
      const x = await newGroup();
      await member(g, ada);
      await member(g, bo);
      const c = await configuration();
      await assign(c, [group(g)]);

      const statuses = await list(c, 'userStatuses');
      expect(statuses.find((s) => s.userDisplayName === 'Ada')).toMatchObject({
        status: 'unknown',
        devicesCount: 1,
        userPrincipalName: expect.stringMatching(/^ada\d+@contoso\.com$/),
        lastReportedDateTime: NEVER,
      });
      expect(await users(c)).toEqual({ Ada: ['unknown', 1], Bo: ['unknown', 1] });
      const ipad = (await list(c, 'deviceStatuses')).find((s) => s.deviceDisplayName === 'bo-ipad');
      expect(ipad).toMatchObject({
        status: 'unknown',
        userName: 'Bo',
        userPrincipalName: expect.stringMatching(/^bo\d+@contoso\.com$/),
        deviceModel: 'iPadOS model',
        platform: 2,
      });
      // Another platform's device of a targeted user: notApplicable.
      expect(await devices(c)).toEqual({ 'ada-iphone': 'unknown', 'ada-pixel': 'notApplicable', 'bo-ipad': 'unknown' });
      expect(await summary(c, 'userStatusSummary')).toEqual([2, 0, 0]);
      expect(await summary(c, 'deviceStatusSummary')).toEqual([2, 1, 0]);

      // An exclusion wins over the group.
      await member(x, bo);
      await assign(c, [group(g), exclusion(x)]);
      expect(await users(c)).toEqual({ Ada: ['unknown', 1], Bo: ['notAssigned', 1] });
      expect((await devices(c))['bo-ipad']).toBe('notAssigned');
      expect(await summary(c, 'userStatusSummary')).toEqual([1, 0, 0]);
      expect(await summary(c, 'deviceStatusSummary')).toEqual([1, 1, 0]);

      // A member added: its statuses appear; removed: notAssigned.
      await member(g, cy);
      expect((await users(c)).Cy).toEqual(['unknown', 1]);
      expect((await devices(c))['cy-iphone']).toBe('unknown');
      expect(await summary(c, 'deviceStatusSummary')).toEqual([2, 1, 0]);
      await ok('DELETE', `/v1.0/groups/${g}/members/${cy}/$ref`);
      expect((await users(c)).Cy).toEqual(['notAssigned', 1]);
      expect((await devices(c))['cy-iphone']).toBe('notAssigned');
      expect(await summary(c, 'userStatusSummary')).toEqual([1, 0, 0]);

      // Read through the SDK over HTTPS: the same statuses.
      const viaSdk = await sdk.api(`/deviceAppManagement/mobileAppConfigurations/${c}/deviceStatuses`).get();
      expect((viaSdk.value as Body[]).map((s) => s.deviceDisplayName).sort()).toEqual([
        'ada-iphone',
        'ada-pixel',
        'bo-ipad',
        'cy-iphone',
      ]);
    });

    it('targets all licensed users and all devices; a user with no device of the platform is notApplicable', async () => {
      const dee = await user('Dee');
      await device(dee, 'Android', 'dee-pixel');
      await device(null, 'iOS', 'kiosk-ipad');
      const everyone = await configuration();
      await sdk
        .api(`/deviceAppManagement/mobileAppConfigurations/${everyone}/assign`)
        .post({ assignments: [everyUser] });
      const u = await users(everyone);
      expect(u.Dee).toEqual(['notApplicable', 0]);
      expect(u.Ada).toEqual(['unknown', 1]);
      expect((await devices(everyone))['kiosk-ipad']).toBeUndefined();

      const android = await configuration('androidManagedStoreAppConfiguration');
      await assign(android, [everyDevice]);
      const d = await devices(android);
      expect(d['kiosk-ipad']).toBe('notApplicable');
      expect(d['dee-pixel']).toBe('unknown');
      expect((await users(android)).Dee).toEqual(['unknown', 1]);
      expect((await users(android)).Ada).toEqual(['unknown', 1]);
    });

    it("follows a device's system, a user deleted, an assignment deleted and a configuration deleted", async () => {
      const eve = await user('Eve');
      const phone = await device(eve, 'Android', 'eve-phone');
      const c = await configuration();
      const g = await newGroup();
      await member(g, eve);
      await ok('POST', `${CONFIGS}/${c}/assignments`, group(g));
      expect(await users(c)).toEqual({ Eve: ['notApplicable', 0] });
      expect(await devices(c)).toEqual({ 'eve-phone': 'notApplicable' });

      // The system changes to the configuration's platform: the status starts again, the user's follows.
      await ok('PATCH', `/beta/deviceManagement/managedDevices/${phone}`, { operatingSystem: 'iOS' });
      expect(await devices(c)).toEqual({ 'eve-phone': 'unknown' });
      expect(await users(c)).toEqual({ Eve: ['unknown', 1] });
      await ok('PATCH', `/beta/deviceManagement/managedDevices/${phone}`, { deviceName: 'eve-renamed' });
      expect(await devices(c)).toEqual({ 'eve-renamed': 'unknown' });

      // A renamed user: the status carries the new name.
      await ok('PATCH', `/v1.0/users/${eve}`, { displayName: 'Eve L' });
      expect(await users(c)).toEqual({ 'Eve L': ['unknown', 1] });
      expect((await list(c, 'deviceStatuses'))[0]).toMatchObject({ userName: 'Eve L' });

      // The user is deleted: its user status and its devices' are no longer assigned.
      await ok('DELETE', `/v1.0/users/${eve}`);
      expect(await users(c)).toEqual({ 'Eve L': ['notAssigned', 1] });
      expect(await devices(c)).toEqual({ 'eve-renamed': 'notAssigned' });
      expect(await summary(c, 'userStatusSummary')).toEqual([0, 0, 0]);

      // The assignment deleted: a new member's statuses no longer appear.
      const fay = await user('Fay');
      await device(fay, 'iOS', 'fay-phone');
      await member(g, fay);
      expect((await users(c)).Fay).toEqual(['unknown', 1]);
      const [a] = (await ok('GET', `${CONFIGS}/${c}/assignments`)).value as Body[];
      await ok('DELETE', `${CONFIGS}/${c}/assignments/${a!.id}`);
      expect((await users(c)).Fay).toEqual(['notAssigned', 1]);
      expect(await summary(c, 'deviceStatusSummary')).toEqual([0, 0, 0]);

      // A deleted configuration takes its statuses with it.
      await ok('DELETE', `${CONFIGS}/${c}`);
      expect((await call('GET', `${CONFIGS}/${c}/userStatuses`)).status).toBe(404);
    });

    it('keeps the seed PATCH working on a targeted status and on an untargeted name; adopts a seeded one', async () => {
      const gil = await user('Gil');
      await device(gil, 'iOS', 'gil-phone');
      const c = await configuration();
      const g = await newGroup();
      const upn = ((await ok('GET', `/v1.0/users/${gil}`)).userPrincipalName as string).toUpperCase();

      // Seeded before targeting: targeting adopts the row (same id) instead of a second one.
      const seeded = await call('PATCH', `${CONFIGS}/${c}/userStatuses`, {
        userPrincipalName: upn,
        status: 'compliant',
      });
      expect(seeded.status).toBe(201);
      await member(g, gil);
      await assign(c, [group(g)]);
      const rows = await list(c, 'userStatuses');
      expect(rows.map((r) => [r.id, r.status, r.userDisplayName])).toEqual([[seeded.body.id, 'unknown', 'Gil']]);

      // The seed PATCH on the targeted status updates it.
      const patched = await call('PATCH', `${CONFIGS}/${c}/userStatuses`, { userPrincipalName: upn, status: 'error' });
      expect(patched.status).toBe(200);
      expect(patched.body).toMatchObject({ id: seeded.body.id, status: 'error' });
      expect(await summary(c, 'userStatusSummary')).toEqual([0, 0, 0]);

      // An untargeted name is created as before, and stays while the directory changes around it.
      const other = await call('PATCH', `${CONFIGS}/${c}/userStatuses`, {
        userPrincipalName: 'nobody@contoso.com',
        status: 'compliant',
      });
      expect(other.status).toBe(201);
      await ok('DELETE', `/v1.0/groups/${g}/members/${gil}/$ref`);
      const after = Object.fromEntries((await list(c, 'userStatuses')).map((s) => [s.userPrincipalName, s.status]));
      expect(after).toEqual({ 'nobody@contoso.com': 'compliant', [upn]: 'notAssigned' });
      expect(await summary(c, 'userStatusSummary')).toEqual([0, 0, 1]);
    });
  });
}
