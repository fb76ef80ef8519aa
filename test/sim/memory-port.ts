/**
 * An in-memory SimPort: the reference the SQL ports are held to, and the store the engine tests run on. Its
 * statuses start from targeting (targetAll + diffTargets from nothing), as a store's would.
 */

import type {
  CheckinBatch,
  CheckinFacts,
  CheckinWindow,
  DeviceSchedule,
  DeviceStatusFact,
  DueDevice,
  SimPort,
} from '../../src/sim/port.js';
import { isDue } from '../../src/sim/schedule.js';
import { aggregateUser, type ComplianceStatus } from '../../src/targeting/aggregate.js';
import { diffTargets } from '../../src/targeting/diff.js';
import { targetAll } from '../../src/targeting/targets.js';
import type { ConfigurationInput, Directory } from '../../src/targeting/types.js';

export const UNSET = '0001-01-01T00:00:00.0000000Z';

export interface WorldConfiguration extends ConfigurationInput {
  readonly targetedMobileApps: readonly string[];
  readonly version?: number;
}

interface DeviceRow {
  readonly id: string;
  onlineSet: boolean | null;
  schedule: (DeviceSchedule & { key: string }) | null;
  lastSyncDateTime: string | null;
}

export interface DeviceStatusRow {
  readonly configurationId: string;
  readonly deviceId: string;
  readonly userId: string | null;
  readonly applicable: boolean;
  status: ComplianceStatus;
  lastReportedDateTime: string;
}

export interface UserStatusRow {
  readonly configurationId: string;
  readonly userId: string;
  status: ComplianceStatus;
  devicesCount: number;
  lastReportedDateTime: string;
}

const k = (a: string, b: string) => `${a}\u0000${b}`;

/** One tenant's data. */
export class World {
  readonly devices = new Map<string, DeviceRow>();
  readonly configurations = new Map<string, { version: number; apps: readonly string[] }>();
  readonly deviceStatuses = new Map<string, DeviceStatusRow>();
  readonly userStatuses = new Map<string, UserStatusRow>();
  /** The same rows indexed without composite keys: by device, by (configuration, user), by (configuration, device). */
  readonly #byDevice = new Map<string, DeviceStatusRow[]>();
  readonly #byPair = new Map<string, Map<string, DeviceStatusRow[]>>();
  readonly #byConfig = new Map<string, Map<string, DeviceStatusRow>>();
  readonly #users = new Map<string, Map<string, UserStatusRow>>();

