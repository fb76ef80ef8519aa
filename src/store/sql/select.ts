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
import type { LinkTableDef, TableDef } from './schema.js';
import { scopeParams, scopeWhere } from './statements.js';

/**
 * Rows reached through a link (`/groups/{id}/members`): the link table drives, in its key order, so a page of a
 * group's members is an index range of its pairs however many users the tenant has.
 */
export interface Within {
  readonly link: LinkTableDef;
  readonly ownerId: string;
}

export interface CompiledSql {
  readonly sql: string;
  readonly params: unknown[];
}

const done = (f: Frag): CompiledSql => ({ sql: f.text, params: [...f.params] });

/** The FROM clause, the scope condition and the id tie-breaker of a read, directly or through a link. */
function source(t: TableDef, scope: Scope, within: Within | undefined): { from: Frag; scope: Frag; id: string } {
  if (!within) {
    return { from: raw(t.table), scope: { text: scopeWhere(t), params: scopeParams(t, scope) }, id: `${t.table}.id` };
  }
  const l = within.link;
  return {
    from: raw(
      `${l.table} JOIN ${t.table} ON ${t.table}.tenant_id = ${l.table}.tenant_id AND ${t.table}.id = ${l.table}.${l.memberColumn}`,
    ),
    scope: {
      text: `${l.table}.tenant_id = ? AND ${l.table}.${l.ownerColumn} = ?`,
      params: [scope.tenant, within.ownerId],
    },
    id: `${l.table}.${l.memberColumn}`,
  };
}

/** The WHERE conditions every read of `q` shares (scope, type restriction, filter, search). */
function conditions(scopeFrag: Frag, t: TableDef, q: ListQuery, fc: FilterCompiler): Frag[] {
  const where: Frag[] = [scopeFrag];
  if (q.typeNames && t.hasTypeColumn) {
    where.push(sql`${raw(fc.typeColumn())} IN (${join(q.typeNames.map(param), ', ')})`);
  }
  if (q.filter) where.push(fc.predicate(q.filter, 'pos'));
  if (q.search && q.search.length > 0) where.push(fc.search(q.search));
  return where;
}

export function compileList(t: TableDef, scope: Scope, q: ListQuery, d: QueryDialect, within?: Within): CompiledSql {
  const fc = new FilterCompiler(t, d);
  const src = source(t, scope, within);
  const where = conditions(src.scope, t, q, fc);
  const keys = sortKeys(t, fc, q, src.id);
  if (q.after !== undefined) where.push(afterPosition(keys, decodePosition(q.after, keys)));
  const page =
    q.after === undefined && q.skip > 0
      ? sql`LIMIT ${param(q.top + 1)} OFFSET ${param(q.skip)}`
      : sql`LIMIT ${param(q.top + 1)}`;
  return done(
    sql`SELECT ${raw(within ? `${t.table}.*` : '*')}, ${selectKeys(keys)} FROM ${src.from} WHERE ${join(where, ' AND ')} ORDER BY ${orderByClause(d, keys)} ${page}`,
  );
}

export function compileCount(t: TableDef, scope: Scope, q: ListQuery, d: QueryDialect, within?: Within): CompiledSql {
  const fc = new FilterCompiler(t, d);
  const src = source(t, scope, within);
  return done(sql`SELECT COUNT(*) AS n FROM ${src.from} WHERE ${join(conditions(src.scope, t, q, fc), ' AND ')}`);
}

/** The opaque position after a row (for `Page.next`): the values of its sort keys. */
export const positionAfter = (_t: TableDef, q: ListQuery, row: Record<string, unknown>): string =>
  positionOf(keyCount(q), row);
