/**
 * Measuring: load-generator processes (bench/load.mjs) against a target while the CPU of the server, the load
 * generator and the machine is sampled; rows per round, medians over rounds, ratios paired by round.
 */
import { fork } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { BENCH, CORES, log } from './context.mjs';
import { cpuSeconds, machineCpu, track } from './procs.mjs';
import { fmt, median, verdict } from './report.mjs';

/**
 * Runs `jobs` (one load-generator process each) at once; CPU of `serverPids` (and `extraCpu()`, e.g. all
 * PostgreSQL processes) is sampled over the measured window, which starts when every generator has warmed up.
 */
export async function measure(jobs, serverPids, extraCpu) {
  const workers = jobs.map(() =>
    track(fork(join(BENCH, 'load.mjs'), { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })),
  );
  let measuring = 0;
  let startSnap;
  const results = await Promise.all(
    workers.map(
      (w, i) =>
        new Promise((resolveJob, reject) => {
          w.on('message', (m) => {
            if (m.type === 'measuring') {
              measuring++;
              if (measuring === jobs.length) startSnap = snap();
            } else if (m.type === 'result') resolveJob(m.result);
            else if (m.type === 'error') reject(new Error(m.message));
          });
          w.on('exit', (code) => reject(new Error(`load generator exited with ${code}`)));
          w.send(jobs[i]);
        }),
    ),
  );
  const endSnap = snap();
  for (const w of workers) w.kill();
  const wall = endSnap.t - startSnap.t;
  const pct = (a, b) => (a === undefined || b === undefined ? NaN : (100 * (b - a)) / wall);
  return {
    results,
    wall,
    serverPct: serverPids.map((_p, i) => pct(startSnap.cpu[i], endSnap.cpu[i])),
    extraPct: extraCpu ? pct(startSnap.extra, endSnap.extra) : 0,
    machinePct: pct(startSnap.machine.busy, endSnap.machine.busy),
    iowaitPct: pct(startSnap.machine.iowait, endSnap.machine.iowait),
    loadPct: (100 * results.reduce((s, r) => s + r.loadCpuSec, 0)) / wall,
  };

  function snap() {
    return {
      t: performance.now() / 1000,
      cpu: serverPids.map((p) => cpuSeconds(p)),
      extra: extraCpu?.(),
      machine: machineCpu(),
    };
  }
}

/** One load generator's job against `target`, with the run's connections, warm-up and duration. */
export function loadJob(ctx, target, kind, cfg, extra = {}) {
  const { P } = ctx;
  return {
    url: target.url,
    kind,
    collection: target.collection(cfg),
    tag: cfg.tag,
    n: cfg.n,
    headers: target.headers,
    connections: P.connections,
    warmupSec: P.warmup,
    durationSec: P.duration,
    ...extra,
  };
}

/** One measurement of one target, flattened for the report. */
export function row(ctx, round, label, m, logFiles = []) {
  const { report } = ctx;
  const r = m.results;
  const rps = r.reduce((s, x) => s + x.rps, 0);
  const serverPct = m.serverPct.reduce((a, b) => a + b, 0);
  const bad = r.reduce((s, x) => s + x.non2xx + x.errors, 0);
  const total = r.reduce((s, x) => s + x.requests + x.non2xx + x.errors, 0);
  // A round where the server died or answered errors is reported, not counted.
  const failed = !(m.serverPct.every((x) => Number.isFinite(x) && x >= 0) && rps > 0 && bad <= 0.01 * total);
  if (failed) {
    const tails = logFiles.map((f) => {
      try {
        return readFileSync(f, 'utf8').slice(-600).replace(/\s+/g, ' ');
      } catch {
        return '';
      }
    });
    report.notes.push(
      `A round of ${label} failed and is left out of the medians: ${fmt.int(rps)} req/s, ${bad} of ${total} requests non-2xx or errors ` +
        `(${JSON.stringify(r.map((x) => x.statusCodes))}), server CPU ${m.serverPct.map((x) => fmt.pct(x)).join(' + ')}. Server log tail: ${tails.join(' | ')}`,
    );
  }
  return {
    failed,
    round,
    label,
    rps,
    p50: Math.max(...r.map((x) => x.latency.p50)),
    p99: Math.max(...r.map((x) => x.latency.p99)),
    non2xx: r.reduce((s, x) => s + x.non2xx, 0),
    errors: r.reduce((s, x) => s + x.errors, 0),
    codes: r.map((x) => x.statusCodes),
    serverPct,
    serverPcts: m.serverPct,
    extraPct: m.extraPct,
    loadPct: m.loadPct,
    machinePct: m.machinePct,
    iowaitPct: m.iowaitPct,
    cpuUsPerReq: (serverPct / 100 / rps) * 1e6,
    limitedBy: verdict({
      serverPct: Math.max(...m.serverPct),
      loadPct: m.loadPct,
      extraPct: m.extraPct,
      machinePct: m.machinePct,
      iowaitPct: m.iowaitPct,
      cores: CORES,
    }),
  };
}

