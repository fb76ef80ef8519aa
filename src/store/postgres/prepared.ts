/**
 * Statements as node-postgres query configs: the fixed ones named, so each connection parses and plans them
 * once; the compiled ones (lists, counts) named too while there are few shapes of them, then unnamed, as their
 * text varies with the query and a connection keeps every statement it prepared.
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

/**
 * Compiled query shapes (a `$filter`'s structure, not its values, which are parameters) named at most: a client
 * that sends ever new shapes gets unnamed statements past this, so no connection holds more than this many.
 */
export const MAX_COMPILED_SHAPES = 200;
let compiledShapes = 0;

/** A compiled statement: named while fewer than MAX_COMPILED_SHAPES shapes were, else unnamed. */
export function compiled(sql: string, values: unknown[]): pg.QueryConfig {
  if (prepared.has(sql)) return named(sql, values);
  if (compiledShapes >= MAX_COMPILED_SHAPES) return unnamed(sql, values);
  compiledShapes++;
  return named(sql, values);
}

/** The text of every named statement prepared so far in this process (for the tenant-scoping check in tests). */
export const preparedStatements = (): string[] => [...prepared.values()].map((p) => p.text);
