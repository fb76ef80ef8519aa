/**
 * Store conformance: targeting's reads and its set-wise write (docs/simulation.md#targeting-in-the-store). Status
 * rows are linked to users and devices by internal columns; a created status adopts a row of the same user
 * principal name (user statuses) or with the device's id (device statuses); everything is per tenant.
 */
import { describe, expect, it } from 'vitest';
import type {
  DeviceLink,
  NewEntity,
  Scope,
  Store,
  TargetChange,
  TargetingSession,
  UserLink,
} from '../../../src/store/port.js';
import { ANDROID_STORE, configuration, deviceStatus, newTenant, query, userStatus } from '../fixtures.js';
import type { Conformance } from './context.js';

const NEVER = '0001-01-01T00:00:00.0000000Z';

export const directoryUser = (id: string, upn: string, displayName = upn.split('@')[0]!): NewEntity => ({
  id,
  type: 'user',
  values: { displayName, userPrincipalName: upn, accountEnabled: true, mailNickname: id, businessPhones: [] },
});
export const directoryGroup = (id: string): NewEntity => ({
  id,
  type: 'group',
  values: { displayName: id, mailEnabled: false, mailNickname: id, securityEnabled: true, groupTypes: [] },
});
export const managedDevice = (id: string, userId: string | null, operatingSystem = 'iOS'): NewEntity => ({
  id,
  type: 'managedDevice',
  values: { userId, operatingSystem, deviceName: `${id}-name`, model: 'iPhone 15' },
});

const userLink = (userId: string, upn: string | null, over: Partial<UserLink> = {}): UserLink => ({
  userId,
  userPrincipalName: upn,
  userDisplayName: upn?.split('@')[0] ?? null,
  devicesCount: 1,
  ...over,
});
const deviceLink = (deviceId: string, userId: string | null, over: Partial<DeviceLink> = {}): DeviceLink => ({
  deviceId,
  userId,
  applicable: true,
  deviceDisplayName: `${deviceId}-name`,
  userName: 'Ada',
  userPrincipalName: 'ada@contoso.com',
  deviceModel: 'iPhone 15',
  platform: 2,
  ...over,
});

function change(configurationId: string, over: Partial<Omit<TargetChange, 'configurationId'>> = {}): TargetChange {
  return {
    configurationId,
    create: { users: [], devices: [] },
    notAssigned: { users: [], devices: [] },
    update: { users: [], devices: [] },
    restart: [],
    ...over,
  };
}

