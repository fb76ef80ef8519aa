/**
 * What the limit (bench/limit.mjs) shares between its SQLite and PostgreSQL stores: Graph JSON to columns and
 * back. Statements are written with `?` placeholders; the PostgreSQL store numbers them.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { STATUS_TYPE, STATUSES } from './data.mjs';

export const STATUS_VALUE = new Map(STATUSES.map((s, i) => [s, i]));

const COLUMN = {
  userDisplayName: 'user_display_name',
  devicesCount: 'devices_count',
  status: 'status',
  lastReportedDateTime: 'last_reported_date_time',
  userPrincipalName: 'user_principal_name',
};

/** A fresh random ETag, as every write of the server sets. */
export const newEtag = () => randomBytes(9).toString('base64url');

/** Body properties → SET list and parameters (enum by member value, principal key folded as the server does). */
export function sets(body) {
  const cols = ['etag = ?'];
  const params = [newEtag()];
  for (const [k, v] of Object.entries(body)) {
    const c = COLUMN[k];
    if (!c) continue;
    cols.push(`${c} = ?`);
    params.push(k === 'status' ? STATUS_VALUE.get(v) : v);
    if (k === 'userPrincipalName') {
      cols.push('principal_key = ?');
      params.push(v.toLowerCase());
    }
  }
  return { cols, params };
}

/** The columns of a new status after the scope, in the order of `newRow`. */
export const NEW_COLUMNS = [
  'id',
  'etag',
  'principal_key',
  'user_display_name',
  'devices_count',
  'status',
  'last_reported_date_time',
  'user_principal_name',
];

/** The row a bulk item inserts (fresh id and ETag), in the order of `NEW_COLUMNS`. */
export const newRow = (b) => [
  randomUUID(),
  newEtag(),
  b.userPrincipalName.toLowerCase(),
  b.userDisplayName ?? null,
  b.devicesCount ?? 0,
  STATUS_VALUE.get(b.status ?? 'unknown'),
  b.lastReportedDateTime,
  b.userPrincipalName,
];

/** What a taken principal name updates in the bulk upsert (the rest of `NEW_COLUMNS` but id and key). */
export const ON_CONFLICT_SET = NEW_COLUMNS.filter((c) => c !== 'id' && c !== 'principal_key')
  .map((c) => `${c} = excluded.${c}`)
  .join(', ');

/** A stored row as Graph JSON. */
export const entity = (r) => ({
  '@odata.type': STATUS_TYPE,
  id: r.id,
  userDisplayName: r.user_display_name,
  devicesCount: r.devices_count,
  status: STATUSES[r.status],
  lastReportedDateTime: r.last_reported_date_time,
  userPrincipalName: r.user_principal_name,
});
