/**
 * The semantic filter tree → a parameterised SQL predicate. Identifiers come only from the table definitions,
 * values only as parameters; LIKE patterns are escaped. String comparisons are case-insensitive: both sides go
 * through `fold` (JavaScript's toLowerCase, registered in every store), and parameters are folded in JavaScript
 * the same way, so SQLite and PostgreSQL answer alike.
 *
 * Null semantics follow OData 4.01 URL conventions §5.1.1.1: comparisons are two-valued (`null eq null` is
 * true, `x ne 'a'` is true when x is null, `gt`/`lt` with a null operand are false). SQL comparisons are three-
 * valued, so each predicate is compiled in a mode: `pos` where an SQL NULL may stand for false (a WHERE clause,
 * AND/OR beneath it, EXISTS, `IS TRUE`), which keeps plain `col = ?` for the index; `exact` beneath NOT and
 * `IS FALSE`, where null-guards are added.
 */
import {
  type Expr,
  isPredicate,
  type LiteralExpr,
  nullableExpr,
  type PathExpr,
  type ScalarType,
  typeOfExpr,
} from '../../odata/semantic.js';
import { assertNever } from '../../util/assert.js';
import { FALSE, type Frag, join, param, raw, sql, TRUE } from './fragments.js';
import type { JsonAs, JsonDoc, QueryDialect } from './query-dialect.js';
import { fold, type TableDef } from './schema.js';

type Mode = 'pos' | 'exact';

/** LIKE metacharacters escaped with `\` (the ESCAPE character every LIKE here declares). */
export const escapeLike = (s: string): string => s.replace(/[\\%_]/g, (c) => `\\${c}`);

const LIKE_ESCAPE = " ESCAPE '\\'";

const scalarOf = (e: Expr): ScalarType | undefined => {
  const t = typeOfExpr(e);
  return t && t.kind !== 'complex' && t.kind !== 'collection' ? t : undefined;
};

export class FilterCompiler {
  private aliases = 0;

  constructor(
    private readonly t: TableDef,
    private readonly d: QueryDialect,
  ) {}

  /** `table.column` for a property of the entity (identifiers from the table definition only). */
  column(name: string): string {
    if (name === 'id') return `${this.t.table}.id`;
    const c = this.t.byProperty.get(name);
    if (!c) throw new Error(`no column for property ${name} in ${this.t.table}`);
    return `${this.t.table}.${c.name}`;
  }

  /** The stored concrete type name. */
  typeColumn(): string {
    return `${this.t.table}.odata_type`;
  }

  // ---- values ----

  /** A path as SQL: a column, a JSON member or a lambda element, null where a type cast does not match. */
  path(p: PathExpr, as: 'scalar' | 'json'): Frag {
    const conds: Frag[] = [];
    let doc: JsonDoc | undefined;
    let column: string | undefined;
    const jsonPath: string[] = [];
    if (p.root.kind === 'lambda') {
      doc = { kind: 'element', alias: `l${p.root.depth}` };
    }
    for (const step of p.steps) {
      if (step.kind === 'cast') {
        if (doc === undefined) {
          if (this.t.hasTypeColumn)
            conds.push(sql`${raw(this.typeColumn())} IN (${join(step.typeNames.map(param), ', ')})`);
          else if (!step.typeNames.includes(this.t.set.entityType)) conds.push(FALSE);
        } else {
          const tag = this.d.json(doc, [...jsonPath, '@odata.type'], 'text');
          conds.push(sql`${tag} IN (${join(step.typeNames.map(param), ', ')})`);
        }
        continue;
      }
      const prop = step.property;
      if (doc === undefined) {
        if (prop.collection || prop.type.kind === 'complex') doc = { kind: 'column', column: this.column(prop.name) };
        else column = this.column(prop.name);
      } else {
        jsonPath.push(prop.name);
      }
    }
    let value: Frag;
    if (column !== undefined) {
      value = raw(column);
    } else if (doc === undefined) {
      throw new Error('a path to the entity itself has no scalar value');
    } else if (as === 'json') {
      value = this.d.json(doc, jsonPath, 'json');
    } else {
      const t = p.type;
      const how: JsonAs = t.kind === 'int32' ? 'int' : t.kind === 'boolean' ? 'bool' : 'text';
      value = this.d.json(doc, jsonPath, how);
      if (t.kind === 'enum') {
        // Inside JSON an enum is its member name; compare and sort by member value like enum columns.
        const whens = t.enum.members.map((m) => sql` WHEN ${param(m.name)} THEN ${raw(String(m.value))}`);
        value = sql`(CASE ${value}${join(whens, '')} END)`;
      }
    }
    if (conds.length === 0) return value;
    return sql`(CASE WHEN ${join(conds, ' AND ')} THEN ${value} END)`;
  }