export function targetingCases(c: Conformance): void {
  let store!: Store;
  c.opened((s) => {
    store = s;
  });
  const session = <T>(tenant: string, work: (s: TargetingSession) => Promise<T>) => store.targeting(tenant, work);
  const all = async (set: 'userStatuses' | 'deviceStatuses', scope: Scope) =>
    (await store.list(set, scope, query(set, { top: 999 }))).items;

  describe('targeting', () => {
    it('creates linked statuses with their names, reads them back, and never serves the link', async () => {
      const { tenant, config, scope } = await c.withConfiguration();
      await session(tenant, (s) =>
        s.apply(
          [
            change(config.id, {
              create: {
                users: [{ ...userLink('u1', 'Ada@Contoso.com'), status: 'unknown' }],
                devices: [
                  { ...deviceLink('d1', 'u1'), status: 'unknown' },
                  { ...deviceLink('d2', 'u1', { applicable: false, platform: 0 }), status: 'notApplicable' },
                ],
              },
            }),
          ],
          [],
        ),
      );
      const linked = await session(tenant, (s) => s.linkedStatuses({ configurationIds: [config.id] }));
      expect(linked.users).toEqual([
        {
          configurationId: config.id,
          userId: 'u1',
          userPrincipalName: 'Ada@Contoso.com',
          userDisplayName: 'Ada',
          devicesCount: 1,
          status: 'unknown',
          lastReportedDateTime: NEVER,
        },
      ]);
      expect(linked.devices.map((d) => [d.deviceId, d.userId, d.applicable, d.status, d.platform]).sort()).toEqual([
        ['d1', 'u1', true, 'unknown', 2],
        ['d2', 'u1', false, 'notApplicable', 0],
      ]);
      const devices = await all('deviceStatuses', scope);
      expect(devices.map((d) => d.id).sort()).toEqual(['d1', 'd2']);
      expect(devices[0]!.values).not.toHaveProperty('applicable');
      expect(Object.keys(devices[0]!.values)).not.toContain('deviceId');
      const [user] = await all('userStatuses', scope);
      expect(user!.values).toMatchObject({ userPrincipalName: 'Ada@Contoso.com', status: 'unknown', devicesCount: 1 });
      expect(Object.keys(user!.values)).not.toContain('userId');
      // The principal key is kept: the seed PATCH finds the linked status by name.
      expect((await store.findByPrincipal('userStatuses', scope, 'ada@contoso.COM'))?.id).toBe(user!.id);
    });

    it('adopts a client-made status of the same principal name, and a device status whose id is the device', async () => {
      const { tenant, config, scope } = await c.withConfiguration();
      const seeded = await store.create(
        'userStatuses',
        scope,
        userStatus({ userPrincipalName: 'GRACE@contoso.com', status: 'compliant', devicesCount: 7 }),
      );
      const imported = await store.create('deviceStatuses', scope, deviceStatus({ status: 'error' }, 'd9'));
      const other = await store.create('userStatuses', scope, userStatus({ userPrincipalName: 'someone@else.com' }));
      await session(tenant, (s) =>
        s.apply(
          [
            change(config.id, {
              create: {
                users: [{ ...userLink('u9', 'grace@contoso.com'), status: 'unknown' }],
                devices: [{ ...deviceLink('d9', 'u9'), status: 'unknown' }],
              },
            }),
          ],
          [],
        ),
      );
      const users = await all('userStatuses', scope);
      expect(users.map((u) => u.id).sort()).toEqual([seeded.id, other.id].sort());
      expect(users.find((u) => u.id === seeded.id)!.values).toMatchObject({
        userPrincipalName: 'grace@contoso.com',
        userDisplayName: 'grace',
        status: 'unknown',
        devicesCount: 1,
      });
      expect(users.find((u) => u.id === other.id)!.values.status).toBe('unknown');
      const devices = await all('deviceStatuses', scope);
      expect(devices).toHaveLength(1);
      expect(devices[0]).toMatchObject({
        id: imported.id,
        values: { status: 'unknown', deviceDisplayName: 'd9-name' },
      });
      const linked = await session(tenant, (s) => s.linkedStatuses({ configurationIds: [config.id] }));
      expect(linked.users.map((u) => u.userId)).toEqual(['u9']);
      expect(linked.devices.map((d) => d.deviceId)).toEqual(['d9']);
    });

    it('marks statuses notAssigned, keeps the rows, and reuses them when targeted again', async () => {
      const { tenant, config, scope } = await c.withConfiguration();
      const create = change(config.id, {
        create: {
          users: [{ ...userLink('u1', 'ada@contoso.com'), status: 'unknown' }],
          devices: [{ ...deviceLink('d1', 'u1'), status: 'unknown' }],
        },
      });
      await session(tenant, (s) => s.apply([create], []));
      const before = (await all('userStatuses', scope))[0]!;
      await session(tenant, (s) =>
        s.apply([change(config.id, { notAssigned: { users: ['u1'], devices: ['d1'] } })], []),
      );
      expect((await all('userStatuses', scope)).map((u) => u.values.status)).toEqual(['notAssigned']);
      expect((await all('deviceStatuses', scope)).map((u) => u.values.status)).toEqual(['notAssigned']);
      const none = await session(tenant, (s) => s.linkedStatuses({ configurationIds: [config.id] }));
      expect(none).toEqual({ users: [], devices: [] });
      // Targeted again, after a rename while not targeted: the same rows come back, with the new name.
      const renamed = change(config.id, {
        create: {
          users: [{ ...userLink('u1', 'ada.l@contoso.com'), status: 'unknown' }],
          devices: [{ ...deviceLink('d1', 'u1'), status: 'unknown' }],
        },
      });
      await session(tenant, (s) => s.apply([renamed], []));
      const users = await all('userStatuses', scope);
      expect(users.map((u) => [u.id, u.values.userPrincipalName, u.values.status])).toEqual([
        [before.id, 'ada.l@contoso.com', 'unknown'],
      ]);
      expect((await all('deviceStatuses', scope)).map((d) => [d.id, d.values.status])).toEqual([['d1', 'unknown']]);
    });

    it('renames a targeted user over a row holding the new name, updates devices and restarts them', async () => {
      const { tenant, config, scope } = await c.withConfiguration();
      await session(tenant, (s) =>
        s.apply(
          [
            change(config.id, {
              create: {
                users: [{ ...userLink('u1', 'ada@contoso.com'), status: 'unknown' }],
                devices: [
                  { ...deviceLink('d1', 'u1'), status: 'unknown' },
                  { ...deviceLink('d2', 'u1'), status: 'unknown' },
                ],
              },
            }),
          ],
          [],
        ),
      );
      await store.update('deviceStatuses', scope, 'd1', { status: 'compliant' });
      await store.create('userStatuses', scope, userStatus({ userPrincipalName: 'Ada.Lovelace@contoso.com' }));
      await session(tenant, (s) =>
        s.apply(
          [
            change(config.id, {
              update: {
                users: [
                  userLink('u1', 'ada.lovelace@contoso.com', { userDisplayName: 'Ada Lovelace', devicesCount: 0 }),
                ],
                devices: [deviceLink('d1', 'u1', { deviceDisplayName: 'renamed' })],
              },
              restart: [{ ...deviceLink('d2', 'u1', { applicable: false, platform: 3 }), status: 'notApplicable' }],
            }),
          ],
          [
            {
              configurationId: config.id,
              userId: 'u1',
              status: 'compliant',
              devicesCount: 1,
              lastReportedDateTime: null,
            },
          ],
        ),
      );
      const users = await all('userStatuses', scope);
      expect(users.map((u) => u.values)).toEqual([
        expect.objectContaining({
          userPrincipalName: 'ada.lovelace@contoso.com',
          userDisplayName: 'Ada Lovelace',
          status: 'compliant',
          devicesCount: 1,
          lastReportedDateTime: NEVER,
        }),
      ]);
      const devices = new Map((await all('deviceStatuses', scope)).map((d) => [d.id, d.values]));
      expect(devices.get('d1')).toMatchObject({ deviceDisplayName: 'renamed', status: 'compliant' });
      expect(devices.get('d2')).toMatchObject({ status: 'notApplicable', platform: 3 });
      const linked = await session(tenant, (s) => s.linkedStatuses({ configurationIds: [config.id] }));
      expect(linked.devices.find((d) => d.deviceId === 'd2')?.applicable).toBe(false);
    });

    it('reads configurations with their assignment targets, and the directory in slices', async () => {
      const tenant = newTenant();
      const scope = { tenant };
      const ios = await store.create('configurations', scope, configuration({}, undefined, 'c1'));
      const android = await store.create('configurations', scope, configuration({}, ANDROID_STORE, 'c2'));
      const target = { '@odata.type': '#microsoft.graph.groupAssignmentTarget', groupId: 'g1' };
      await store.replaceAssignments({ tenant, configId: ios.id }, [
        { type: 'managedDeviceMobileAppConfigurationAssignment', values: { target } },
      ]);
      for (const [id, upn] of [
        ['u1', 'a@x.com'],
        ['u2', 'b@x.com'],
        ['u3', 'c@x.com'],
      ] as const)
        await store.create('users', scope, directoryUser(id, upn));
      for (const g of ['g1', 'g2']) await store.create('groups', scope, directoryGroup(g));
      await store.addLink('members', scope, 'g1', 'u1');
      await store.addLink('members', scope, 'g1', 'u2');
      await store.addLink('members', scope, 'g2', 'u1');
      await store.create('managedDevices', scope, managedDevice('d1', 'u1'));
      await store.create('managedDevices', scope, managedDevice('d2', 'u2', 'Android'));
      await store.create('managedDevices', scope, managedDevice('d3', null));

      const configs = await session(tenant, (s) => s.configurations());
      expect(configs).toEqual([
        { id: 'c1', type: 'iosMobileAppConfiguration', targets: [target] },
        { id: 'c2', type: android.type, targets: [] },
      ]);
      expect(await session(tenant, (s) => s.configurations(['c2']))).toHaveLength(1);

      const everyone = await session(tenant, (s) => s.users());
      expect(everyone.map((u) => u.id).sort()).toEqual(['u1', 'u2', 'u3']);
      expect(everyone.find((u) => u.id === 'u1')).toEqual({ id: 'u1', userPrincipalName: 'a@x.com', displayName: 'a' });
      expect((await session(tenant, (s) => s.users(['u2', 'nobody', 'u2']))).map((u) => u.id)).toEqual(['u2']);
      expect(await session(tenant, (s) => s.users([]))).toEqual([]);

      const pairs = (list: readonly { groupId: string; userId: string }[]) =>
        list.map((m) => `${m.groupId}:${m.userId}`).sort();
      expect(pairs(await session(tenant, (s) => s.memberships(['g1'])))).toEqual(['g1:u1', 'g1:u2']);
      expect(pairs(await session(tenant, (s) => s.memberships(['g1', 'g2'], ['u1'])))).toEqual(['g1:u1', 'g2:u1']);
      expect(await session(tenant, (s) => s.memberships([], ['u1']))).toEqual([]);

      const ids = (list: readonly { id: string }[]) => list.map((d) => d.id).sort();
      const devices = await session(tenant, (s) => s.devices({}));
      expect(ids(devices)).toEqual(['d1', 'd2', 'd3']);
      expect(devices.find((d) => d.id === 'd2')).toEqual({
        id: 'd2',
        userId: 'u2',
        operatingSystem: 'Android',
        deviceName: 'd2-name',
        model: 'iPhone 15',
      });
      expect(ids(await session(tenant, (s) => s.devices({ userIds: ['u1'], deviceIds: ['d3'] })))).toEqual([
        'd1',
        'd3',
      ]);
      expect(ids(await session(tenant, (s) => s.devices({ userIds: ['u2'], deviceIds: ['d2'] })))).toEqual(['d2']);
      expect(await session(tenant, (s) => s.devices({ userIds: [] }))).toEqual([]);
      expect(await store.targetingTenants()).toContain(tenant);
    });

    it('reads linked statuses restricted to users and devices', async () => {
      const { tenant, config } = await c.withConfiguration();
      await session(tenant, (s) =>
        s.apply(
          [
            change(config.id, {
              create: {
                users: ['u1', 'u2'].map((id) => ({ ...userLink(id, `${id}@x.com`), status: 'unknown' })),
                devices: [
                  { ...deviceLink('d1', 'u1'), status: 'unknown' },
                  { ...deviceLink('d2', 'u2'), status: 'unknown' },
                  { ...deviceLink('d3', null), status: 'unknown' },
                ],
              },
            }),
          ],
          [],
        ),
      );
      const byUser = await session(tenant, (s) => s.linkedStatuses({ configurationIds: [config.id], userIds: ['u1'] }));
      expect(byUser.users.map((u) => u.userId)).toEqual(['u1']);
      expect(byUser.devices.map((d) => d.deviceId)).toEqual(['d1']);
      const both = await session(tenant, (s) =>
        s.linkedStatuses({ configurationIds: [config.id], userIds: ['u2'], deviceIds: ['d3', 'd2'] }),
      );
      expect(both.devices.map((d) => d.deviceId).sort()).toEqual(['d2', 'd3']);
      const other = await session(tenant, (s) => s.linkedStatuses({ configurationIds: ['nope'] }));
      expect(other).toEqual({ users: [], devices: [] });
    });

    it('keeps tenants apart: the same ids in another tenant are neither read nor written', async () => {
      const a = newTenant();
      const b = newTenant();
      for (const t of [a, b]) {
        await store.create('configurations', { tenant: t }, configuration({}, undefined, 'shared'));
        await store.create('users', { tenant: t }, directoryUser('u1', 'ada@x.com'));
        await store.create('managedDevices', { tenant: t }, managedDevice('d1', 'u1'));
      }
      await store.create(
        'userStatuses',
        { tenant: b, configId: 'shared' },
        userStatus({ userPrincipalName: 'ada@x.com' }),
      );
      await session(a, (s) =>
        s.apply(
          [
            change('shared', {
              create: {
                users: [{ ...userLink('u1', 'ada@x.com'), status: 'unknown' }],
                devices: [{ ...deviceLink('d1', 'u1'), status: 'unknown' }],
              },
            }),
          ],
          [{ configurationId: 'shared', userId: 'u1', status: 'error', devicesCount: 1, lastReportedDateTime: null }],
        ),
      );
      const inB = await session(b, (s) => s.linkedStatuses({ configurationIds: ['shared'] }));
      expect(inB).toEqual({ users: [], devices: [] });
      expect((await all('userStatuses', { tenant: b, configId: 'shared' })).map((u) => u.values.status)).toEqual([
        'unknown',
      ]);
      expect(await all('deviceStatuses', { tenant: b, configId: 'shared' })).toEqual([]);
      const inA = await session(a, (s) => s.linkedStatuses({ configurationIds: ['shared'] }));
      expect(inA.users.map((u) => u.status)).toEqual(['error']);
      expect(await session(b, (s) => s.devices({ userIds: ['u1'] }))).toHaveLength(1);
    });

    it('runs sessions of one tenant one at a time', async () => {
      const tenant = newTenant();
      const order: string[] = [];
      const slow = session(tenant, async () => {
        order.push('a:start');
        await new Promise((r) => setTimeout(r, 30));
        order.push('a:end');
      });
      const next = session(tenant, async () => {
        order.push('b');
      });
      await Promise.all([slow, next]);
      // Either may go first (on PostgreSQL whichever connection takes the lock); they never interleave.
      expect([
        ['a:start', 'a:end', 'b'],
        ['b', 'a:start', 'a:end'],
      ]).toContainEqual(order);
    });

    it('applies a large change in one go', async () => {
      const { tenant, config, scope } = await c.withConfiguration();
      const n = 3000;
      const users = Array.from({ length: n }, (_, i) => ({ ...userLink(`u${i}`, `u${i}@x.com`), status: 'unknown' }));
      const devices = Array.from({ length: n }, (_, i) => ({ ...deviceLink(`d${i}`, `u${i}`), status: 'unknown' }));
      await session(tenant, (s) => s.apply([change(config.id, { create: { users, devices } })], []));
      expect(await store.count('userStatuses', scope, query('userStatuses', {}))).toBe(n);
      expect(await store.count('deviceStatuses', scope, query('deviceStatuses', {}))).toBe(n);
      const half = users.slice(0, n / 2).map((u) => u.userId);
      await session(tenant, (s) => s.apply([change(config.id, { notAssigned: { users: half, devices: [] } })], []));
      const linked = await session(tenant, (s) => s.linkedStatuses({ configurationIds: [config.id] }));
      expect(linked.users).toHaveLength(n / 2);
    });
  });
}
