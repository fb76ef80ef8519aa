/**
 * Case 5 on PostgreSQL: seed PATCH, keyed GET, keyed PATCH and the filtered page, ours against the limit on the
 * same database at each level of concurrent clients; then the seed PATCH and the page on one instance against
 * two on one database.
 */
import pg from 'pg';
import { log } from '../lib/context.mjs';
import { statusId, TENANT, upn } from '../lib/data.mjs';
import { atLevels, loadJob, measure, pairedRatio, row, summarizeRows } from '../lib/measure.mjs';
import { checkLimit, send } from '../lib/probes.mjs';
import { cpuSecondsByComm, stopProcess } from '../lib/procs.mjs';
import { fmt } from '../lib/report.mjs';
import { createConfiguration, ourPath, PAGE_QUERY, startLimit, startOurs, targetOf, token } from '../lib/servers.mjs';

const OPS = [
  { name: 'seed PATCH', kind: 'patch-upn', scales: true },
  { name: 'keyed GET', kind: 'get-id' },
  { name: 'keyed PATCH', kind: 'patch-id' },
  { name: 'filtered page', kind: 'get-page', extra: { query: PAGE_QUERY }, scales: true },
];

/**
 * The CPU of the PostgreSQL backends serving the benchmark's database (a backend's title names its database),
 * so other databases on the same server do not count.
 */
const pgCpuOf = (db) => {
  const title = new RegExp(`^postgres: .* ${db} `);
  return () => cpuSecondsByComm('postgres', title);
};

