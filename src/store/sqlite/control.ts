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

// The primary key's columns in key order (pk is their position in the key), the others after them.
const CATALOG_COLUMNS = `SELECT m.name AS "table", p.name AS "column", p.pk AS "key"
  FROM sqlite_schema m JOIN pragma_table_info(m.name) p
  WHERE m.type = 'table' AND EXISTS (SELECT 1 FROM pragma_table_info(m.name) t WHERE t.name = 'tenant_id')
  ORDER BY m.name, p.pk = 0, p.pk, p.cid`;
const CATALOG_REFERENCES = `SELECT m.name AS child, f."table" AS parent
  FROM sqlite_schema m JOIN pragma_foreign_key_list(m.name) f WHERE m.type = 'table'`;

const field = (c: string): string => `s.row_data ->> '$.${c}'`;
const ofSnapshot = (t: TenantTable): string =>
  `FROM snapshot_rows s WHERE s.snapshot = ? AND s.table_name = '${t.table}'`;

const SQLITE_ROW_JSON: RowJson = {
  rowToJson: (t) => `json_object(${t.columns.map((c) => `'${c}', r.${ident(c)}`).join(', ')})`,
  restoreSql: (t) =>
    `INSERT INTO ${ident(t.table)} (${t.columns.map(ident).join(', ')}) SELECT ${t.columns.map(field).join(', ')} ${ofSnapshot(t)}`,
};

/**
 * A restore that touches only the rows that differ, for tables with a primary key: rows whose key the snapshot
 * lacks are deleted; rows of the snapshot whose JSON no current row has are upserted by key (a changed row is
 * updated in place, so no cascade removes its children). After a test changed a few rows of a large tenant, this
 * is a scan and a few writes instead of rewriting every row and index entry. Parameters: the snapshot name, then
 * the tenant when there is one.
 */
const INCREMENTAL = {
  /**
   * The keys of the rows the snapshot lacks. The key is compared as one JSON array: a row value `(a, b, c) NOT IN
   * (SELECT …)` is searched row by row, while a scalar one is looked up in an index SQLite builds once.
   */
  absentKeys: (t: TenantTable, tenant: boolean) =>
    `SELECT ${t.key.map(ident).join(', ')} FROM ${ident(t.table)} r WHERE ${tenant ? 'r.tenant_id = ? AND ' : ''}json_array(${t.key.map((k) => `r.${ident(k)}`).join(', ')}) NOT IN (SELECT json_array(${t.key.map(field).join(', ')}) ${ofSnapshot(t)})`,
  deleteByKey: (t: TenantTable) =>
    `DELETE FROM ${ident(t.table)} WHERE ${t.key.map((k) => `${ident(k)} = ?`).join(' AND ')}`,
  upsertDiffering: (t: TenantTable, tenant: boolean) => {
    const rest = t.columns.filter((c) => !t.key.includes(c));
    return (
      `INSERT INTO ${ident(t.table)} (${t.columns.map(ident).join(', ')}) SELECT ${t.columns.map(field).join(', ')} ${ofSnapshot(t)} ` +
      `AND s.row_data NOT IN (SELECT ${SQLITE_ROW_JSON.rowToJson(t)} FROM ${ident(t.table)} r${tenant ? ' WHERE r.tenant_id = ?' : ''}) ` +
      `ON CONFLICT (${t.key.map(ident).join(', ')}) DO ${rest.length ? `UPDATE SET ${rest.map((c) => `${ident(c)} = excluded.${ident(c)}`).join(', ')}` : 'NOTHING'}`
    );
  },
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
        const tenant = row.tenant === null ? [] : [row.tenant];
        const full = () => {
          for (const t of [...ts].reverse())
            row.tenant === null ? run(CONTROL_SQL.deleteAll(t)) : run(CONTROL_SQL.deleteTenant(t), row.tenant);
          for (const t of ts) run(SQLITE_ROW_JSON.restoreSql(t), name);
        };
        if (ts.some((t) => t.key.length === 0)) full();
        else {
          // A unique index other than the key (a principal name moved between rows) can make an in-place update
          // collide; then the rows are rewritten whole instead.
          db.exec('SAVEPOINT restore_rows');
          try {
            // Found first, then deleted by key, so that only the rows that go are touched.
            for (const t of [...ts].reverse()) {
              const gone = all<Record<string, unknown>>(
                INCREMENTAL.absentKeys(t, row.tenant !== null),
                ...tenant,
                name,
              );
              const del = db.prepare(INCREMENTAL.deleteByKey(t));
              for (const r of gone) del.run(...t.key.map((k) => r[k]));
            }
            for (const t of ts) run(INCREMENTAL.upsertDiffering(t, row.tenant !== null), name, ...tenant);
            db.exec('RELEASE restore_rows');
          } catch (e) {
            if ((e as { code?: string }).code?.startsWith('SQLITE_CONSTRAINT') !== true) throw e;
            db.exec('ROLLBACK TO restore_rows');
            db.exec('RELEASE restore_rows');
            full();
          }
        }
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