  /** True when the path is the set's principal name, kept folded in its own indexed column. */
  private principalColumn(e: Expr): string | undefined {
    if (e.kind !== 'path' || e.root.kind !== 'it' || e.steps.length !== 1) return undefined;
    const s = e.steps[0]!;
    if (s.kind !== 'property' || !this.t.principalKeyColumn || this.t.set.principalKey !== s.property.name)
      return undefined;
    return `${this.t.table}.${this.t.principalKeyColumn}`;
  }

  /** A string value folded for case-insensitive comparison. */
  folded(e: Expr): Frag {
    if (e.kind === 'literal') return param(fold(String(e.value)));
    if (e.kind === 'null') return raw('NULL');
    if (e.kind === 'call' && (e.fn === 'tolower' || e.fn === 'toupper')) return this.folded(e.args[0]!);
    const principal = this.principalColumn(e);
    if (principal) return raw(principal);
    return sql`fold(${this.value(e)})`;
  }

  /**
   * A folded string in byte order, for sorting and ranges. The principal-name column is stored folded (and,
   * like every text column, in byte order), so it is used bare and its index serves the comparison.
   */
  sortable(e: Expr): Frag {
    const principal = this.principalColumn(e);
    return principal ? raw(principal) : this.d.binaryText(this.folded(e));
  }

  private literal(e: LiteralExpr): Frag {
    if (typeof e.value === 'boolean') return param(e.value ? 1 : 0);
    return param(e.value);
  }

  /** An integer argument of substring(), clamped at 0 the same way on every store. */
  private nonNegative(e: Expr): Frag {
    if (e.kind === 'literal') return param(Math.max(0, Number(e.value)));
    const v = this.value(e);
    return sql`(CASE WHEN ${v} < 0 THEN 0 ELSE ${v} END)`;
  }

  value(e: Expr): Frag {
    if (isPredicate(e)) {
      const p = this.predicate(e, 'exact');
      return sql`(CASE WHEN ${p} THEN 1 WHEN NOT ${p} THEN 0 END)`;
    }
    switch (e.kind) {
      case 'literal':
        return this.literal(e);
      case 'null':
        return raw('NULL');
      case 'path':
        return this.path(e, 'scalar');
      case 'count':
        return this.d.arrayLength(this.path(e.collection, 'json'));
      case 'call': {
        const a = e.args;
        const fn = e.fn;
        switch (fn) {
          case 'length':
            return sql`length(${this.value(a[0]!)})`;
          case 'indexof':
            return sql`(${this.d.position(this.folded(a[0]!), this.folded(a[1]!))} - 1)`;
          case 'substring': {
            // OData positions are 0-based; SQL substr is 1-based. Negative starts and lengths act as 0.
            const start =
              a[1]!.kind === 'literal'
                ? param(Math.max(0, Number(a[1]!.value)) + 1)
                : sql`(${this.nonNegative(a[1]!)} + 1)`;
            return a.length === 3
              ? sql`substr(${this.value(a[0]!)}, ${start}, ${this.nonNegative(a[2]!)})`
              : sql`substr(${this.value(a[0]!)}, ${start})`;
          }
          case 'tolower':
          case 'toupper':
            // Comparisons ignore case, so the case a value is put in only matters for what ignores case anyway;
            // one folding function keeps every store identical (SQLite's upper() is ASCII-only).
            return this.folded(a[0]!);
          case 'trim':
            return sql`trim(${this.value(a[0]!)})`;
          case 'concat':
            return sql`(${this.value(a[0]!)} || ${this.value(a[1]!)})`;
          case 'year':
            return sql`CAST(substr(${this.value(a[0]!)}, 1, 4) AS INTEGER)`;
          case 'month':
            return sql`CAST(substr(${this.value(a[0]!)}, 6, 2) AS INTEGER)`;
          case 'day':
            return sql`CAST(substr(${this.value(a[0]!)}, 9, 2) AS INTEGER)`;
          case 'hour':
            return sql`CAST(substr(${this.value(a[0]!)}, 12, 2) AS INTEGER)`;
          case 'minute':
            return sql`CAST(substr(${this.value(a[0]!)}, 15, 2) AS INTEGER)`;
          case 'second':
            return sql`CAST(substr(${this.value(a[0]!)}, 18, 2) AS INTEGER)`;
          default:
            return assertNever(fn, 'function');
        }
      }
      default:
        throw new Error(`not a value: ${e.kind}`);
    }
  }

