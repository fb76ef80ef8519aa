/**
 * What the control plane asks of a store (docs/admin.md), as SQL both dialects share: which tables hold a
 * tenant's data, counting and deleting a tenant, and snapshots kept in the store itself.
 *
 * A table is tenant-scoped when it has a `tenant_id` column. The stores find those tables in the database's own
 * catalog rather than in a list kept here, so a table added later (the directory, link tables, simulation state)
 * is counted, deleted, snapshotted and restored without an edit. Foreign keys in the catalog give the order:
 * parents first for inserts, children first for deletes.
 *
 * A snapshot holds each row as one JSON object in `snapshot_rows`, written and read back set-wise
 * (`INSERT … SELECT`), so its cost is one pass over the rows in the database, never a round trip per row.
 */
import { ApiError, notFound } from '../../util/errors.js';
import type { DdlDialect } from './ddl.js';

/** A tenant-scoped table and its columns, as the catalog lists them. */
export interface TenantTable {
  readonly table: string;
  readonly columns: readonly string[];
  /** The primary key's columns; empty when the table has none. */
  readonly key: readonly string[];
}

/** A catalog row: a column of a table with a `tenant_id` column, and whether it is part of the primary key. */
export interface CatalogColumn {
  readonly table: string;
  readonly column: string;
  readonly key: number | boolean;
}

/** A foreign key between two tables, as the catalog lists it. */
export interface CatalogReference {
  readonly child: string;
  readonly parent: string;
}

/**
 * The tenant-scoped tables, parents before children (a table referencing another comes after it), and within
 * that by name, so every instance agrees on one order.
 */
export function tenantTablesOf(columns: readonly CatalogColumn[], refs: readonly CatalogReference[]): TenantTable[] {
  const byTable = new Map<string, string[]>();
  const keys = new Map<string, string[]>();
  for (const c of columns) {
    const list = byTable.get(c.table) ?? [];
    list.push(c.column);
    byTable.set(c.table, list);
    if (c.key) keys.set(c.table, [...(keys.get(c.table) ?? []), c.column]);
  }
  const names = [...byTable.keys()].sort();
  const parents = new Map(names.map((n) => [n, new Set<string>()]));
  for (const r of refs)
    if (r.child !== r.parent && parents.has(r.child) && parents.has(r.parent)) parents.get(r.child)!.add(r.parent);
  const out: TenantTable[] = [];
  const placed = new Set<string>();
  while (out.length < names.length) {
    const next = names.find((n) => !placed.has(n) && [...parents.get(n)!].every((p) => placed.has(p)));
    if (next === undefined) throw new Error(`foreign keys between tenant tables form a cycle: ${names.join(', ')}`);
    placed.add(next);
    out.push({ table: next, columns: byTable.get(next)!, key: keys.get(next) ?? [] });
  }
  return out;
}

/** Names come from the catalog; quoting them anyway keeps any name a name. */
export const ident = (name: string): string => `"${name.replace(/"/g, '""')}"`;

export function controlSchemaSql(d: DdlDialect): string[] {
  return [
    `CREATE TABLE IF NOT EXISTS snapshots (name ${d.text} PRIMARY KEY, tenant ${d.text}, created ${d.text} NOT NULL, row_count ${d.int} NOT NULL)`,
    `CREATE TABLE IF NOT EXISTS snapshot_rows (snapshot ${d.text} NOT NULL, table_name ${d.text} NOT NULL, row_data ${d.json} NOT NULL)`,
    'CREATE INDEX IF NOT EXISTS snapshot_rows_by_snapshot ON snapshot_rows (snapshot, table_name)',
  ];
}

/** How a dialect turns a row into a JSON object and back. */
export interface RowJson {
  /** An expression of the JSON object holding every column of `t` (aliased `r`). */
  rowToJson(t: TenantTable): string;
  /** `INSERT INTO t … SELECT` from the snapshot rows of `t` (parameter: the snapshot name). */
  restoreSql(t: TenantTable): string;
}

const tenantFilter = (tenant: boolean): string => (tenant ? ' WHERE r.tenant_id = ?' : '');

export const CONTROL_SQL = {
  countByTenant: (t: TenantTable) => `SELECT tenant_id, COUNT(*) AS n FROM ${ident(t.table)} GROUP BY tenant_id`,
  deleteTenant: (t: TenantTable) => `DELETE FROM ${ident(t.table)} WHERE tenant_id = ?`,
  deleteAll: (t: TenantTable) => `DELETE FROM ${ident(t.table)}`,
  claimSnapshot:
    'INSERT INTO snapshots (name, tenant, created, row_count) VALUES (?, ?, ?, 0) ON CONFLICT (name) DO NOTHING RETURNING name',
  /** Parameters: the snapshot name, then the tenant when there is one. */
  copyRows: (j: RowJson, t: TenantTable, tenant: boolean) =>
    `INSERT INTO snapshot_rows (snapshot, table_name, row_data) SELECT ?, '${t.table.replace(/'/g, "''")}', ${j.rowToJson(t)} FROM ${ident(t.table)} r${tenantFilter(tenant)}`,
  setRowCount:
    'UPDATE snapshots SET row_count = (SELECT COUNT(*) FROM snapshot_rows WHERE snapshot = ?) WHERE name = ? RETURNING name, tenant, created, row_count',
  list: 'SELECT name, tenant, created, row_count FROM snapshots ORDER BY name',
  one: 'SELECT name, tenant, created, row_count FROM snapshots WHERE name = ?',
  dropRows: 'DELETE FROM snapshot_rows WHERE snapshot = ?',
  drop: 'DELETE FROM snapshots WHERE name = ?',
} as const;

export const snapshotTaken = (name: string): ApiError =>
  new ApiError('Conflict', `A snapshot named '${name}' already exists; delete it first or choose another name.`);
export const noSuchSnapshot = (name: string): ApiError => notFound(`No snapshot named '${name}' exists.`);
export const noSuchTenant = (tenant: string): ApiError => notFound(`Tenant '${tenant}' has no data in this store.`);
