/** SQLite's query dialect: JSON through json_extract/json_each, `IS` for null-safe equality. */
import { raw, sql } from '../sql/fragments.js';
import type { QueryDialect } from '../sql/query-dialect.js';
import type { BatchDialect } from '../sql/targeting.js';

const jsonPath = (path: readonly string[]): string =>
  `$${path.map((p) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(p) ? `.${p}` : `."${p}"`)).join('')}`;

export const SQLITE_QUERY: QueryDialect = {
  name: 'sqlite',
  notDistinct: (a, b) => sql`(${a} IS ${b})`,
  distinct: (a, b) => sql`(${a} IS NOT ${b})`,
  json(doc, path, _as) {
    // json_extract gives SQL text, integers and 0/1 for JSON true/false, and JSON text for objects and arrays.
    const base =
      doc.kind === 'column' ? raw(doc.column) : doc.kind === 'element' ? raw(`${doc.alias}.value`) : doc.frag;
    if (path.length === 0) return base;
    return sql`json_extract(${base}, ${raw(`'${jsonPath(path)}'`)})`;
  },
  elements: (array, alias) => sql`json_each(${array}) AS ${raw(alias)}`,
  arrayLength: (array) => sql`json_array_length(${array})`,
  position: (h, n) => sql`instr(${h}, ${n})`,
  binaryText: (x) => x,
  // SQLite already sorts nulls first ascending and last descending; saying so would stop index use.
  nulls: () => '',
};

/** Batches as one JSON array parameter, read with json_each (docs/simulation.md#targeting-in-the-store). */
export const SQLITE_BATCH: BatchDialect = {
  rows: (columns, rows) => ({
    text: `SELECT ${columns.map((c, i) => `value ->> ${i} AS ${c.name}`).join(', ')} FROM json_each(?)`,
    params: [JSON.stringify(rows)],
  }),
  indexedBy: (name) => ` INDEXED BY ${name}`,
  list: (values) => ({ text: 'SELECT value FROM json_each(?)', params: [JSON.stringify(values)] }),
  distinct: (a, b) => `${a} IS NOT ${b}`,
};
