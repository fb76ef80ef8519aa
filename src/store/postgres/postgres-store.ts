import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import type { LinkName, SetName } from '../../model/resources.js';
import type { EntityValues } from '../../model/validate.js';
import type { ListQuery } from '../../odata/query.js';
import type { ApiError } from '../../util/errors.js';
import { newId } from '../../util/ids.js';
import {
  type BulkItem,
  type ControlStore,
  type IfMatch,
  isLinkItem,
  type NewEntity,
  type Page,
  type Scope,
  type SigningKeyRecord,
  type SimState,
  type StatusCounts,
  type Store,
  type StoredEntity,
  type TargetingSession,
  type UpsertItem,
  type UpsertResult,
} from '../port.js';
import {
  applyCheckinsStatements,
  checkinConfigurationsSql,
  checkinStatusesOf,
  checkinStatusesSql,
  deviceTenantsSql,
  dueOf,
  dueSql,
  pendConfigurationSql,
  SIM_STATE_SQL,
  saveSchedulesSql,
  setOnlineSql,
  simStateOf,
  simTenantsSql,
  unscheduledSql,
} from '../sql/checkins.js';
import { decodeRow, principalKeyOf, type Row } from '../sql/codec.js';
import {
  etagMismatch,
  explainMiss,
  idTaken,
  linkExists,
  missingContainer,
  missingMember,
  missingOwner,
  notLinked,
  principalTaken,
} from '../sql/errors.js';
import type { Frag } from '../sql/fragments.js';
import { insertParams, updateParts } from '../sql/params.js';
import { pageOf, signingKeyOf, signingKeyParams, statusCountsOf } from '../sql/results.js';
import { fold, LINK_TABLES, type LinkTableDef, TABLES, type TableDef } from '../sql/schema.js';
import { compileCount, compileList } from '../sql/select.js';
import {
  deleteSql,
  guardTags,
  linkSqlOf,
  SECRETS,
  SIGNING_KEYS,
  scopeParams,
  sqlOf,
  updateSql,
  upsertByPrincipalSql,
} from '../sql/statements.js';
import {
  applyStatements,
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
  targetingTenantsSql,
  userOf,
  usersSql,
} from '../sql/targeting.js';
import { type BulkGroup, bulkPlan } from './bulk.js';
import { connectionConfig } from './connection.js';
import { postgresControl } from './control.js';
import { brokePrincipalIndex, isForeignKeyViolation, isRetryable, isUniqueViolation, translate } from './errors.js';
import { migrate } from './migrations.js';
import { named, unnamed } from './prepared.js';
import { bulkUpsertByPrincipalSql, POSTGRES_BATCH, POSTGRES_QUERY, typeParser } from './query.js';

export interface PostgresOptions {
  /** `postgres://user@host:port/db?...`; libpq's `options=-c search_path=...` is honoured. */
  readonly url: string;
  /** Connections in the pool (default `DATABASE_POOL_SIZE` or 10). */
  readonly poolSize?: number;
  /** Schema for every table (search_path); created by `migrate()` when missing. */
  readonly schema?: string;
  /** How long to wait for a connection before answering 503 (default 5 s). */
  readonly connectTimeoutMs?: number;
}

/**
 * A transaction that lost a deadlock (two bulk upserts creating the same new names in opposite orders) is run
 * again, after a random pause that lets the winner commit first, this many times in all.
 */
const ATTEMPTS = 5;

type Db = pg.Pool | pg.PoolClient;

const IDENT = /^[a-z_][a-z0-9_]{0,62}$/;

/** PostgreSQL's own fixed statements of a contained table, built once per table. */
interface ContainedSql {
  /** A contained row by id and whether its container exists, in one round trip (no row at all: no container). */
  readonly locateById: string;
  /** The same by folded principal name, for a principal-keyed set. */
  readonly locateByPrincipal: string | undefined;
  /** Locks the container row so two `assign` actions on it run one after the other. */
  readonly lockContainer: string;
}

