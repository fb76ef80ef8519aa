/**
 * The set-wise seed upsert on SQLite: each group of a bulk plan (sql/bulk.ts) is written by a few
 * `INSERT … SELECT … FROM (VALUES …) ON CONFLICT (scope, principal key) DO UPDATE … RETURNING id` statements, of
 * 512, 256, … 1 rows, instead of one statement per item: the same rows and indexes, a fraction of the
 * per-statement work. A row that comes back with the id the plan gave it was inserted, and is answered from the
 * values offered; the rows whose name was taken are read back in one more statement.
 */
import type Database from 'better-sqlite3';
import type { Scope, UpsertResult } from '../port.js';
import type { BulkGroup } from '../sql/bulk.js';
import { decodeRow, type Row } from '../sql/codec.js';
import { missingContainer } from '../sql/errors.js';
import type { TableDef } from '../sql/schema.js';
import { insertColumns, scopeParams } from '../sql/statements.js';
import { isForeignKeyViolation } from './errors.js';

/** Parameters one statement may bind, under SQLite's default limit of 32,766. */
const MAX_PARAMS = 30_000;
const MAX_ROWS = 512;

type Stmt = (sql: string) => Database.Statement;

/** The columns of a planned row (`BulkGroup` values): the insert's, less the scope. */
const rowColumns = (t: TableDef): readonly string[] => insertColumns(t).slice(t.scopeColumns.length);

const texts = new Map<string, string>();

/**
 * The statement for `rows` rows of a group: parameters are the scope, then each row's values (`rowColumns`). A taken
 * name updates the etag and `updated` from the row offered. (`WHERE true` keeps SQLite from reading `ON CONFLICT`
 * as a join's `ON`.)
 */
export function bulkUpsertSql(t: TableDef, updated: readonly string[], rows: number): string {
  const key = `${t.table} ${updated.join(',')} ${rows}`;
  let sql = texts.get(key);
  if (sql === undefined) {
    const row = `(${rowColumns(t)
      .map(() => '?')
      .join(', ')})`;
    const sets = ['etag', ...updated].map((c) => `${c} = excluded.${c}`).join(', ');
    sql =
      `INSERT INTO ${t.table} (${insertColumns(t).join(', ')}) ` +
      `SELECT ${t.scopeColumns.map(() => '?').join(', ')}, v.* FROM (VALUES ${Array(rows).fill(row).join(', ')}) AS v ` +
      `WHERE true ON CONFLICT (${t.scopeColumns.join(', ')}, ${t.principalKeyColumn}) DO UPDATE SET ${sets} RETURNING id`;
    texts.set(key, sql);
  }
  return sql;
}

/**
 * The rows of a scope by folded principal name; the parameters are a JSON array of names, then the scope. The
 * CROSS JOIN has the names drive the principal index (an IN list would have SQLite scan the whole scope).
 */
const byKeysSql = (t: TableDef): string =>
  `SELECT s.* FROM json_each(?) AS k CROSS JOIN ${t.table} AS s ` +
  `WHERE ${t.scopeColumns.map((c) => `s.${c} = ?`).join(' AND ')} AND s.${t.principalKeyColumn} = k.value`;

/** Statement sizes covering `n` rows: as many of the largest as fit, then the binary digits of the rest. */
function sizes(n: number, width: number): number[] {
  let size = MAX_ROWS;
  while (size > 1 && size * width > MAX_PARAMS) size >>= 1;
  const out: number[] = [];
  for (let left = n; left > 0; ) {
    while (size > left) size >>= 1;
    out.push(size);
    left -= size;
  }
  return out;
}

/** The stored row of an inserted planned row: what was offered, column by column. */
function offeredRow(columns: readonly string[], values: readonly unknown[]): Row {
  const row: Row = {};
  for (let i = 0; i < columns.length; i++) row[columns[i]!] = values[i];
  return row;
}

/**
 * Runs a bulk plan's groups (inside the caller's transaction) and answers in the items' order. A missing
 * configuration shows as a foreign-key violation.
 */
export function upsertGroups(stmt: Stmt, t: TableDef, scope: Scope, groups: readonly BulkGroup[]): UpsertResult[] {
  const out: UpsertResult[] = [];
  const columns = rowColumns(t);
  for (const g of groups) {
    const inserted = new Set<string>();
    let start = 0;
    for (const size of sizes(g.rows.length, columns.length)) {
      const params = scopeParams(t, scope);
      for (let i = start; i < start + size; i++) for (const v of g.rows[i]!.values) params.push(v);
      start += size;
      let ids: string[];
      try {
        ids = stmt(bulkUpsertSql(t, g.updated, size))
          .pluck(true)
          .all(params) as string[];
      } catch (err) {
        if (isForeignKeyViolation(err)) throw missingContainer(t, scope);
        throw err;
      }
      for (const id of ids) inserted.add(id);
    }
    const taken = g.rows.filter((r) => !inserted.has(r.id));
    const current = new Map<string, Row>();
    if (taken.length > 0) {
      const keys = JSON.stringify(taken.map((r) => r.key));
      for (const row of stmt(byKeysSql(t)).all(keys, ...scopeParams(t, scope)) as Row[])
        current.set(row[t.principalKeyColumn!] as string, row);
    }
    for (const r of g.rows) {
      out[r.index] = inserted.has(r.id)
        ? { entity: decodeRow(t, offeredRow(columns, r.values)), created: true }
        : { entity: decodeRow(t, current.get(r.key)!), created: false };
    }
  }
  return out;
}
