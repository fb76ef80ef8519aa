/**
 * Assignments + directory → targets (docs/simulation.md#targeting). Linear in users, memberships and devices:
 * the directory is indexed once and every rule is a Set or Map lookup.
 */
import { assertNever } from '../util/assert.js';
import { familyOfOperatingSystem, platformNumber, platformOfConfiguration } from './platform.js';
import type {
  ConfigurationInput,
  ConfigurationTargets,
  DeviceTarget,
  Directory,
  DirectoryDevice,
  DirectoryUser,
  UserTarget,
} from './types.js';

/** The directory indexed for targeting; build it once and target any number of configurations with it. */
export interface DirectoryIndex {
  readonly users: ReadonlyMap<string, DirectoryUser>;
  readonly devices: readonly DirectoryDevice[];
  readonly devicesByUser: ReadonlyMap<string, readonly DirectoryDevice[]>;
  readonly memberships: ReadonlyMap<string, readonly string[]>;
}

export function indexDirectory(directory: Directory): DirectoryIndex {
  const users = new Map(directory.users.map((u) => [u.id, u] as const));
  const devicesByUser = new Map<string, DirectoryDevice[]>();
  for (const d of directory.devices) {
    if (d.userId === null) continue;
    const list = devicesByUser.get(d.userId);
    if (list) list.push(d);
    else devicesByUser.set(d.userId, [d]);
  }
  return { users, devices: directory.devices, devicesByUser, memberships: directory.memberships };
}

/** The users an assignment list reaches directly, the users it excludes, and whether it takes every device. */
function reach(config: ConfigurationInput, index: DirectoryIndex) {
  const excluded = new Set<string>();
  const included = new Set<string>();
  let allUsers = false;
  let allDevices = false;
  for (const target of config.assignments) {
    switch (target.kind) {
      case 'exclusionGroup':
        for (const id of index.memberships.get(target.groupId ?? '') ?? []) excluded.add(id);
        break;
      case 'group':
        for (const id of index.memberships.get(target.groupId ?? '') ?? []) if (index.users.has(id)) included.add(id);
        break;
      case 'allLicensedUsers':
        allUsers = true;
        break;
      case 'allDevices':
        allDevices = true;
        break;
      case 'other':
        break;
      default:
        assertNever(target.kind, 'assignment target kind');
    }
  }
  if (allUsers) for (const id of index.users.keys()) included.add(id);
  // Exclusion wins over every inclusion, so it is applied last.
  for (const id of excluded) included.delete(id);
  return { excluded, included, allDevices };
}

/** The targets of one configuration. */
export function targetConfiguration(config: ConfigurationInput, index: DirectoryIndex): ConfigurationTargets {
  const family = platformOfConfiguration(config.type);
  const { excluded, included, allDevices } = reach(config, index);
  const chosen: DirectoryDevice[] = [];
  const direct = new Set(included);
  for (const userId of direct) for (const d of index.devicesByUser.get(userId) ?? []) chosen.push(d);
  if (allDevices) {
    for (const d of index.devices) {
      if (d.userId !== null && excluded.has(d.userId)) continue;
      if (d.userId !== null && direct.has(d.userId)) continue; // already chosen through its user
      chosen.push(d);
      // The device's user receives a user status too.
      if (d.userId !== null && index.users.has(d.userId)) included.add(d.userId);
    }
  }

  const devices = new Map<string, DeviceTarget>();
  const applicableCount = new Map<string, number>();
  for (const d of chosen) {
    const user = d.userId === null ? undefined : index.users.get(d.userId);
    const applicable = familyOfOperatingSystem(d.operatingSystem) === family;
    if (applicable && d.userId !== null) applicableCount.set(d.userId, (applicableCount.get(d.userId) ?? 0) + 1);
    devices.set(d.id, {
      deviceId: d.id,
      userId: d.userId,
      applicable,
      deviceDisplayName: d.deviceName,
      userName: user?.displayName ?? null,
      userPrincipalName: user?.userPrincipalName ?? null,
      deviceModel: d.model,
      platform: platformNumber(d.operatingSystem),
    });
  }

  const users = new Map<string, UserTarget>();
  for (const userId of included) {
    const u = index.users.get(userId)!;
    users.set(userId, {
      userId,
      userPrincipalName: u.userPrincipalName,
      userDisplayName: u.displayName,
      devicesCount: applicableCount.get(userId) ?? 0,
    });
  }
  return { configurationId: config.id, users, devices };
}

/** The targets of every configuration, keyed by configuration id. */
export function targetAll(
  configurations: readonly ConfigurationInput[],
  directory: Directory,
): Map<string, ConfigurationTargets> {
  const index = indexDirectory(directory);
  return new Map(configurations.map((c) => [c.id, targetConfiguration(c, index)] as const));
}
