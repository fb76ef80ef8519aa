import type pg from 'pg';
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
import { type BulkGroup, bulkPlan } from '../sql/bulk.js';
import { deviceTenantsSql, SIM_STATE_SQL, setOnlineSql, simStateOf, simTenantsSql } from '../sql/checkins.js';
import { decodeRow, principalKeyOf, type Row } from '../sql/codec.js';
import { etagMismatch, explainMiss, idTaken, missingContainer, principalTaken } from '../sql/errors.js';
import { insertParams, updateParts } from '../sql/params.js';
import { pageOf, signingKeyOf, signingKeyParams, statusCountsOf } from '../sql/results.js';
import { fold, LINK_TABLES, TABLES, type TableDef } from '../sql/schema.js';
import { compileCount, compileList } from '../sql/select.js';
import { type Plan, targetingSession } from '../sql/session.js';
import {
  deleteSql,
  guardTags,
  SECRETS,
  SIGNING_KEYS,
  scopeParams,
  sqlOf,
  updateSql,
  upsertByPrincipalSql,
} from '../sql/statements.js';
import { targetingTenantsSql } from '../sql/targeting.js';
import { postgresControl } from './control.js';
import { brokePrincipalIndex, isForeignKeyViolation, isUniqueViolation } from './errors.js';
import { PgLinks } from './links.js';
import { migrate } from './migrations.js';
import { type Db, PgPool, type PostgresOptions } from './pool.js';
import { named, unnamed } from './prepared.js';
import { bulkUpsertByPrincipalSql, POSTGRES_BATCH, POSTGRES_QUERY } from './query.js';

/** PostgreSQL's own fixed statements of a contained table, built once per table. */
interface ContainedSql {
  /**
   * A contained row by folded principal name and whether its container exists, in one round trip (no row at
   * all: no container).
   */
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

export type { PostgresOptions };

export class PostgresStore implements Store {
  readonly dialect = 'postgres' as const;
  private readonly db: PgPool;
  private readonly links: PgLinks;
  readonly control: ControlStore;

  constructor(opts: PostgresOptions) {
    this.db = new PgPool(opts);
    this.links = new PgLinks(this.db);
    this.control = postgresControl(
      this.db.pool,
      (fn) => this.db.op(fn),
      (fn) => this.db.tx(fn),
    );
  }

  /** Runs raw SQL (tests, benchmarks); not used by the service. */
  async query(sql: string, values: unknown[] = []): Promise<Row[]> {
    return (await this.db.pool.query(unnamed(sql, values))).rows as Row[];
  }

  private async containerFound(db: Db, t: TableDef, scope: Scope): Promise<boolean> {
    if (!t.container) return true;
    return (await this.db.rows(db, sqlOf(t).containerExists!, scopeParams(t, scope))).length > 0;
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
    await this.db.op(() => this.db.tx((c) => migrate(c, this.db.schema)));
  }

  async ping(): Promise<void> {
    await this.db.op(() => this.db.rows(this.db.pool, 'SELECT 1 AS ok', []));
  }

  async close(): Promise<void> {
    if (!this.db.pool.ended) await this.db.pool.end();
  }

  // ── reads ───────────────────────────────────────────────────────────────────────────────────────────────

  async get(set: SetName, scope: Scope, id: string): Promise<StoredEntity | undefined> {
    const t = TABLES[set];
    return this.db.op(async () => {
      // The row by its key alone, as the hit is the common case; only a miss asks whether the container exists.
      const row = (await this.db.rows(this.db.pool, sqlOf(t).selectById, [...scopeParams(t, scope), id]))[0];
      if (row) return decodeRow(t, row);
      if (t.container) await this.requireConfiguration(this.db.pool, t, scope);
      return undefined;
    });
  }

