/**
 * What the check-in engine needs from storage, set-wise: every call takes or returns a batch, so one clock move
 * costs a handful of statements per few thousand devices, never one per status (docs/simulation.md#the-port).
 * Every call is scoped to one tenant; ids are unique within it. Times are canonical Edm.DateTimeOffset text.
 */
import type { ComplianceStatus } from '../targeting/aggregate.js';

/** A device's place in the schedule, computed by the engine from the seed (see schedule.ts). */
export interface DeviceSchedule {
  readonly deviceId: string;
  /** ms in [0, interval). */
  readonly offsetMs: number;
  /** Online unless someone set the device on- or offline; a set value wins over this. */
  readonly onlineByDefault: boolean;
}

export interface CheckinWindow {
  /** Exclusive, epoch ms. */
  readonly from: number;
  /** Inclusive, epoch ms. */
  readonly to: number;
  readonly intervalMs: number;
}

export interface DueDevice {
  readonly deviceId: string;
  readonly offsetMs: number;
}

/** One targeted device status (never a `notAssigned` one) and what resolving it needs. */
export interface DeviceStatusFact {
  readonly configurationId: string;
  readonly deviceId: string;
  readonly userId: string | null;
  /** The device is of the configuration's platform. */
  readonly applicable: boolean;
  readonly status: ComplianceStatus;
  /** The configuration's `version`: a new version makes a new draw. */
  readonly version: number;
  readonly lastReportedDateTime: string;
}

export interface CheckinFacts {
  /**
   * Every targeted device status of the given devices, and every targeted device status of the same user for
   * the same configuration on other devices (which the user status aggregates).
   */
  readonly statuses: readonly DeviceStatusFact[];
  /** `targetedMobileApps` of every configuration named in `statuses`. */
  readonly targetedApps: ReadonlyMap<string, readonly string[]>;
}

export interface DeviceStatusOutcome {
  readonly configurationId: string;
  readonly deviceId: string;
  readonly status: ComplianceStatus;
  readonly lastReportedDateTime: string;
}

export interface UserStatusOutcome {
  readonly configurationId: string;
  readonly userId: string;
  readonly status: ComplianceStatus;
  readonly devicesCount: number;
  /** Null: keep the stored value (the user has no targeted device left). */
  readonly lastReportedDateTime: string | null;
}

export interface DeviceSync {
  readonly deviceId: string;
  readonly lastSyncDateTime: string;
}

export interface CheckinBatch {
  readonly deviceStatuses: readonly DeviceStatusOutcome[];
  readonly userStatuses: readonly UserStatusOutcome[];
  readonly deviceSyncs: readonly DeviceSync[];
}

export interface SimPort {
  /** The tenants to simulate. */
  tenants(): Promise<readonly string[]>;
  /**
   * Runs `work` (one batch's read and write) as the tenant's only writer of statuses: no retargeting of the tenant
   * comes between what it reads and what it writes.
   */
  turn<T>(tenant: string, work: () => Promise<T>): Promise<T>;
  /** Up to `limit` devices with no schedule or one saved under another key. */
  unscheduledDevices(tenant: string, key: string, limit: number): Promise<readonly string[]>;
  /** Saves schedules under `key`. */
  saveSchedules(tenant: string, key: string, schedules: readonly DeviceSchedule[]): Promise<void>;
  /**
   * The online devices (the set value, else the default) with a check-in in (from, to]: those with
   * ⌊(to − offset) / interval⌋ > ⌊(from − offset) / interval⌋ (schedule.ts `isDue`).
   */
  dueDevices(tenant: string, window: CheckinWindow): Promise<readonly DueDevice[]>;
  checkinFacts(tenant: string, deviceIds: readonly string[]): Promise<CheckinFacts>;
  /**
   * Writes outcomes, user statuses and sync times in one go (one transaction where the store has them). It
   * updates statuses that exist and creates none: a user status named here that the store does not hold (the
   * device's user is not in the directory) is skipped.
   */
  applyCheckins(tenant: string, batch: CheckinBatch): Promise<void>;
}
