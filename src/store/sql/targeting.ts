/**
 * Targeting's reads and its set-wise write, as SQL shared by both stores (docs/simulation.md#targeting-in-the-store).
 * A batch of rows travels as one value (SQLite: a JSON array read with json_each; PostgreSQL: one array per
 * column, unnest), so applying a change is a fixed number of statements whatever its size. Which columns hold
 * what comes from the model: the subject link of each status table (schema.ts `link`), the properties named by
 * the port's field names, and the directory sets of `SUBJECTS`.
 */
import { SUBJECTS } from '../../model/resources.js';
import { newEtag, newId } from '../../util/ids.js';
import type {
  DeviceLink,
  DeviceSlice,
  LinkedDeviceStatus,
  LinkedUserStatus,
  Membership,
  StatusSlice,
  TargetChange,
  TargetingConfiguration,
  TargetingDevice,
  TargetingUser,
  UserLink,
  UserStatusAggregate,
} from '../port.js';
import { decode, encode, enumValue, type Row, storageDefault } from './codec.js';
import { type Frag, join, param, raw, sql } from './fragments.js';
import {
  type Column,
  fold,
  indexName,
  LINK_TABLES,
  type SystemColumn,
  statusTable,
  TABLES,
  type TableDef,
} from './schema.js';

/** What the two stores write differently for batches. */
export interface BatchDialect {
  /** A SELECT of `rows`, each a tuple of `columns`' values in order, as columns of those names. */
  rows(columns: readonly SystemColumn[], rows: readonly (readonly unknown[])[]): Frag;
  /** A SELECT of `values` (text) as the column `value`. */
  list(values: readonly string[]): Frag;
  /**
   * Text after a table in FROM that makes the lookup use index `name`: SQLite, without statistics, takes the tenant
   * for selective and would range over the tenant's rows instead; PostgreSQL plans by its statistics.
   */
  indexedBy(name: string): string;
  /** `a` differs from `b`, null differing from everything but null. */
  distinct(a: string, b: string): string;
}

export const USERS = () => statusTable('user');
export const DEVICES = () => statusTable('device');

export const columnOf = (t: TableDef, property: string): Column => {
  const c = t.byProperty.get(property);
  if (!c) throw new Error(`${t.table} has no property ${property}`);
  return c;
};
export const col = (t: TableDef, property: string): string => columnOf(t, property).name;

export const NOT_ASSIGNED = () => enumValue('complianceStatus', 'notAssigned');
export const statusColumn = (t: TableDef) => columnOf(t, 'status');

// ── reads ───────────────────────────────────────────────────────────────────────────────────────────────────

/**
 * Rows of `table` (as `s`) of the tenant whose `keys` columns take the values listed, read by index: the lists come
 * first in the join (CROSS JOIN keeps SQLite to that order; PostgreSQL plans it freely), so a few keys cost a few
 * index lookups however many rows the tenant has. A key without a list is not restricted.
 */
export function lookup(
  d: BatchDialect,
  table: string,
  tenant: string,
  select: string,
  keys: readonly (readonly [string, readonly string[] | undefined])[],
  index?: string,
): Frag {
  const lists = keys.filter((k): k is readonly [string, readonly string[]] => k[1] !== undefined);
  const from = join(
    [
      ...lists.map(([, values], i) => sql`(${d.list([...new Set(values)])}) AS k${raw(String(i))}`),
      raw(`${table} AS s${index ? d.indexedBy(index) : ''}`),
    ],
    ' CROSS JOIN ',
  );
  const where = lists.map(([column], i) => ` AND s.${column} = k${i}.value`).join('');
  return sql`SELECT ${raw(select)} FROM ${from} WHERE s.tenant_id = ${param(tenant)}${raw(where)}`;
}

/** The configurations (with their concrete type) and their assignments' targets, in id order. */
export function configurationsSql(d: BatchDialect, tenant: string, ids: readonly string[] | undefined) {
  const c = TABLES.configurations;
  const a = TABLES.assignments;
  const parent = a.scopeColumns[1]!;
  return {
    configurations: sql`${lookup(d, c.table, tenant, 's.id, s.odata_type', [['id', ids]])} ORDER BY s.id`,
    assignments: sql`${lookup(d, a.table, tenant, `s.${parent} AS configuration_id, s.${col(a, 'target')} AS target`, [[parent, ids]])} ORDER BY s.${raw(parent)}, s.id`,
  };
}

