/**
 * Statements as node-postgres query configs: the fixed ones named, so each connection parses and plans them
 * once; the compiled ones (lists, counts) unnamed, as their text varies with the query. (Naming the first few
 * hundred list shapes was tried and measured no win on the filtered page.)
 */
import { createHash } from 'node:crypto';
import type pg from 'pg';
import { toPositional } from './query.js';

/** Fixed statements become named prepared statements: parsed and planned once per connection. */
const prepared = new Map<string, { name: string; text: string }>();
export function named(sql: string, values: unknown[]): pg.QueryConfig {
  let p = prepared.get(sql);
  if (!p) {
    const text = toPositional(sql);
    p = { name: `ag_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`, text };
    prepared.set(sql, p);
  }
  return { name: p.name, text: p.text, values };
}

export const unnamed = (sql: string, values: unknown[]): pg.QueryConfig => ({ text: toPositional(sql), values });

/** The text of every named statement prepared so far in this process (for the tenant-scoping check in tests). */
export const preparedStatements = (): string[] => [...prepared.values()].map((p) => p.text);