export async function casePostgres(ctx) {
  const { report, pgAdminUrl, pgDb } = ctx;
  const pgCpu = pgCpuOf(pgDb);
  const admin = new pg.Client({ connectionString: pgAdminUrl });
  try {
    await admin.connect();
  } catch (err) {
    report.pending.push({
      case: 5,
      what: 'PostgreSQL',
      why: `PostgreSQL at ${pgAdminUrl} is not reachable: ${err.message}`,
    });
    return;
  }
  const url = new URL(pgAdminUrl);
  url.pathname = `/${pgDb}`;
  const dbUrl = url.toString();
  const started = [];
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${pgDb} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${pgDb}`);
    let a;
    try {
      a = await startOurs(ctx, 'pg-a', dbUrl);
    } catch (err) {
      report.pending.push({
        case: 5,
        what: 'PostgreSQL',
        why: `the server does not start on ${dbUrl}: ${String(err.message).slice(0, 600)}`,
      });
      return;
    }
    started.push(a);
    const { cfg, auth, ingest } = await load(ctx, a, dbUrl, pgCpu);
    const l = await startLimit(ctx, 'pg-limit', dbUrl);
    started.push(l);
    const ours = targetOf('ours', a, auth, { extraCpu: pgCpu });
    const limit = targetOf('limit', l, auth, { extraCpu: pgCpu });
    await checkLimit(ctx, ours, limit, cfg, [...OPS.map((op) => op.name), 'bulk upsert'], ' on PostgreSQL');
    const b = await startOurs(ctx, 'pg-b', dbUrl);
    started.push(b);
    for (const op of OPS) {
      if (op.kind === 'get-page') {
        const pr = await send(a.url, 'GET', `${ourPath(cfg)}?${PAGE_QUERY}`, auth);
        if (pr.status !== 200) {
          report.pending.push({ case: 5, what: 'filtered page (PostgreSQL)', why: `answers ${pr.status}: ${pr.text}` });
          continue;
        }
      }
      const { rows, levels } = await atLevels(
        ctx,
        `PostgreSQL ${op.name}`,
        () => [ours, limit],
        (t, clients) => loadJob(ctx, t, op.kind, cfg, { ...op.extra, connections: clients }),
      );
      report.sections.push({ kind: 'postgres-limit', case: 5, op: op.name, n: cfg.n, rows, levels, ingest });
      if (op.scales) await oneAndTwo(ctx, op, cfg, ours, targetOf('B', b, auth, { extraCpu: pgCpu }), ingest);
    }
  } finally {
    await Promise.all(started.map((p) => stopProcess(p)));
    try {
      await admin.query(`DROP DATABASE IF EXISTS ${pgDb} WITH (FORCE)`);
    } catch (err) {
      log(`could not drop ${pgDb}: ${err.message}`);
    }
    await admin.end();
  }
}

/**
 * A configuration of P.pgStatuses statuses loaded through our bulk PATCH (timed), whose rows then take the ids
 * the load generator names (lib/data.mjs `statusId`), as the SQLite data has them.
 */
async function load(ctx, a, dbUrl, pgCpu) {
  const { P } = ctx;
  const tok = token(dbUrl);
  const auth = { authorization: `Bearer ${tok}` };
  const cfg = { tag: 'pg', n: P.pgStatuses, id: await createConfiguration(a.url, tok, 'benchmark PostgreSQL') };
  log(`PostgreSQL: loading ${cfg.n} statuses through the bulk PATCH`);
  const m = await measure(
    [
      {
        url: a.url,
        kind: 'bulk-ingest',
        collection: ourPath(cfg),
        headers: auth,
        total: cfg.n,
        perRequest: P.bulkPer,
        inFlight: P.bulkInFlight,
      },
    ],
    [a.pid],
    pgCpu,
  );
  const ingest = m.results[0];
  if (ingest.failures) throw new Error(`PostgreSQL bulk load failed: ${ingest.firstFailure}`);
  log(`  ${ingest.seconds.toFixed(1)} s (${fmt.int(ingest.itemsPerSec)} statuses/s)`);
  const c = new pg.Client({ connectionString: dbUrl });
  await c.connect();
  try {
    const keys = Array.from({ length: cfg.n }, (_, i) => upn(i).toLowerCase());
    const ids = Array.from({ length: cfg.n }, (_, i) => statusId(cfg.tag, i));
    const r = await c.query(
      'UPDATE user_statuses u SET id = v.id FROM unnest($1::text[], $2::text[]) AS v(key, id) ' +
        'WHERE u.tenant_id = $3 AND u.configuration_id = $4 AND u.principal_key = v.key',
      [keys, ids, TENANT, cfg.id],
    );
    if (r.rowCount !== cfg.n) throw new Error(`${r.rowCount} of ${cfg.n} loaded statuses found by principal name`);
    await c.query('VACUUM ANALYZE user_statuses');
  } finally {
    await c.end();
  }
  return { cfg, auth, ingest };
}

/** One instance (A) against two (A and B) on one database, at the run's highest level of clients split in two. */
async function oneAndTwo(ctx, op, cfg, A, B, ingest) {
  const { P, report } = ctx;
  const clients = Math.max(...P.levels);
  const half = Math.max(1, Math.floor(clients / 2));
  const rows = [];
  for (let round = 0; round < P.rounds; round++) {
    for (const setup of round % 2 ? ['two instances', 'one instance'] : ['one instance', 'two instances']) {
      log(`PostgreSQL ${op.name}, ${clients} client(s): round ${round + 1}/${P.rounds}, ${setup}`);
      const jobs =
        setup === 'one instance'
          ? [loadJob(ctx, A, op.kind, cfg, { ...op.extra, connections: clients })]
          : [
              loadJob(ctx, A, op.kind, cfg, { ...op.extra, connections: half }),
              loadJob(ctx, B, op.kind, cfg, { ...op.extra, connections: half, offset: Math.floor(cfg.n / 2) }),
            ];
      const m = await measure(jobs, setup === 'one instance' ? [A.pid] : [A.pid, B.pid], A.extraCpu);
      const r = row(ctx, round, setup, m, setup === 'one instance' ? [A.logFile] : [A.logFile, B.logFile]);
      rows.push({ ...r, clients });
      log(
        `  ${fmt.int(r.rps)} req/s, p99 ${fmt.ms(r.p99)} ms, node ${m.serverPct.map(fmt.pct).join(' + ')}, postgres ${fmt.pct(r.extraPct)}, load ${fmt.pct(r.loadPct)}`,
      );
    }
  }
  report.sections.push({
    kind: 'postgres',
    case: 5,
    op: op.name,
    n: cfg.n,
    clients,
    half,
    rows,
    sum: summarizeRows(rows, ['one instance', 'two instances']),
    ratio: pairedRatio(rows, 'two instances', 'one instance'),
    ingest,
  });
}
