/**
 * The retargeting service on both stores: after any sequence of directory and assignment changes, each followed
 * by its retargeting over the slice it can reach, the linked statuses are exactly what targeting over the whole
 * data wants (targetAll), the user statuses are their devices' aggregate, and a reconcile from scratch finds
 * nothing left to do. Statuses clients made stay unless a targeted user takes their name.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Scope, Store, TargetingSession } from '../../src/store/port.js';
import { aggregateUser, type ComplianceStatus } from '../../src/targeting/aggregate.js';
import { inputOf, retarget, type TargetingChange } from '../../src/targeting/retarget.js';
import { targetAll } from '../../src/targeting/targets.js';
import { directoryGroup, directoryUser, managedDevice } from '../store/conformance/targeting.js';
import { ANDROID_STORE, configuration, newTenant, userStatus } from '../store/fixtures.js';
import { type OpenedStore, requirePostgresOrSkip, STORES } from '../store/stores.js';

requirePostgresOrSkip();

const USERS = ['u0', 'u1', 'u2', 'u3', 'u4'];
const GROUPS = ['g0', 'g1', 'g2'];
const DEVICES = ['d0', 'd1', 'd2', 'd3', 'd4', 'd5', 'd6'];
const CONFIGS = ['c0', 'c1'];
const SYSTEMS = ['iOS', 'iPadOS', 'Android', 'Windows', null];
const TARGETS = ['group', 'exclusionGroup', 'allLicensedUsers', 'allDevices'] as const;

type Op =
  | { op: 'createUser'; user: string; name: string }
  | { op: 'deleteUser'; user: string }
  | { op: 'renameUser'; user: string; name: string }
  | { op: 'addMember'; group: string; user: string }
  | { op: 'removeMember'; group: string; user: string }
  | { op: 'deleteGroup'; group: string }
  | { op: 'createDevice'; device: string; user: string | null; os: string | null }
  | { op: 'deleteDevice'; device: string }
  | { op: 'changeDevice'; device: string; user: string | null; os: string | null }
  | { op: 'assign'; config: string; targets: { kind: (typeof TARGETS)[number]; group: string }[] }
  | { op: 'seedStatus'; config: string; name: string };

const pick = <T>(xs: readonly T[]) => fc.constantFrom(...xs);
const name = fc.constantFrom('ada', 'bo', 'cy', 'di', 'Ada');
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('createUser' as const), user: pick(USERS), name }),
  fc.record({ op: fc.constant('deleteUser' as const), user: pick(USERS) }),
  fc.record({ op: fc.constant('renameUser' as const), user: pick(USERS), name }),
  fc.record({ op: fc.constant('addMember' as const), group: pick(GROUPS), user: pick(USERS) }),
  fc.record({ op: fc.constant('removeMember' as const), group: pick(GROUPS), user: pick(USERS) }),
  fc.record({ op: fc.constant('deleteGroup' as const), group: pick(GROUPS) }),
  fc.record({
    op: fc.constant('createDevice' as const),
    device: pick(DEVICES),
    user: fc.option(pick(USERS), { nil: null }),
    os: pick(SYSTEMS),
  }),
  fc.record({ op: fc.constant('deleteDevice' as const), device: pick(DEVICES) }),
  fc.record({
    op: fc.constant('changeDevice' as const),
    device: pick(DEVICES),
    user: fc.option(pick(USERS), { nil: null }),
    os: pick(SYSTEMS),
  }),
  fc.record({
    op: fc.constant('assign' as const),
    config: pick(CONFIGS),
    targets: fc.array(fc.record({ kind: pick(TARGETS), group: pick(GROUPS) }), { maxLength: 3 }),
  }),
  fc.record({ op: fc.constant('seedStatus' as const), config: pick(CONFIGS), name }),
);

/** A populated tenant to start from: every user, some devices and memberships, both configurations assigned. */
const startArb: fc.Arbitrary<Op[]> = fc
  .record({
    names: fc.array(name, { minLength: USERS.length, maxLength: USERS.length }),
    devices: fc.array(fc.record({ user: fc.option(pick(USERS), { nil: null, freq: 6 }), os: pick(SYSTEMS) }), {
      minLength: 4,
      maxLength: DEVICES.length,
    }),
    members: fc.array(fc.record({ group: pick(GROUPS), user: pick(USERS) }), { maxLength: 8 }),
    assignments: fc.array(fc.array(fc.record({ kind: pick(TARGETS), group: pick(GROUPS) }), { maxLength: 3 }), {
      minLength: CONFIGS.length,
      maxLength: CONFIGS.length,
    }),
  })
  .map(({ names, devices, members, assignments }) => [
    ...USERS.map((user, i): Op => ({ op: 'createUser', user, name: names[i]! })),
    ...devices.map((d, i): Op => ({ op: 'createDevice', device: DEVICES[i]!, ...d })),
    ...members.map((m): Op => ({ op: 'addMember', ...m })),
    ...CONFIGS.map((config, i): Op => ({ op: 'assign', config, targets: assignments[i]! })),
  ]);