  constructor(configurations: readonly WorldConfiguration[], directory: Directory) {
    for (const d of directory.devices)
      this.devices.set(d.id, { id: d.id, onlineSet: null, schedule: null, lastSyncDateTime: null });
    for (const c of configurations)
      this.configurations.set(c.id, { version: c.version ?? 1, apps: c.targetedMobileApps });
    const empty = { users: new Map(), devices: new Map() };
    for (const targets of targetAll(configurations, directory).values()) {
      const diff = diffTargets({ configurationId: targets.configurationId, ...empty }, targets);
      for (const u of diff.create.users) {
        const row: UserStatusRow = {
          configurationId: targets.configurationId,
          userId: u.userId,
          status: u.status,
          devicesCount: u.devicesCount,
          lastReportedDateTime: UNSET,
        };
        this.userStatuses.set(k(targets.configurationId, u.userId), row);
        inner(this.#users, targets.configurationId).set(u.userId, row);
      }
      for (const d of diff.create.devices) {
        const row: DeviceStatusRow = {
          configurationId: targets.configurationId,
          deviceId: d.deviceId,
          userId: d.userId,
          applicable: d.applicable,
          status: d.status,
          lastReportedDateTime: UNSET,
        };
        this.deviceStatuses.set(k(targets.configurationId, d.deviceId), row);
        push(this.#byDevice, d.deviceId, row);
        inner(this.#byConfig, targets.configurationId).set(d.deviceId, row);
        if (d.userId !== null) push(inner(this.#byPair, targets.configurationId), d.userId, row);
      }
    }
  }

  statusesOfDevice(deviceId: string): readonly DeviceStatusRow[] {
    return this.#byDevice.get(deviceId) ?? [];
  }

  statusesOfPair(configurationId: string, userId: string): readonly DeviceStatusRow[] {
    return this.#byPair.get(configurationId)?.get(userId) ?? [];
  }

  deviceStatus(configurationId: string, deviceId: string): DeviceStatusRow | undefined {
    return this.#byConfig.get(configurationId)?.get(deviceId);
  }

  userStatus(configurationId: string, userId: string): UserStatusRow | undefined {
    return this.#users.get(configurationId)?.get(userId);
  }

  /** A client's write to a device status. */
  writeDeviceStatus(configurationId: string, deviceId: string, status: ComplianceStatus): void {
    this.deviceStatuses.get(k(configurationId, deviceId))!.status = status;
  }

  /** A configuration PATCH under simulation: a new version, its statuses pending again, its users aggregated again. */
  bumpVersion(configurationId: string): void {
    this.configurations.get(configurationId)!.version++;
    for (const row of this.deviceStatuses.values()) {
      if (row.configurationId === configurationId && row.applicable && row.status !== 'notAssigned')
        row.status = 'unknown';
    }
    for (const [userId, row] of this.#users.get(configurationId) ?? []) {
      const agg = aggregateUser(this.statusesOfPair(configurationId, userId));
      row.status = agg.status;
      row.devicesCount = agg.devicesCount;
      if (agg.lastReportedDateTime !== null) row.lastReportedDateTime = agg.lastReportedDateTime;
    }
  }

  /** A device set on- or offline (null: its default). */
  setOnline(deviceId: string, online: boolean | null): void {
    this.devices.get(deviceId)!.onlineSet = online;
  }

  /** The statuses as plain sorted rows, to compare two runs. */
  snapshot() {
    const rows = <T>(m: Map<string, T>) => [...m].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, v]) => ({ ...v }));
    return {
      deviceStatuses: rows(this.deviceStatuses),
      userStatuses: rows(this.userStatuses),
      syncs: rows(this.devices).map((d) => [d.id, d.lastSyncDateTime]),
    };
  }
}

function inner<V>(outer: Map<string, Map<string, V>>, key: string): Map<string, V> {
  const found = outer.get(key);
  if (found) return found;
  const created = new Map<string, V>();
  outer.set(key, created);
  return created;
}

function push<V>(map: Map<string, V[]>, key: string, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

export class MemorySimPort implements SimPort {
  readonly calls = { dueDevices: 0, checkinFacts: 0, applyCheckins: 0 };
  constructor(readonly worlds: ReadonlyMap<string, World>) {}

  #world(tenant: string): World {
    const w = this.worlds.get(tenant);
    if (!w) throw new Error(`no tenant ${tenant}`);
    return w;
  }

  async tenants() {
    return [...this.worlds.keys()];
  }

  turn<T>(_tenant: string, work: () => Promise<T>): Promise<T> {
    return work();
  }

  async unscheduledDevices(tenant: string, key: string, limit: number) {
    const out: string[] = [];
    for (const d of this.#world(tenant).devices.values()) {
      if (d.schedule?.key !== key) out.push(d.id);
      if (out.length === limit) break;
    }
    return out;
  }

  async saveSchedules(tenant: string, key: string, schedules: readonly DeviceSchedule[]) {
    const w = this.#world(tenant);
    for (const s of schedules) w.devices.get(s.deviceId)!.schedule = { ...s, key };
  }

  async dueDevices(tenant: string, window: CheckinWindow): Promise<readonly DueDevice[]> {
    this.calls.dueDevices++;
    const out: DueDevice[] = [];
    for (const d of this.#world(tenant).devices.values()) {
      const s = d.schedule!;
      if (!(d.onlineSet ?? s.onlineByDefault)) continue;
      if (isDue(s.offsetMs, window.intervalMs, window.from, window.to))
        out.push({ deviceId: d.id, offsetMs: s.offsetMs });
    }
    return out;
  }

  async checkinFacts(tenant: string, deviceIds: readonly string[]): Promise<CheckinFacts> {
    this.calls.checkinFacts++;
    const w = this.#world(tenant);
    const rows = new Set<DeviceStatusRow>();
    for (const id of deviceIds) {
      for (const row of w.statusesOfDevice(id)) {
        rows.add(row);
        if (row.userId !== null) for (const sib of w.statusesOfPair(row.configurationId, row.userId)) rows.add(sib);
      }
    }
    const statuses: DeviceStatusFact[] = [];
    const targetedApps = new Map<string, readonly string[]>();
    for (const row of rows) {
      if (row.status === 'notAssigned') continue;
      const config = w.configurations.get(row.configurationId)!;
      statuses.push({ ...row, version: config.version });
      targetedApps.set(row.configurationId, config.apps);
    }
    return { statuses, targetedApps };
  }

  async applyCheckins(tenant: string, batch: CheckinBatch) {
    this.calls.applyCheckins++;
    const w = this.#world(tenant);
    for (const o of batch.deviceStatuses) {
      const row = w.deviceStatus(o.configurationId, o.deviceId)!;
      row.status = o.status;
      row.lastReportedDateTime = o.lastReportedDateTime;
    }
    for (const u of batch.userStatuses) {
      const row = w.userStatus(u.configurationId, u.userId);
      if (!row) continue; // a device whose user is not in the directory has no user status to update
      row.status = u.status;
      row.devicesCount = u.devicesCount;
      if (u.lastReportedDateTime !== null) row.lastReportedDateTime = u.lastReportedDateTime;
    }
    for (const s of batch.deviceSyncs) w.devices.get(s.deviceId)!.lastSyncDateTime = s.lastSyncDateTime;
  }
}

/** A port over one tenant called `t`. */
export const singleTenant = (world: World) => new MemorySimPort(new Map([['t', world]]));
