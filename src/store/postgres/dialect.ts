/**
 * What PostgreSQL does differently from the shared SQL: placeholders, column types, the case-folding function,
 * how values come back, and which errors mean what. Everything else is `src/store/sql/`.
 */
import type { DdlDialect } from '../sql/ddl.js';
import type { TableDef } from '../sql/schema.js';
import { insertColumns } from '../sql/statements.js';

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
 * updates `updated` from the row offered. Parameters: tenant, configuration, then one array per row column.
 */
export function bulkUpsertByPrincipalSql(t: TableDef, updated: readonly string[]): string {
  const all = insertColumns(t);
  const row = all.filter((c) => c !== 'tenant_id' && c !== 'configuration_id');
  const sets = ['etag', ...updated].map((c) => `${c} = EXCLUDED.${c}`).join(', ');
  return (
    `INSERT INTO ${t.table} (${all.join(', ')}) SELECT ?, ?, ${row.map((c) => `v.${c}`).join(', ')} ` +
    `FROM unnest(${row.map((c) => `?::${arrayType(t, c)}`).join(', ')}) AS v(${row.join(', ')}) ORDER BY v.${t.principalKeyColumn} ` +
    `ON CONFLICT (tenant_id, configuration_id, ${t.principalKeyColumn}) DO UPDATE SET ${sets} RETURNING *`
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

/** A PostgreSQL error as `pg` reports it. */
export interface PgError {
  readonly code?: string;
  readonly constraint?: string;
  readonly message?: string;
}

const sqlState = (e: unknown): string | undefined =>
  typeof e === 'object' && e !== null && typeof (e as PgError).code === 'string' ? (e as PgError).code : undefined;

export const UNIQUE_VIOLATION = '23505';
export const FOREIGN_KEY_VIOLATION = '23503';

export const isUniqueViolation = (e: unknown): boolean => sqlState(e) === UNIQUE_VIOLATION;
export const isForeignKeyViolation = (e: unknown): boolean => sqlState(e) === FOREIGN_KEY_VIOLATION;

/** Which unique constraint a 23505 broke: the principal-name index, or a primary key (the id). */
export const brokePrincipalIndex = (e: unknown, table: string): boolean =>
  (e as PgError).constraint === `${table}_principal`;

/** A transaction that failed only because of another one (deadlock, serialization): safe to run again. */
export const isRetryable = (e: unknown): boolean => {
  const s = sqlState(e);
  return s === '40001' || s === '40P01';
};

/** Text PostgreSQL cannot hold (U+0000 in TEXT, or in JSON text it must parse). */
export const isUnstorableText = (e: unknown): boolean => {
  const s = sqlState(e);
  return s === '22021' || s === '22P05';
};

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ENOENT', // a Unix socket path that is not there
]);

/**
 * The database cannot be reached or refuses work for now: network failures, class 08 (connection
 * exception), 57P01–57P03 (shutting down, starting up), 53300 (too many connections), and the pool's own
 * messages when a connection dies or none frees up in time.
 */
export function isUnavailable(e: unknown): boolean {
  const s = sqlState(e);
  if (s !== undefined) {
    if (NETWORK_CODES.has(s) || s.startsWith('08') || s === '57P01' || s === '57P02' || s === '57P03' || s === '53300')
      return true;
  }
  const m = e instanceof Error ? e.message : '';
  return (
    /Connection terminated|connection timeout|timeout exceeded when trying to connect|not queryable|Client was closed|Cannot use a pool after calling end/i.test(
      m,
    ) ||
    (e instanceof AggregateError && e.errors.some(isUnavailable))
  );
}
