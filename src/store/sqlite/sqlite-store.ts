/**
 * The embedded store: better-sqlite3 in WAL mode. Durability: `synchronous=NORMAL` under WAL means a
 * committed transaction is in the WAL file (the OS page cache) before the statement returns, so it survives
 * a crash of the process (kill -9); only a power loss or kernel crash can drop the last transactions.
 * `synchronous=FULL` (option `durability: 'full'`) fsyncs every commit and survives those too (docs/storage.md).
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { LinkName, SetName } from '../../model/resources.js';
import type { EntityValues } from '../../model/validate.js';
import type { ListQuery } from '../../odata/query.js';
import type { ApiError } from '../../util/errors.js';
import { newId } from '../../util/ids.js';
import { KeyedSerial } from '../../util/serial.js';
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
import { bulkPlan } from '../sql/bulk.js';
import { deviceTenantsSql, SIM_STATE_SQL, setOnlineSql, simStateOf, simTenantsSql } from '../sql/checkins.js';
import { decodeRow, principalKeyOf, type Row } from '../sql/codec.js';
import { schemaSql, systemColumns } from '../sql/ddl.js';
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
import { type Plan, targetingSession } from '../sql/session.js';
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
import { targetingTenantsSql } from '../sql/targeting.js';
import { upsertGroups } from './bulk.js';
import { sqliteControl } from './control.js';
import { SQLITE_DDL, SQLITE_FUNCTIONS } from './ddl.js';
import { isForeignKeyViolation, isUniqueViolation } from './errors.js';
import { SQLITE_BATCH, SQLITE_QUERY } from './query.js';
import { allRows } from './rows.js';

export interface SqliteOptions {
  /** File path or `:memory:`. */
  readonly path: string;
  readonly durability?: 'normal' | 'full';
}

/**
 * 2: the directory tables; 3: snapshots; 4: targeting's links from statuses to users and devices; 5: the
 * simulation's schedules and clock. Every DDL
 * statement is IF NOT EXISTS, so an older file gains only what is new; columns new to an existing table are added
 * first.
 */
const SCHEMA_VERSION = 5;
const STATEMENT_CACHE_SIZE = 500;
/**
 * The WAL is copied back into the database once it holds this many pages (SQLite's default is 1,000, 4 MB). Each
 * copy ends in two fsyncs that stall the writer; a bulk ingest filled 1,000 pages every few requests. 40 MB
 * between copies stalls a tenth as often, and a page written again meanwhile is copied once.
 */
const WAL_CHECKPOINT_PAGES = 10_000;

export class SqliteStore implements Store {
  readonly dialect = 'sqlite' as const;
  private readonly db: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();
  /** Runs a closure in one transaction; built once, since better-sqlite3 builds a wrapper per `transaction()`. */
  private readonly tx: <R>(fn: () => R) => R;
  readonly control: ControlStore;
  /** One targeting session per tenant at a time. */
  private readonly targetingTurns = new KeyedSerial();

