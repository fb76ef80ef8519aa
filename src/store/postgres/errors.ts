/** Which PostgreSQL errors mean what: SQLSTATE codes and the pool's own failures. */
import { ApiError, badRequest } from '../../util/errors.js';

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

/** Database failures as API answers: unreachable → 503; text PostgreSQL cannot hold → 400; the rest stay bugs. */
export function translate(e: unknown): unknown {
  if (e instanceof ApiError) return e;
  if (isUnavailable(e)) {
    const reason = typeof (e as { code?: unknown }).code === 'string' ? ` (${(e as { code: string }).code})` : '';
    return new ApiError('ServiceUnavailable', `The database is unavailable${reason}; try again shortly.`, {
      headers: { 'Retry-After': '1' },
    });
  }
  if (isUnstorableText(e)) {
    return badRequest('The text contains the character U+0000, which the PostgreSQL store cannot hold; remove it.');
  }
  return e;
}
