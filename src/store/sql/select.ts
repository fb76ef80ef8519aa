/**
 * Collection reads: the semantic query compiled to one parameterised SELECT, in the documented order
 * (docs/architecture.md#query-options-in-one-order): scope → type restriction → $filter → $search → keyset position or
 * $skip → ORDER BY the keys + id → LIMIT top + 1 (the extra row says whether a next page exists). Paging is keyset
 * (paging.ts), so a page is an index range and stays correct while others write.
 */
import type { ListQuery } from '../../odata/query.js';
import type { Scope } from '../port.js';
import { FilterCompiler } from './filter.js';
import { type Frag, join, param, raw, sql } from './fragments.js';
import { afterPosition, decodePosition, keyCount, orderByClause, positionOf, selectKeys, sortKeys } from './paging.js';
import type { QueryDialect } from './query-dialect.js';
import type { TableDef } from './schema.js';
import { scopeParams, scopeWhere } from './statements.js';

export interface CompiledSql {
  readonly sql: string;
  readonly params: unknown[];
}

const done = (f: Frag): CompiledSql => ({ sql: f.text, params: [...f.params] });

/** The WHERE conditions every read of `q` shares (scope, type restriction, filter, search). */
function conditions(t: TableDef, scope: Scope, q: ListQuery, fc: FilterCompiler): Frag[] {
  const where: Frag[] = [{ text: scopeWhere(t), params: scopeParams(t, scope) }];
  if (q.typeNames && t.hasTypeColumn) {
    where.push(sql`${raw(fc.typeColumn())} IN (${join(q.typeNames.map(param), ', ')})`);
  }
  if (q.filter) where.push(fc.predicate(q.filter, 'pos'));
  if (q.search && q.search.length > 0) where.push(fc.search(q.search));
  return where;
}

export function compileList(t: TableDef, scope: Scope, q: ListQuery, d: QueryDialect): CompiledSql {
  const fc = new FilterCompiler(t, d);
  const where = conditions(t, scope, q, fc);
  const keys = sortKeys(t, fc, q);
  if (q.after !== undefined) where.push(afterPosition(keys, decodePosition(q.after, keys)));
  const page =
    q.after === undefined && q.skip > 0
      ? sql`LIMIT ${param(q.top + 1)} OFFSET ${param(q.skip)}`
      : sql`LIMIT ${param(q.top + 1)}`;
  return done(
    sql`SELECT *, ${selectKeys(keys)} FROM ${raw(t.table)} WHERE ${join(where, ' AND ')} ORDER BY ${orderByClause(d, keys)} ${page}`,
  );
}

export function compileCount(t: TableDef, scope: Scope, q: ListQuery, d: QueryDialect): CompiledSql {
  const fc = new FilterCompiler(t, d);
  return done(sql`SELECT COUNT(*) AS n FROM ${raw(t.table)} WHERE ${join(conditions(t, scope, q, fc), ' AND ')}`);
}

/** The opaque position after a row (for `Page.next`): the values of its sort keys. */
export const positionAfter = (_t: TableDef, q: ListQuery, row: Record<string, unknown>): string =>
  positionOf(keyCount(q), row);
