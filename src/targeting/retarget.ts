/**
 * Keeps statuses in step with assignments and the directory (docs/simulation.md#targeting-in-the-store): after a
 * change it reads the slice of the tenant the change can affect, computes what targeting wants there, compares
 * it with the linked statuses of the same slice and writes the difference with the user statuses aggregated
 * again, in one targeting session of the store. What lies outside the slice is neither read nor touched, so a
 * member added to a group costs a few indexed reads however large the tenant is.
 */
import type {
  LinkedDeviceStatus,
  LinkedStatuses,
  Membership,
  Store,
  TargetChange,
  TargetingConfiguration,
  TargetingDevice,
  TargetingSession,
  TargetingUser,
  UserStatusAggregate,
} from '../store/port.js';
import { aggregateUser, type ComplianceStatus, type DeviceStatusView } from './aggregate.js';
import { diffTargets, type TargetDiff } from './diff.js';
import { targetKindOf } from './kinds.js';
import { targetAll } from './targets.js';
import type {
  AssignmentTargetInput,
  ConfigurationInput,
  ConfigurationTargets,
  DeviceTarget,
  UserTarget,
} from './types.js';

/**
 * What changed. `configurations`: assignments replaced, created or deleted, a configuration created. `groups`:
 * groups deleted (their memberships with them). `users`: created, deleted, renamed, or their group memberships
 * changed. `devices`: created, deleted, or their system, user or names changed. `all`: everything (the reconcile
 * at start).
 */
export type TargetingChange =
  | { readonly kind: 'configurations'; readonly ids: readonly string[] }
  | { readonly kind: 'groups'; readonly ids: readonly string[] }
  | { readonly kind: 'users'; readonly ids: readonly string[] }
  | { readonly kind: 'devices'; readonly ids: readonly string[] }
  | { readonly kind: 'all' };

export interface RetargetResult {
  readonly created: number;
  readonly notAssigned: number;
  readonly updated: number;
  readonly restarted: number;
  /** User statuses whose status, device count or last report changed by aggregation alone. */
  readonly aggregated: number;
}

/** Never reported: the status a new status starts from has no report time yet. */
const NEVER = '0001-01-01T00:00:00.0000000Z';

/** The change applied to `store`'s tenant: statuses follow at once. */
export function retarget(
  store: Pick<Store, 'targeting'>,
  tenant: string,
  change: TargetingChange,
): Promise<RetargetResult> {
  return store.targeting(tenant, (session) => retargetIn(session, change));
}