const upn = (name: string, user: string) => `${name}.${user}@contoso.com`;
const odataType = (kind: string) => `#microsoft.graph.${kind}AssignmentTarget`;

/** Applies one op to the store as the API would, and answers what changed for targeting (undefined: nothing). */
async function perform(
  store: Store,
  tenant: string,
  o: Op,
  written: Set<string>,
): Promise<TargetingChange | undefined> {
  const scope: Scope = { tenant };
  const tolerate = (p: Promise<unknown>) => p.then(() => true).catch(() => false);
  switch (o.op) {
    case 'createUser':
      return (await tolerate(store.create('users', scope, directoryUser(o.user, upn(o.name, o.user), o.name))))
        ? { kind: 'users', ids: [o.user] }
        : undefined;
    case 'deleteUser':
      return (await tolerate(store.delete('users', scope, o.user))) ? { kind: 'users', ids: [o.user] } : undefined;
    case 'renameUser':
      return (await tolerate(
        store.update('users', scope, o.user, { userPrincipalName: upn(o.name, o.user), displayName: `${o.name}!` }),
      ))
        ? { kind: 'users', ids: [o.user] }
        : undefined;
    case 'addMember':
      await tolerate(store.create('groups', scope, directoryGroup(o.group)));
      return (await tolerate(store.addLink('members', scope, o.group, o.user)))
        ? { kind: 'users', ids: [o.user] }
        : undefined;
    case 'removeMember':
      return (await tolerate(store.removeLink('members', scope, o.group, o.user)))
        ? { kind: 'users', ids: [o.user] }
        : undefined;
    case 'deleteGroup':
      return (await tolerate(store.delete('groups', scope, o.group))) ? { kind: 'groups', ids: [o.group] } : undefined;
    case 'createDevice':
      return (await tolerate(store.create('managedDevices', scope, managedDevice(o.device, o.user, o.os as string))))
        ? { kind: 'devices', ids: [o.device] }
        : undefined;
    case 'deleteDevice':
      return (await tolerate(store.delete('managedDevices', scope, o.device)))
        ? { kind: 'devices', ids: [o.device] }
        : undefined;
    case 'changeDevice':
      return (await tolerate(
        store.update('managedDevices', scope, o.device, {
          userId: o.user,
          operatingSystem: o.os,
          deviceName: `${o.device}~`,
        }),
      ))
        ? { kind: 'devices', ids: [o.device] }
        : undefined;
    case 'assign':
      await store.replaceAssignments(
        { tenant, configId: o.config },
        o.targets.map((t) => ({
          type: 'managedDeviceMobileAppConfigurationAssignment',
          values: {
            target: { '@odata.type': odataType(t.kind), ...(t.kind.endsWith('roup') ? { groupId: t.group } : {}) },
          },
        })),
      );
      return { kind: 'configurations', ids: [o.config] };
    case 'seedStatus':
      // A client's write to a status a user has stands until something touches that user (docs/simulation.md).
      if (await store.findByPrincipal('users', scope, upn(o.name, 'u0'))) written.add(upn(o.name, 'u0').toLowerCase());
      await tolerate(
        store.upsert('userStatuses', { tenant, configId: o.config }, [
          {
            principal: upn(o.name, 'u0'),
            changes: { userPrincipalName: upn(o.name, 'u0'), status: 'compliant' },
            create: userStatus({ userPrincipalName: upn(o.name, 'u0'), status: 'compliant' }).values,
          },
        ]),
      );
      return undefined;
  }
}