export function configurationsOf(configs: readonly Row[], assignments: readonly Row[]): TargetingConfiguration[] {
  const target = columnOf(TABLES.assignments, 'target');
  const targets = new Map<string, unknown[]>();
  for (const r of assignments) {
    const id = r.configuration_id as string;
    const list = targets.get(id) ?? [];
    list.push(decode(target, r.target));
    targets.set(id, list);
  }
  return configs.map((r) => ({
    id: r.id as string,
    type: r.odata_type as string,
    targets: targets.get(r.id as string) ?? [],
  }));
}

const USER_FIELDS = ['userPrincipalName', 'displayName'] as const;
const DEVICE_FIELDS = ['userId', 'operatingSystem', 'deviceName', 'model'] as const;

const selectFields = (t: TableDef, fields: readonly string[]): string =>
  ['s.id', ...fields.map((f) => `s.${col(t, f)} AS "${f}"`)].join(', ');

const directoryTables = () => {
  const users = TABLES[SUBJECTS.user.set];
  const devices = TABLES[SUBJECTS.device.set];
  return {
    users,
    devices,
    deviceUser: col(devices, SUBJECTS.device.userProperty!),
    members: Object.values(LINK_TABLES).find((l) => l.member === users)!,
  };
};

/** The users named (or all); undefined: nothing to read. */
export function usersSql(d: BatchDialect, tenant: string, ids: readonly string[] | undefined): Frag | undefined {
  const { users } = directoryTables();
  if (ids?.length === 0) return undefined;
  return lookup(d, users.table, tenant, selectFields(users, USER_FIELDS), [['id', ids]]);
}

/** Members of the groups named, all or among `userIds`; undefined: nothing to read. */
export function membershipsSql(
  d: BatchDialect,
  tenant: string,
  groupIds: readonly string[],
  userIds: readonly string[] | undefined,
): Frag | undefined {
  const { members } = directoryTables();
  if (groupIds.length === 0 || userIds?.length === 0) return undefined;
  return lookup(
    d,
    members.table,
    tenant,
    `s.${members.ownerColumn} AS group_id, s.${members.memberColumn} AS user_id`,
    [
      [members.ownerColumn, groupIds],
      [members.memberColumn, userIds],
    ],
  );
}

/** The devices of the slice (see `DeviceSlice`); undefined: nothing to read. */
export function devicesSql(d: BatchDialect, tenant: string, slice: DeviceSlice): Frag | undefined {
  const { devices, deviceUser } = directoryTables();
  const select = selectFields(devices, DEVICE_FIELDS);
  if (slice.userIds === undefined && slice.deviceIds === undefined) return lookup(d, devices.table, tenant, select, []);
  const parts: Frag[] = [];
  if (slice.userIds?.length)
    parts.push(
      lookup(d, devices.table, tenant, select, [[deviceUser, slice.userIds]], indexName(devices.table, deviceUser)),
    );
  if (slice.deviceIds?.length) parts.push(lookup(d, devices.table, tenant, select, [['id', slice.deviceIds]]));
  return parts.length ? join(parts, ' UNION ') : undefined;
}

export const membershipOf = (r: Row): Membership => ({ groupId: r.group_id as string, userId: r.user_id as string });

export const userOf = (r: Row): TargetingUser => ({
  id: r.id as string,
  userPrincipalName: (r.userPrincipalName as string | null) ?? null,
  displayName: (r.displayName as string | null) ?? null,
});

export const deviceOf = (r: Row): TargetingDevice => ({
  id: r.id as string,
  userId: (r.userId as string | null) ?? null,
  operatingSystem: (r.operatingSystem as string | null) ?? null,
  deviceName: (r.deviceName as string | null) ?? null,
  model: (r.model as string | null) ?? null,
});

const USER_LINK_FIELDS = ['userPrincipalName', 'userDisplayName', 'devicesCount'] as const;
const DEVICE_LINK_FIELDS = ['deviceDisplayName', 'userName', 'userPrincipalName', 'deviceModel', 'platform'] as const;
const STATUS_FIELDS = ['status', 'lastReportedDateTime'] as const;