export async function retargetIn(session: TargetingSession, change: TargetingChange): Promise<RetargetResult> {
  if (change.kind !== 'all' && change.ids.length === 0) return emptyResult();
  let inputs = (await session.configurations(change.kind === 'configurations' ? change.ids : undefined)).map(inputOf);
  if (change.kind === 'groups') {
    // Only the configurations assigned to a group that went away can change; for them, everything is read.
    const gone = new Set(change.ids);
    inputs = inputs.filter((c) =>
      c.assignments.some((a) => a.groupId !== null && a.groupId !== undefined && gone.has(a.groupId)),
    );
  }
  if (inputs.length === 0) return emptyResult();
  const configurationIds = inputs.map((c) => c.id);
  const groupIds = unique(inputs.flatMap((c) => c.assignments.flatMap((a) => (a.groupId ? [a.groupId] : []))));

  const read = await readSlice(session, change, inputs, configurationIds, groupIds);
  const current = read.current;
  const desired = targetAll(inputs, {
    users: read.users,
    memberships: membershipMap(read.memberships),
    devices: read.devices,
  });

  const changes: TargetChange[] = [];
  const aggregates: UserStatusAggregate[] = [];
  const byConfiguration = groupCurrent(current, configurationIds);
  let aggregated = 0;
  for (const id of configurationIds) {
    const mine = byConfiguration.get(id)!;
    const diff = diffTargets(mine.targets, desired.get(id)!);
    // The reconcile also mends user statuses no change touched (a crash between two writes, a client's edit).
    const users = reaggregate(
      mine,
      diff,
      change.kind === 'all' ? [...desired.get(id)!.users.keys()] : diff.reaggregate,
    );
    const creates = new Map(diff.create.users.map((u) => [u.userId, u] as const));
    const created = diff.create.users.map((u) => {
      const a = users.get(u.userId)!;
      return { ...u, status: a.status, devicesCount: a.devicesCount };
    });
    for (const [userId, a] of users) {
      if (creates.has(userId)) continue;
      const before = mine.userRows.get(userId);
      const after = { ...a, lastReportedDateTime: a.lastReportedDateTime ?? before?.lastReportedDateTime ?? NEVER };
      if (
        before &&
        before.status === after.status &&
        before.devicesCount === after.devicesCount &&
        before.lastReportedDateTime === after.lastReportedDateTime
      )
        continue;
      aggregated++;
      aggregates.push({ configurationId: id, userId, ...a });
    }
    changes.push({ ...diff, create: { users: created, devices: diff.create.devices } });
  }
  if (changes.some((c) => !isEmpty(c)) || aggregates.length > 0) await session.apply(changes, aggregates);
  return {
    created: sum(changes, (c) => c.create.users.length + c.create.devices.length),
    notAssigned: sum(changes, (c) => c.notAssigned.users.length + c.notAssigned.devices.length),
    updated: sum(changes, (c) => c.update.users.length + c.update.devices.length),
    restarted: sum(changes, (c) => c.restart.length),
    aggregated,
  };
}

/** A stored configuration as targeting's input: each assignment target's kind and group. */
export function inputOf(c: TargetingConfiguration): ConfigurationInput {
  const assignments: AssignmentTargetInput[] = c.targets.map((t) => {
    const value = (typeof t === 'object' && t !== null ? t : {}) as Record<string, unknown>;
    const type = value['@odata.type'];
    const groupId = value.groupId;
    return {
      kind: typeof type === 'string' ? targetKindOf(type) : 'other',
      groupId: typeof groupId === 'string' ? groupId : null,
    };
  });
  return { id: c.id, type: c.type, assignments };
}

interface SliceRead {
  readonly users: readonly TargetingUser[];
  readonly memberships: readonly Membership[];
  readonly devices: readonly TargetingDevice[];
  readonly current: LinkedStatuses;
}

/**
 * What a change can reach, read. Everything when a configuration in play targets all users or all devices, or for
 * the reconcile; else a slice closed under "a device's user, and every device of a user": the users and devices
 * changed, or, for a configuration change, its groups' members and whatever it targets now. Targeting over the
 * slice then decides for each of them exactly as over the whole directory, and the statuses outside it stay.
 */
async function readSlice(
  session: TargetingSession,
  change: TargetingChange,
  inputs: readonly ConfigurationInput[],
  configurationIds: readonly string[],
  groupIds: readonly string[],
): Promise<SliceRead> {
  const reachesAll = inputs.some((c) =>
    c.assignments.some((a) => a.kind === 'allLicensedUsers' || a.kind === 'allDevices'),
  );
  const byConfiguration = change.kind === 'configurations' || change.kind === 'groups';
  if (change.kind === 'all' || (byConfiguration && reachesAll)) {
    return {
      users: await session.users(),
      memberships: await session.memberships(groupIds),
      devices: await session.devices({}),
      current: await session.linkedStatuses({ configurationIds }),
    };
  }
  let users: string[] = [];
  let devices: string[] = [];
  let current: LinkedStatuses | undefined;
  if (change.kind === 'users') users = [...change.ids];
  else if (change.kind === 'devices') devices = [...change.ids];
  else {
    current = await session.linkedStatuses({ configurationIds });
    const included = unique(
      inputs.flatMap((c) => c.assignments.flatMap((a) => (a.kind === 'group' && a.groupId ? [a.groupId] : []))),
    );
    users = [
      ...(await session.memberships(included)).map((m) => m.userId),
      ...current.users.map((u) => u.userId),
      ...current.devices.flatMap((d) => (d.userId === null ? [] : [d.userId])),
    ];
    devices = current.devices.map((d) => d.deviceId);
  }
  const closed = await closeSlice(session, configurationIds, users, devices, current);
  return {
    users: await session.users(closed.userIds),
    memberships: await session.memberships(groupIds, closed.userIds),
    devices: closed.devices,
    current: closed.current,
  };
}