  async list(set: SetName, scope: Scope, query: ListQuery): Promise<Page> {
    const t = TABLES[set];
    const run = async (db: Db): Promise<Page> => {
      const { sql, params } = compileList(t, scope, query, POSTGRES_QUERY);
      const rows = await this.db.rows(db, sql, params, false);
      const count = query.count ? await this.countRows(db, t, scope, query) : undefined;
      // Rows exist only under an existing configuration, so only an empty page needs to ask.
      if (rows.length === 0) await this.requireConfiguration(db, t, scope);
      return pageOf(t, query, rows, count);
    };
    // With a count, the page and the count come from one snapshot, as SQLite's single transaction gives.
    return this.db.op(() =>
      query.count ? this.db.tx(run, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY') : run(this.db.pool),
    );
  }

  private async countRows(db: Db, t: TableDef, scope: Scope, query: ListQuery): Promise<number> {
    const { sql, params } = compileCount(t, scope, query, POSTGRES_QUERY);
    return Number((await this.db.rows(db, sql, params, false))[0]?.n ?? 0);
  }

  async count(set: SetName, scope: Scope, query: ListQuery): Promise<number> {
    const t = TABLES[set];
    return this.db.op(async () => {
      const n = await this.countRows(this.db.pool, t, scope, query);
      if (n === 0) await this.requireConfiguration(this.db.pool, t, scope);
      return n;
    });
  }

  async statusCounts(set: SetName, scope: Scope): Promise<StatusCounts> {
    const t = TABLES[set];
    return this.db.op(async () => {
      const rows = await this.db.rows(this.db.pool, sqlOf(t).statusCounts!, scopeParams(t, scope));
      if (rows.length === 0) await this.requireConfiguration(this.db.pool, t, scope);
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
      const row = (await this.db.rows(db, sqlOf(t).insert, insertParams(t, scope, id, e)))[0]!;
      return decodeRow(t, row);
    } catch (err) {
      throw this.writeConflict(err, t, scope, id, e.values, label);
    }
  }

  async create(set: SetName, scope: Scope, entity: NewEntity): Promise<StoredEntity> {
    const t = TABLES[set];
    // The foreign key answers for the configuration: no read first.
    return this.db.op(() => this.insertRow(this.db.pool, t, scope, entity));
  }

  async createAll(items: readonly BulkItem[], onProgress?: (written: number) => void): Promise<void> {
    await this.db.op(() =>
      this.db.tx(async (c) => {
        for (const [i, item] of items.entries()) {
          if (isLinkItem(item)) {
            await this.links.insert(c, LINK_TABLES[item.link], item.scope, item.ownerId, item.memberId, item.label);
          } else await this.insertRow(c, TABLES[item.set], item.scope, item.entity, item.label);
          onProgress?.(i + 1);
        }
      }),
    );
  }

  async findByPrincipal(set: SetName, scope: Scope, name: string): Promise<StoredEntity | undefined> {
    const t = TABLES[set];
    return this.db.op(async () => {
      const row = (
        await this.db.rows(this.db.pool, sqlOf(t).selectByPrincipal!, [...scopeParams(t, scope), fold(name)])
      )[0];
      return row ? decodeRow(t, row) : undefined;
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
        await this.db.rows(db, updateSql(t, cols, guard?.length), [
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
    return this.db.op(async () => {
      const e = await this.updateById(this.db.pool, t, scope, id, changes, ifMatch);
      if (e) return e;
      throw await this.explainMiss(this.db.pool, t, scope, id, ifMatch);
    });
  }

  async delete(set: SetName, scope: Scope, id: string, ifMatch?: IfMatch): Promise<void> {
    const t = TABLES[set];
    const guard = guardTags(ifMatch);
    return this.db.op(async () => {
      // Contained rows go with a configuration through ON DELETE CASCADE, in this one statement.
      const r = await this.db.pool.query(
        named(deleteSql(t, guard?.length), [...scopeParams(t, scope), id, ...(guard ?? [])]),
      );
      if ((r.rowCount ?? 0) > 0) return;
      throw await this.explainMiss(this.db.pool, t, scope, id, ifMatch);
    });
  }

  async upsert(set: SetName, scope: Scope, items: readonly UpsertItem[], ifMatch?: IfMatch): Promise<UpsertResult[]> {
    const t = TABLES[set];
    return this.db.op(async () => {
      if (items.length === 0) {
        await this.requireConfiguration(this.db.pool, t, scope);
        return [];
      }
      // One item is one statement (autocommit); several are one transaction, all or nothing.
      if (items.length === 1) return [await this.upsertItem(this.db.pool, t, scope, items[0]!, ifMatch)];
      return this.db.tx(async (c) => {
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
        rows = await this.db.rows(c, bulkUpsertByPrincipalSql(t, g.updated), [...scopeParams(t, scope), ...columns]);
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
      const found = await this.db.rows(db, pgSqlOf(t).locateByPrincipal!, [key, ...scopeParams(t, scope)]);
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
      const row = (await this.db.rows(db, upsertByPrincipalSql(t, cols), [...insert, ...params]))[0]!;
      // Our fresh id on the row means this statement inserted it; any other id means it updated.
      return { entity: decodeRow(t, row), created: row.id === id };
    } catch (err) {
      throw this.writeConflict(err, t, scope, id, item.changes, item.label);
    }
  }

  async replaceAssignments(scope: Scope, items: readonly NewEntity[]): Promise<void> {
    const t = TABLES.assignments;
    await this.db.op(() =>
      this.db.tx(async (c) => {
        // The configuration's row lock orders concurrent replacements: the second sees the first's rows.
        const found = await this.db.rows(c, pgSqlOf(t).lockContainer, scopeParams(t, scope));
        if (found.length === 0) throw missingContainer(t, scope);
        await this.db.rows(c, sqlOf(t).deleteScope, scopeParams(t, scope));
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
    return this.db.op(() =>
      this.db.tx(async (c) => {
        await c.query(named("SELECT pg_advisory_xact_lock(hashtext('appconfig-graph:targeting:' || ?))", [tenant]));
        return work(targetingSession(POSTGRES_BATCH, tenant, (plan) => this.runPlan(c, plan)));
      }),
    );
  }

  async targetingTenants(): Promise<readonly string[]> {
    return this.db.op(async () =>
      (await this.db.rows(this.db.pool, targetingTenantsSql(), [])).map((r) => r.tenant_id as string),
    );
  }

  /** Runs a plan statement by statement on `c`, inside the session's transaction. */
  private async runPlan<T>(c: pg.PoolClient, plan: Plan<T>): Promise<T> {
    for (let step = plan.next(); ; ) {
      if (step.done) return step.value;
      step = plan.next(await this.db.rows(c, step.value.text, [...step.value.params]));
    }
  }

  // ── check-ins (docs/simulation.md#check-ins-in-the-store) ────────────────────────────────────────────────

  async simTenants(): Promise<readonly string[]> {
    return this.db.op(async () =>
      (await this.db.rows(this.db.pool, simTenantsSql(), [])).map((r) => r.tenant_id as string),
    );
  }

  async deviceTenants(deviceId: string): Promise<readonly string[]> {
    const f = deviceTenantsSql(deviceId);
    return this.db.op(async () =>
      (await this.db.rows(this.db.pool, f.text, [...f.params])).map((r) => r.tenant_id as string),
    );
  }

  async setDeviceOnline(tenant: string, deviceId: string, online: boolean | null): Promise<boolean> {
    const f = setOnlineSql(tenant, deviceId, online);
    return this.db.op(async () => (await this.db.rows(this.db.pool, f.text, [...f.params])).length > 0);
  }

  async simState(): Promise<SimState | undefined> {
    return this.db.op(async () => simStateOf((await this.db.rows(this.db.pool, SIM_STATE_SQL.read, []))[0]));
  }

  async saveSimState(state: SimState): Promise<void> {
    await this.db.op(() => this.db.rows(this.db.pool, SIM_STATE_SQL.save, [state.now, state.ranThrough]));
  }

  listLinked(link: LinkName, scope: Scope, ownerId: string, query: ListQuery): Promise<Page> {
    return this.links.list(link, scope, ownerId, query);
  }

  countLinked(link: LinkName, scope: Scope, ownerId: string, query: ListQuery): Promise<number> {
    return this.links.count(link, scope, ownerId, query);
  }

  addLink(link: LinkName, scope: Scope, ownerId: string, memberId: string): Promise<void> {
    return this.links.add(link, scope, ownerId, memberId);
  }

  removeLink(link: LinkName, scope: Scope, ownerId: string, memberId: string): Promise<void> {
    return this.links.remove(link, scope, ownerId, memberId);
  }

  // ── issuer keys and secrets (not per tenant) ────────────────────────────────────────────────────────────

  async listSigningKeys(): Promise<SigningKeyRecord[]> {
    return this.db.op(async () => {
      return (await this.db.rows(this.db.pool, SIGNING_KEYS.list, [])).map(signingKeyOf);
    });
  }

  async insertSigningKey(k: SigningKeyRecord): Promise<void> {
    await this.db.op(() => this.db.rows(this.db.pool, SIGNING_KEYS.insert, signingKeyParams(k)));
  }

  async retireSigningKey(kid: string, at: number): Promise<void> {
    await this.db.op(() => this.db.rows(this.db.pool, SIGNING_KEYS.retire, [at, kid]));
  }

  async secret(name: string, create: () => string): Promise<string> {
    return this.db.op(async () => {
      const existing = (await this.db.rows(this.db.pool, SECRETS.read, [name]))[0];
      if (existing) return existing.value as string;
      // Of instances creating it at once, one insert wins; the others read the winner's value.
      const inserted = (await this.db.rows(this.db.pool, `${SECRETS.insert} RETURNING value`, [name, create()]))[0];
      if (inserted) return inserted.value as string;
      return (await this.db.rows(this.db.pool, SECRETS.read, [name]))[0]!.value as string;
    });
  }
}

/** Opens a pool on `url` (no connection is made until the first query, e.g. `migrate()`). */
export async function openPostgres(opts: PostgresOptions): Promise<PostgresStore> {
  return new PostgresStore(opts);
}
