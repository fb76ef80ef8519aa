/**
 * The check-in simulation's reads and writes, as SQL shared by both stores (docs/simulation.md#check-ins-in-the-store).
 * Batches travel as one value per statement (sql/targeting.ts `BatchDialect`), so a batch of devices costs a
 * handful of statements whatever its size. Schedules live in `device_schedules`, one row per managed device
 * (gone with it: a foreign key with ON DELETE CASCADE), and the clock in the one row of `sim_state`.
 */
import { SUBJECTS } from '../../model/resources.js';
import { newEtag } from '../../util/ids.js';
import type { CheckinStatus, CheckinStatuses, CheckinWrite, DeviceScheduleRecord, DueWindow } from '../port.js';
import { decode, encode, enumValue, type Row } from './codec.js';
import type { DdlDialect } from './ddl.js';
import { type Frag, param, raw, sql } from './fragments.js';
import { indexName, TABLES } from './schema.js';
import {
  applyStatements,
  type BatchDialect,
  batchesOf,
  col,
  columnOf,
  DEVICES,
  int,
  lookup,
  NOT_ASSIGNED,
  statusColumn,
  text,
} from './targeting.js';

export const SCHEDULES = 'device_schedules';
const SIM_STATE = 'sim_state';

const managedDevices = () => TABLES[SUBJECTS.device.set];

/** The schedule table and the clock row, created with the rest of the schema. */
export function checkinSchemaSql(d: DdlDialect): string[] {
  const devices = managedDevices().table;
  return [
    `CREATE TABLE IF NOT EXISTS ${SCHEDULES} (tenant_id ${d.text} NOT NULL, device_id ${d.text} NOT NULL, schedule_key ${d.text} NOT NULL, offset_ms ${d.int} NOT NULL, online_default ${d.int} NOT NULL, online_set ${d.int}, PRIMARY KEY (tenant_id, device_id), FOREIGN KEY (tenant_id, device_id) REFERENCES ${devices} (tenant_id, id) ON DELETE CASCADE)${d.tableSuffix}`,
    `CREATE TABLE IF NOT EXISTS ${SIM_STATE} (id ${d.int} PRIMARY KEY, now ${d.int} NOT NULL, ran_through ${d.int} NOT NULL)`,
  ];
}

/** `⌊a / b⌋` for b > 0 in integer SQL, whose `/` and `%` truncate toward zero in both stores. */
const floorDiv = (a: () => Frag, b: () => Frag): Frag =>
  sql`((${a()}) - ((((${a()}) % (${b()})) + (${b()})) % (${b()}))) / (${b()})`;

// ── schedules ───────────────────────────────────────────────────────────────────────────────────────────────

export function unscheduledSql(tenant: string, key: string, limit: number): Frag {
  const devices = managedDevices().table;
  return sql`SELECT d.id FROM ${raw(devices)} AS d LEFT JOIN ${raw(SCHEDULES)} AS s ON s.tenant_id = d.tenant_id AND s.device_id = d.id WHERE d.tenant_id = ${param(tenant)} AND (s.device_id IS NULL OR s.schedule_key <> ${param(key)}) ORDER BY d.id LIMIT ${param(limit)}`;
}

const SCHEDULE_ROW = [text('did'), int('off'), int('def')] as const;

export function saveSchedulesSql(
  d: BatchDialect,
  tenant: string,
  key: string,
  schedules: readonly DeviceScheduleRecord[],
): Frag {
  const rows = schedules.map((s) => [s.deviceId, s.offsetMs, s.onlineByDefault ? 1 : 0]);
  return sql`WITH c AS MATERIALIZED (${d.rows(SCHEDULE_ROW, rows)}) INSERT INTO ${raw(SCHEDULES)} (tenant_id, device_id, schedule_key, offset_ms, online_default, online_set) SELECT ${param(tenant)}, c.did, ${param(key)}, c.off, c.def, NULL FROM c WHERE 1 = 1 ON CONFLICT (tenant_id, device_id) DO UPDATE SET schedule_key = excluded.schedule_key, offset_ms = excluded.offset_ms, online_default = excluded.online_default`;
}

/** The online devices with a check-in in the window (schedule.ts `isDue`, in SQL; bigint arithmetic throughout). */
export function dueSql(tenant: string, w: DueWindow): Frag {
  const since = (t: number) => () => sql`CAST(${param(t)} AS BIGINT) - s.offset_ms`;
  const interval = () => sql`CAST(${param(w.intervalMs)} AS BIGINT)`;
  return sql`SELECT s.device_id, s.offset_ms FROM ${raw(SCHEDULES)} AS s WHERE s.tenant_id = ${param(tenant)} AND COALESCE(s.online_set, s.online_default) = 1 AND ${floorDiv(since(w.to), interval)} > ${floorDiv(since(w.from), interval)} ORDER BY s.device_id`;
}

