/**
 * "The limit": the least a server can do for the benchmarked requests. Bare node:http, the same JSON.parse
 * of the body, one prepared statement per request on the same table and index as the real server
 * (UPDATE … RETURNING *, SELECT), the same database settings, and the same response JSON. No auth, no
 * validation, no logging, no metrics: the gap between this and the real server is what the pipeline costs.
 *
 *   node bench/limit.mjs --db FILE|postgres://… [--port 0] [--durability normal|full]
 *
 * A file is SQLite (better-sqlite3, the server's pragmas; `--durability` as the server's); a postgres:// URL is
 * PostgreSQL (pg, a pool of the server's size: DATABASE_POOL_SIZE or 10).
 *
 * Routes (tenant fixed to the default tenant; only what the benchmarks send):
 *   PATCH /{v}/deviceAppManagement/mobileAppConfigurations/{c}/userStatuses        by userPrincipalName, or {"value":[…]}
 *   GET   /{v}/deviceAppManagement/mobileAppConfigurations/{c}/userStatuses/{id}
 *   PATCH /{v}/deviceAppManagement/mobileAppConfigurations/{c}/userStatuses/{id}
 *   GET   /{v}/deviceAppManagement/mobileAppConfigurations/{c}/userStatuses?$filter=status eq '…'&$top=N[&$skiptoken=…]
 */
import http from 'node:http';
import { TENANT } from './lib/data.mjs';
import { entity, STATUS_VALUE, sets } from './lib/limit-rows.mjs';

const args = {};
for (let i = 2; i < process.argv.length; i++) {
  if (process.argv[i].startsWith('--')) args[process.argv[i].slice(2)] = process.argv[i + 1];
}
const store = /^postgres(ql)?:\/\//.test(args.db)
  ? (await import('./lib/limit-postgres.mjs')).openPostgres(args.db)
  : (await import('./lib/limit-sqlite.mjs')).openSqlite(args.db, args.durability);

const JSON_TYPE = 'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';
const SCOPE = 'tenant_id = ? AND configuration_id = ?';
const BY_ID = `SELECT * FROM user_statuses WHERE ${SCOPE} AND id = ?`;
const PAGE = `SELECT * FROM user_statuses WHERE ${SCOPE} AND status = ? ORDER BY id LIMIT ?`;
const PAGE_AFTER = `SELECT * FROM user_statuses WHERE ${SCOPE} AND status = ? AND id > ? ORDER BY id LIMIT ?`;
const update = (cols, by) => `UPDATE user_statuses SET ${cols.join(', ')} WHERE ${SCOPE} AND ${by} = ? RETURNING *`;

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

/** One status as the answer, or 404 when the statement found none. */
function sendEntity(res, ctx, row, missing) {
  if (!row) return send(res, 404, { error: { code: 'ResourceNotFound', message: missing } });
  return send(res, 200, { '@odata.context': ctx, ...entity(row) }, row.etag);
}

async function handle(req, res, raw) {
  const q = req.url.indexOf('?');
  const m = PATH.exec(q < 0 ? req.url : req.url.slice(0, q));
  if (!m) return send(res, 404, { error: { code: 'ResourceNotFound', message: 'not a benchmarked route' } });
  const [, version, configRaw, idRaw] = m;
  const configId = decodeURIComponent(configRaw);
  const root = `http://${req.headers.host}/${version}`;
  const entityCtx = `${root}/$metadata#${setPath(configId)}/$entity`;
  if (idRaw !== undefined) {
    const id = decodeURIComponent(idRaw);
    let rows;
    if (req.method === 'GET') rows = await store.run(BY_ID, [TENANT, configId, id]);
    else {
      const { cols, params } = sets(JSON.parse(raw));
      rows = await store.run(update(cols, 'id'), [...params, TENANT, configId, id]);
    }
    return sendEntity(res, entityCtx, rows[0], 'no such status');
  }
  if (req.method === 'GET') {
    const params = new URLSearchParams(q < 0 ? '' : req.url.slice(q + 1));
    const status = STATUS_VALUE.get(/^status eq '(\w+)'$/.exec(params.get('$filter') ?? '')?.[1]);
    const top = Number(params.get('$top') ?? 1000);
    const after = params.get('$skiptoken');
    const rows = after
      ? await store.run(PAGE_AFTER, [TENANT, configId, status, Buffer.from(after, 'base64url').toString(), top + 1])
      : await store.run(PAGE, [TENANT, configId, status, top + 1]);
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
    const rows = await store.bulk(configId, body.value);
    return send(res, 200, { '@odata.context': `${root}/$metadata#${setPath(configId)}`, value: rows.map(entity) });
  }
  const { cols, params } = sets(body);
  const rows = await store.run(update(cols, 'principal_key'), [
    ...params,
    TENANT,
    configId,
    body.userPrincipalName.toLowerCase(),
  ]);
  return sendEntity(res, entityCtx, rows[0], 'no such user (the limit does not create)');
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const raw = chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8');
    handle(req, res, raw).catch((err) => send(res, 500, { error: { code: 'InternalError', message: String(err) } }));
  });
});
server.keepAliveTimeout = 72_000;
server.listen(Number(args.port ?? 0), '127.0.0.1', () => {
  process.stdout.write(`limit serving http://127.0.0.1:${server.address().port}\n`);
});
const stop = () => {
  server.close(async () => {
    await store.close();
    process.exit(0);
  });
  server.closeAllConnections();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
