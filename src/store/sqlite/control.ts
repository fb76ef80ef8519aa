/** The control plane's store operations on SQLite (store/sql/control.ts has the shared SQL and rules). */
import type Database from 'better-sqlite3';
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

const CATALOG_COLUMNS = `SELECT m.name AS "table", p.name AS "column"
  FROM sqlite_schema m JOIN pragma_table_info(m.name) p
  WHERE m.type = 'table' AND EXISTS (SELECT 1 FROM pragma_table_info(m.name) t WHERE t.name = 'tenant_id')
  ORDER BY m.name, p.cid`;
const CATALOG_REFERENCES = `SELECT m.name AS child, f."table" AS parent
  FROM sqlite_schema m JOIN pragma_foreign_key_list(m.name) f WHERE m.type = 'table'`;

const SQLITE_ROW_JSON: RowJson = {
  rowToJson: (t) => `json_object(${t.columns.map((c) => `'${c}', r.${ident(c)}`).join(', ')})`,
  restoreSql: (t) =>
    `INSERT INTO ${ident(t.table)} (${t.columns.map(ident).join(', ')}) SELECT ${t.columns
      .map((c) => `s.row_data ->> '$.${c}'`)
      .join(', ')} FROM snapshot_rows s WHERE s.snapshot = ? AND s.table_name = '${t.table}'`,
};

interface SnapshotRow {
  name: string;
  tenant: string | null;
  created: string;
  row_count: number;
}

const infoOf = (r: SnapshotRow): SnapshotInfo => ({
  name: r.name,
  tenant: r.tenant,
  created: r.created,
  rows: Number(r.row_count),
});

export function sqliteControl(db: Database.Database, tx: <R>(fn: () => R) => R): ControlStore {
  let cached: TenantTable[] | undefined;
  /** The schema does not change while the store is open (migrations run before), so the catalog is read once. */
  const tables = (): TenantTable[] => {
    cached ??= tenantTablesOf(
      db.prepare(CATALOG_COLUMNS).all() as CatalogColumn[],
      db.prepare(CATALOG_REFERENCES).all() as CatalogReference[],
    );
    return cached;
  };
  const run = (sql: string, ...params: unknown[]): number => db.prepare(sql).run(...params).changes;
  const all = <T>(sql: string, ...params: unknown[]): T[] => db.prepare(sql).all(...params) as T[];
  const one = (name: string): SnapshotRow | undefined => all<SnapshotRow>(CONTROL_SQL.one, name)[0];

  return {
    async tenantTables() {
      return tables().map((t) => t.table);
    },
    async tenants() {
      const out = new Map<string, Record<string, number>>();
      for (const t of tables()) {
        for (const r of all<{ tenant_id: string; n: number }>(CONTROL_SQL.countByTenant(t))) {
          const counts = out.get(r.tenant_id) ?? {};
          counts[t.table] = Number(r.n);
          out.set(r.tenant_id, counts);
        }
      }
      return [...out.keys()].sort().map((tenant): TenantCounts => ({ tenant, counts: out.get(tenant)! }));
    },
    async deleteTenant(tenant) {
      return tx(() => {
        let removed = 0;
        for (const t of [...tables()].reverse()) removed += run(CONTROL_SQL.deleteTenant(t), tenant);
        if (removed === 0) throw noSuchTenant(tenant);
        return removed;
      });
    },
    async takeSnapshot(name, tenant) {
      return tx(() => {
        if (all(CONTROL_SQL.claimSnapshot, name, tenant ?? null, nowDateTimeOffset()).length === 0)
          throw snapshotTaken(name);
        for (const t of tables())
          run(
            CONTROL_SQL.copyRows(SQLITE_ROW_JSON, t, tenant !== undefined),
            name,
            ...(tenant !== undefined ? [tenant] : []),
          );
        const info = infoOf(all<SnapshotRow>(CONTROL_SQL.setRowCount, name, name)[0]!);
        if (tenant !== undefined && info.rows === 0) throw noSuchTenant(tenant);
        return info;
      });
    },
    async snapshots() {
      return all<SnapshotRow>(CONTROL_SQL.list).map(infoOf);
    },
    async restoreSnapshot(name) {
      return tx(() => {
        const row = one(name);
        if (!row) throw noSuchSnapshot(name);
        const ts = tables();
        for (const t of [...ts].reverse())
          row.tenant === null ? run(CONTROL_SQL.deleteAll(t)) : run(CONTROL_SQL.deleteTenant(t), row.tenant);
        for (const t of ts) run(SQLITE_ROW_JSON.restoreSql(t), name);
        return infoOf(row);
      });
    },
    async deleteSnapshot(name) {
      tx(() => {
        run(CONTROL_SQL.dropRows, name);
        if (run(CONTROL_SQL.drop, name) === 0) throw noSuchSnapshot(name);
      });
    },
  };
}
