/**
 * "The limit": the least a server can do for the benchmarked requests. Bare node:http, the same JSON.parse
 * of the body, one prepared better-sqlite3 statement per request on the same table and index as the real
 * server (UPDATE … RETURNING *, SELECT), the same durability pragmas, and the same response JSON. No auth, no
 * validation, no logging, no metrics: the gap between this and the real server is what the pipeline costs.
 *
 *   node bench/limit.mjs --db FILE [--port 0] [--durability normal|full]
 *
 * Routes (tenant fixed to the default tenant; only what the benchmarks send):
 *   PATCH /{v}/deviceAppManagement/mobileAppConfigurations/{c}/userStatuses        by userPrincipalName, or {"value":[…]}
 *   GET   /{v}/deviceAppManagement/mobileAppConfigurations/{c}/userStatuses/{id}
 *   PATCH /{v}/deviceAppManagement/mobileAppConfigurations/{c}/userStatuses/{id}
 *   GET   /{v}/deviceAppManagement/mobileAppConfigurations/{c}/userStatuses?$filter=status eq '…'&$top=N[&$skiptoken=…]
 */
import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import Database from 'better-sqlite3';
import { STATUS_TYPE, STATUSES, TENANT } from './lib/data.mjs';

const args = {};
for (let i = 2; i < process.argv.length; i++) {
  if (process.argv[i].startsWith('--')) args[process.argv[i].slice(2)] = process.argv[i + 1];
}
const db = new Database(args.db);
db.pragma('journal_mode = WAL');
db.pragma(`synchronous = ${args.durability === 'full' ? 'FULL' : 'NORMAL'}`);
db.pragma('foreign_keys = ON');
db.pragma('busy_timeout = 5000');

const STATUS_VALUE = new Map(STATUSES.map((s, i) => [s, i]));
const COLUMN = {
  userDisplayName: 'user_display_name',
  devicesCount: 'devices_count',
  status: 'status',
  lastReportedDateTime: 'last_reported_date_time',
  userPrincipalName: 'user_principal_name',
};
const JSON_TYPE = 'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';

/*
 * Writes step their statement to the end (`.all()`, not `.get()`): SQLite runs the WAL auto-checkpoint from
 * sqlite3_step() when a statement finishes, so an autocommit UPDATE … RETURNING read with `.get()` (reset
 * after its first row) would never checkpoint, and the WAL would grow without bound: a limit that skipped the
 * checkpoint I/O the real server does (it commits with COMMIT, which checkpoints).
 */
const statements = new Map();
const stmt = (sql) => {
  let s = statements.get(sql);
  if (!s) {
    s = db.prepare(sql);
    statements.set(sql, s);
  }
  return s;
};