  constructor(opts: SqliteOptions) {
    if (opts.path !== ':memory:') mkdirSync(dirname(opts.path), { recursive: true });
    this.db = new Database(opts.path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${opts.durability === 'full' ? 'FULL' : 'NORMAL'}`);
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    this.db.pragma(`wal_autocheckpoint = ${WAL_CHECKPOINT_PAGES}`);
    for (const [name, fn] of Object.entries(SQLITE_FUNCTIONS)) this.db.function(name, { deterministic: true }, fn);
    const run = this.db.transaction((fn: () => unknown) => fn());
    this.tx = <R>(fn: () => R): R => run(fn) as R;
    this.control = sqliteControl(this.db, this.tx);
  }

  /**
   * A write with RETURNING, read with `all()`: it runs the statement to completion (and resets it), which
   * `get()` would not, and an unfinished statement would keep SQLite from checkpointing the WAL.
   */
  private returning(sql: string, params: unknown[]): Row | undefined {
    return (this.stmt(sql).all(...params) as Row[])[0];
  }

  /**
   * Prepared statements by SQL text. Query shapes vary with the client's `$filter`, so the cache is bounded:
   * past the limit the oldest entry goes (the fixed write statements are re-prepared at once if evicted).
   */
  private stmt(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      if (this.statements.size >= STATEMENT_CACHE_SIZE) {
        const oldest = this.statements.keys().next().value;
        if (oldest !== undefined) this.statements.delete(oldest);
      }
      this.statements.set(sql, s);
    }
    return s;
  }

  async migrate(): Promise<void> {
    this.db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY)');
    const row = this.db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null };
    if ((row.v ?? 0) >= SCHEMA_VERSION) return;
    this.db.transaction(() => {
      for (const c of systemColumns()) {
        const have = this.db.prepare(`SELECT name FROM pragma_table_info('${c.table}')`).all() as { name: string }[];
        if (have.length > 0 && !have.some((h) => h.name === c.name))
          this.db.exec(
            `ALTER TABLE ${c.table} ADD COLUMN ${c.name} ${c.kind === 'int' ? SQLITE_DDL.int : SQLITE_DDL.text}`,
          );
      }
      for (const sql of schemaSql(SQLITE_DDL)) this.db.exec(sql);
      this.db.prepare('INSERT INTO schema_migrations (version) VALUES (?)').run(SCHEMA_VERSION);
    })();
  }

  async ping(): Promise<void> {
    this.stmt('SELECT 1').get();
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  /** Runs raw SQL (tests, benchmarks); not used by the service. */
  exec(sql: string): void {
    this.db.exec(sql);
  }

  private containerFound(t: TableDef, scope: Scope): boolean {
    return !t.container || this.stmt(sqlOf(t).containerExists!).get(...scopeParams(t, scope)) !== undefined;
  }

  private requireConfiguration(t: TableDef, scope: Scope): void {
    if (!this.containerFound(t, scope)) throw missingContainer(t, scope);
  }

  private getRow(t: TableDef, scope: Scope, id: string): Row | undefined {
    return this.stmt(sqlOf(t).selectById).get(...scopeParams(t, scope), id) as Row | undefined;
  }

  async get(set: SetName, scope: Scope, id: string): Promise<StoredEntity | undefined> {
    const t = TABLES[set];
    const row = this.getRow(t, scope, id);
    if (!row) {
      this.requireConfiguration(t, scope);
      return undefined;
    }
    return decodeRow(t, row);
  }

  async list(set: SetName, scope: Scope, query: ListQuery): Promise<Page> {
    const t = TABLES[set];
    return this.tx((): Page => {
      this.requireConfiguration(t, scope);
      const { sql, params } = compileList(t, scope, query, SQLITE_QUERY);
      const rows = allRows(this.stmt(sql), params);
      return pageOf(t, query, rows, query.count ? this.countRows(t, scope, query) : undefined);
    });
  }

  private countRows(t: TableDef, scope: Scope, query: ListQuery): number {
    const { sql, params } = compileCount(t, scope, query, SQLITE_QUERY);
    return Number((this.stmt(sql).get(...params) as { n: number }).n);
  }

  async count(set: SetName, scope: Scope, query: ListQuery): Promise<number> {
    const t = TABLES[set];
    this.requireConfiguration(t, scope);
    return this.countRows(t, scope, query);
  }

  private insertRow(t: TableDef, scope: Scope, e: NewEntity, label?: string): StoredEntity {
    const id = e.id ?? newId();
    const params = insertParams(t, scope, id, e);
    try {
      return decodeRow(t, this.returning(sqlOf(t).insert, params)!);
    } catch (err) {
      if (isUniqueViolation(err)) throw this.explainConflict(t, scope, id, e.values, label);
      if (isForeignKeyViolation(err)) throw missingContainer(t, scope);
      throw err;
    }
  }

  /** Which unique key an insert broke: the id, or else the principal name. */
  private explainConflict(t: TableDef, scope: Scope, id: string, values: EntityValues, label?: string): ApiError {
    if (this.getRow(t, scope, id)) return idTaken(t, id, label);
    return principalTaken(t, values, label);
  }

  async create(set: SetName, scope: Scope, entity: NewEntity): Promise<StoredEntity> {
    const t = TABLES[set];
    // The foreign key answers "does the configuration exist?" as part of the insert.
    return this.insertRow(t, scope, entity);
  }

  async createAll(items: readonly BulkItem[], onProgress?: (written: number) => void): Promise<void> {
    this.tx(() => {
      for (const [i, item] of items.entries()) {
        if (isLinkItem(item))
          this.insertLink(LINK_TABLES[item.link], item.scope, item.ownerId, item.memberId, item.label);
        else this.insertRow(TABLES[item.set], item.scope, item.entity, item.label);
        onProgress?.(i + 1);
      }
    });
  }

  async findByPrincipal(set: SetName, scope: Scope, name: string): Promise<StoredEntity | undefined> {
    const t = TABLES[set];
    const row = this.stmt(sqlOf(t).selectByPrincipal!).get(...scopeParams(t, scope), fold(name)) as Row | undefined;
    return row ? decodeRow(t, row) : undefined;
  }

  // ---- links (`/groups/{id}/members`) ----

  private found(sql: string, tenant: string, id: string): boolean {
    return this.stmt(sql).get(tenant, id) !== undefined;
  }

  private requireOwner(l: LinkTableDef, scope: Scope, ownerId: string): void {
    if (!this.found(linkSqlOf(l).ownerExists, scope.tenant, ownerId)) throw missingOwner(l, ownerId);
  }

  async listLinked(link: LinkName, scope: Scope, ownerId: string, query: ListQuery): Promise<Page> {
    const l = LINK_TABLES[link];
    const t = l.member;
    return this.tx((): Page => {
      this.requireOwner(l, scope, ownerId);
      const within = { link: l, ownerId };
      const { sql, params } = compileList(t, scope, query, SQLITE_QUERY, within);
      const rows = allRows(this.stmt(sql), params);
      const count = query.count ? this.countLinkedRows(l, scope, ownerId, query) : undefined;
      return pageOf(t, query, rows, count);
    });
  }

  private countLinkedRows(l: LinkTableDef, scope: Scope, ownerId: string, query: ListQuery): number {
    const { sql, params } = compileCount(l.member, scope, query, SQLITE_QUERY, { link: l, ownerId });
    return Number((this.stmt(sql).get(...params) as { n: number }).n);
  }

  async countLinked(link: LinkName, scope: Scope, ownerId: string, query: ListQuery): Promise<number> {
    const l = LINK_TABLES[link];
    return this.tx(() => {
      this.requireOwner(l, scope, ownerId);
      return this.countLinkedRows(l, scope, ownerId, query);
    });
  }

  private insertLink(l: LinkTableDef, scope: Scope, ownerId: string, memberId: string, label?: string): void {
    try {
      this.stmt(linkSqlOf(l).insert).run(scope.tenant, ownerId, memberId);
    } catch (err) {
      const labelled = (e: ApiError): ApiError => (label ? Object.assign(e, { message: `${label}: ${e.message}` }) : e);
      if (isUniqueViolation(err)) throw labelled(linkExists(l));
      if (isForeignKeyViolation(err)) {
        if (!this.found(linkSqlOf(l).ownerExists, scope.tenant, ownerId)) throw labelled(missingOwner(l, ownerId));
        throw labelled(missingMember(l, memberId));
      }
      throw err;
    }
  }

  async addLink(link: LinkName, scope: Scope, ownerId: string, memberId: string): Promise<void> {
    this.insertLink(LINK_TABLES[link], scope, ownerId, memberId);
  }

  async removeLink(link: LinkName, scope: Scope, ownerId: string, memberId: string): Promise<void> {
    const l = LINK_TABLES[link];
    this.tx(() => {
      const r = this.stmt(linkSqlOf(l).delete).run(scope.tenant, ownerId, memberId);
      if (r.changes > 0) return;
      this.requireOwner(l, scope, ownerId);
      throw notLinked(l, ownerId, memberId);
    });
  }

  private updateRow(
    t: TableDef,
    scope: Scope,
    row: Row,
    changes: EntityValues,
    ifMatch?: IfMatch,
    label?: string,
  ): StoredEntity {
    const id = row.id as string;
    if (ifMatch && ifMatch !== '*' && !ifMatch.includes(row.etag as string)) throw etagMismatch(t, id);
    const { cols, params } = updateParts(t, changes);
    params.push(...scopeParams(t, scope), id);
    try {
      return decodeRow(t, this.returning(updateSql(t, cols, undefined), params)!);
    } catch (err) {
      if (isUniqueViolation(err)) throw principalTaken(t, changes, label);
      throw err;
    }
  }

  /**
   * One UPDATE … RETURNING with the `If-Match` tags as a guard (compare-and-set); only when it changes nothing
   * does the store ask why (sql/errors.ts `explainMiss`).
   */
  async update(
    set: SetName,
    scope: Scope,
    id: string,
    changes: EntityValues,
    ifMatch?: IfMatch,
  ): Promise<StoredEntity> {
    const t = TABLES[set];
    const tags = guardTags(ifMatch);
    const { cols, params } = updateParts(t, changes);
    params.push(...scopeParams(t, scope), id, ...(tags ?? []));
    let row: Row | undefined;
    try {
      row = this.returning(updateSql(t, cols, tags?.length), params);
    } catch (err) {
      if (isUniqueViolation(err)) throw principalTaken(t, changes);
      throw err;
    }
    if (row) return decodeRow(t, row);
    // A row that is there but was not updated failed the If-Match guard, which the explanation answers with 412.
    throw explainMiss(t, scope, id, ifMatch, this.containerFound(t, scope));
  }

  async delete(set: SetName, scope: Scope, id: string, ifMatch?: IfMatch): Promise<void> {
    const t = TABLES[set];
    this.tx(() => {
      const row = this.getRow(t, scope, id);
      if (!row) throw explainMiss(t, scope, id, ifMatch, this.containerFound(t, scope));
      if (ifMatch && ifMatch !== '*' && !ifMatch.includes(row.etag as string)) throw etagMismatch(t, id);
      this.stmt(deleteSql(t, undefined)).run(...scopeParams(t, scope), id);
    });
  }

  async upsert(set: SetName, scope: Scope, items: readonly UpsertItem[], ifMatch?: IfMatch): Promise<UpsertResult[]> {
    const t = TABLES[set];
    const apply = (item: UpsertItem): UpsertResult => {
      if (item.id === undefined && !ifMatch) return this.upsertByPrincipal(t, scope, item);
      const row =
        item.id !== undefined
          ? this.getRow(t, scope, item.id)
          : (this.stmt(sqlOf(t).selectByPrincipal!).get(
              ...scopeParams(t, scope),
              principalKeyOf(t, { [t.set.principalKey!]: item.principal }),
            ) as Row | undefined);
      // With If-Match the target must exist; the key-less PATCH never creates then
      // (docs/api.md#decisions-on-finer-points).
      if (!row)
        throw explainMiss(
          t,
          scope,
          item.id ?? String(item.principal),
          ifMatch,
          this.containerFound(t, scope),
          item.label,
        );
      return { entity: this.updateRow(t, scope, row, item.changes, ifMatch, item.label), created: false };
    };
    // One item is one statement (atomic by itself); several are one transaction, all or nothing.
    if (items.length === 1) return [apply(items[0]!)];
    if (items.length === 0) {
      this.requireConfiguration(t, scope);
      return [];
    }
    return this.tx(() => {
      const plan = ifMatch ? undefined : bulkPlan(t, scope, items);
      return plan ? upsertGroups((sql) => this.stmt(sql), t, scope, plan) : items.map(apply);
    });
  }

  /**
   * Update-or-create by folded principal name in one statement (INSERT … ON CONFLICT DO UPDATE … RETURNING):
   * the row comes back with the generated id only when it was inserted.
   */
  private upsertByPrincipal(t: TableDef, scope: Scope, item: UpsertItem): UpsertResult {
    const id = newId();
    const insert = insertParams(t, scope, id, { type: t.set.entityType, values: item.create });
    const { cols, params } = updateParts(t, item.changes);
    try {
      const row = this.returning(upsertByPrincipalSql(t, cols), [...insert, ...params])!;
      return { entity: decodeRow(t, row), created: row.id === id };
    } catch (err) {
      if (isForeignKeyViolation(err)) throw missingContainer(t, scope);
      throw err;
    }
  }

  async statusCounts(set: SetName, scope: Scope): Promise<StatusCounts> {
    const t = TABLES[set];
    this.requireConfiguration(t, scope);
    return statusCountsOf(this.stmt(sqlOf(t).statusCounts!).all(...scopeParams(t, scope)) as Row[]);
  }

  async replaceAssignments(scope: Scope, items: readonly NewEntity[]): Promise<void> {
    const t = TABLES.assignments;
    this.tx(() => {
      this.requireConfiguration(t, scope);
      this.stmt(sqlOf(t).deleteScope).run(...scopeParams(t, scope));
      for (const e of items) this.insertRow(t, scope, e);
    });
  }

  // ---- targeting (docs/simulation.md#targeting-in-the-store) ----

  async targeting<T>(tenant: string, work: (session: TargetingSession) => Promise<T>): Promise<T> {
    return this.targetingTurns.run(tenant, () =>
      work(targetingSession(SQLITE_BATCH, tenant, async (plan) => this.runPlan(plan))),
    );
  }

  async targetingTenants(): Promise<readonly string[]> {
    return (this.stmt(targetingTenantsSql()).all() as Row[]).map((r) => r.tenant_id as string);
  }

  private all(f: Frag): Row[] {
    return this.stmt(f.text).all(...f.params) as Row[];
  }

  private run(f: Frag): void {
    this.stmt(f.text).run(...f.params);
  }

  // ---- check-ins (docs/simulation.md#check-ins-in-the-store) ----

  async simTenants(): Promise<readonly string[]> {
    return (this.stmt(simTenantsSql()).all() as Row[]).map((r) => r.tenant_id as string);
  }

  async deviceTenants(deviceId: string): Promise<readonly string[]> {
    return this.all(deviceTenantsSql(deviceId)).map((r) => r.tenant_id as string);
  }

  async setDeviceOnline(tenant: string, deviceId: string, online: boolean | null): Promise<boolean> {
    return this.all(setOnlineSql(tenant, deviceId, online)).length > 0;
  }

  async simState(): Promise<SimState | undefined> {
    return simStateOf(this.stmt(SIM_STATE_SQL.read).get() as Row | undefined);
  }

  async saveSimState(state: SimState): Promise<void> {
    this.stmt(SIM_STATE_SQL.save).run(state.now, state.ranThrough);
  }

  /** Runs a plan synchronously in one transaction (docs/simulation.md#targeting-in-the-store). */
  private runPlan<T>(plan: Plan<T>): T {
    return this.tx(() => {
      for (let step = plan.next(); ; ) {
        if (step.done) return step.value;
        const st = this.stmt(step.value.text);
        let rows: Row[] = [];
        if (st.reader) rows = st.all(...step.value.params) as Row[];
        else st.run(...step.value.params);
        step = plan.next(rows);
      }
    });
  }

  async listSigningKeys(): Promise<SigningKeyRecord[]> {
    return (this.stmt(SIGNING_KEYS.list).all() as Row[]).map(signingKeyOf);
  }

  async insertSigningKey(k: SigningKeyRecord): Promise<void> {
    this.stmt(SIGNING_KEYS.insert).run(...signingKeyParams(k));
  }

  async retireSigningKey(kid: string, at: number): Promise<void> {
    this.stmt(SIGNING_KEYS.retire).run(at, kid);
  }

  async secret(name: string, create: () => string): Promise<string> {
    this.stmt(SECRETS.insert).run(name, create());
    return (this.stmt(SECRETS.read).get(name) as { value: string }).value;
  }
}

export const openSqlite = (opts: SqliteOptions): SqliteStore => new SqliteStore(opts);
