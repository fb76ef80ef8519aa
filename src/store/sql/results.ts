/** Rows as the port's answers, the same for every dialect: a page, status counts, signing keys. */
import type { ListQuery } from '../../odata/query.js';
import type { Page, SigningKeyRecord, StatusCounts } from '../port.js';
import { decodeRow, type Row } from './codec.js';
import type { TableDef } from './schema.js';
import { positionAfter } from './select.js';

/**
 * A page from `compileList`'s rows, which ask for one row more than `top`: that row only says a next page
 * exists, and is dropped. `rows` is trimmed in place.
 */
export function pageOf(t: TableDef, query: ListQuery, rows: Row[], count: number | undefined): Page {
  const more = rows.length > query.top;
  if (more) rows.length = query.top;
  const last = rows[rows.length - 1];
  return {
    items: rows.map((r) => decodeRow(t, r)),
    ...(more && last ? { next: positionAfter(t, query, last) } : {}),
    ...(count !== undefined ? { count } : {}),
  };
}

/** `statusCountsSql`'s rows (one per status) folded into counts and the newest report. */
export function statusCountsOf(rows: readonly Row[]): StatusCounts {
  const byStatus = new Map<number, number>();
  let lastReported: string | undefined;
  for (const r of rows) {
    byStatus.set(Number(r.status), Number(r.n));
    const last = r.last as string | null;
    if (last && (!lastReported || last > lastReported)) lastReported = last;
  }
  return { byStatus, lastReported };
}

export const signingKeyOf = (r: Row): SigningKeyRecord => ({
  kid: r.kid as string,
  alg: r.alg as 'RS256' | 'ES256',
  privateJwk: r.private_jwk as string,
  publicJwk: r.public_jwk as string,
  createdAt: Number(r.created_at),
  retiredAt: r.retired_at === null ? null : Number(r.retired_at),
});

/** `SIGNING_KEYS.insert`'s parameters. */
export const signingKeyParams = (k: SigningKeyRecord): unknown[] => [
  k.kid,
  k.alg,
  k.privateJwk,
  k.publicJwk,
  k.createdAt,
  k.retiredAt,
];
