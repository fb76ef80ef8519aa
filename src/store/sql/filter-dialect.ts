/**
 * SQL fragments and the few places where SQLite and PostgreSQL differ for queries (DESIGN.md §4): JSON access
 * and iteration, null-safe equality, substring search, byte-order collation and null ordering. Everything else
 * the query compiler emits is the same text on both. Placeholders are `?` (the PostgreSQL store rewrites them to
 * `$n`); no fragment uses PostgreSQL's `?` JSON operators for that reason.
 */

/** A piece of SQL with the parameters its placeholders take, in order. */
export interface Frag {
  readonly text: string;
  readonly params: readonly unknown[];
}

/** Compiler-authored SQL text (never request text). */
export const raw = (text: string): Frag => ({ text, params: [] });

/** A value from the request, always as a parameter. */
export const param = (v: unknown): Frag => ({ text: '?', params: [v] });

/** Joins fragments with compiler-authored text in between, keeping parameters in placeholder order. */
export function sql(strings: TemplateStringsArray, ...parts: Frag[]): Frag {
  let text = strings[0]!;
  const params: unknown[] = [];
  parts.forEach((p, i) => {
    text += p.text + strings[i + 1]!;
    for (const v of p.params) params.push(v);
  });
  return { text, params };
}

export function join(parts: readonly Frag[], sep: string): Frag {
  const params: unknown[] = [];
  for (const p of parts) for (const v of p.params) params.push(v);
  return { text: parts.map((p) => p.text).join(sep), params };
}

export const TRUE: Frag = raw('(1 = 1)');
export const FALSE: Frag = raw('(1 = 0)');

/** A JSON document to read from: a stored JSON column, or the current element of a lambda's iteration. */
export type JsonDoc =
  | { readonly kind: 'column'; readonly column: string }
  | { readonly kind: 'element'; readonly alias: string }
  | { readonly kind: 'value'; readonly frag: Frag };

/** How a JSON member is read: as text, Int32, Boolean (0/1, like Boolean columns) or as a JSON sub-document. */
export type JsonAs = 'text' | 'int' | 'bool' | 'json';

export interface QueryDialect {
  readonly name: 'sqlite' | 'postgres';
  /** `a` equals `b`, where null equals null (two-valued). */
  notDistinct(a: Frag, b: Frag): Frag;
  /** `a` differs from `b`, where null differs from every value but null (two-valued). */
  distinct(a: Frag, b: Frag): Frag;
  /**
   * The member at `path` (model property names only) of `doc`, read `as`; an empty path reads the element
   * itself (a scalar collection's member).
   */
  json(doc: JsonDoc, path: readonly string[], as: JsonAs): Frag;
  /** A FROM item iterating the members of the JSON array `array`, named `alias`. */
  elements(array: Frag, alias: string): Frag;
  /** Members of a JSON array. */
  arrayLength(array: Frag): Frag;
  /** 1-based position of `needle` in `haystack`, 0 when absent. */
  position(haystack: Frag, needle: Frag): Frag;
  /**
   * A computed text value compared and ordered by code point (SQLite's BINARY; PostgreSQL's "C" collation).
   * Stored text columns already are (PG_DDL declares them COLLATE "C"); a function result such as fold()'s may
   * carry another collation and is wrapped.
   */
  binaryText(x: Frag): Frag;
  /** Null placement so nulls sort first ascending and last descending on every store. */
  nulls(descending: boolean): string;
}

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