/** Medians per label over the rounds that did not fail. */
export function summarizeRows(rows, labels) {
  const out = {};
  for (const l of labels) {
    const all = rows.filter((r) => r.label === l);
    const rs = all.filter((r) => !r.failed);
    if (all.length === 0) continue;
    const limited = rs.map((r) => r.limitedBy);
    out[l] = {
      rps: median(rs.map((r) => r.rps)),
      p50: median(rs.map((r) => r.p50)),
      p99: median(rs.map((r) => r.p99)),
      serverPct: median(rs.map((r) => r.serverPct)),
      extraPct: median(rs.map((r) => r.extraPct)),
      loadPct: median(rs.map((r) => r.loadPct)),
      machinePct: median(rs.map((r) => r.machinePct)),
      cpuUsPerReq: median(rs.map((r) => r.cpuUsPerReq)),
      non2xx: all.reduce((s, r) => s + r.non2xx + r.errors, 0),
      limitedBy: mode(limited),
      rounds: rs.length,
      failedRounds: all.length - rs.length,
    };
  }
  return out;
}

/** The most frequent value. */
export const mode = (xs) => {
  const c = new Map();
  for (const x of xs) c.set(x, (c.get(x) ?? 0) + 1);
  return [...c.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
};

/** Median over rounds of a/b, pairing the measurements of the same round. */
export function pairedRatio(rows, a, b, field = 'rps') {
  const rounds = [...new Set(rows.map((r) => r.round))];
  return median(
    rounds.map((k) => {
      const x = rows.find((r) => r.round === k && r.label === a && !r.failed)?.[field];
      const y = rows.find((r) => r.round === k && r.label === b && !r.failed)?.[field];
      return x / y;
    }),
  );
}

/**
 * Interleaved rounds: each round measures every target once, the order rotated from round to round. A target's
 * `extraCpu` (e.g. every PostgreSQL process) is sampled with it; `clients` is recorded on each row.
 */
export async function interleaved(ctx, name, targets, makeJob, pids, clients) {
  const { P } = ctx;
  const rows = [];
  for (let round = 0; round < P.rounds; round++) {
    const order = targets.map((_, i) => targets[(i + round) % targets.length]);
    for (const t of order) {
      log(`${name}: round ${round + 1}/${P.rounds}, ${t.label}`);
      const m = await measure([makeJob(t)], pids(t), t.extraCpu);
      const r = { ...row(ctx, round, t.label, m, t.logFile ? [t.logFile] : []), clients };
      if (t.wal) r.walMb = t.wal();
      rows.push(r);
      log(
        `  ${fmt.int(r.rps)} req/s, p50 ${fmt.ms(r.p50)} ms, p99 ${fmt.ms(r.p99)} ms, server ${fmt.pct(r.serverPct)}, load ${fmt.pct(r.loadPct)}${r.non2xx + r.errors ? `, ${r.non2xx} non-2xx / ${r.errors} errors ${JSON.stringify(r.codes)}` : ''}`,
      );
    }
  }
  return rows;
}

/**
 * One operation at each level of concurrent clients: interleaved rounds of `targets(clients)` per level (a level
 * with fewer than two targets has nothing to compare and is skipped), medians per label, and ratios: ours ÷ the
 * limit, a peer ÷ ours. Returns every row and, per level, { clients, sum, ratios }.
 */
export async function atLevels(ctx, name, targets, job, levels = ctx.P.levels) {
  const rows = [];
  const perLevel = [];
  for (const clients of levels) {
    const ts = targets(clients);
    if (ts.length < 2) continue;
    const lr = await interleaved(
      ctx,
      `${name}, ${clients} client(s)`,
      ts,
      (t) => job(t, clients),
      (t) => [t.pid],
      clients,
    );
    rows.push(...lr);
    const ratios = {};
    for (const t of ts.slice(1))
      ratios[t.label] =
        t.label === 'limit' ? pairedRatio(lr, ts[0].label, 'limit') : pairedRatio(lr, t.label, ts[0].label);
    perLevel.push({
      clients,
      sum: summarizeRows(
        lr,
        ts.map((t) => t.label),
      ),
      ratios,
    });
  }
  return { rows, levels: perLevel };
}

/** Size of a SQLite database's WAL file in MB (0 when there is none). */
export function walMb(db) {
  try {
    return statSync(`${db}-wal`).size / 2 ** 20;
  } catch {
    return 0;
  }
}
