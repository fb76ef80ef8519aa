/**
 * The set-wise seed upsert on SQLite: each group of a bulk plan (sql/bulk.ts) is one `INSERT … SELECT` over its
 * rows, passed as one JSON array and read with `json_each`, `ON CONFLICT (scope, principal key) DO UPDATE …
 * RETURNING *`. One statement per group instead of one per item: the same rows, indexes and result, a fraction of
 * the per-statement work.
 */
import type Database from 'better-sqlite3';
import type { Scope, UpsertResult } from '../port.js';
import type { BulkGroup } from '../sql/bulk.js';
import { decodeRow, type Row } from '../sql/codec.js';
import { missingContainer } from '../sql/errors.js';
import type { TableDef } from '../sql/schema.js';
import { insertColumns, scopeParams } from '../sql/statements.js';
import { isForeignKeyViolation } from './errors.js';

/**
 * The statement of one group: parameters are the scope, then the JSON array of the rows, each an array of the
 * insert's values after the scope (`insertColumns`). A taken name updates the etag and `updated` from the row
 * offered. (`WHERE true` keeps SQLite from reading `ON CONFLICT` as a join's `ON`.)
 */
export function bulkUpsertSql(t: TableDef, updated: readonly string[]): string {
  const all = insertColumns(t);
  const row = all.slice(t.scopeColumns.length);
  const sets = ['etag', ...updated].map((c) => `${c} = excluded.${c}`).join(', ');
  return (
    `INSERT INTO ${t.table} (${all.join(', ')}) ` +
    `SELECT ${t.scopeColumns.map(() => '?').join(', ')}, ${row.map((_, i) => `j.value ->> ${i}`).join(', ')} ` +
    `FROM json_each(?) AS j WHERE true ` +
    `ON CONFLICT (${t.scopeColumns.join(', ')}, ${t.principalKeyColumn}) DO UPDATE SET ${sets} RETURNING *`
  );
}

/**
 * Runs a bulk plan's groups (inside the caller's transaction) and answers in the items' order: created when the
 * row carries the id this plan gave it. A missing configuration shows as a foreign-key violation.
 */
export function upsertGroups(
  stmt: (sql: string) => Database.Statement,
  t: TableDef,
  scope: Scope,
  groups: readonly BulkGroup[],
): UpsertResult[] {
  const out: UpsertResult[] = [];
  for (const g of groups) {
    let rows: Row[];
    try {
      rows = stmt(bulkUpsertSql(t, g.updated)).all(
        ...scopeParams(t, scope),
        JSON.stringify(g.rows.map((r) => r.values)),
      ) as Row[];
    } catch (err) {
      if (isForeignKeyViolation(err)) throw missingContainer(t, scope);
      throw err;
    }
    const byKey = new Map(rows.map((r) => [r[t.principalKeyColumn!] as string, r]));
    for (const r of g.rows) {
      const row = byKey.get(r.key)!;
      out[r.index] = { entity: decodeRow(t, row), created: row.id === r.id };
    }
  }
  return out;
}