/**
 * Grows the users and devices until closed: a device's user (in the directory, and as its statuses last recorded
 * it) is in, and so is every device of a user in it. Each user and device is read once from the directory and
 * once for its statuses; `current`, when given, already holds every linked status of the configurations.
 */
async function closeSlice(
  session: TargetingSession,
  configurationIds: readonly string[],
  userIds: readonly string[],
  deviceIds: readonly string[],
  current: LinkedStatuses | undefined,
): Promise<{ userIds: string[]; devices: TargetingDevice[]; current: LinkedStatuses }> {
  const users = new Set<string>();
  const devices = new Map<string, TargetingDevice>();
  const looked = new Set<string>(); // device ids read from the directory (found or not)
  const statusesRead = new Set<string>(); // device ids whose statuses were read by id
  const userStatuses = new Map<string, LinkedStatuses['users'][number]>();
  const deviceStatuses = new Map<string, LinkedDeviceStatus>();
  const keep = (found: LinkedStatuses) => {
    for (const u of found.users) userStatuses.set(`${u.configurationId}\u0000${u.userId}`, u);
    for (const d of found.devices) deviceStatuses.set(`${d.configurationId}\u0000${d.deviceId}`, d);
  };
  if (current) keep(current);
  const wantedUsers = new Set(userIds);
  const wantedDevices = new Set(deviceIds);
  for (;;) {
    const newUsers = [...wantedUsers].filter((id) => !users.has(id));
    const unread = [...wantedDevices].filter((id) => !looked.has(id));
    if (
      newUsers.length === 0 &&
      unread.length === 0 &&
      (current || [...wantedDevices].every((id) => statusesRead.has(id)))
    )
      break;
    for (const id of newUsers) users.add(id);
    const found = await session.devices({ userIds: newUsers, deviceIds: unread });
    for (const id of unread) looked.add(id);
    for (const d of found) {
      devices.set(d.id, d);
      looked.add(d.id);
      wantedDevices.add(d.id);
      if (d.userId !== null) wantedUsers.add(d.userId);
    }
    if (!current) {
      const byId = [...wantedDevices].filter((id) => !statusesRead.has(id));
      for (const id of byId) statusesRead.add(id);
      const found = await session.linkedStatuses({ configurationIds, userIds: newUsers, deviceIds: byId });
      keep(found);
      for (const d of found.devices) {
        wantedDevices.add(d.deviceId);
        if (d.userId !== null) wantedUsers.add(d.userId);
      }
    }
  }
  return {
    userIds: [...users],
    devices: [...devices.values()],
    current: { users: [...userStatuses.values()], devices: [...deviceStatuses.values()] },
  };
}

const unique = (xs: readonly string[]): string[] => [...new Set(xs)];

function membershipMap(pairs: readonly Membership[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const p of pairs) {
    const list = out.get(p.groupId);
    if (list) list.push(p.userId);
    else out.set(p.groupId, [p.userId]);
  }
  return out;
}

interface CurrentOfConfiguration {
  readonly targets: ConfigurationTargets;
  readonly userRows: Map<string, { status: string; devicesCount: number; lastReportedDateTime: string }>;
  readonly deviceRows: Map<string, LinkedDeviceStatus>;
}

