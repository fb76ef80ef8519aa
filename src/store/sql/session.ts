/**
 * A tenant's targeting session, written once for every dialect (docs/simulation.md#targeting-in-the-store). Each
 * operation is a plan: a generator that yields the statements it needs and receives each one's rows, so a store
 * only says how to run a plan — SQLite synchronously in one transaction, PostgreSQL statement by statement inside
 * the session's transaction.
 */
import type { TargetingSession } from '../port.js';
import {
  applyCheckinsStatements,
  checkinConfigurationsSql,
  checkinStatusesOf,
  checkinStatusesSql,
  dueOf,
  dueSql,
  pendConfigurationSql,
  saveSchedulesSql,
  unscheduledSql,
} from './checkins.js';
import type { Row } from './codec.js';
import type { Frag } from './fragments.js';
import {
  applyStatements,
  type BatchDialect,
  batchesOf,
  configurationsOf,
  configurationsSql,
  deviceOf,
  devicesSql,
  linkedDeviceOf,
  linkedStatusesSql,
  linkedUserOf,
  membershipOf,
  membershipsSql,
  userOf,
  usersSql,
} from './targeting.js';

/** Statements to run in order, each given the rows of the one before, answering `T`. */
export type Plan<T> = Generator<Frag, T, Row[]>;

/** Runs a plan as one unit: its statements see one state of the data and its writes land together. */
export type RunPlan = <T>(plan: Plan<T>) => Promise<T>;

/** The rows of one statement. */
function* rows(f: Frag): Plan<Row[]> {
  return yield f;
}

export function targetingSession(batch: BatchDialect, tenant: string, run: RunPlan): TargetingSession {
  return {
    configurations: (ids) =>
      run(
        (function* () {
          const q = configurationsSql(batch, tenant, ids);
          const configurations = yield q.configurations;
          return configurationsOf(configurations, yield q.assignments);
        })(),
      ),
    users: async (ids) => {
      const q = usersSql(batch, tenant, ids);
      return q ? (await run(rows(q))).map(userOf) : [];
    },
    memberships: async (groupIds, userIds) => {
      const q = membershipsSql(batch, tenant, groupIds, userIds);
      return q ? (await run(rows(q))).map(membershipOf) : [];
    },
    devices: async (slice) => {
      const q = devicesSql(batch, tenant, slice);
      return q ? (await run(rows(q))).map(deviceOf) : [];
    },
    linkedStatuses: (slice) =>
      run(
        (function* () {
          const q = linkedStatusesSql(batch, tenant, slice);
          const users = q.users ? (yield q.users).map(linkedUserOf) : [];
          const devices = q.devices ? (yield q.devices).map(linkedDeviceOf) : [];
          return { users, devices };
        })(),
      ),
    apply: (changes, aggregates) => run(applyStatements(batch, tenant, batchesOf(changes, aggregates))),
    unscheduledDevices: async (key, limit) =>
      (await run(rows(unscheduledSql(tenant, key, limit)))).map((r) => r.id as string),
    saveSchedules: async (key, schedules) => {
      if (schedules.length) await run(rows(saveSchedulesSql(batch, tenant, key, schedules)));
    },
    dueDevices: async (window) => (await run(rows(dueSql(tenant, window)))).map(dueOf),
    checkinStatuses: async (deviceIds) => {
      if (deviceIds.length === 0) return { statuses: [], targetedApps: new Map() };
      return run(
        (function* () {
          const statuses = yield checkinStatusesSql(batch, tenant, deviceIds);
          const ids = [...new Set(statuses.map((r) => r.cfg as string))];
          const configurations = ids.length ? yield checkinConfigurationsSql(batch, tenant, ids) : [];
          return checkinStatusesOf(statuses, configurations);
        })(),
      );
    },
    applyCheckins: (write) => run(applyCheckinsStatements(batch, tenant, write)),
    pendConfiguration: async (configurationId) => {
      await run(rows(pendConfigurationSql(tenant, configurationId)));
    },
  };
}