/** Linked statuses that are not `notAssigned`, of the slice (see `StatusSlice`); undefined: nothing to read. */
export function linkedStatusesSql(d: BatchDialect, tenant: string, slice: StatusSlice) {
  const u = USERS();
  const v = DEVICES();
  const parent = u.scopeColumns[1]!;
  const all = slice.userIds === undefined && slice.deviceIds === undefined;
  const read = (t: TableDef, fields: readonly string[], key?: readonly [string, readonly string[]]): Frag => {
    const select = [
      `s.${parent} AS configuration_id`,
      ...t.link!.columns.map((c) => `s.${c.name}`),
      ...fields.map((f) => `s.${col(t, f)}`),
    ];
    const keys: [string, readonly string[] | undefined][] = [[parent, slice.configurationIds]];
    if (key) keys.push([key[0], key[1]]);
    const index = key ? indexName(t.table, key[0]) : undefined;
    return sql`${lookup(d, t.table, tenant, select.join(', '), keys, index)} AND ${raw(`s.${t.link!.idColumn} IS NOT NULL AND s.${statusColumn(t).name} <> ${NOT_ASSIGNED()}`)}`;
  };
  const userFields = [...USER_LINK_FIELDS, ...STATUS_FIELDS];
  const deviceFields = [...DEVICE_LINK_FIELDS, ...STATUS_FIELDS];
  const userIds = slice.userIds ?? [];
  const deviceIds = slice.deviceIds ?? [];
  if (slice.configurationIds.length === 0) return { users: undefined, devices: undefined };
  if (all) return { users: read(u, userFields), devices: read(v, deviceFields) };
  const devices: Frag[] = [];
  if (deviceIds.length) devices.push(read(v, deviceFields, [v.link!.idColumn, deviceIds]));
  if (userIds.length) devices.push(read(v, deviceFields, [v.link!.userColumn, userIds]));
  return {
    users: userIds.length ? read(u, userFields, [u.link!.idColumn, userIds]) : undefined,
    devices: devices.length ? join(devices, ' UNION ') : undefined,
  };
}

const decoded = (t: TableDef, r: Row, fields: readonly string[]): Record<string, unknown> =>
  Object.fromEntries(fields.map((f) => [f, decode(columnOf(t, f), r[col(t, f)])]));

export function linkedUserOf(r: Row): LinkedUserStatus {
  const u = USERS();
  return {
    configurationId: r.configuration_id as string,
    userId: r[u.link!.idColumn] as string,
    ...(decoded(u, r, [...USER_LINK_FIELDS, ...STATUS_FIELDS]) as Omit<LinkedUserStatus, 'configurationId' | 'userId'>),
  };
}

export function linkedDeviceOf(r: Row): LinkedDeviceStatus {
  const v = DEVICES();
  const link = v.link!;
  return {
    configurationId: r.configuration_id as string,
    deviceId: r[link.idColumn] as string,
    userId: (r[link.userColumn] as string | null) ?? null,
    applicable: Number(r[link.applicableColumn!]) === 1,
    ...(decoded(v, r, [...DEVICE_LINK_FIELDS, ...STATUS_FIELDS]) as Omit<
      LinkedDeviceStatus,
      'configurationId' | 'deviceId' | 'userId' | 'applicable'
    >),
  };
}

// ── the write ───────────────────────────────────────────────────────────────────────────────────────────────

/** A batch column: its name in the FROM item, and its type. */
export const text = (name: string): SystemColumn => ({ name, kind: 'text' });
export const int = (name: string): SystemColumn => ({ name, kind: 'int' });

const encodeField = (t: TableDef, field: string, v: unknown) => encode(columnOf(t, field), v);

/** Columns of the batches, fixed so the statement text is too (PostgreSQL prepares it once). */
const USER_ROW = [
  text('cfg'),
  text('uid'),
  text('upn'),
  text('pkey'),
  text('uname'),
  int('n'),
  int('st'),
  text('rid'),
] as const;
const DEVICE_ROW = [
  text('cfg'),
  text('did'),
  text('uid'),
  int('ok'),
  text('dname'),
  text('uname'),
  text('upn'),
  text('model'),
  int('platform'),
  int('st'),
] as const;
const KEY_ROW = [text('cfg'), text('sid')] as const;
const AGGREGATE_ROW = [text('cfg'), text('uid'), int('st'), int('n'), text('last')] as const;