function groupCurrent(
  current: LinkedStatuses,
  configurationIds: readonly string[],
): Map<string, CurrentOfConfiguration> {
  const out = new Map<string, CurrentOfConfiguration>();
  const targets = new Map<string, { users: Map<string, UserTarget>; devices: Map<string, DeviceTarget> }>();
  for (const id of configurationIds) {
    const t = { users: new Map<string, UserTarget>(), devices: new Map<string, DeviceTarget>() };
    targets.set(id, t);
    out.set(id, { targets: { configurationId: id, ...t }, userRows: new Map(), deviceRows: new Map() });
  }
  for (const u of current.users) {
    const { configurationId, status, lastReportedDateTime, ...target } = u;
    const t = targets.get(configurationId);
    if (!t) continue;
    t.users.set(u.userId, target);
    out.get(configurationId)!.userRows.set(u.userId, { status, devicesCount: u.devicesCount, lastReportedDateTime });
  }
  for (const d of current.devices) {
    const { configurationId, status: _s, lastReportedDateTime: _l, ...target } = d;
    const t = targets.get(configurationId);
    if (!t) continue;
    t.devices.set(d.deviceId, target);
    out.get(configurationId)!.deviceRows.set(d.deviceId, d);
  }
  return out;
}

/**
 * The user statuses of `userIds` (`diff.reaggregate`, or more) from their device statuses once the diff is applied: those held (with
 * their statuses), less the ones no longer targeted, with created and restarted ones pending again.
 */
function reaggregate(
  mine: CurrentOfConfiguration,
  diff: TargetDiff,
  userIds: readonly string[],
): Map<string, { status: ComplianceStatus; devicesCount: number; lastReportedDateTime: string | null }> {
  const views = new Map<string, DeviceStatusView & { userId: string | null }>();
  for (const [id, d] of mine.deviceRows)
    views.set(id, {
      userId: d.userId,
      applicable: d.applicable,
      status: d.status as ComplianceStatus,
      lastReportedDateTime: d.lastReportedDateTime,
    });
  for (const id of diff.notAssigned.devices) views.delete(id);
  for (const d of diff.update.devices) {
    const v = views.get(d.deviceId)!;
    views.set(d.deviceId, { ...v, userId: d.userId });
  }
  for (const d of [...diff.restart, ...diff.create.devices]) {
    const lastReportedDateTime = views.get(d.deviceId)?.lastReportedDateTime ?? NEVER;
    views.set(d.deviceId, { userId: d.userId, applicable: d.applicable, status: d.status, lastReportedDateTime });
  }
  const wanted = new Set(userIds);
  const byUser = new Map<string, DeviceStatusView[]>();
  for (const id of wanted) byUser.set(id, []);
  for (const v of views.values()) if (v.userId !== null && wanted.has(v.userId)) byUser.get(v.userId)!.push(v);
  return new Map([...byUser].map(([id, list]) => [id, aggregateUser(list)] as const));
}

const isEmpty = (c: TargetChange): boolean =>
  c.create.users.length + c.create.devices.length + c.notAssigned.users.length + c.notAssigned.devices.length === 0 &&
  c.update.users.length + c.update.devices.length + c.restart.length === 0;

const sum = <T>(xs: readonly T[], f: (x: T) => number): number => xs.reduce((n, x) => n + f(x), 0);

/**
 * Every tenant's statuses brought in step with its assignments and directory: what a crash between a write and
 * its retargeting left behind is mended (run at start, before the server answers).
 */
export async function reconcile(store: Pick<Store, 'targeting' | 'targetingTenants'>): Promise<RetargetResult> {
  let total = emptyResult();
  for (const tenant of await store.targetingTenants()) {
    const r = await retarget(store, tenant, { kind: 'all' });
    total = {
      created: total.created + r.created,
      notAssigned: total.notAssigned + r.notAssigned,
      updated: total.updated + r.updated,
      restarted: total.restarted + r.restarted,
      aggregated: total.aggregated + r.aggregated,
    };
  }
  return total;
}

const emptyResult = (): RetargetResult => ({ created: 0, notAssigned: 0, updated: 0, restarted: 0, aggregated: 0 });