function containedSql(t: TableDef): ContainedSql {
  const c = t.container!;
  const [tenant, parent] = t.scopeColumns;
  const locate = (column: string): string =>
    `SELECT s.* FROM ${c.table} c LEFT JOIN ${t.table} s ` +
    `ON s.${tenant} = c.tenant_id AND s.${parent} = c.id AND s.${column} = ? WHERE c.tenant_id = ? AND c.id = ?`;
  return {
    locateById: locate('id'),
    locateByPrincipal: t.principalKeyColumn ? locate(t.principalKeyColumn) : undefined,
    lockContainer: `${sqlOf(t).containerExists} FOR NO KEY UPDATE`,
  };
}

const CONTAINED_SQL: ReadonlyMap<TableDef, ContainedSql> = new Map(
  Object.values(TABLES)
    .filter((t) => t.container)
    .map((t) => [t, containedSql(t)]),
);
const pgSqlOf = (t: TableDef): ContainedSql => CONTAINED_SQL.get(t)!;

export class PostgresStore implements Store {
  readonly dialect = 'postgres' as const;
  private readonly pool: pg.Pool;
  private readonly schema: string | undefined;
  readonly control: ControlStore;

  constructor(opts: PostgresOptions) {
    if (opts.schema !== undefined && !IDENT.test(opts.schema))
      throw new Error(`not a plain schema name: ${opts.schema}`);
    this.schema = opts.schema;
    const size = opts.poolSize ?? (Number(process.env.DATABASE_POOL_SIZE) || 10);
    this.pool = new pg.Pool({
      ...connectionConfig(opts.url),
      max: size,
      connectionTimeoutMillis: opts.connectTimeoutMs ?? 5000,
      idleTimeoutMillis: 30_000,
      application_name: 'appconfig-graph',
      types: {
        getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
          typeParser(oid) ?? pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
      },
      ...(opts.schema ? { options: `-c search_path=${opts.schema}` } : {}),
    });
    // A pooled connection that dies while idle is dropped by the pool; the next query gets a new one.
    this.pool.on('error', () => {});
    this.control = postgresControl(
      this.pool,
      (fn) => this.op(fn),
      (fn) => this.tx(fn),
    );
  }

  /** Runs raw SQL (tests, benchmarks); not used by the service. */
  async query(sql: string, values: unknown[] = []): Promise<Row[]> {
    return (await this.pool.query(unnamed(sql, values))).rows as Row[];
  }

  // ── plumbing ────────────────────────────────────────────────────────────────────────────────────────────

  private async rows(db: Db, sql: string, values: unknown[], prepare = true): Promise<Row[]> {
    return (await db.query(prepare ? named(sql, values) : unnamed(sql, values))).rows as Row[];
  }