export const dueOf = (r: Row) => ({ deviceId: r.device_id as string, offsetMs: Number(r.offset_ms) });

/** Sets a device's online value, creating its schedule row (under no key, so it is scheduled later) if needed. */
export function setOnlineSql(tenant: string, deviceId: string, online: boolean | null): Frag {
  const devices = managedDevices().table;
  const value = online === null ? null : online ? 1 : 0;
  return sql`INSERT INTO ${raw(SCHEDULES)} (tenant_id, device_id, schedule_key, offset_ms, online_default, online_set) SELECT tenant_id, id, '', 0, 1, CAST(${param(value)} AS BIGINT) FROM ${raw(devices)} WHERE tenant_id = ${param(tenant)} AND id = ${param(deviceId)} ON CONFLICT (tenant_id, device_id) DO UPDATE SET online_set = excluded.online_set RETURNING device_id`;
}

export const deviceTenantsSql = (deviceId: string): Frag =>
  sql`SELECT tenant_id FROM ${raw(managedDevices().table)} WHERE id = ${param(deviceId)} ORDER BY tenant_id`;

export const simTenantsSql = (): string =>
  `SELECT DISTINCT tenant_id FROM ${managedDevices().table} ORDER BY tenant_id`;

// ── statuses ────────────────────────────────────────────────────────────────────────────────────────────────

/**
 * The linked, targeted device statuses of the devices named without a user, then every one of the (configuration,
 * user) pairs of the others, which includes theirs: each row once, without a de-duplicating UNION.
 * Device statuses are indexed within their configuration, so the devices are crossed with the tenant's
 * configurations: one index lookup per (configuration, device).
 */
export function checkinStatusesSql(d: BatchDialect, tenant: string, deviceIds: readonly string[]): Frag {
  const v = DEVICES();
  const link = v.link!;
  const [, parent] = v.scopeColumns as [string, string];
  const configs = TABLES.configurations.table;
  const st = statusColumn(v).name;
  const last = col(v, 'lastReportedDateTime');
  const NA = NOT_ASSIGNED();
  const select = `s.${parent} AS cfg, s.${link.idColumn} AS did, s.${link.userColumn} AS uid, s.${link.applicableColumn} AS ok, s.${st} AS st, s.${last} AS last`;
  const targeted = `s.${link.idColumn} IS NOT NULL AND s.${st} <> ${NA}`;
  const byDevice = d.indexedBy(indexName(v.table, link.idColumn));
  const byUser = d.indexedBy(indexName(v.table, link.userColumn));
  const T = () => param(tenant);
  return sql`WITH k AS MATERIALIZED (${d.list([...new Set(deviceIds)])}), own AS MATERIALIZED (SELECT ${raw(select)} FROM k CROSS JOIN ${raw(configs)} AS c CROSS JOIN ${raw(`${v.table} AS s${byDevice}`)} WHERE c.tenant_id = ${T()} AND s.tenant_id = ${T()} AND ${raw(`s.${parent} = c.id AND s.${link.idColumn} = k.value AND ${targeted}`)}), pairs AS MATERIALIZED (SELECT DISTINCT cfg, uid FROM own WHERE uid IS NOT NULL) SELECT cfg, did, uid, ok, st, last FROM own WHERE uid IS NULL UNION ALL SELECT ${raw(select)} FROM pairs AS p CROSS JOIN ${raw(`${v.table} AS s${byUser}`)} WHERE s.tenant_id = ${T()} AND ${raw(`s.${parent} = p.cfg AND s.${link.userColumn} = p.uid AND ${targeted}`)}`;
}

/** The version and `targetedMobileApps` of the configurations named. */
export function checkinConfigurationsSql(d: BatchDialect, tenant: string, ids: readonly string[]): Frag {
  const c = TABLES.configurations;
  return lookup(
    d,
    c.table,
    tenant,
    `s.id, s.${col(c, 'version')} AS version, s.${col(c, 'targetedMobileApps')} AS apps`,
    [['id', ids]],
  );
}