/** The linked statuses against targetAll over everything, and user statuses against their devices' aggregate. */
async function check(s: TargetingSession, written: ReadonlySet<string>): Promise<number> {
  const configurations = (await s.configurations()).map(inputOf);
  const groups = [
    ...new Set(configurations.flatMap((c) => c.assignments.flatMap((a) => (a.groupId ? [a.groupId] : [])))),
  ];
  const memberships = new Map<string, string[]>();
  for (const m of await s.memberships(groups))
    memberships.set(m.groupId, [...(memberships.get(m.groupId) ?? []), m.userId]);
  const desired = targetAll(configurations, { users: await s.users(), memberships, devices: await s.devices({}) });
  const ids = configurations.map((c) => c.id);
  const linked = await s.linkedStatuses({ configurationIds: ids });
  for (const id of ids) {
    const want = desired.get(id)!;
    const users = linked.users.filter((u) => u.configurationId === id);
    const devices = linked.devices.filter((d) => d.configurationId === id);
    // A client's write to a user's status stands until something touches the user: the reconcile does.
    const clientMade = (u: { userPrincipalName: string | null }) =>
      written.has(u.userPrincipalName?.toLowerCase() ?? '');
    expect(
      new Map(
        users
          .filter((u) => !clientMade(u))
          .map(({ configurationId: _c, status: _s, lastReportedDateTime: _l, ...u }) => [u.userId, u]),
      ),
    ).toEqual(new Map([...want.users].filter(([, u]) => !clientMade(u))));
    expect(
      new Map(devices.map(({ configurationId: _c, status: _s, lastReportedDateTime: _l, ...d }) => [d.deviceId, d])),
    ).toEqual(want.devices);
    for (const d of devices) expect(d.status).toBe(d.applicable ? 'unknown' : 'notApplicable');
    for (const u of users.filter((x) => !clientMade(x))) {
      const mine = devices.filter((d) => d.userId === u.userId);
      const a = aggregateUser(mine.map((d) => ({ ...d, status: d.status as ComplianceStatus })));
      expect([u.userId, u.status, u.devicesCount]).toEqual([u.userId, a.status, a.devicesCount]);
    }
  }
  return linked.users.length + linked.devices.length;
}

for (const kind of STORES) {
  describe.skipIf(!kind.available)(`retargeting on ${kind.name}`, () => {
    let opened: OpenedStore;
    beforeAll(async () => {
      opened = await kind.open();
    });
    afterAll(() => opened?.close());

    it('keeps the linked statuses equal to targeting over all the data, after any sequence of changes', async () => {
      const store = opened.store;
      let statuses = 0;
      await fc.assert(
        fc.asyncProperty(startArb, fc.array(opArb, { minLength: 1, maxLength: 20 }), async (start, more) => {
          const ops = [...start, ...more];
          const tenant = newTenant();
          await store.create('configurations', { tenant }, configuration({}, undefined, 'c0'));
          await store.create('configurations', { tenant }, configuration({}, ANDROID_STORE, 'c1'));
          const written = new Set<string>();
          for (const o of ops) {
            const change = await perform(store, tenant, o, written);
            if (change) await retarget(store, tenant, change);
          }
          statuses += await store.targeting(tenant, (s) => check(s, written));
          const again = await retarget(store, tenant, { kind: 'all' });
          // Only what a client wrote over a targeted user's status is left for the reconcile to mend.
          expect([again.created, again.restarted]).toEqual([0, 0]);
          expect(again.notAssigned + again.updated + again.aggregated).toBeLessThanOrEqual(
            3 * written.size * CONFIGS.length,
          );
          await store.targeting(tenant, (s) => check(s, new Set()));
        }),
        { numRuns: kind.name === 'sqlite' ? 100 : 30 },
      );
      // The sequences reach statuses, not only empty tenants.
      expect(statuses).toBeGreaterThan(kind.name === 'sqlite' ? 400 : 120);
    }, 120_000);

    it('mends what a write left behind without its retargeting, in a reconcile', async () => {
      const store = opened.store;
      const tenant = newTenant();
      await store.create('configurations', { tenant }, configuration({}, undefined, 'c0'));
      await store.create('users', { tenant }, directoryUser('u0', 'ada@x.com'));
      await store.create('managedDevices', { tenant }, managedDevice('d0', 'u0'));
      await store.replaceAssignments({ tenant, configId: 'c0' }, [
        {
          type: 'managedDeviceMobileAppConfigurationAssignment',
          values: { target: { '@odata.type': odataType('allLicensedUsers') } },
        },
      ]);
      // No retargeting after the write, as if the process died there.
      expect((await store.targeting(tenant, (s) => s.linkedStatuses({ configurationIds: ['c0'] }))).users).toEqual([]);
      const r = await retarget(store, tenant, { kind: 'all' });
      expect(r).toMatchObject({ created: 2, notAssigned: 0 });
      await store.targeting(tenant, (s) => check(s, new Set()));
    });
  });
}
