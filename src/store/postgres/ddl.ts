/** PostgreSQL's schema: column types, null ordering in indexes, and the case-folding function. */
import type { DdlDialect } from '../sql/ddl.js';

/**
 * Text columns use the "C" collation: byte order of UTF-8 is code-point order, which is what SQLite's BINARY
 * collation gives, so `$orderby` and range comparisons agree between the stores whatever the database's
 * locale is. Integers are BIGINT so epoch seconds do not run out in 2038. JSON (not JSONB) keeps the text
 * as written, so complex values come back with the same member order as from SQLite.
 */
export const PG_DDL: DdlDialect = {
  text: 'TEXT COLLATE "C"',
  int: 'BIGINT',
  json: 'JSON',
  tableSuffix: '',
  // PostgreSQL puts nulls last ascending; `$orderby` wants them first, and an index must agree to serve it.
  indexNullsFirst: ' NULLS FIRST',
};

/**
 * The collation fold() lower-cases under, best first: ICU's root locale applies Unicode's full mappings with
 * context (İ → i̇, final Σ → ς), exactly as JavaScript's toLowerCase does; a libc UTF-8 locale maps one
 * character at a time (İ → i, Σ → σ always); the database default is the last resort. Never the columns' own
 * "C" collation, under which lower() touches ASCII only.
 */
export const FOLD_COLLATION_SQL = `SELECT collname FROM pg_collation
  WHERE collname = 'und-x-icu'
     OR (collprovider = 'c' AND collencoding IN (-1, pg_char_to_encoding('UTF8')) AND collctype ~* '[.]utf-?8$')
  ORDER BY collname = 'und-x-icu' DESC, collctype ~* '^c[.]' DESC, collname LIMIT 1`;

/**
 * `fold(text)`: the SQL side of every case-insensitive comparison; parameters are folded in JS with
 * `toLowerCase`. Declared IMMUTABLE so the planner inlines it (and an expression index could use it); the
 * inlined call keeps the caller's collation, so ordering stays byte order.
 */
export function foldFunctionSql(collation: string | undefined): string {
  const arg = collation ? `$1 COLLATE "${collation.replace(/"/g, '""')}"` : '$1 COLLATE "default"';
  return `CREATE OR REPLACE FUNCTION fold(text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT lower(${arg}) $$`;
}
