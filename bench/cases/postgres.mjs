/** Case 5: the seed PATCH and the filtered page on PostgreSQL, one instance against two on one database. */
import pg from 'pg';
import { log } from '../lib/context.mjs';
import { loadJob, measure, pairedRatio, row, summarizeRows } from '../lib/measure.mjs';
import { send } from '../lib/probes.mjs';
import { cpuSecondsByComm, stopProcess } from '../lib/procs.mjs';
import { fmt } from '../lib/report.mjs';
import { createConfiguration, ourPath, startOurs, token } from '../lib/servers.mjs';

/** Case 5: seed PATCH and filtered page on PostgreSQL, one instance vs two instances on one database. */
export async function casePostgres(ctx) {
  const { P, report, pgAdminUrl, pgDb } = ctx;
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
    const tok = token(dbUrl);
    const auth = { authorization: `Bearer ${tok}` };
    const cfg = { tag: 'pg', n: P.pgStatuses, id: await createConfiguration(a.url, tok, 'benchmark PostgreSQL') };
    log(`PostgreSQL: loading ${cfg.n} statuses through the bulk PATCH`);
    const load = await measure(
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
      () => cpuSecondsByComm('postgres'),
    );
    const ingest = load.results[0];
    if (ingest.failures) throw new Error(`PostgreSQL bulk load failed: ${ingest.firstFailure}`);
    log(`  ${ingest.seconds.toFixed(1)} s (${fmt.int(ingest.itemsPerSec)} statuses/s)`);
    const b = await startOurs(ctx, 'pg-b', dbUrl);
    started.push(b);
    const A = { label: 'A', url: a.url, pid: a.pid, headers: auth, collection: ourPath };
    const B = { label: 'B', url: b.url, pid: b.pid, headers: auth, collection: ourPath };
    const query = "$filter=status%20eq%20'error'&$top=100";
    const ops = [
      { name: 'seed PATCH', kind: 'patch-upn', extra: {} },
      { name: 'filtered page', kind: 'get-page', extra: { query } },
    ];
    const pgCpu = () => cpuSecondsByComm('postgres');
    for (const op of ops) {
      if (op.kind === 'get-page') {
        const pr = await send(a.url, 'GET', `${ourPath(cfg)}?${query}`, auth);
        if (pr.status !== 200) {
          report.pending.push({ case: 5, what: 'filtered page (PostgreSQL)', why: `answers ${pr.status}: ${pr.text}` });
          continue;
        }
      }
      const rows = [];
      for (let round = 0; round < P.rounds; round++) {
        for (const setup of round % 2 ? ['two instances', 'one instance'] : ['one instance', 'two instances']) {
          log(`PostgreSQL ${op.name}: round ${round + 1}/${P.rounds}, ${setup}`);
          const jobs =
            setup === 'one instance'
              ? [loadJob(ctx, A, op.kind, cfg, op.extra)]
              : [
                  loadJob(ctx, A, op.kind, cfg, { ...op.extra, connections: P.connections / 2 }),
                  loadJob(ctx, B, op.kind, cfg, {
                    ...op.extra,
                    connections: P.connections / 2,
                    offset: Math.floor(cfg.n / 2),
                  }),
                ];
          const m = await measure(jobs, setup === 'one instance' ? [A.pid] : [A.pid, B.pid], pgCpu);
          const r = row(ctx, round, setup, m, setup === 'one instance' ? [a.logFile] : [a.logFile, b.logFile]);
          rows.push(r);
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
        rows,
        sum: summarizeRows(rows, ['one instance', 'two instances']),
        ratio: pairedRatio(rows, 'two instances', 'one instance'),
        ingest,
      });
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