  /** The operand of a comparison: folded for strings, in byte order for ranges over them. */
  private operand(e: Expr, type: ScalarType | undefined, range: boolean): Frag {
    if (e.kind === 'null') return raw('NULL');
    if (type?.kind === 'string') return range && e.kind !== 'literal' ? this.sortable(e) : this.folded(e);
    return this.value(e);
  }

  // ---- predicates ----

  predicate(e: Expr, mode: Mode = 'pos'): Frag {
    switch (e.kind) {
      case 'compare':
        return this.compare(e, mode);
      case 'match': {
        const subject = this.folded(e.subject);
        let pattern: Frag;
        if (e.pattern.kind === 'literal') {
          const s = escapeLike(fold(String(e.pattern.value)));
          pattern = param(e.fn === 'contains' ? `%${s}%` : e.fn === 'startswith' ? `${s}%` : `%${s}`);
        } else {
          const p = this.folded(e.pattern);
          const escaped = sql`replace(replace(replace(${p}, '\\', '\\\\'), '%', '\\%'), '_', '\\_')`;
          pattern =
            e.fn === 'contains'
              ? sql`('%' || ${escaped} || '%')`
              : e.fn === 'startswith'
                ? sql`(${escaped} || '%')`
                : sql`('%' || ${escaped})`;
        }
        const like = sql`${subject} LIKE ${pattern}${raw(LIKE_ESCAPE)}`;
        // A function of null is false, never unknown: `not contains(description,'x')` keeps null descriptions.
        if (mode === 'exact' && nullableExpr(e)) {
          const guards = [e.subject, e.pattern].filter(nullableExpr).map((x) => sql`${this.folded(x)} IS NOT NULL`);
          return sql`(${like} AND ${join(guards, ' AND ')})`;
        }
        return like;
      }
      case 'and':
      case 'or':
        return sql`(${this.predicate(e.left, mode)} ${raw(e.kind === 'and' ? 'AND' : 'OR')} ${this.predicate(e.right, mode)})`;
      case 'not':
        return sql`(NOT ${this.predicate(e.operand, 'exact')})`;
      case 'in':
        return this.in(e, mode);
      case 'member-of': {
        if (e.value.kind === 'null') return FALSE;
        const alias = `m${this.aliases++}`;
        const type = scalarOf(e.value);
        const element = this.d.json({ kind: 'element', alias }, [], type?.kind === 'int32' ? 'int' : 'text');
        const left = type?.kind === 'string' ? sql`fold(${element})` : element;
        return sql`EXISTS (SELECT 1 FROM ${this.d.elements(this.path(e.collection, 'json'), alias)} WHERE ${left} = ${this.operand(e.value, type, false)})`;
      }
      case 'lambda': {
        const from = this.d.elements(this.path(e.collection, 'json'), `l${e.depth}`);
        if (e.body === undefined) return sql`EXISTS (SELECT 1 FROM ${from})`;
        const body = this.predicate(e.body, 'pos');
        return e.op === 'any'
          ? sql`EXISTS (SELECT 1 FROM ${from} WHERE ${body})`
          : sql`(NOT EXISTS (SELECT 1 FROM ${from} WHERE (${body}) IS NOT TRUE))`;
      }
      case 'isof': {
        if (e.typeNames.length === 0) return FALSE;
        const list = join(e.typeNames.map(param), ', ');
        if (e.target.root.kind === 'it' && e.target.steps.every((s) => s.kind === 'cast')) {
          const cast = this.castConditions(e.target);
          const base = this.t.hasTypeColumn
            ? sql`${raw(this.typeColumn())} IN (${list})`
            : e.typeNames.includes(this.t.set.entityType)
              ? TRUE
              : FALSE;
          return cast ? sql`(${cast} AND ${base})` : base;
        }
        const doc = this.path(e.target, 'json');
        const tag = this.d.json({ kind: 'value', frag: doc }, ['@odata.type'], 'text');
        return sql`(${tag} IS NOT NULL AND ${tag} IN (${list}))`;
      }
      case 'truth': {
        switch (e.test) {
          case 'true':
            return sql`(${this.predicate(e.operand, 'pos')}) IS TRUE`;
          case 'not true':
            return sql`(${this.predicate(e.operand, 'pos')}) IS NOT TRUE`;
          case 'false':
            return sql`(${this.predicate(e.operand, 'exact')}) IS FALSE`;
          case 'not false':
            return sql`(${this.predicate(e.operand, 'exact')}) IS NOT FALSE`;
          default:
            return assertNever(e.test, 'truth test');
        }
      }
      case 'literal':
        return e.value === true ? TRUE : FALSE;
      case 'path': {
        // A Boolean property used as a condition; Boolean columns hold 0/1.
        const v = this.path(e, 'scalar');
        return sql`${v} = 1`;
      }
      case 'null':
      case 'count':
      case 'call':
        throw new Error(`not a predicate: ${e.kind}`);
      default:
        return assertNever(e, 'expression');
    }
  }