function userRow(cfg: string, u: UserLink, status: string | null, id: string | null): unknown[] {
  const t = USERS();
  return [
    cfg,
    u.userId,
    u.userPrincipalName,
    u.userPrincipalName === null ? null : fold(u.userPrincipalName),
    u.userDisplayName,
    u.devicesCount,
    status === null ? null : encodeField(t, 'status', status),
    id,
  ];
}

function deviceRow(cfg: string, d: DeviceLink, status: string | null): unknown[] {
  const t = DEVICES();
  return [
    cfg,
    d.deviceId,
    d.userId,
    d.applicable ? 1 : 0,
    d.deviceDisplayName,
    d.userName,
    d.userPrincipalName,
    d.deviceModel,
    d.platform,
    status === null ? null : encodeField(t, 'status', status),
  ];
}

/** The batches of one `apply`, gathered over every configuration's change. */
export interface TargetingBatches {
  readonly unassignUsers: unknown[][];
  readonly unassignDevices: unknown[][];
  readonly updateUsers: unknown[][];
  readonly createUsers: unknown[][];
  /** Updates and restarts: a null status keeps the row's. */
  readonly updateDevices: unknown[][];
  readonly createDevices: unknown[][];
  readonly aggregates: unknown[][];
}

export function batchesOf(
  changes: readonly TargetChange[],
  aggregates: readonly UserStatusAggregate[],
): TargetingBatches {
  const b: TargetingBatches = {
    unassignUsers: [],
    unassignDevices: [],
    updateUsers: [],
    createUsers: [],
    updateDevices: [],
    createDevices: [],
    aggregates: [],
  };
  for (const c of changes) {
    const cfg = c.configurationId;
    for (const id of c.notAssigned.users) b.unassignUsers.push([cfg, id]);
    for (const id of c.notAssigned.devices) b.unassignDevices.push([cfg, id]);
    for (const u of c.update.users) b.updateUsers.push(userRow(cfg, u, null, null));
    for (const u of c.create.users) b.createUsers.push(userRow(cfg, u, u.status, newId()));
    for (const d of c.update.devices) b.updateDevices.push(deviceRow(cfg, d, null));
    for (const d of c.restart) b.updateDevices.push(deviceRow(cfg, d, d.status));
    for (const d of c.create.devices) b.createDevices.push(deviceRow(cfg, d, d.status));
  }
  const u = USERS();
  for (const a of aggregates)
    b.aggregates.push([
      a.configurationId,
      a.userId,
      encodeField(u, 'status', a.status),
      a.devicesCount,
      a.lastReportedDateTime,
    ]);
  return b;
}

/** A column list `a, b, c` and the source columns `c.x, c.y, c.z` it takes, for INSERT … SELECT. */
interface InsertShape {
  readonly columns: string[];
  readonly values: Frag[];
}

/**
 * Every column of a status row for INSERT … SELECT: the scope, id, etag, principal key, the properties (those
 * carried from the batch, the rest their storage default) and the link.
 */
function insertShape(t: TableDef, tenant: string, etag: string, from: Readonly<Record<string, string>>): InsertShape {
  const columns: string[] = [];
  const values: Frag[] = [];
  const put = (column: string, value: Frag) => {
    columns.push(column);
    values.push(value);
  };
  const [tenantColumn, parent] = t.scopeColumns as [string, string];
  put(tenantColumn, param(tenant));
  put(parent, raw('c.cfg'));
  put('id', raw(from.id!));
  put('etag', param(etag));
  if (t.principalKeyColumn) put(t.principalKeyColumn, raw(from[t.principalKeyColumn]!));
  for (const c of t.columns) {
    const source = from[c.property.name];
    put(c.name, source !== undefined ? raw(source) : param(encode(c, storageDefault(c))));
  }
  for (const c of t.link!.columns) put(c.name, raw(from[c.name]!));
  return { columns, values };
}

const assignments = (columns: readonly string[], except: readonly string[]): string =>
  columns
    .filter((c) => !except.includes(c))
    .map((c) => `${c} = excluded.${c}`)
    .join(', ');

/**
 * The statements of one `apply`, in order, each with its parameters; a batch with no rows has none. The order
 * matters: statuses leave before others take their principal names, renames free a name before another row can
 * claim it, and the aggregates come last, over rows that exist by then. The caller runs each statement yielded
 * and passes back the rows it returned (one statement's answer decides what the next one inserts).
 */