/** Body properties → SET list and parameters (enum by member value, principal key folded as the server does). */
function sets(body) {
  const cols = ['etag = ?'];
  const params = [randomBytes(9).toString('base64url')];
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

const entity = (r) => ({
  '@odata.type': STATUS_TYPE,
  id: r.id,
  userDisplayName: r.user_display_name,
  devicesCount: r.devices_count,
  status: STATUSES[r.status],
  lastReportedDateTime: r.last_reported_date_time,
  userPrincipalName: r.user_principal_name,
});

const keyLiteral = (s) => `'${s.replace(/'/g, "''")}'`;
const setPath = (c) => `deviceAppManagement/mobileAppConfigurations(${keyLiteral(c)})/userStatuses`;

function send(res, status, body, etag) {
  const text = JSON.stringify(body);
  const headers = { 'Content-Type': JSON_TYPE, 'Content-Length': Buffer.byteLength(text) };
  if (etag) headers.ETag = `"${etag}"`;
  res.writeHead(status, headers);
  res.end(text);
}

const PATH = /^\/(v1\.0|beta)\/deviceAppManagement\/mobileAppConfigurations\/([^/]+)\/userStatuses(?:\/([^/?]+))?$/;

const upsertInsert =
  'INSERT INTO user_statuses (tenant_id, configuration_id, id, etag, principal_key, user_display_name, devices_count, status, last_reported_date_time, user_principal_name) ' +
  'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (tenant_id, configuration_id, principal_key) DO UPDATE SET ' +
  'etag = excluded.etag, user_display_name = excluded.user_display_name, devices_count = excluded.devices_count, status = excluded.status, ' +
  'last_reported_date_time = excluded.last_reported_date_time, user_principal_name = excluded.user_principal_name RETURNING *';

const bulk = db.transaction((configId, items) =>
  items.map((b) =>
    stmt(upsertInsert).get(
      TENANT,
      configId,
      randomUUID(),
      randomBytes(9).toString('base64url'),
      b.userPrincipalName.toLowerCase(),
      b.userDisplayName ?? null,
      b.devicesCount ?? 0,
      STATUS_VALUE.get(b.status ?? 'unknown'),
      b.lastReportedDateTime,
      b.userPrincipalName,
    ),
  ),
);

function handle(req, res, raw) {
  const q = req.url.indexOf('?');
  const m = PATH.exec(q < 0 ? req.url : req.url.slice(0, q));
  if (!m) return send(res, 404, { error: { code: 'ResourceNotFound', message: 'not a benchmarked route' } });
  const [, version, configRaw, idRaw] = m;
  const configId = decodeURIComponent(configRaw);
  const root = `http://${req.headers.host}/${version}`;
  if (idRaw !== undefined) {
    const id = decodeURIComponent(idRaw);
    const ctx = `${root}/$metadata#${setPath(configId)}/$entity`;
    let row;
    if (req.method === 'GET') {
      row = stmt('SELECT * FROM user_statuses WHERE tenant_id = ? AND configuration_id = ? AND id = ?').get(
        TENANT,
        configId,
        id,
      );
    } else {
      const { cols, params } = sets(JSON.parse(raw));
      [row] = stmt(
        `UPDATE user_statuses SET ${cols.join(', ')} WHERE tenant_id = ? AND configuration_id = ? AND id = ? RETURNING *`,
      ).all(...params, TENANT, configId, id);
    }
    if (!row) return send(res, 404, { error: { code: 'ResourceNotFound', message: 'no such status' } });
    return send(res, 200, { '@odata.context': ctx, ...entity(row) }, row.etag);
  }
  if (req.method === 'GET') {
    const params = new URLSearchParams(q < 0 ? '' : req.url.slice(q + 1));
    const status = /^status eq '(\w+)'$/.exec(params.get('$filter') ?? '')?.[1];
    const top = Number(params.get('$top') ?? 1000);
    const after = params.get('$skiptoken');
    const rows = after
      ? stmt(
          'SELECT * FROM user_statuses WHERE tenant_id = ? AND configuration_id = ? AND status = ? AND id > ? ORDER BY id LIMIT ?',
        ).all(TENANT, configId, STATUS_VALUE.get(status), Buffer.from(after, 'base64url').toString(), top + 1)
      : stmt(
          'SELECT * FROM user_statuses WHERE tenant_id = ? AND configuration_id = ? AND status = ? ORDER BY id LIMIT ?',
        ).all(TENANT, configId, STATUS_VALUE.get(status), top + 1);
    const more = rows.length > top;
    if (more) rows.length = top;
    const body = { '@odata.context': `${root}/$metadata#${setPath(configId)}`, value: rows.map(entity) };
    if (more) {
      params.set('$skiptoken', Buffer.from(rows[rows.length - 1].id).toString('base64url'));
      body['@odata.nextLink'] =
        `${root}/deviceAppManagement/mobileAppConfigurations/${configRaw}/userStatuses?${params}`;
    }
    return send(res, 200, body);
  }
  const body = JSON.parse(raw);
  if (Array.isArray(body.value)) {
    const rows = bulk(configId, body.value);
    return send(res, 200, { '@odata.context': `${root}/$metadata#${setPath(configId)}`, value: rows.map(entity) });
  }
  const { cols, params } = sets(body);
  const [row] = stmt(
    `UPDATE user_statuses SET ${cols.join(', ')} WHERE tenant_id = ? AND configuration_id = ? AND principal_key = ? RETURNING *`,
  ).all(...params, TENANT, configId, body.userPrincipalName.toLowerCase());
  if (!row)
    return send(res, 404, { error: { code: 'ResourceNotFound', message: 'no such user (the limit does not create)' } });
  return send(
    res,
    200,
    { '@odata.context': `${root}/$metadata#${setPath(configId)}/$entity`, ...entity(row) },
    row.etag,
  );
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    try {
      handle(req, res, chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8'));
    } catch (err) {
      send(res, 500, { error: { code: 'InternalError', message: String(err) } });
    }
  });
});
server.keepAliveTimeout = 72_000;
server.listen(Number(args.port ?? 0), '127.0.0.1', () => {
  process.stdout.write(`limit serving http://127.0.0.1:${server.address().port}\n`);
});
const stop = () => {
  server.close(() => {
    db.close();
    process.exit(0);
  });
  server.closeAllConnections();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
