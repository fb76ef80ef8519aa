/** Case 4: statuses through the bulk PATCH (1,000 per request) into an empty configuration; ours and the limit. */
import { copyFileSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { CORES, log } from '../lib/context.mjs';
import { measure, mode, pairedRatio } from '../lib/measure.mjs';
import { memory, stopProcess } from '../lib/procs.mjs';
import { fmt, median, verdict } from '../lib/report.mjs';
import { createConfiguration, ourPath, startLimit, startOurs, token } from '../lib/servers.mjs';

/** Case 4: 1 M statuses through the bulk PATCH (1,000 per request) into an empty configuration; ours vs limit. */
export async function caseBulk(ctx) {
  const { P, opts, report, work } = ctx;
  const template = join(work, 'bulk-template.db');
  const prep = await startOurs(ctx, 'bulk-prepare', template);
  const tok = token(template);
  let configId;
  try {
    configId = await createConfiguration(prep.url, tok, 'benchmark bulk ingest');
  } finally {
    await stopProcess(prep);
  }
  const cfg = { id: configId, tag: 'bulk', n: P.bulkTotal };
  const rows = [];
  for (let round = 0; round < P.rounds; round++) {
    for (const label of opts.bulkOursOnly ? ['ours'] : round % 2 ? ['limit', 'ours'] : ['ours', 'limit']) {
      const db = join(work, `bulk-${label}-${round}.db`);
      for (const ext of ['', '-wal', '-shm']) if (existsSync(template + ext)) copyFileSync(template + ext, db + ext);
      const proc =
        label === 'ours'
          ? await startOurs(ctx, `bulk-${label}-${round}`, db)
          : await startLimit(ctx, `bulk-${label}-${round}`, db);
      let m;
      let peak;
      try {
        log(`bulk ingest: round ${round + 1}/${P.rounds}, ${label}`);
        let maxRss = 0;
        const sampler = setInterval(() => (maxRss = Math.max(maxRss, memory(proc.pid).rssMb)), 250);
        m = await measure(
          [
            {
              url: proc.match,
              kind: 'bulk-ingest',
              collection: ourPath(cfg),
              headers: { authorization: `Bearer ${tok}` },
              total: P.bulkTotal,
              perRequest: P.bulkPer,
              inFlight: P.bulkInFlight,
            },
          ],
          [proc.pid],
        );
        clearInterval(sampler);
        peak = Math.max(maxRss, memory(proc.pid).peakRssMb);
      } finally {
        await stopProcess(proc);
      }
      const r = m.results[0];
      const check = new Database(db, { readonly: true });
      const stored = check
        .prepare('SELECT COUNT(*) AS n FROM user_statuses WHERE configuration_id = ?')
        .get(configId).n;
      check.close();
      for (const ext of ['', '-wal', '-shm']) rmSync(db + ext, { force: true });
      const serverPct = m.serverPct[0];
      rows.push({
        round,
        label,
        seconds: r.seconds,
        itemsPerSec: r.itemsPerSec,
        peakRssMb: peak,
        failures: r.failures,
        firstFailure: r.firstFailure,
        stored,
        serverPct,
        loadPct: m.loadPct,
        limitedBy: verdict({
          serverPct,
          loadPct: m.loadPct,
          machinePct: m.machinePct,
          iowaitPct: m.iowaitPct,
          cores: CORES,
        }),
        machinePct: m.machinePct,
      });
      log(
        `  ${r.seconds.toFixed(1)} s (${fmt.int(r.itemsPerSec)} statuses/s), peak RSS ${fmt.mb(peak)} MB, ${stored} stored, server ${fmt.pct(serverPct)}, load ${fmt.pct(m.loadPct)}${r.failures ? `, ${r.failures} failed: ${r.firstFailure}` : ''}`,
      );
    }
  }
  const s = (l, f) => median(rows.filter((r) => r.label === l).map((r) => r[f]));
  const sum = {};
  for (const l of ['ours', 'limit']) {
    if (!rows.some((r) => r.label === l)) continue;
    sum[l] = {
      seconds: s(l, 'seconds'),
      itemsPerSec: s(l, 'itemsPerSec'),
      peakRssMb: s(l, 'peakRssMb'),
      serverPct: s(l, 'serverPct'),
      loadPct: s(l, 'loadPct'),
      limitedBy: mode(rows.filter((r) => r.label === l).map((r) => r.limitedBy)),
      failures: rows.filter((r) => r.label === l).reduce((a, r) => a + r.failures, 0),
    };
  }
  report.sections.push({ kind: 'bulk', case: 4, rows, sum, ratio: pairedRatio(rows, 'ours', 'limit', 'itemsPerSec') });
}
