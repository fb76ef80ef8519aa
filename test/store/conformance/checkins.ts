/**
 * Store conformance: the check-in simulation's reads and writes (docs/simulation.md#check-ins-in-the-store), held to
 * the in-memory reference port (test/sim/memory-port.ts): the same tenant, settings and moves give the same
 * statuses, user aggregates and sync times, step by step.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CheckinEngine } from '../../../src/sim/engine.js';
import { HOUR_MS, type SimSettings, simSettings } from '../../../src/sim/settings.js';
import { storeSimPort } from '../../../src/sim/store-port.js';
import type { Store } from '../../../src/store/port.js';
import { pendConfiguration } from '../../../src/targeting/pend.js';
import { retarget } from '../../../src/targeting/retarget.js';
import type { Directory } from '../../../src/targeting/types.js';
import { MemorySimPort, World, type WorldConfiguration } from '../../sim/memory-port.js';
import { demoConfigurations, demoDirectory, T0, worldInputArb } from '../../sim/world.js';
import { assignment, configuration, newTenant } from '../fixtures.js';
import type { Conformance } from './context.js';
import { directoryGroup, directoryUser, managedDevice } from './targeting.js';

/** A device's lastSyncDateTime before its first check-in (the property's default). */
const NEVER = '0001-01-01T00:00:00.0000000Z';

const TARGET_TYPES = {
  group: 'groupAssignmentTarget',
  exclusionGroup: 'exclusionGroupAssignmentTarget',
  allLicensedUsers: 'allLicensedUsersAssignmentTarget',
  allDevices: 'allDevicesAssignmentTarget',
  other: 'configurationManagerCollectionAssignmentTarget',
} as const;

/** The same tenant in the store, with its statuses made by targeting. */
async function seed(store: Store, configs: readonly WorldConfiguration[], dir: Directory): Promise<string> {
  const tenant = newTenant();
  const scope = { tenant };
  for (const u of dir.users) {
    const e = directoryUser(u.id, u.userPrincipalName ?? `${u.id}@contoso.com`, u.displayName ?? u.id);
    await store.create('users', scope, e);
  }
  for (const [g, members] of dir.memberships) {
    await store.create('groups', scope, directoryGroup(g));
    for (const m of members) if (dir.users.some((u) => u.id === m)) await store.addLink('members', scope, g, m);
  }
  for (const d of dir.devices) {
    const e = managedDevice(d.id, d.userId, d.operatingSystem ?? 'iOS');
    await store.create('managedDevices', scope, { ...e, values: { ...e.values, deviceName: d.deviceName } });
  }
  for (const c of configs) {
    await store.create(
      'configurations',
      scope,
      configuration({ targetedMobileApps: [...c.targetedMobileApps] }, c.type, c.id),
    );
    await store.replaceAssignments(
      { tenant, configId: c.id },
      c.assignments.map((a) => {
        const base = assignment(a.groupId ?? 'none');
        return {
          ...base,
          values: {
            target: {
              '@odata.type': `#microsoft.graph.${TARGET_TYPES[a.kind]}`,
              ...(a.kind === 'group' || a.kind === 'exclusionGroup' ? { groupId: a.groupId ?? null } : {}),
            },
          },
        };
      }),
    );
  }
  await retarget(store, tenant, { kind: 'all' });
  return tenant;
}

/** The statuses and sync times a store holds, in the reference's snapshot shape. */
async function snapshotOf(store: Store, tenant: string, world: World) {
  const ids = [...world.configurations.keys()];
  const linked = await store.targeting(tenant, (s) => s.linkedStatuses({ configurationIds: ids }));
  const key = (a: string, b: string) => `${a}\u0000${b}`;
  const sorted = <T>(rows: [string, T][]) => rows.sort(([a], [b]) => (a < b ? -1 : 1)).map(([, v]) => v);
  const syncs: [string, string | null][] = [];
  for (const id of world.devices.keys()) {
    const d = await store.get('managedDevices', { tenant }, id);
    const last = (d?.values.lastSyncDateTime as string | null | undefined) ?? null;
    syncs.push([id, last === NEVER ? null : last]);
  }
  return {
    deviceStatuses: sorted(
      linked.devices.map((d) => [
        key(d.configurationId, d.deviceId),
        {
          configurationId: d.configurationId,
          deviceId: d.deviceId,
          userId: d.userId,
          applicable: d.applicable,
          status: d.status,
          lastReportedDateTime: d.lastReportedDateTime,
        },
      ]),
    ),
    userStatuses: sorted(
      linked.users.map((u) => [
        key(u.configurationId, u.userId),
        {
          configurationId: u.configurationId,
          userId: u.userId,
          status: u.status,
          devicesCount: u.devicesCount,
          lastReportedDateTime: u.lastReportedDateTime,
        },
      ]),
    ),
    syncs: syncs.sort(([a], [b]) => (a < b ? -1 : 1)),
  };
}

/** A step both sides take: a clock move, a check-in by id, a device on- or offline, a new version. */
type Step =
  | { readonly move: number }
  | { readonly checkin: string; readonly at: number }
  | { readonly online: string; readonly value: boolean | null }
  | { readonly bump: string };

