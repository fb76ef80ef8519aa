/** Case 3: the filtered page on three sizes of configuration, at each level of concurrent clients; ours and the limit. */
import { log } from '../lib/context.mjs';
import { loadJob, measure, pairedRatio, row, summarizeRows, walMb } from '../lib/measure.mjs';
import { checkLimit, send } from '../lib/probes.mjs';
import { stopProcess } from '../lib/procs.mjs';
import { fmt } from '../lib/report.mjs';
import { ourPath, PAGE_QUERY, startLimit, startOurs, targetOf } from '../lib/servers.mjs';

/** Case 3: the filtered page on 10 k, 100 k and 1 M statuses at 1, 10 and 50 clients; ours and the limit. */
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
    const query = PAGE_QUERY;
    const probe = await send(ours.url, 'GET', `${ourPath(data.configs.small)}?${query}`, auth);
    if (probe.status !== 200) {
      report.pending.push({
        case: 3,
        what: 'filtered page (SQLite)',
        why: `GET …/userStatuses?${decodeURIComponent(query)} answers ${probe.status}: ${probe.text}`,
      });
      return;
    }
    await checkLimit(ctx, ours, limit, data.configs.small, ['filtered page']);
    const rows = [];
    const levels = [];
    const labels = Object.keys(data.configs).flatMap((tag) => [`ours ${tag}`, `limit ${tag}`]);
    for (const clients of P.levels) {
      const lr = [];
      for (let round = 0; round < P.rounds; round++) {
        for (const [tag, cfg] of Object.entries(data.configs)) {
          for (const t of round % 2 ? [limit, ours] : [ours, limit]) {
            log(`filtered page ${tag}, ${clients} client(s): round ${round + 1}/${P.rounds}, ${t.label}`);
            const m = await measure(
              [loadJob(ctx, t, 'get-page', cfg, { query, connections: clients, durationSec: P.pageDuration })],
              [t.pid],
            );
            const r = { ...row(ctx, round, `${t.label} ${tag}`, m, [t.logFile]), clients, size: cfg.n };
            r.walMb = walMb(data.db);
            lr.push(r);
            log(
              `  ${fmt.int(r.rps)} req/s, p50 ${fmt.ms(r.p50)} ms, p99 ${fmt.ms(r.p99)} ms, server ${fmt.pct(r.serverPct)}`,
            );
          }
        }
      }
      rows.push(...lr);
      const ratios = Object.fromEntries(
        Object.keys(data.configs).map((tag) => [tag, pairedRatio(lr, `ours ${tag}`, `limit ${tag}`)]),
      );
      levels.push({ clients, sum: summarizeRows(lr, labels), ratios });
    }
    report.sections.push({ kind: 'page', case: 3, rows, levels, sizes: P.sizes, query });
  } finally {
    await Promise.all(started.map((p) => stopProcess(p)));
  }
}