export function* applyStatements(d: BatchDialect, tenant: string, b: TargetingBatches): Generator<Frag, void, Row[]> {
  const u = USERS();
  const v = DEVICES();
  const [, parent] = u.scopeColumns as [string, string];
  const T = () => param(tenant);
  const etagValue = newEtag();
  const E = () => param(etagValue);
  const NA = NOT_ASSIGNED();
  const ustatus = statusColumn(u).name;
  const vstatus = statusColumn(v).name;
  const uid = u.link!.idColumn;
  const pkey = u.principalKeyColumn!;
  const dl = v.link!;
  // The batch as a materialized `c`, so each store reads it once and finds each row's status by index (SQLite
  // would otherwise scan the tenant's statuses once per batch row).
  const batch = (columns: readonly SystemColumn[], rows: readonly (readonly unknown[])[]) =>
    sql`WITH c AS MATERIALIZED (${d.rows(columns, rows)}) `;
  /** `s` is the row of batch row `c`: same tenant and configuration, and `condition`. */
  const on = (condition: string) => sql`s.tenant_id = ${T()} AND ${raw(`s.${parent} = c.cfg AND ${condition}`)}`;

  // Statuses no longer targeted.
  if (b.unassignDevices.length)
    yield sql`${batch(KEY_ROW, b.unassignDevices)}UPDATE ${raw(v.table)} AS s SET ${raw(`${vstatus} = ${NA}`)}, etag = ${E()} FROM c WHERE ${on(`s.${dl.idColumn} = c.sid`)}`;
  if (b.unassignUsers.length)
    yield sql`${batch(KEY_ROW, b.unassignUsers)}UPDATE ${raw(u.table)} AS s SET ${raw(`${ustatus} = ${NA}`)}, etag = ${E()} FROM c WHERE ${on(`s.${uid} = c.sid AND s.${ustatus} <> ${NA}`)}`;

  // Users whose names or device count changed: free a name that changes, drop another row holding the new name
  // (a client's or a departed user's: the directory gives the name to this user), then write.
  const current = `s.${uid} = c.uid AND s.${ustatus} <> ${NA}`;
  const carried = `${col(u, 'userPrincipalName')} = c.upn, ${pkey} = c.pkey, ${col(u, 'userDisplayName')} = c.uname, ${col(u, 'devicesCount')} = c.n`;
  if (b.updateUsers.length) {
    yield sql`${batch(USER_ROW, b.updateUsers)}UPDATE ${raw(u.table)} AS s SET ${raw(`${pkey} = NULL`)} FROM c WHERE ${on(`${current} AND ${d.distinct(`s.${pkey}`, 'c.pkey')}`)}`;
    yield sql`${batch(USER_ROW, b.updateUsers)}DELETE FROM ${raw(u.table)} WHERE tenant_id = ${T()} AND (${raw(parent)}, id) IN (SELECT ${raw(`s.${parent}, s.id`)} FROM c JOIN ${raw(u.table)} AS s ON ${on(`s.${pkey} = c.pkey AND ${d.distinct(`s.${uid}`, 'c.uid')}`)})`;
    yield sql`${batch(USER_ROW, b.updateUsers)}UPDATE ${raw(u.table)} AS s SET ${raw(carried)}, etag = ${E()} FROM c WHERE ${on(current)}`;
  }

  // Newly targeted users: a row of the configuration holding the user's name is adopted; else the user's own
  // earlier (notAssigned) row is reused; else a row is inserted. A user keeps one linked row per configuration.
  if (b.createUsers.length) {
    yield sql`${batch(USER_ROW, b.createUsers)}UPDATE ${raw(u.table)} AS s SET ${raw(`${uid} = NULL`)} FROM c WHERE ${on(`s.${uid} = c.uid`)} AND EXISTS (SELECT 1 FROM ${raw(u.table)} AS h WHERE h.tenant_id = ${T()} AND ${raw(`h.${parent} = c.cfg AND h.${pkey} = c.pkey AND h.id <> s.id`)})`;
    const reused =
      yield sql`${batch(USER_ROW, b.createUsers)}UPDATE ${raw(u.table)} AS s SET ${raw(`${carried}, ${ustatus} = c.st`)}, etag = ${E()} FROM c WHERE ${on(`s.${uid} = c.uid`)} RETURNING ${raw(`${parent} AS cfg, ${uid} AS uid`)}`;
    // The rest are inserted (or adopt a row of their name). Known here rather than by a NOT EXISTS in the INSERT,
    // which PostgreSQL may plan as a scan of the table the statement is appending to.
    const done = new Set(reused.map((r) => `${r.cfg}\u0000${r.uid}`));
    const fresh = b.createUsers.filter((r) => !done.has(`${r[0]}\u0000${r[1]}`));
    const shape = insertShape(u, tenant, etagValue, {
      id: 'c.rid',
      [pkey]: 'c.pkey',
      userPrincipalName: 'c.upn',
      userDisplayName: 'c.uname',
      devicesCount: 'c.n',
      status: 'c.st',
      [uid]: 'c.uid',
    });
    const update = assignments(shape.columns, ['tenant_id', parent, 'id', col(u, 'lastReportedDateTime')]);
    if (fresh.length)
      yield sql`${batch(USER_ROW, fresh)}INSERT INTO ${raw(u.table)} (${raw(shape.columns.join(', '))}) SELECT ${join(shape.values, ', ')} FROM c WHERE 1 = 1 ON CONFLICT (${raw(`${u.scopeColumns.join(', ')}, ${pkey}`)}) DO UPDATE SET ${raw(update)}`;
  }

  // Devices: carried fields (and, on a restart, the status); newly targeted ones by the device's id as the row's
  // id, so a row a client or an import made under that id is adopted and an earlier notAssigned one reused.
  const carriedDevice = [
    `${dl.userColumn} = c.uid`,
    `${dl.applicableColumn} = c.ok`,
    `${col(v, 'deviceDisplayName')} = c.dname`,
    `${col(v, 'userName')} = c.uname`,
    `${col(v, 'userPrincipalName')} = c.upn`,
    `${col(v, 'deviceModel')} = c.model`,
    `${col(v, 'platform')} = c.platform`,
  ].join(', ');
  if (b.updateDevices.length)
    yield sql`${batch(DEVICE_ROW, b.updateDevices)}UPDATE ${raw(v.table)} AS s SET ${raw(`${carriedDevice}, ${vstatus} = COALESCE(c.st, s.${vstatus})`)}, etag = ${E()} FROM c WHERE ${on(`s.${dl.idColumn} = c.did`)}`;
  if (b.createDevices.length) {
    const shape = insertShape(v, tenant, etagValue, {
      id: 'c.did',
      deviceDisplayName: 'c.dname',
      userName: 'c.uname',
      userPrincipalName: 'c.upn',
      deviceModel: 'c.model',
      platform: 'c.platform',
      status: 'c.st',
      [dl.idColumn]: 'c.did',
      [dl.userColumn]: 'c.uid',
      [dl.applicableColumn!]: 'c.ok',
    });
    const kept = [
      'tenant_id',
      parent,
      'id',
      col(v, 'lastReportedDateTime'),
      col(v, 'complianceGracePeriodExpirationDateTime'),
    ];
    yield sql`${batch(DEVICE_ROW, b.createDevices)}INSERT INTO ${raw(v.table)} (${raw(shape.columns.join(', '))}) SELECT ${join(shape.values, ', ')} FROM c WHERE 1 = 1 ON CONFLICT (${raw(`${v.scopeColumns.join(', ')}, id`)}) DO UPDATE SET ${raw(assignments(shape.columns, kept))}`;
  }

  // User statuses aggregated again from their devices'.
  if (b.aggregates.length)
    yield sql`${batch(AGGREGATE_ROW, b.aggregates)}UPDATE ${raw(u.table)} AS s SET ${raw(`${ustatus} = c.st, ${col(u, 'devicesCount')} = c.n, ${col(u, 'lastReportedDateTime')} = COALESCE(c.last, s.${col(u, 'lastReportedDateTime')})`)}, etag = ${E()} FROM c WHERE ${on(current)}`;
}

/** The tenants with any configuration. */
export const targetingTenantsSql = (): string =>
  `SELECT DISTINCT tenant_id FROM ${TABLES.configurations.table} ORDER BY tenant_id`;
