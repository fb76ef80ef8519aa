/**
 * What a store must change to go from the targets it holds to the targets wanted, as sets it can apply in a
 * few statements (docs/simulation.md#applying-a-change).
 */
import type { ConfigurationTargets, DeviceTarget, UserTarget } from './types.js';

/** The status a newly targeted user or device starts from. */
export type InitialStatus = 'unknown' | 'notApplicable';

export type NewUserStatus = UserTarget & { readonly status: InitialStatus };
export type NewDeviceStatus = DeviceTarget & { readonly status: InitialStatus };

export interface TargetDiff {
  readonly configurationId: string;
  /** Newly targeted (or targeted again after `notAssigned`): a status with the names filled in. */
  readonly create: { readonly users: readonly NewUserStatus[]; readonly devices: readonly NewDeviceStatus[] };
  /** No longer targeted: the status becomes `notAssigned`. Ids. */
  readonly notAssigned: { readonly users: readonly string[]; readonly devices: readonly string[] };
  /** Still targeted, some carried field changed (names, `devicesCount`, the device's user): the status stays. */
  readonly update: { readonly users: readonly UserTarget[]; readonly devices: readonly DeviceTarget[] };
  /** Still targeted but the device's applicability flipped: its status starts again. */
  readonly restart: readonly NewDeviceStatus[];
  /** Targeted users whose device statuses changed: their user status is aggregated again. Sorted. */
  readonly reaggregate: readonly string[];
}

export const initialUserStatus = (u: UserTarget): InitialStatus => (u.devicesCount > 0 ? 'unknown' : 'notApplicable');
export const initialDeviceStatus = (d: DeviceTarget): InitialStatus => (d.applicable ? 'unknown' : 'notApplicable');

const sameUser = (a: UserTarget, b: UserTarget): boolean =>
  a.userPrincipalName === b.userPrincipalName &&
  a.userDisplayName === b.userDisplayName &&
  a.devicesCount === b.devicesCount;

const sameDeviceFields = (a: DeviceTarget, b: DeviceTarget): boolean =>
  a.userId === b.userId &&
  a.deviceDisplayName === b.deviceDisplayName &&
  a.userName === b.userName &&
  a.userPrincipalName === b.userPrincipalName &&
  a.deviceModel === b.deviceModel &&
  a.platform === b.platform;

/** The change from `current` to `desired`, both of one configuration. */
export function diffTargets(current: ConfigurationTargets, desired: ConfigurationTargets): TargetDiff {
  const createUsers: NewUserStatus[] = [];
  const updateUsers: UserTarget[] = [];
  const unassignUsers: string[] = [];
  for (const [id, want] of desired.users) {
    const have = current.users.get(id);
    if (!have) createUsers.push({ ...want, status: initialUserStatus(want) });
    else if (!sameUser(have, want)) updateUsers.push(want);
  }
  for (const id of current.users.keys()) if (!desired.users.has(id)) unassignUsers.push(id);

  const touched = new Set<string>();
  const touch = (userId: string | null) => {
    if (userId !== null) touched.add(userId);
  };
  const createDevices: NewDeviceStatus[] = [];
  const updateDevices: DeviceTarget[] = [];
  const restart: NewDeviceStatus[] = [];
  const unassignDevices: string[] = [];
  for (const [id, want] of desired.devices) {
    const have = current.devices.get(id);
    if (!have) {
      createDevices.push({ ...want, status: initialDeviceStatus(want) });
      touch(want.userId);
    } else if (have.applicable !== want.applicable) {
      restart.push({ ...want, status: initialDeviceStatus(want) });
      touch(have.userId);
      touch(want.userId);
    } else if (!sameDeviceFields(have, want)) {
      updateDevices.push(want);
      if (have.userId !== want.userId) {
        touch(have.userId);
        touch(want.userId);
      }
    }
  }
  for (const [id, have] of current.devices) {
    if (desired.devices.has(id)) continue;
    unassignDevices.push(id);
    touch(have.userId);
  }
  for (const u of createUsers) touched.add(u.userId);

  return {
    configurationId: desired.configurationId,
    create: { users: createUsers, devices: createDevices },
    notAssigned: { users: unassignUsers, devices: unassignDevices },
    update: { users: updateUsers, devices: updateDevices },
    restart,
    reaggregate: [...touched].filter((id) => desired.users.has(id)).sort(),
  };
}

const stripStatus = <T extends { status: InitialStatus }>({ status: _, ...rest }: T): Omit<T, 'status'> => rest;

/** `current` with `diff` applied: the targets a store holds after applying it (the reference for stores). */
export function applyDiff(current: ConfigurationTargets, diff: TargetDiff): ConfigurationTargets {
  const users = new Map(current.users);
  const devices = new Map(current.devices);
  for (const id of diff.notAssigned.users) users.delete(id);
  for (const id of diff.notAssigned.devices) devices.delete(id);
  for (const u of diff.create.users) users.set(u.userId, stripStatus(u));
  for (const u of diff.update.users) users.set(u.userId, u);
  for (const d of diff.create.devices) devices.set(d.deviceId, stripStatus(d));
  for (const d of diff.update.devices) devices.set(d.deviceId, d);
  for (const d of diff.restart) devices.set(d.deviceId, stripStatus(d));
  return { configurationId: diff.configurationId, users, devices };
}

/** True when applying the diff changes nothing. */
export const isEmptyDiff = (d: TargetDiff): boolean =>
  d.create.users.length + d.create.devices.length === 0 &&
  d.notAssigned.users.length + d.notAssigned.devices.length === 0 &&
  d.update.users.length + d.update.devices.length === 0 &&
  d.restart.length === 0;