  private castConditions(p: PathExpr): Frag | undefined {
    const conds: Frag[] = [];
    for (const s of p.steps) {
      if (s.kind !== 'cast') continue;
      if (this.t.hasTypeColumn) conds.push(sql`${raw(this.typeColumn())} IN (${join(s.typeNames.map(param), ', ')})`);
      else if (!s.typeNames.includes(this.t.set.entityType)) conds.push(FALSE);
    }
    return conds.length === 0 ? undefined : join(conds, ' AND ');
  }

  private compare(e: Expr & { kind: 'compare' }, mode: Mode): Frag {
    const { op } = e;
    let { left, right } = e;
    if (left.kind === 'null' && right.kind === 'null') return op === 'eq' || op === 'ge' || op === 'le' ? TRUE : FALSE;
    // `null op x` answers as `x op' null`, and every op' below is symmetric in that case.
    if (left.kind === 'null') [left, right] = [right, left];
    const type = scalarOf(left) ?? scalarOf(right);
    const range = op !== 'eq' && op !== 'ne';
    const l = this.operand(left, type, range);
    if (right.kind === 'null') {
      switch (op) {
        case 'eq':
        case 'ge':
        case 'le':
          // x ge null is (x gt null) or (x eq null): x is null.
          return sql`${l} IS NULL`;
        case 'ne':
          return sql`${l} IS NOT NULL`;
        default:
          return FALSE;
      }
    }
    const r = this.operand(right, type, range);
    const ln = nullableExpr(left);
    const rn = nullableExpr(right);
    const sqlOp = { eq: '=', ne: '<>', gt: '>', ge: '>=', lt: '<', le: '<=' }[op];
    const [a, b] = [l, r];
    switch (op) {
      case 'eq':
        if (ln && rn) return this.d.notDistinct(a, b);
        break;
      case 'ne':
        if (ln && rn) return this.d.distinct(a, b);
        if (ln) return sql`(${a} <> ${b} OR ${a} IS NULL)`;
        if (rn) return sql`(${a} <> ${b} OR ${b} IS NULL)`;
        return sql`${a} <> ${b}`;
      default:
        break;
    }
    const base = sql`${a} ${raw(sqlOp)} ${b}`;
    if (mode === 'pos' || (!ln && !rn)) {
      if ((op === 'ge' || op === 'le') && ln && rn) return sql`(${base} OR (${a} IS NULL AND ${b} IS NULL))`;
      return base;
    }
    const guards = [...(ln ? [sql`${a} IS NOT NULL`] : []), ...(rn ? [sql`${b} IS NOT NULL`] : [])];
    const exact = sql`(${base} AND ${join(guards, ' AND ')})`;
    if ((op === 'ge' || op === 'le') && ln && rn) return sql`(${exact} OR (${a} IS NULL AND ${b} IS NULL))`;
    return exact;
  }

  private in(e: Expr & { kind: 'in' }, mode: Mode): Frag {
    const type = scalarOf(e.operand);
    const x = this.operand(e.operand, type, false);
    const literals = e.values.filter((v): v is LiteralExpr => v.kind === 'literal');
    const hasNull = literals.length !== e.values.length;
    const parts: Frag[] = [];
    if (literals.length > 0) {
      parts.push(
        sql`${x} IN (${join(
          literals.map((v) => (type?.kind === 'string' ? param(fold(String(v.value))) : this.literal(v))),
          ', ',
        )})`,
      );
    }
    if (hasNull) parts.push(sql`${x} IS NULL`);
    if (parts.length === 1) {
      if (!hasNull && mode === 'exact' && nullableExpr(e.operand)) return sql`(${parts[0]!} AND ${x} IS NOT NULL)`;
      return parts[0]!;
    }
    return sql`(${join(parts, ' OR ')})`;
  }

  /** `$search`: every word is a case-insensitive substring of one of the searchable properties. */
  search(words: readonly string[]): Frag {
    const targets = this.t.set.searchable.map((name) =>
      this.t.principalKeyColumn && this.t.set.principalKey === name
        ? raw(`${this.t.table}.${this.t.principalKeyColumn}`)
        : sql`fold(${raw(this.column(name))})`,
    );
    if (targets.length === 0) return FALSE;
    const clauses = words.map((w) => {
      const pattern = `%${escapeLike(fold(w))}%`;
      return sql`(${join(
        targets.map((c) => sql`${c} LIKE ${param(pattern)}${raw(LIKE_ESCAPE)}`),
        ' OR ',
      )})`;
    });
    return join(clauses, ' AND ');
  }
}