  /** Runs one operation, again when it lost a deadlock, and turns database failures into API answers. */
  private async op<T>(fn: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (e) {
        if (isRetryable(e) && attempt < ATTEMPTS) {
          await sleep(Math.random() * 20 * 2 ** attempt);
          continue;
        }
        throw translate(e);
      }
    }
  }

  private async tx<T>(fn: (c: pg.PoolClient) => Promise<T>, begin = 'BEGIN'): Promise<T> {
    const c = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await c.query(begin);
      const out = await fn(c);
      await c.query('COMMIT');
      return out;
    } catch (e) {
      await c.query('ROLLBACK').catch((r: unknown) => {
        broken = r instanceof Error ? r : new Error(String(r));
      });
      throw e;
    } finally {
      c.release(broken);
    }
  }

  private async containerFound(db: Db, t: TableDef, scope: Scope): Promise<boolean> {
    if (!t.container) return true;
    return (await this.rows(db, sqlOf(t).containerExists!, scopeParams(t, scope))).length > 0;
  }

  private async requireConfiguration(db: Db, t: TableDef, scope: Scope): Promise<void> {
    if (!(await this.containerFound(db, t, scope))) throw missingContainer(t, scope);
  }

  /** Why a keyed UPDATE/DELETE touched nothing (sql/errors.ts `explainMiss`). */
  private async explainMiss(
    db: Db,
    t: TableDef,
    scope: Scope,
    id: string,
    ifMatch: IfMatch | undefined,
    label?: string,
  ): Promise<ApiError> {
    return explainMiss(t, scope, id, ifMatch, await this.containerFound(db, t, scope), label);
  }

  // ── lifecycle ───────────────────────────────────────────────────────────────────────────────────────────

  async migrate(): Promise<void> {
    await this.op(() => this.tx((c) => migrate(c, this.schema)));
  }

  async ping(): Promise<void> {
    await this.op(() => this.rows(this.pool, 'SELECT 1 AS ok', []));
  }

  async close(): Promise<void> {
    if (!this.pool.ended) await this.pool.end();
  }

  // ── reads ───────────────────────────────────────────────────────────────────────────────────────────────

  async get(set: SetName, scope: Scope, id: string): Promise<StoredEntity | undefined> {
    const t = TABLES[set];
    return this.op(async () => {
      if (!t.container) {
        const row = (await this.rows(this.pool, sqlOf(t).selectById, [...scopeParams(t, scope), id]))[0];
        return row ? decodeRow(t, row) : undefined;
      }
      const found = await this.rows(this.pool, pgSqlOf(t).locateById, [id, ...scopeParams(t, scope)]);
      const row = found[0];
      if (!row) throw missingContainer(t, scope);
      return row.id === null ? undefined : decodeRow(t, row);
    });
  }

  async list(set: SetName, scope: Scope, query: ListQuery): Promise<Page> {
    const t = TABLES[set];
    const run = async (db: Db): Promise<Page> => {
      const { sql, params } = compileList(t, scope, query, POSTGRES_QUERY);
      const rows = await this.rows(db, sql, params, false);
      const count = query.count ? await this.countRows(db, t, scope, query) : undefined;
      // Rows exist only under an existing configuration, so only an empty page needs to ask.
      if (rows.length === 0) await this.requireConfiguration(db, t, scope);
      return pageOf(t, query, rows, count);
    };
    // With a count, the page and the count come from one snapshot, as SQLite's single transaction gives.
    return this.op(() =>
      query.count ? this.tx(run, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY') : run(this.pool),
    );
  }

  private async countRows(db: Db, t: TableDef, scope: Scope, query: ListQuery): Promise<number> {
    const { sql, params } = compileCount(t, scope, query, POSTGRES_QUERY);
    return Number((await this.rows(db, sql, params, false))[0]?.n ?? 0);
  }

  async count(set: SetName, scope: Scope, query: ListQuery): Promise<number> {
    const t = TABLES[set];
    return this.op(async () => {
      const n = await this.countRows(this.pool, t, scope, query);
      if (n === 0) await this.requireConfiguration(this.pool, t, scope);
      return n;
    });
  }

  async statusCounts(set: SetName, scope: Scope): Promise<StatusCounts> {
    const t = TABLES[set];
    return this.op(async () => {
      const rows = await this.rows(this.pool, sqlOf(t).statusCounts!, scopeParams(t, scope));
      if (rows.length === 0) await this.requireConfiguration(this.pool, t, scope);
      return statusCountsOf(rows);
    });
  }

  // ── writes ──────────────────────────────────────────────────────────────────────────────────────────────

  /** A 23505 (which constraint says what was taken) or 23503 (the configuration went away) as an API error. */
  private writeConflict(
    e: unknown,
    t: TableDef,
    scope: Scope,
    id: string,
    values: EntityValues,
    label?: string,
  ): unknown {
    if (isUniqueViolation(e))
      return brokePrincipalIndex(e, t.table) ? principalTaken(t, values, label) : idTaken(t, id, label);
    if (isForeignKeyViolation(e)) return missingContainer(t, scope);
    return e;
  }

  private async insertRow(db: Db, t: TableDef, scope: Scope, e: NewEntity, label?: string): Promise<StoredEntity> {
    const id = e.id ?? newId();
    try {
      const row = (await this.rows(db, sqlOf(t).insert, insertParams(t, scope, id, e)))[0]!;
      return decodeRow(t, row);
    } catch (err) {
      throw this.writeConflict(err, t, scope, id, e.values, label);
    }
  }

  async create(set: SetName, scope: Scope, entity: NewEntity): Promise<StoredEntity> {
    const t = TABLES[set];
    // The foreign key answers for the configuration: no read first.
    return this.op(() => this.insertRow(this.pool, t, scope, entity));
  }

  async createAll(items: readonly BulkItem[], onProgress?: (written: number) => void): Promise<void> {
    await this.op(() =>
      this.tx(async (c) => {
        for (const [i, item] of items.entries()) {
          if (isLinkItem(item)) {
            await this.insertLink(c, LINK_TABLES[item.link], item.scope, item.ownerId, item.memberId, item.label);
          } else await this.insertRow(c, TABLES[item.set], item.scope, item.entity, item.label);
          onProgress?.(i + 1);
        }
      }),
    );
  }

  async findByPrincipal(set: SetName, scope: Scope, name: string): Promise<StoredEntity | undefined> {
    const t = TABLES[set];
    return this.op(async () => {
      const row = (await this.rows(this.pool, sqlOf(t).selectByPrincipal!, [...scopeParams(t, scope), fold(name)]))[0];
      return row ? decodeRow(t, row) : undefined;
    });
  }

  // ── links (`/groups/{id}/members`) ──────────────────────────────────────────────────────────────────────

  private async found(db: Db, sql: string, tenant: string, id: string): Promise<boolean> {
    return (await this.rows(db, sql, [tenant, id])).length > 0;
  }

  private async requireOwner(db: Db, l: LinkTableDef, scope: Scope, ownerId: string): Promise<void> {
    if (!(await this.found(db, linkSqlOf(l).ownerExists, scope.tenant, ownerId))) throw missingOwner(l, ownerId);
  }

  async listLinked(link: LinkName, scope: Scope, ownerId: string, query: ListQuery): Promise<Page> {
    const l = LINK_TABLES[link];
    const run = async (db: Db): Promise<Page> => {
      const { sql, params } = compileList(l.member, scope, query, POSTGRES_QUERY, { link: l, ownerId });
      const rows = await this.rows(db, sql, params, false);
      const count = query.count ? await this.countLinkedRows(db, l, scope, ownerId, query) : undefined;
      if (rows.length === 0) await this.requireOwner(db, l, scope, ownerId);
      return pageOf(l.member, query, rows, count);
    };
    return this.op(() =>
      query.count ? this.tx(run, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY') : run(this.pool),
    );
  }

  private async countLinkedRows(
    db: Db,
    l: LinkTableDef,
    scope: Scope,
    ownerId: string,
    query: ListQuery,
  ): Promise<number> {
    const { sql, params } = compileCount(l.member, scope, query, POSTGRES_QUERY, { link: l, ownerId });
    return Number((await this.rows(db, sql, params, false))[0]?.n ?? 0);
  }

  async countLinked(link: LinkName, scope: Scope, ownerId: string, query: ListQuery): Promise<number> {
    const l = LINK_TABLES[link];
    return this.op(async () => {
      const n = await this.countLinkedRows(this.pool, l, scope, ownerId, query);
      if (n === 0) await this.requireOwner(this.pool, l, scope, ownerId);
      return n;
    });
  }

  private async insertLink(
    db: Db,
    l: LinkTableDef,
    scope: Scope,
    ownerId: string,
    memberId: string,
    label?: string,
  ): Promise<void> {
    try {
      await this.rows(db, linkSqlOf(l).insert, [scope.tenant, ownerId, memberId]);
    } catch (err) {
      const labelled = (e: ApiError): ApiError => (label ? Object.assign(e, { message: `${label}: ${e.message}` }) : e);
      if (isUniqueViolation(err)) throw labelled(linkExists(l));
      // Which end is missing: the constraint names the owner's or the member's foreign key.
      if (isForeignKeyViolation(err)) {
        const ownerGone = !(await this.found(this.pool, linkSqlOf(l).ownerExists, scope.tenant, ownerId));
        throw labelled(ownerGone ? missingOwner(l, ownerId) : missingMember(l, memberId));
      }
      throw err;
    }
  }

  async addLink(link: LinkName, scope: Scope, ownerId: string, memberId: string): Promise<void> {
    const l = LINK_TABLES[link];
    await this.op(() => this.insertLink(this.pool, l, scope, ownerId, memberId));
  }

  async removeLink(link: LinkName, scope: Scope, ownerId: string, memberId: string): Promise<void> {
    const l = LINK_TABLES[link];
    await this.op(async () => {
      const r = await this.pool.query(named(linkSqlOf(l).delete, [scope.tenant, ownerId, memberId]));
      if ((r.rowCount ?? 0) > 0) return;
      await this.requireOwner(this.pool, l, scope, ownerId);
      throw notLinked(l, ownerId, memberId);
    });
  }

  /** Compare-and-set update by id; undefined when nothing matched (absent, or the tag differs). */
  private async updateById(
    db: Db,
    t: TableDef,
    scope: Scope,
    id: string,
    changes: EntityValues,
    ifMatch: IfMatch | undefined,
    label?: string,
  ): Promise<StoredEntity | undefined> {
    const guard = guardTags(ifMatch);
    const { cols, params } = updateParts(t, changes);
    try {
      const row = (
        await this.rows(db, updateSql(t, cols, guard?.length), [
          ...params,
          ...scopeParams(t, scope),
          id,
          ...(guard ?? []),
        ])
      )[0];
      return row ? decodeRow(t, row) : undefined;
    } catch (err) {
      if (isUniqueViolation(err)) throw principalTaken(t, changes, label);
      throw err;
    }
  }

  async update(
    set: SetName,
    scope: Scope,
    id: string,
    changes: EntityValues,
    ifMatch?: IfMatch,
  ): Promise<StoredEntity> {
    const t = TABLES[set];
    return this.op(async () => {
      const e = await this.updateById(this.pool, t, scope, id, changes, ifMatch);
      if (e) return e;
      throw await this.explainMiss(this.pool, t, scope, id, ifMatch);
    });
  }

  async delete(set: SetName, scope: Scope, id: string, ifMatch?: IfMatch): Promise<void> {
    const t = TABLES[set];
    const guard = guardTags(ifMatch);
    return this.op(async () => {
      // Contained rows go with a configuration through ON DELETE CASCADE, in this one statement.
      const r = await this.pool.query(
        named(deleteSql(t, guard?.length), [...scopeParams(t, scope), id, ...(guard ?? [])]),
      );
      if ((r.rowCount ?? 0) > 0) return;
      throw await this.explainMiss(this.pool, t, scope, id, ifMatch);
    });
  }

  async upsert(set: SetName, scope: Scope, items: readonly UpsertItem[], ifMatch?: IfMatch): Promise<UpsertResult[]> {
    const t = TABLES[set];
    return this.op(async () => {
      if (items.length === 0) {
        await this.requireConfiguration(this.pool, t, scope);
        return [];
      }
      // One item is one statement (autocommit); several are one transaction, all or nothing.
      if (items.length === 1) return [await this.upsertItem(this.pool, t, scope, items[0]!, ifMatch)];
      return this.tx(async (c) => {
        const fast = ifMatch ? undefined : bulkPlan(t, scope, items);
        if (fast) return this.bulkByPrincipal(c, t, scope, fast);
        const out: UpsertResult[] = [];
        for (const item of items) out.push(await this.upsertItem(c, t, scope, item, ifMatch));
        return out;
      });
    });
  }

  private async bulkByPrincipal(
    c: pg.PoolClient,
    t: TableDef,
    scope: Scope,
    groups: BulkGroup[],
  ): Promise<UpsertResult[]> {
    const out: UpsertResult[] = [];
    for (const g of groups) {
      const width = g.rows[0]!.values.length;
      const columns = Array.from({ length: width }, (_, i) => g.rows.map((r) => r.values[i]));
      let rows: Row[];
      try {
        rows = await this.rows(c, bulkUpsertByPrincipalSql(t, g.updated), [...scopeParams(t, scope), ...columns]);
      } catch (err) {
        throw this.writeConflict(err, t, scope, g.rows[0]!.id, {});
      }
      const byKey = new Map(rows.map((r) => [r[t.principalKeyColumn!] as string, r]));
      for (const r of g.rows) {
        const row = byKey.get(r.key)!;
        out[r.index] = { entity: decodeRow(t, row), created: row.id === r.id };
      }
    }
    return out;
  }

  /**
   * One item of the seed PATCH. A missing configuration shows as nothing matched (by id) or as a foreign-key
   * violation (insert), and is reported before anything else, as SQLite's up-front check does.
   */
  private async upsertItem(
    db: Db,
    t: TableDef,
    scope: Scope,
    item: UpsertItem,
    ifMatch: IfMatch | undefined,
  ): Promise<UpsertResult> {
    if (item.id !== undefined) {
      const e = await this.updateById(db, t, scope, item.id, item.changes, ifMatch, item.label);
      if (e) return { entity: e, created: false };
      throw await this.explainMiss(db, t, scope, item.id, ifMatch, item.label);
    }
    if (!t.principalKeyColumn || !t.set.principalKey)
      throw new Error(`${t.set.name} has no principal key to upsert by`);
    const key = principalKeyOf(t, { [t.set.principalKey]: item.principal });
    if (ifMatch) {
      // If-Match never creates: find the row, then compare-and-set on its id.
      const found = await this.rows(db, pgSqlOf(t).locateByPrincipal!, [key, ...scopeParams(t, scope)]);
      const row = found[0];
      if (!row) throw missingContainer(t, scope);
      if (row.id === null) throw etagMismatch(t, String(item.principal));
      const id = row.id as string;
      const e = await this.updateById(db, t, scope, id, item.changes, ifMatch, item.label);
      if (e) return { entity: e, created: false };
      throw etagMismatch(t, id);
    }
    const id = newId();
    const { cols, params } = updateParts(t, item.changes);
    try {
      const insert = insertParams(t, scope, id, { type: t.set.entityType, values: item.create });
      const row = (await this.rows(db, upsertByPrincipalSql(t, cols), [...insert, ...params]))[0]!;
      // Our fresh id on the row means this statement inserted it; any other id means it updated.
      return { entity: decodeRow(t, row), created: row.id === id };
    } catch (err) {
      throw this.writeConflict(err, t, scope, id, item.changes, item.label);
    }
  }

  async replaceAssignments(scope: Scope, items: readonly NewEntity[]): Promise<void> {
    const t = TABLES.assignments;
    await this.op(() =>
      this.tx(async (c) => {
        // The configuration's row lock orders concurrent replacements: the second sees the first's rows.
        const found = await this.rows(c, pgSqlOf(t).lockContainer, scopeParams(t, scope));
        if (found.length === 0) throw missingContainer(t, scope);
        await this.rows(c, sqlOf(t).deleteScope, scopeParams(t, scope));
        for (const e of items) await this.insertRow(c, t, scope, e);
      }),
    );
  }

  // ── targeting (docs/simulation.md#targeting-in-the-store) ────────────────────────────────────────────────

  /**
   * One transaction holding the tenant's targeting lock (a transaction-level advisory lock), so sessions of one
   * tenant run one at a time across every instance on the database.
   */
  async targeting<T>(tenant: string, work: (session: TargetingSession) => Promise<T>): Promise<T> {
    return this.op(() =>
      this.tx(async (c) => {
        await c.query(named("SELECT pg_advisory_xact_lock(hashtext('appconfig-graph:targeting:' || ?))", [tenant]));
        return work(this.targetingSession(c, tenant));
      }),
    );
  }

  async targetingTenants(): Promise<readonly string[]> {
    return this.op(async () =>
      (await this.rows(this.pool, targetingTenantsSql(), [])).map((r) => r.tenant_id as string),
    );
  }

  private targetingSession(c: pg.PoolClient, tenant: string): TargetingSession {
    const all = (f: Frag): Promise<Row[]> => this.rows(c, f.text, [...f.params]);
    const steps = async (gen: Generator<Frag, void, Row[]>): Promise<void> => {
      for (let step = gen.next(); !step.done; ) step = gen.next(await all(step.value));
    };
    return {
      configurations: async (ids) => {
        const q = configurationsSql(POSTGRES_BATCH, tenant, ids);
        return configurationsOf(await all(q.configurations), await all(q.assignments));
      },
      users: async (ids) => {
        const q = usersSql(POSTGRES_BATCH, tenant, ids);
        return q ? (await all(q)).map(userOf) : [];
      },
      memberships: async (groupIds, userIds) => {
        const q = membershipsSql(POSTGRES_BATCH, tenant, groupIds, userIds);
        return q ? (await all(q)).map(membershipOf) : [];
      },
      devices: async (slice) => {
        const q = devicesSql(POSTGRES_BATCH, tenant, slice);
        return q ? (await all(q)).map(deviceOf) : [];
      },
      linkedStatuses: async (slice) => {
        const q = linkedStatusesSql(POSTGRES_BATCH, tenant, slice);
        return {
          users: q.users ? (await all(q.users)).map(linkedUserOf) : [],
          devices: q.devices ? (await all(q.devices)).map(linkedDeviceOf) : [],
        };
      },
      apply: async (changes, aggregates) => {
        // Already inside the session's transaction: all or nothing with it.
        await steps(applyStatements(POSTGRES_BATCH, tenant, batchesOf(changes, aggregates)));
      },
      unscheduledDevices: async (key, limit) =>
        (await all(unscheduledSql(tenant, key, limit))).map((r) => r.id as string),
      saveSchedules: async (key, schedules) => {
        if (schedules.length) await all(saveSchedulesSql(POSTGRES_BATCH, tenant, key, schedules));
      },
      dueDevices: async (window) => (await all(dueSql(tenant, window))).map(dueOf),
      checkinStatuses: async (deviceIds) => {
        if (deviceIds.length === 0) return { statuses: [], targetedApps: new Map() };
        const statuses = await all(checkinStatusesSql(POSTGRES_BATCH, tenant, deviceIds));
        const ids = [...new Set(statuses.map((r) => r.cfg as string))];
        const configurations = ids.length ? await all(checkinConfigurationsSql(POSTGRES_BATCH, tenant, ids)) : [];
        return checkinStatusesOf(statuses, configurations);
      },
      // The session's transaction makes the three writes all or nothing.
      applyCheckins: (write) => steps(applyCheckinsStatements(POSTGRES_BATCH, tenant, write)),
      pendConfiguration: async (configurationId) => {
        await all(pendConfigurationSql(tenant, configurationId));
      },
    };
  }

  // ── check-ins (docs/simulation.md#check-ins-in-the-store) ────────────────────────────────────────────────

  async simTenants(): Promise<readonly string[]> {
    return this.op(async () => (await this.rows(this.pool, simTenantsSql(), [])).map((r) => r.tenant_id as string));
  }

  async deviceTenants(deviceId: string): Promise<readonly string[]> {
    const f = deviceTenantsSql(deviceId);
    return this.op(async () => (await this.rows(this.pool, f.text, [...f.params])).map((r) => r.tenant_id as string));
  }

  async setDeviceOnline(tenant: string, deviceId: string, online: boolean | null): Promise<boolean> {
    const f = setOnlineSql(tenant, deviceId, online);
    return this.op(async () => (await this.rows(this.pool, f.text, [...f.params])).length > 0);
  }

  async simState(): Promise<SimState | undefined> {
    return this.op(async () => simStateOf((await this.rows(this.pool, SIM_STATE_SQL.read, []))[0]));
  }

  async saveSimState(state: SimState): Promise<void> {
    await this.op(() => this.rows(this.pool, SIM_STATE_SQL.save, [state.now, state.ranThrough]));
  }

  // ── issuer keys and secrets (not per tenant) ────────────────────────────────────────────────────────────

  async listSigningKeys(): Promise<SigningKeyRecord[]> {
    return this.op(async () => {
      return (await this.rows(this.pool, SIGNING_KEYS.list, [])).map(signingKeyOf);
    });
  }

  async insertSigningKey(k: SigningKeyRecord): Promise<void> {
    await this.op(() => this.rows(this.pool, SIGNING_KEYS.insert, signingKeyParams(k)));
  }

  async retireSigningKey(kid: string, at: number): Promise<void> {
    await this.op(() => this.rows(this.pool, SIGNING_KEYS.retire, [at, kid]));
  }

  async secret(name: string, create: () => string): Promise<string> {
    return this.op(async () => {
      const existing = (await this.rows(this.pool, SECRETS.read, [name]))[0];
      if (existing) return existing.value as string;
      // Of instances creating it at once, one insert wins; the others read the winner's value.
      const inserted = (await this.rows(this.pool, `${SECRETS.insert} RETURNING value`, [name, create()]))[0];
      if (inserted) return inserted.value as string;
      return (await this.rows(this.pool, SECRETS.read, [name]))[0]!.value as string;
    });
  }
}

/** Opens a pool on `url` (no connection is made until the first query, e.g. `migrate()`). */
export async function openPostgres(opts: PostgresOptions): Promise<PostgresStore> {
  return new PostgresStore(opts);
}
