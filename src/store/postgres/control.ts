/** The control plane's store operations on PostgreSQL (store/sql/control.ts has the shared SQL and rules). */
import type pg from 'pg';
import { nowDateTimeOffset } from '../../util/datetime.js';
import type { ControlStore, SnapshotInfo, TenantCounts } from '../port.js';
import {
  type CatalogColumn,
  type CatalogReference,
  CONTROL_SQL,
  ident,
  noSuchSnapshot,
  noSuchTenant,
  type RowJson,
  snapshotTaken,
  type TenantTable,
  tenantTablesOf,
} from '../sql/control.js';
import { unnamed } from './prepared.js';

const CATALOG_COLUMNS = `SELECT c.table_name AS "table", c.column_name AS "column",
    EXISTS (SELECT 1 FROM information_schema.table_constraints tc
            JOIN information_schema.key_column_usage k
              ON k.constraint_schema = tc.constraint_schema AND k.constraint_name = tc.constraint_name
            WHERE tc.table_schema = c.table_schema AND tc.table_name = c.table_name
              AND tc.constraint_type = 'PRIMARY KEY' AND k.column_name = c.column_name) AS "key"
  FROM information_schema.columns c
  JOIN information_schema.tables t
    ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
  WHERE c.table_schema = current_schema()
    AND c.table_name IN (SELECT table_name FROM information_schema.columns
                         WHERE table_schema = current_schema() AND column_name = 'tenant_id')
  ORDER BY c.table_name, c.ordinal_position`;
const CATALOG_REFERENCES = `SELECT ch.relname AS child, pa.relname AS parent
  FROM pg_constraint k JOIN pg_class ch ON ch.oid = k.conrelid JOIN pg_class pa ON pa.oid = k.confrelid
  WHERE k.contype = 'f' AND ch.relnamespace = current_schema()::regnamespace`;

/**
 * `row_to_json` keeps every column with its type's JSON form (a JSON column as the text it holds), and
 * `json_populate_record` reads it back into the table's own row type, columns in table order.
 */
const PG_ROW_JSON: RowJson = {
  rowToJson: () => 'row_to_json(r)',
  restoreSql: (t) =>
    `INSERT INTO ${ident(t.table)} SELECT p.* FROM snapshot_rows s, json_populate_record(NULL::${ident(t.table)}, s.row_data) p WHERE s.snapshot = ? AND s.table_name = '${t.table}'`,
};

interface SnapshotRow {
  name: string;
  tenant: string | null;
  created: string;
  row_count: number | string;
}

const infoOf = (r: SnapshotRow): SnapshotInfo => ({
  name: r.name,
  tenant: r.tenant,
  created: r.created,
  rows: Number(r.row_count),
});

type Db = pg.Pool | pg.PoolClient;

/** `op` runs a piece of work with the store's retry and error translation; `tx` inside one transaction. */
export function postgresControl(
  pool: pg.Pool,
  op: <T>(fn: () => Promise<T>) => Promise<T>,
  tx: <T>(fn: (c: pg.PoolClient) => Promise<T>) => Promise<T>,
): ControlStore {
  const all = async <T>(db: Db, sql: string, ...params: unknown[]): Promise<T[]> =>
    (await db.query(unnamed(sql, params))).rows as T[];
  const run = async (db: Db, sql: string, ...params: unknown[]): Promise<number> =>
    (await db.query(unnamed(sql, params))).rowCount ?? 0;
  let cached: Promise<TenantTable[]> | undefined;
  /** Read once: migrations run before the store serves, and the schema does not change after. */
  const tables = (): Promise<TenantTable[]> => {
    cached ??= (async () =>
      tenantTablesOf(
        await all<CatalogColumn>(pool, CATALOG_COLUMNS),
        await all<CatalogReference>(pool, CATALOG_REFERENCES),
      ))();
    cached.catch(() => {
      cached = undefined;
    });
    return cached;
  };
  const one = async (db: Db, name: string): Promise<SnapshotRow | undefined> =>
    (await all<SnapshotRow>(db, CONTROL_SQL.one, name))[0];

  return {
    tenantTables: () => op(async () => (await tables()).map((t) => t.table)),
    tenants: () =>
      op(async () => {
        const out = new Map<string, Record<string, number>>();
        for (const t of await tables()) {
          for (const r of await all<{ tenant_id: string; n: string }>(pool, CONTROL_SQL.countByTenant(t))) {
            const counts = out.get(r.tenant_id) ?? {};
            counts[t.table] = Number(r.n);
            out.set(r.tenant_id, counts);
          }
        }
        return [...out.keys()].sort().map((tenant): TenantCounts => ({ tenant, counts: out.get(tenant)! }));
      }),
    deleteTenant: (tenant) =>
      op(async () => {
        const ts = await tables();
        return tx(async (c) => {
          let removed = 0;
          for (const t of [...ts].reverse()) removed += await run(c, CONTROL_SQL.deleteTenant(t), tenant);
          if (removed === 0) throw noSuchTenant(tenant);
          return removed;
        });
      }),
    takeSnapshot: (name, tenant) =>
      op(async () => {
        const ts = await tables();
        // REPEATABLE READ: every table is copied as of one moment, as a restore will put them back together.
        return tx(async (c) => {
          await c.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
          if ((await all(c, CONTROL_SQL.claimSnapshot, name, tenant ?? null, nowDateTimeOffset())).length === 0)
            throw snapshotTaken(name);
          for (const t of ts)
            await run(
              c,
              CONTROL_SQL.copyRows(PG_ROW_JSON, t, tenant !== undefined),
              name,
              ...(tenant !== undefined ? [tenant] : []),
            );
          const info = infoOf((await all<SnapshotRow>(c, CONTROL_SQL.setRowCount, name, name))[0]!);
          if (tenant !== undefined && info.rows === 0) throw noSuchTenant(tenant);
          return info;
        });
      }),
    snapshots: () => op(async () => (await all<SnapshotRow>(pool, CONTROL_SQL.list)).map(infoOf)),
    restoreSnapshot: (name) =>
      op(async () => {
        const ts = await tables();
        return tx(async (c) => {
          const row = await one(c, name);
          if (!row) throw noSuchSnapshot(name);
          for (const t of [...ts].reverse()) {
            if (row.tenant === null) await run(c, CONTROL_SQL.deleteAll(t));
            else await run(c, CONTROL_SQL.deleteTenant(t), row.tenant);
          }
          for (const t of ts) await run(c, PG_ROW_JSON.restoreSql(t), name);
          return infoOf(row);
        });
      }),
    deleteSnapshot: (name) =>
      op(() =>
        tx(async (c) => {
          await run(c, CONTROL_SQL.dropRows, name);
          if ((await run(c, CONTROL_SQL.drop, name)) === 0) throw noSuchSnapshot(name);
        }),
      ),
  };
}