export function checkinStatusesOf(statuses: readonly Row[], configurations: readonly Row[]): CheckinStatuses {
  const c = TABLES.configurations;
  const apps = columnOf(c, 'targetedMobileApps');
  const versions = new Map<string, number>();
  const targetedApps = new Map<string, readonly string[]>();
  for (const r of configurations) {
    versions.set(r.id as string, Number(r.version ?? 1));
    targetedApps.set(r.id as string, decode(apps, r.apps) as string[]);
  }
  const status = statusColumn(DEVICES());
  const out: CheckinStatus[] = [];
  for (const r of statuses) {
    const cfg = r.cfg as string;
    out.push({
      configurationId: cfg,
      deviceId: r.did as string,
      userId: (r.uid as string | null) ?? null,
      applicable: Number(r.ok) === 1,
      status: decode(status, r.st) as string,
      version: versions.get(cfg) ?? 1,
      lastReportedDateTime: r.last as string,
    });
  }
  return { statuses: out, targetedApps };
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
/** Orders batch rows by their leading text columns. */
const byKey = (a: readonly unknown[], b: readonly unknown[]): number =>
  compare(String(a[0]), String(b[0])) || compare(String(a[1]), String(b[1]));

const OUTCOME_ROW = [text('cfg'), text('did'), int('st'), text('last')] as const;
const SYNC_ROW = [text('did'), text('last')] as const;

/** The statements of one `applyCheckins`, in order; a part with no rows has none. */
export function* applyCheckinsStatements(
  d: BatchDialect,
  tenant: string,
  w: CheckinWrite,
): Generator<Frag, void, Row[]> {
  const v = DEVICES();
  const link = v.link!;
  const [, parent] = v.scopeColumns as [string, string];
  const status = statusColumn(v);
  const etag = newEtag();
  // Rows in key order: the writes walk each index forward instead of jumping about it (check-in order is random).
  const batch = (columns: Parameters<BatchDialect['rows']>[0], rows: (readonly unknown[])[]) =>
    sql`WITH c AS MATERIALIZED (${d.rows(columns, rows.sort(byKey))}) `;
  if (w.deviceStatuses.length) {
    const rows = w.deviceStatuses.map((o) => [
      o.configurationId,
      o.deviceId,
      encode(status, o.status),
      o.lastReportedDateTime,
    ]);
    yield sql`${batch(OUTCOME_ROW, rows)}UPDATE ${raw(v.table)} AS s SET ${raw(`${status.name} = c.st, ${col(v, 'lastReportedDateTime')} = c.last`)}, etag = ${param(etag)} FROM c WHERE s.tenant_id = ${param(tenant)} AND ${raw(`s.${parent} = c.cfg AND s.${link.idColumn} = c.did AND s.${status.name} <> ${NOT_ASSIGNED()}`)}`;
  }
  if (w.userStatuses.length) {
    const users = [...w.userStatuses].sort(
      (a, b) => compare(a.configurationId, b.configurationId) || compare(a.userId, b.userId),
    );
    yield* applyStatements(d, tenant, batchesOf([], users));
  }
  if (w.deviceSyncs.length) {
    const m = managedDevices();
    const rows = w.deviceSyncs.map((s) => [s.deviceId, s.lastSyncDateTime]);
    yield sql`${batch(SYNC_ROW, rows)}UPDATE ${raw(m.table)} AS s SET ${raw(`${col(m, 'lastSyncDateTime')} = c.last`)}, etag = ${param(etag)} FROM c WHERE s.tenant_id = ${param(tenant)} AND s.id = c.did`;
  }
}

/** A configuration's linked, targeted, applicable device statuses back to `unknown`. */
export function pendConfigurationSql(tenant: string, configurationId: string): Frag {
  const v = DEVICES();
  const link = v.link!;
  const [, parent] = v.scopeColumns as [string, string];
  const st = statusColumn(v).name;
  const unknown = enumValue('complianceStatus', 'unknown');
  return sql`UPDATE ${raw(v.table)} SET ${raw(`${st} = ${unknown}`)}, etag = ${param(newEtag())} WHERE tenant_id = ${param(tenant)} AND ${raw(parent)} = ${param(configurationId)} AND ${raw(`${link.idColumn} IS NOT NULL AND ${link.applicableColumn} = 1 AND ${st} NOT IN (${NOT_ASSIGNED()}, ${unknown})`)}`;
}

// ── the clock ───────────────────────────────────────────────────────────────────────────────────────────────

export const SIM_STATE_SQL = {
  read: `SELECT now, ran_through FROM ${SIM_STATE} WHERE id = 1`,
  save: `INSERT INTO ${SIM_STATE} (id, now, ran_through) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET now = excluded.now, ran_through = excluded.ran_through`,
} as const;

export const simStateOf = (r: Row | undefined) =>
  r ? { now: Number(r.now), ranThrough: Number(r.ran_through) } : undefined;
