/**
 * The benchmark's data, deterministic so the load generator can name rows it never read: status i of a
 * configuration has a fixed id, principal name, display name and status. The status mix follows `seed`
 * (src/cli/seed.ts): mostly compliant, about 6 % error.
 */
import { createHash } from 'node:crypto';
// The same names and status mix as `seed` (src/cli/seed.ts, built to dist/ by `npm run bench`).
import { FIRST_NAMES as FIRST, LAST_NAMES as LAST, STATUSES, STATUS_WEIGHTS as WEIGHTS } from '../../dist/cli/seed.js';

export const TENANT = '00000000-0000-0000-0000-000000000001';
export const STATUS_TYPE = '#microsoft.graph.managedDeviceMobileAppConfigurationUserStatus';

/** complianceStatus members in value order, the seed's weights and names. */
export { STATUSES };

const CUMULATIVE = [];
let sum = 0;
for (const w of WEIGHTS) {
  sum += w;
  CUMULATIVE.push(sum);
}

/** A 32-bit mix of i (splitmix-like), for choices that must look random but be repeatable. */
export function mix(i) {
  let t = (i + 0x6d2b79f5) >>> 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return (t ^ (t >>> 14)) >>> 0;
}

/** A UUID-shaped id for status i of the configuration tagged `tag` (random-looking, so B-tree order is not i order). */
export function statusId(tag, i) {
  const h = createHash('md5').update(`${tag}:${i}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export const upn = (i) => `user${i}@contoso.onmicrosoft.com`;
export const displayName = (i) => `${FIRST[mix(i) % FIRST.length]} ${LAST[mix(i + 7) % LAST.length]}`;

export function statusIndex(i) {
  const x = mix(i * 31 + 3) % 100;
  return CUMULATIVE.findIndex((c) => x < c);
}
export const statusName = (i) => STATUSES[statusIndex(i)];

const BASE_MS = Date.UTC(2024, 4, 1, 10, 0, 0);
/** A canonical Edm.DateTimeOffset (7 fractional digits, as the server stores and writes it). */
export function reportedAt(k) {
  const iso = new Date(BASE_MS + (k % 2_592_000) * 1000).toISOString(); // …T10:00:00.000Z
  return `${iso.slice(0, 19)}.${String(k % 10_000_000).padStart(7, '0')}Z`;
}

/** Status i as Graph JSON (what a client PATCHes and what the server answers, less id/@odata.context). */
export function statusBody(i, k = i) {
  return {
    '@odata.type': STATUS_TYPE,
    userDisplayName: displayName(i),
    devicesCount: k % 4,
    status: statusName(i),
    lastReportedDateTime: reportedAt(k),
    userPrincipalName: upn(i),
  };
}

/** The i-th row of user_statuses for direct inserts (column order of INSERT_STATUS). */
export function statusRow(configId, tag, i) {
  return [
    TENANT,
    configId,
    statusId(tag, i),
    createHash('md5').update(`etag:${tag}:${i}`).digest('base64url').slice(0, 12),
    upn(i).toLowerCase(),
    displayName(i),
    i % 4,
    statusIndex(i),
    reportedAt(i),
    upn(i),
  ];
}

export const INSERT_STATUS =
  'INSERT INTO user_statuses (tenant_id, configuration_id, id, etag, principal_key, user_display_name, devices_count, status, last_reported_date_time, user_principal_name) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';
