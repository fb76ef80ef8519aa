/** Case 3: the filtered page on three sizes of configuration, at one connection (latency); ours and the limit. */
import { log } from '../lib/context.mjs';
import { loadJob, measure, row, summarizeRows, walMb } from '../lib/measure.mjs';
import { sameJson, send } from '../lib/probes.mjs';
import { stopProcess } from '../lib/procs.mjs';
import { fmt } from '../lib/report.mjs';
import { ourPath, startLimit, startOurs, targetOf } from '../lib/servers.mjs';

/** Case 3: the filtered page on 10 k, 100 k and 1 M statuses; latency at one connection; ours and the limit. */
export async function casePage(ctx, data) {
  const { P, report } = ctx;
  const started = [];
  try {
    const auth = { authorization: `Bearer ${data.token}` };
    const oursP = await startOurs(ctx, 'ours-page', data.db);
    started.push(oursP);
    const limitP = await startLimit(ctx, 'limit-page', data.db);
    started.push(limitP);
    const ours = targetOf('ours', oursP, auth);
    const limit = targetOf('limit', limitP, auth);
    const query = "$filter=status%20eq%20'error'&$top=100";
    const probe = await send(ours.url, 'GET', `${ourPath(data.configs.small)}?${query}`, auth);
    if (probe.status !== 200) {
      report.pending.push({
        case: 3,
        what: 'filtered page (SQLite)',
        why: `GET …/userStatuses?${decodeURIComponent(query)} answers ${probe.status}: ${probe.text}`,
      });
      return;
    }
    const diff = await sameJson(
      ours,
      limit,
      'GET',
      `${ourPath(data.configs.small)}?${query}`,
      undefined,
      (b) => b.value,
    );
    if (diff) report.notes.push(`The limit's page differs from ours: ${diff}`);
    const rows = [];
    for (let round = 0; round < P.rounds; round++) {
      for (const [tag, cfg] of Object.entries(data.configs)) {
        for (const t of round % 2 ? [limit, ours] : [ours, limit]) {
          log(`filtered page ${tag}: round ${round + 1}/${P.rounds}, ${t.label}`);
          const m = await measure(
            [loadJob(ctx, t, 'get-page', cfg, { query, connections: P.pageConnections, durationSec: P.pageDuration })],
            [t.pid],
          );
          const r = { ...row(ctx, round, `${t.label} ${tag}`, m, [t.logFile]), size: cfg.n, walMb: walMb(data.db) };
          rows.push(r);
          log(
            `  ${fmt.int(r.rps)} req/s, p50 ${fmt.ms(r.p50)} ms, p99 ${fmt.ms(r.p99)} ms, server ${fmt.pct(r.serverPct)}`,
          );
        }
      }
    }
    const labels = Object.keys(data.configs).flatMap((tag) => [`ours ${tag}`, `limit ${tag}`]);
    report.sections.push({ kind: 'page', case: 3, rows, sum: summarizeRows(rows, labels), sizes: P.sizes, query });
  } finally {
    await Promise.all(started.map((p) => stopProcess(p)));
  }
}
