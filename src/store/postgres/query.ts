/**
 * PostgreSQL's query dialect and statements of its own: JSON through jsonb operators, `$n` placeholders, the
 * set-wise seed upsert, and how values come back.
 */
import { raw, sql } from '../sql/fragments.js';
import type { QueryDialect } from '../sql/query-dialect.js';
import type { TableDef } from '../sql/schema.js';
import { insertColumns } from '../sql/statements.js';
import type { BatchDialect } from '../sql/targeting.js';

const pgPath = (path: readonly string[]): string =>
  `'{${path.map((p) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(p) ? p : `"${p}"`)).join(',')}}'`;

export const POSTGRES_QUERY: QueryDialect = {
  name: 'postgres',
  notDistinct: (a, b) => sql`(${a} IS NOT DISTINCT FROM ${b})`,
  distinct: (a, b) => sql`(${a} IS DISTINCT FROM ${b})`,
  json(doc, path, as) {
    const base =
      doc.kind === 'column'
        ? raw(`CAST(${doc.column} AS jsonb)`)
        : doc.kind === 'element'
          ? raw(`${doc.alias}.value`)
          : doc.frag;
    if (as === 'json') return path.length === 0 ? base : sql`(${base} #> ${raw(pgPath(path))})`;
    const text = sql`(${base} #>> ${raw(pgPath(path))})`;
    switch (as) {
      case 'text':
        return text;
      case 'int':
        return sql`CAST(${text} AS INTEGER)`;
      case 'bool':
        return sql`(CASE ${text} WHEN 'true' THEN 1 WHEN 'false' THEN 0 END)`;
    }
  },
  // jsonb_array_elements fails on a non-array; a member that is absent or null iterates nothing instead.
  elements: (array, alias) =>
    sql`jsonb_array_elements(CASE WHEN jsonb_typeof(${array}) = 'array' THEN ${array} END) AS ${raw(`${alias}(value)`)}`,
  arrayLength: (array) => sql`jsonb_array_length(CASE WHEN jsonb_typeof(${array}) = 'array' THEN ${array} END)`,
  position: (h, n) => sql`strpos(${h}, ${n})`,
  binaryText: (x) => sql`(${x} COLLATE "C")`,
  nulls: (descending) => (descending ? ' NULLS LAST' : ' NULLS FIRST'),
};

/** The array type a column's values are bound as in `bulkUpsertByPrincipalSql`. */
function arrayType(t: TableDef, column: string): string {
  const c = t.columns.find((x) => x.name === column);
  if (!c) return 'text[]'; // id, etag, principal key
  return c.codec.kind === 'json' ? 'json[]' : c.codec.kind === 'text' ? 'text[]' : 'bigint[]';
}

/**
 * Many seed-PATCH items with distinct principal names as one statement: the rows arrive as parallel arrays
 * (one parameter per column, so the text is fixed and prepared once), are inserted in principal-key order
 * (two such bulks lock the same names in the same order, so they cannot deadlock each other), and a taken name
 * updates `updated` from the row offered. Parameters: the scope (`scopeParams`), then one array per row column.
 */
export function bulkUpsertByPrincipalSql(t: TableDef, updated: readonly string[]): string {
  const all = insertColumns(t);
  const row = all.slice(t.scopeColumns.length);
  const sets = ['etag', ...updated].map((c) => `${c} = EXCLUDED.${c}`).join(', ');
  return (
    `INSERT INTO ${t.table} (${all.join(', ')}) SELECT ${t.scopeColumns.map(() => '?').join(', ')}, ${row.map((c) => `v.${c}`).join(', ')} ` +
    `FROM unnest(${row.map((c) => `?::${arrayType(t, c)}`).join(', ')}) AS v(${row.join(', ')}) ORDER BY v.${t.principalKeyColumn} ` +
    `ON CONFLICT (${t.scopeColumns.join(', ')}, ${t.principalKeyColumn}) DO UPDATE SET ${sets} RETURNING *`
  );
}

const positional = new Map<string, string>();

/**
 * Rewrites the shared `?` placeholders to `$1, $2, …`. The shared SQL never has `?` inside a literal or a
 * quoted identifier (values are always parameters), but quotes are skipped anyway so a future literal cannot
 * shift the numbering.
 */
export function toPositional(sql: string): string {
  const cached = positional.get(sql);
  if (cached !== undefined) return cached;
  let out = '';
  let n = 0;
  let quote: string | undefined;
  for (const ch of sql) {
    if (quote) {
      if (ch === quote) quote = undefined;
      out += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      out += ch;
    } else if (ch === '?') {
      n += 1;
      out += `$${n}`;
    } else out += ch;
  }
  if (positional.size > 5000) positional.clear(); // compiled list queries vary; keep the cache bounded
  positional.set(sql, out);
  return out;
}

const TYPE_INT8 = 20;
const TYPE_JSON = 114;
const TYPE_JSONB = 3802;

/**
 * Rows come back in the same shapes as from better-sqlite3, so the shared codec and the paging positions see
 * identical values: BIGINT as a number (every stored integer is an Int32, a 0/1, an enum value, epoch seconds
 * or a count) and JSON as its text.
 */
export function typeParser(oid: number): ((v: string) => unknown) | undefined {
  if (oid === TYPE_INT8) return (v: string) => Number(v);
  if (oid === TYPE_JSON || oid === TYPE_JSONB) return (v: string) => v;
  return undefined;
}

/** Batches as one array parameter per column, read with unnest (docs/simulation.md#targeting-in-the-store). */
export const POSTGRES_BATCH: BatchDialect = {
  rows: (columns, rows) => ({
    text: `SELECT * FROM unnest(${columns.map((c) => `?::${c.kind === 'int' ? 'bigint' : 'text'}[]`).join(', ')}) AS b(${columns.map((c) => c.name).join(', ')})`,
    params: columns.map((_, i) => rows.map((r) => r[i])),
  }),
  indexedBy: () => '',
  list: (values) => ({ text: 'SELECT unnest(?::text[]) AS value', params: [values] }),
  distinct: (a, b) => `${a} IS DISTINCT FROM ${b}`,
};