async function compare(
  store: Store,
  configs: readonly WorldConfiguration[],
  dir: Directory,
  settings: SimSettings,
  steps: readonly Step[],
  batchSize?: number,
) {
  const tenant = await seed(store, configs, dir);
  const world = new World(configs, dir);
  const options = { ranThrough: T0, ...(batchSize ? { batchSize } : {}) };
  const reference = new CheckinEngine(new MemorySimPort(new Map([[tenant, world]])), settings, options);
  // Only this test's tenant: the store holds others' tenants too.
  const port = storeSimPort({ targeting: (t, w) => store.targeting(t, w), simTenants: async () => [tenant] });
  const engine = new CheckinEngine(port, settings, options);
  for (const step of steps) {
    if ('move' in step) expect(await engine.advance(step.move)).toEqual(await reference.advance(step.move));
    else if ('checkin' in step) {
      const [a, b] = [
        await engine.checkin(tenant, [step.checkin], step.at),
        await reference.checkin(tenant, [step.checkin], step.at),
      ];
      expect(a).toEqual(b);
    } else if ('online' in step) {
      expect(await store.setDeviceOnline(tenant, step.online, step.value)).toBe(true);
      world.setOnline(step.online, step.value);
    } else {
      await store.update('configurations', { tenant }, step.bump, { displayName: 'new version' });
      await pendConfiguration(store, tenant, step.bump);
      world.bumpVersion(step.bump);
    }
    expect(await snapshotOf(store, tenant, world)).toEqual(world.snapshot());
  }
  return { tenant, world };
}

export function checkinCases(c: Conformance): void {
  let store: Store;
  c.opened((s) => {
    store = s;
  });

  describe('check-ins', () => {
    it('follow the reference through moves, a new version, an offline device and a check-in by id', async () => {
      const settings = simSettings({ seed: 'demo', errorRate: 0.3, offlineRate: 0.2 });
      await compare(store, demoConfigurations, demoDirectory, settings, [
        { move: T0 + 3 * HOUR_MS },
        { online: 'ben-ipad', value: false },
        { move: T0 + 8 * HOUR_MS },
        { bump: 'browser' },
        { checkin: 'ben-ipad', at: T0 + 9 * HOUR_MS },
        { online: 'ben-ipad', value: null },
        { move: T0 + 30 * HOUR_MS },
      ]);
    });

    it('follow the reference on random tenants, settings and batch sizes', async () => {
      await fc.assert(
        fc.asyncProperty(
          worldInputArb,
          fc.record({ seed: fc.integer({ min: 0, max: 1000 }), errorRate: fc.double({ min: 0, max: 1, noNaN: true }) }),
          fc.integer({ min: 1, max: 30 }),
          fc.integer({ min: 1, max: 4 }),
          async (input, s, hours, batch) => {
            const settings = simSettings({ ...s, intervalMs: 8 * HOUR_MS });
            await compare(
              store,
              input.configurations,
              input.directory,
              settings,
              [{ move: T0 + hours * HOUR_MS }, { move: T0 + (hours + 8) * HOUR_MS }],
              batch,
            );
          },
        ),
        { numRuns: 8 },
      );
    });

    it('find due devices with floor division, also before the epoch and across interval boundaries', async () => {
      const configs = demoConfigurations;
      const tenant = await seed(store, configs, demoDirectory);
      const settings = simSettings({ seed: 1, intervalMs: 7 });
      const world = new World(configs, demoDirectory);
      const reference = new MemorySimPort(new Map([[tenant, world]]));
      const port = storeSimPort({ targeting: (t, w) => store.targeting(t, w), simTenants: async () => [tenant] });
      const key = 'k';
      const schedules = [...world.devices.keys()].map((deviceId, i) => ({
        deviceId,
        offsetMs: i % 7,
        onlineByDefault: i !== 2,
      }));
      await port.saveSchedules(tenant, key, schedules);
      await reference.saveSchedules(tenant, key, schedules);
      expect(await port.unscheduledDevices(tenant, key, 10)).toEqual([]);
      expect(await port.unscheduledDevices(tenant, 'other', 2)).toHaveLength(2);
      for (const [from, to] of [
        [-20, -13],
        [-3, 2],
        [0, 1],
        [5, 6],
        [13, 14],
        [T0, T0 + 3],
        [-1, 0],
      ] as const) {
        const w = { from, to, intervalMs: settings.intervalMs };
        const ids = (await port.dueDevices(tenant, w)).map((d) => d.deviceId).sort();
        expect([from, to, ids]).toEqual([
          from,
          to,
          (await reference.dueDevices(tenant, w)).map((d) => d.deviceId).sort(),
        ]);
      }
    });

    it('keep the clock and tell which tenants hold a device', async () => {
      await store.saveSimState({ now: T0 + 5, ranThrough: T0 + 3 });
      expect(await store.simState()).toEqual({ now: T0 + 5, ranThrough: T0 + 3 });
      const a = await seed(store, [], {
        users: [],
        memberships: new Map(),
        devices: [{ id: 'shared-dev', userId: null, operatingSystem: 'iOS', deviceName: 'x', model: null }],
      });
      expect(await store.deviceTenants('shared-dev')).toContain(a);
      expect(await store.simTenants()).toContain(a);
      expect(await store.setDeviceOnline(a, 'nope', false)).toBe(false);
      expect(await store.setDeviceOnline(a, 'shared-dev', false)).toBe(true);
    });
  });
}
