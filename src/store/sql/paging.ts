/**
 * Ordering and keyset paging. The sort keys are the `$orderby` keys plus `id` (unique within the scope), so the
 * order is total and a position — the key values of the last row sent — says exactly where the next page
 * starts. A page is then "rows after the position", an index range when an index covers the keys, and it stays
 * correct while rows are inserted or deleted between pages (docs/api.md#queries, #decisions-on-finer-points). Strings
 * sort case-insensitively (by their folded form), enums by member value, nulls first ascending and last descending.
 */
import type { ListQuery } from '../../odata/query.js';
import type { PathExpr } from '../../odata/semantic.js';
import { badRequest } from '../../util/errors.js';
import type { FilterCompiler } from './filter.js';
import { FALSE, type Frag, join, param, raw, sql } from './fragments.js';
import type { QueryDialect } from './query-dialect.js';
import type { TableDef } from './schema.js';

export interface SortKey {
  /** The value sorted on (folded for strings; byte-ordered text). */
  readonly expr: Frag;
  readonly descending: boolean;
  readonly nullable: boolean;
  /** The row alias it is selected under, to read the position back (`_k0`, `_k1`, ...). */
  readonly alias: string;
}

const isIdPath = (p: PathExpr): boolean =>
  p.root.kind === 'it' && p.steps.length === 1 && p.steps[0]!.kind === 'property' && p.steps[0]!.property.name === 'id';

/** How many sort keys `q` has: its `$orderby` keys plus `id` unless it is one of them. */
export const keyCount = (q: ListQuery): number => q.orderBy.length + (q.orderBy.some((k) => isIdPath(k.path)) ? 0 : 1);

/** `idExpr` is the unique tie-breaker: the row's id, or, through a link table, the link's copy of it (an index range). */
export function sortKeys(t: TableDef, fc: FilterCompiler, q: ListQuery, idExpr = `${t.table}.id`): SortKey[] {
  const keys: SortKey[] = [];
  let hasId = false;
  for (const k of q.orderBy) {
    const p = k.path;
    const isId = isIdPath(p);
    hasId ||= isId;
    // Strings sort by their folded form; `id` (the unique tie-breaker) and everything else as stored.
    const expr = isId ? raw(idExpr) : p.type.kind === 'string' ? fc.sortable(p) : fc.path(p, 'scalar');
    keys.push({ expr, descending: k.descending, nullable: p.nullable, alias: `_k${keys.length}` });
  }
  if (!hasId) {
    // The tie-breaker follows the last key's direction so an all-descending order stays one index scan.
    const last = keys[keys.length - 1];
    keys.push({
      expr: raw(idExpr),
      descending: last?.descending ?? false,
      nullable: false,
      alias: `_k${keys.length}`,
    });
  }
  return keys;
}

export const orderByClause = (d: QueryDialect, keys: readonly SortKey[]): Frag =>
  join(
    keys.map(
      (k) => sql`${k.expr}${raw(k.descending ? ' DESC' : ' ASC')}${raw(k.nullable ? d.nulls(k.descending) : '')}`,
    ),
    ', ',
  );

export const selectKeys = (keys: readonly SortKey[]): Frag =>
  join(
    keys.map((k) => sql`${k.expr} AS ${raw(k.alias)}`),
    ', ',
  );

/** The opaque position after a row: its sort-key values, as JSON. */
export function positionOf(keys: number, row: Record<string, unknown>): string {
  const values: unknown[] = [];
  for (let i = 0; i < keys; i++) {
    const v = row[`_k${i}`];
    values.push(typeof v === 'bigint' ? Number(v) : (v ?? null));
  }
  return JSON.stringify(values);
}

const invalidPosition = () =>
  badRequest(
    'The $skiptoken does not fit this query; use the @odata.nextLink of the previous page unchanged.',
    '$skiptoken',
  );

export function decodePosition(position: string, keys: readonly SortKey[]): (string | number | null)[] {
  let values: unknown;
  try {
    values = JSON.parse(position);
  } catch {
    throw invalidPosition();
  }
  if (!Array.isArray(values) || values.length !== keys.length) throw invalidPosition();
  return values.map((v, i) => {
    if (v === null) {
      if (!keys[i]!.nullable) throw invalidPosition();
      return null;
    }
    if (typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v))) return v;
    throw invalidPosition();
  });
}

/**
 * Rows strictly after `values` in the key order. All-ascending or all-descending keys without nulls become
 * one row-value comparison, `(k0, k1, id) > (?, ?, ?)`, which both stores answer with an index range; otherwise
 * the lexicographic expansion, with null first ascending and last descending.
 */
export function afterPosition(keys: readonly SortKey[], values: readonly (string | number | null)[]): Frag {
  const uniform = keys.every((k) => k.descending === keys[0]!.descending);
  const noNulls = keys.every((k) => !k.nullable);
  if (uniform && noNulls) {
    const op = raw(keys[0]!.descending ? '<' : '>');
    if (keys.length === 1) return sql`${keys[0]!.expr} ${op} ${param(values[0])}`;
    return sql`(${join(
      keys.map((k) => k.expr),
      ', ',
    )}) ${op} (${join(
      values.map((v) => param(v)),
      ', ',
    )})`;
  }
  const disjuncts: Frag[] = [];
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    const v = values[i]!;
    let after: Frag | undefined;
    if (v === null) after = k.descending ? undefined : sql`${k.expr} IS NOT NULL`;
    else if (k.descending)
      after = k.nullable ? sql`(${k.expr} < ${param(v)} OR ${k.expr} IS NULL)` : sql`${k.expr} < ${param(v)}`;
    else after = sql`${k.expr} > ${param(v)}`;
    if (after) {
      const equal = keys
        .slice(0, i)
        .map((p, j) => (values[j] === null ? sql`${p.expr} IS NULL` : sql`${p.expr} = ${param(values[j])}`));
      disjuncts.push(equal.length === 0 ? after : sql`(${join([...equal, after], ' AND ')})`);
    }
  }
  if (disjuncts.length === 0) return FALSE;
  const first = keys[0]!;
  const v0 = values[0];
  const any = sql`(${join(disjuncts, ' OR ')})`;
  // A redundant bound on the first key lets the planner start an index range there.
  if (!first.descending && v0 !== null && v0 !== undefined) return sql`(${first.expr} >= ${param(v0)} AND ${any})`;
  return any;
}
