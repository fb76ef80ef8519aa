/**
 * What a batch of check-ins does to the statuses it finds (docs/simulation.md#outcomes): a pure function of the
 * facts read, the check-in times and the settings. Facts are grouped in nested maps and outcomes keyed by the
 * fact itself, so a million statuses cost no composite-key strings.
 */

import { aggregateUser, type ComplianceStatus, type DeviceStatusView } from '../targeting/aggregate.js';
import { dateTimeOffsetOf } from '../util/datetime.js';
import { draw } from './draw.js';
import type { CheckinBatch, CheckinFacts, DeviceStatusFact, DeviceStatusOutcome, UserStatusOutcome } from './port.js';
import type { SimSettings } from './settings.js';

/** One device's check-ins in a move: pending statuses resolve at the first, the sync time is the last. */
export interface Visit {
  readonly resolveAt: number;
  readonly syncAt: number;
}

type Outcomes = Map<DeviceStatusFact, DeviceStatusOutcome>;

/** Whether two configurations name a common app (app ids compare case-insensitively). */
function overlapping(apps: ReadonlyMap<string, ReadonlySet<string>>, a: string, b: string): boolean {
  const x = apps.get(a);
  const y = apps.get(b);
  if (!x || !y) return false;
  const [small, large] = x.size <= y.size ? [x, y] : [y, x];
  for (const app of small) if (large.has(app)) return true;
  return false;
}

/** The outcomes for one device at one check-in. */
function resolveDevice(
  statuses: Iterable<DeviceStatusFact>,
  at: string,
  apps: ReadonlyMap<string, ReadonlySet<string>>,
  settings: SimSettings,
  out: Outcomes,
): void {
  const put = (f: DeviceStatusFact, status: ComplianceStatus) =>
    out.set(f, { configurationId: f.configurationId, deviceId: f.deviceId, status, lastReportedDateTime: at });
  const all = [...statuses];
  const applicable = all.filter((f) => f.applicable);
  for (const f of all) {
    if (f.status !== 'unknown') continue;
    if (!f.applicable) {
      put(f, 'notApplicable');
      continue;
    }
    const partners = applicable.filter(
      (o) => o.configurationId !== f.configurationId && overlapping(apps, f.configurationId, o.configurationId),
    );
    if (partners.length > 0) {
      put(f, 'conflict');
      // Both sides report the conflict; a pending partner reaches the same verdict on its own turn.
      for (const p of partners) if (p.status !== 'unknown' && p.status !== 'conflict') put(p, 'conflict');
    } else {
      const roll = draw(settings.seed, 'error', f.configurationId, f.deviceId, f.version);
      put(f, roll < settings.errorRate ? 'error' : 'compliant');
    }
  }
}

/** A two-level map's inner map, created on first use. */
function inner<K, V>(outer: Map<string, Map<K, V>>, key: string): Map<K, V> {
  const found = outer.get(key);
  if (found) return found;
  const created = new Map<K, V>();
  outer.set(key, created);
  return created;
}

/** The user statuses of every (configuration, user) whose device statuses changed. */
function reaggregate(facts: Iterable<DeviceStatusFact>, outcomes: Outcomes): UserStatusOutcome[] {
  const touched = new Map<string, Map<string, DeviceStatusView[]>>();
  for (const f of outcomes.keys()) if (f.userId !== null) inner(touched, f.configurationId).set(f.userId, []);
  for (const f of facts) {
    if (f.userId === null) continue;
    const views = touched.get(f.configurationId)?.get(f.userId);
    if (!views) continue;
    const o = outcomes.get(f);
    views.push(o ? { status: o.status, applicable: f.applicable, lastReportedDateTime: o.lastReportedDateTime } : f);
  }
  const out: UserStatusOutcome[] = [];
  for (const [configurationId, users] of touched) {
    for (const [userId, views] of users) out.push({ configurationId, userId, ...aggregateUser(views) });
  }
  return out;
}

/** Everything a batch of check-ins writes. */
export function resolveCheckins(
  facts: CheckinFacts,
  visits: ReadonlyMap<string, Visit>,
  settings: SimSettings,
): CheckinBatch {
  // Device → configuration → fact; the first fact of a (configuration, device) wins, duplicates are dropped.
  const byDevice = new Map<string, Map<string, DeviceStatusFact>>();
  for (const f of facts.statuses) {
    const m = inner(byDevice, f.deviceId);
    if (!m.has(f.configurationId)) m.set(f.configurationId, f);
  }
  const apps = new Map<string, ReadonlySet<string>>();
  for (const [id, list] of facts.targetedApps) apps.set(id, new Set(list.map((a) => a.toLowerCase())));

  const outcomes: Outcomes = new Map();
  for (const [deviceId, visit] of visits) {
    const statuses = byDevice.get(deviceId);
    if (statuses) resolveDevice(statuses.values(), dateTimeOffsetOf(visit.resolveAt), apps, settings, outcomes);
  }
  const unique = function* () {
    for (const m of byDevice.values()) yield* m.values();
  };
  return {
    deviceStatuses: [...outcomes.values()],
    userStatuses: reaggregate(unique(), outcomes),
    deviceSyncs: [...visits].map(([deviceId, v]) => ({ deviceId, lastSyncDateTime: dateTimeOffsetOf(v.syncAt) })),
  };
}
