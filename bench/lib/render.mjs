/** The run's report as Markdown, and the generated sections of BENCHMARKS.md. */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { CORES, log, REPO } from './context.mjs';
import { fmt, table } from './report.mjs';

/** The machine and the commit a run measured. */
export function machine() {
  const c = os.cpus();
  let commit = 'unknown';
  let dirty = '';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO, encoding: 'utf8' }).trim();
    dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], {
      cwd: REPO,
      encoding: 'utf8',
    }).trim()
      ? ' (with uncommitted changes)'
      : '';
  } catch {}
  return {
    cpu: `${c.length} × ${c[0]?.model ?? 'unknown'}`,
    memory: `${Math.round(os.totalmem() / 2 ** 30)} GiB`,
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    commit: `${commit}${dirty}`,
    loadavg: os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' '),
  };
}

/** A row's label, saying how many of its rounds failed and were left out of the summary. */
const withFailures = (label, x) => (x.failedRounds ? `${label} (${x.failedRounds} failed round(s) left out)` : label);

const clientsLabel = (n) => `${n} client${n === 1 ? '' : 's'}`;

/** The Markdown report of a run: method, one table per case, what is pending, notes, every round. */
export function render(ctx, meta) {
  const L = [];
  method(ctx, meta, L);
  throughputSection(ctx, L);
  pageSection(ctx, L);
  bulkSection(ctx, L);
  postgresSection(ctx, L);
  pendingAndNotes(ctx, L);
  everyRound(ctx, L);
  return L.join('\n');
}

/** How the run was made: when, on what, with which parameters, on what data. */
function method(ctx, meta, L) {
  const { opts, P } = ctx;
  const m = meta.machine;
  L.push(
    `Run ${meta.date} with \`${meta.command}\`${opts.quick ? ' (**quick smoke run: small data, 1 round — not a result**)' : ''}.`,
    '',
  );
  L.push(
    `Machine: ${m.cpu}, ${m.memory} RAM, ${m.os}, Node ${m.node}; commit ${m.commit}; load average at start ${m.loadavg}.`,
    '',
  );
  L.push(
    `Method: ${P.rounds} interleaved round(s) per target (order rotated each round), each ${P.warmup} s warm-up + ${P.duration} s measured ` +
      `(${P.pageDuration} s for pages), at ${P.levels.join(', ')} concurrent clients (autocannon connections, one request in flight each) ` +
      `from a separate process; the peers at ${P.peerConnections}. Medians over rounds; ` +
      'ratios are medians of per-round ratios. CPU is % of one core over the measured window, from /proc. Our server runs as shipped: ' +
      '`serve --throttle off --log-level info` (Intune throttling off, or it would throttle the benchmark by design), request log to a file, ' +
      'SQLite WAL + `synchronous=NORMAL`. The limit is `bench/limit.mjs` on the same database file (on PostgreSQL, the same database). "Machine CPU" is every process on the ' +
      `machine (${CORES * 100} % = all ${CORES} cores), so what other work shared the machine shows; "server CPU µs/req" is server CPU time per answered request.`,
    '',
  );
  if (meta.fillSec !== undefined)
    L.push(
      `Data: ${Object.entries(P.sizes)
        .map(([k, n]) => `${fmt.int(n)} statuses (${k})`)
        .join(', ')} in one database, inserted directly in ${fmt.s(meta.fillSec)} s.`,
      '',
    );
}

/** Ours ÷ the limit by operation (rows) and level of clients (columns). */
function ratioByLevel(sections, levels) {
  return table(
    ['ours ÷ limit (req/s)', ...levels.map(clientsLabel)],
    sections.map((s) => [s.op, ...levels.map((c) => fmt.ratio(s.levels.find((l) => l.clients === c)?.ratios.limit))]),
  );
}

/** Medians of one target at one level: rate, latency, where the CPU went, what limited it. */
const measuredCells = (x, pg) => [
  fmt.int(x.rps),
  fmt.ms(x.p50),
  fmt.ms(x.p99),
  fmt.pct(x.serverPct),
  fmt.int(x.cpuUsPerReq),
  ...(pg ? [fmt.pct(x.extraPct)] : []),
  fmt.pct(x.loadPct),
  fmt.pct(x.machinePct),
];
const measuredHead = (pg) => [
  'req/s',
  'p50 ms',
  'p99 ms',
  'server CPU',
  'server CPU µs/req',
  ...(pg ? ['PostgreSQL CPU'] : []),
  'load-gen CPU',
  'machine CPU',
];

/** One operation: a row per level of clients and target, with its ratio. */
function levelTable(s, pg = false) {
  const ratioOf = (label, level) =>
    label === 'ours'
      ? ''
      : label === 'limit'
        ? `ours/limit ${fmt.ratio(level.ratios.limit)}`
        : `${fmt.ratio(level.ratios[label])} of ours`;
  return table(
    ['clients', 'target', ...measuredHead(pg), 'limited by', 'ratio', 'non-2xx'],
    s.levels.flatMap((level) =>
      Object.entries(level.sum).map(([label, x]) => [
        level.clients,
        withFailures(label, x),
        ...measuredCells(x, pg),
        x.limitedBy,
        ratioOf(label, level),
        x.non2xx,
      ]),
    ),
  );
}

/** Cases 1, 2 and 6: the ratio by level, then one table per operation. */
function throughputSection(ctx, L) {
  const { P, report } = ctx;
  const thr = report.sections.filter((s) => s.kind === 'throughput');
  if (thr.length) {
    L.push('### Cases 1, 2 and 6: seed PATCH, keyed GET, keyed PATCH', '');
    L.push(
      `On a configuration with ${fmt.int(thr[0].n)} statuses; each request names another row. Ratio: ours ÷ the limit (target ≥ 0.60×); for peers (at ${P.peerConnections} clients), the peer ÷ ours.`,
      '',
    );
    const withLimit = thr.filter((s) => s.levels.some((l) => l.ratios.limit !== undefined));
    if (withLimit.length) L.push(ratioByLevel(withLimit, P.levels), '');
    for (const s of thr) L.push(`**${s.op}**`, '', levelTable(s), '');
    if (thr[0].prismDoc)
      L.push(
        `Prism mocks ${thr[0].prismDoc}. json-server (file) is its CLI on a db.json of the same statuses (it rewrites the file after every write); json-server (memory) the same router on lowdb's Memory adapter. Prism and json-server log as shipped (Prism at info to a file, json-server \`--quiet\`).`,
        '',
      );
  }
}

/** Case 3: the filtered page by size, at each level of clients. */
function pageSection(ctx, L) {
  const { report } = ctx;
  const page = report.sections.find((s) => s.kind === 'page');
  if (!page) return;
  const tags = Object.keys(page.sizes);
  L.push(`### Case 3: filtered page \`${decodeURIComponent(page.query)}\``, '');
  L.push(
    'At one client the page measures latency; with more, throughput. Target for ours at one client: p99 < 15 ms at 1 M and p99(1 M) / p99(10 k) < 1.5.',
    '',
  );
  L.push(
    table(
      ['ours ÷ limit (req/s)', ...page.levels.map((l) => clientsLabel(l.clients))],
      tags.map((tag) => [`${fmt.int(page.sizes[tag])} statuses`, ...page.levels.map((l) => fmt.ratio(l.ratios[tag]))]),
    ),
    '',
  );
  L.push(
    table(
      [
        'clients',
        'statuses',
        'ours req/s',
        'ours p50 ms',
        'ours p99 ms',
        'limit req/s',
        'limit p50 ms',
        'limit p99 ms',
        'ours/limit req/s',
        'server CPU (ours)',
        'limited by (ours)',
        'limited by (limit)',
      ],
      page.levels.flatMap((level) =>
        tags.map((tag) => {
          const o = level.sum[`ours ${tag}`];
          const l = level.sum[`limit ${tag}`];
          return [
            level.clients,
            fmt.int(page.sizes[tag]),
            fmt.int(o?.rps),
            fmt.ms(o?.p50),
            fmt.ms(o?.p99),
            fmt.int(l?.rps),
            fmt.ms(l?.p50),
            fmt.ms(l?.p99),
            fmt.ratio(level.ratios[tag]),
            fmt.pct(o?.serverPct),
            o?.limitedBy,
            l?.limitedBy,
          ];
        }),
      ),
    ),
    '',
  );
  const first = page.levels[0];
  if (!first) return;
  const big = first.sum[`ours ${tags[2]}`];
  const small = first.sum[`ours ${tags[0]}`];
  L.push(
    `Ours at ${clientsLabel(first.clients)}: p99 at ${fmt.int(page.sizes[tags[2]])} = ${fmt.ms(big?.p99)} ms; p99 ratio ${fmt.int(page.sizes[tags[2]])} / ${fmt.int(page.sizes[tags[0]])} = ${fmt.ratio(big?.p99 / small?.p99)}; p50 ratio ${fmt.ratio(big?.p50 / small?.p50)}.`,
    '',
  );
}

/** Case 4: the bulk ingest. */
function bulkSection(ctx, L) {
  const { P, report } = ctx;
  const bulk = report.sections.find((s) => s.kind === 'bulk');
  if (bulk) {
    L.push(
      `### Case 4: bulk ingest of ${fmt.int(P.bulkTotal)} statuses, ${P.bulkPer} per PATCH, ${P.bulkInFlight} requests in flight`,
      '',
    );
    L.push(
      'Into an empty configuration of a fresh copy of one database; every round checks that all rows are stored. Targets for ours at 1 M: < 30 s, peak RSS < 250 MB' +
        (P.bulkTotal < 1_000_000
          ? `; this run ingests ${fmt.int(P.bulkTotal)} (see the 1 M run for the target itself).`
          : '.'),
      '',
    );
    L.push(
      table(
        [
          'target',
          'seconds',
          'statuses/s',
          'peak RSS MB',
          'server CPU',
          'load-gen CPU',
          'limited by',
          'failed requests',
        ],
        Object.entries(bulk.sum).map(([l, x]) => [
          l,
          fmt.s(x.seconds),
          fmt.int(x.itemsPerSec),
          fmt.mb(x.peakRssMb),
          fmt.pct(x.serverPct),
          fmt.pct(x.loadPct),
          x.limitedBy,
          x.failures,
        ]),
      ),
      '',
    );
    L.push(`Ours ÷ the limit (statuses/s): ${fmt.ratio(bulk.ratio)}.`, '');
  }
}

/** Case 5: ours against the PostgreSQL limit by level, then one instance against two. */
function postgresSection(ctx, L) {
  const { P, report, pgAdminUrl, pgDb } = ctx;
  const vsLimit = report.sections.filter((s) => s.kind === 'postgres-limit');
  const pgs = report.sections.filter((s) => s.kind === 'postgres');
  const first = vsLimit[0] ?? pgs[0];
  if (!first) return;
  L.push('### Case 5: PostgreSQL', '');
  L.push(
    `PostgreSQL ${pgAdminUrl.replace(/\/[^/]*$/, '')}, database \`${pgDb}\` (created and dropped by the run), ${fmt.int(first.n)} statuses loaded through our bulk PATCH ` +
      `in ${fmt.s(first.ingest.seconds)} s (${fmt.int(first.ingest.itemsPerSec)} statuses/s). Server CPU is the node process(es); PostgreSQL CPU sums the backends serving \`${pgDb}\` ` +
      '(other databases on the server do not count). The limit is `bench/limit.mjs` on the same database: a pg pool of our size, one named prepared statement per request.',
    '',
  );
  if (vsLimit.length) {
    L.push('**Ours ÷ the PostgreSQL limit**', '', ratioByLevel(vsLimit, P.levels), '');
    for (const s of vsLimit) L.push(`**${s.op}** (PostgreSQL)`, '', levelTable(s, true), '');
  }
  if (pgs.length) {
    L.push(
      `**One instance vs two instances on one database**, ${pgs[0].clients} clients: one load generator against one instance, or ${pgs[0].half} clients each from two load generators against two.`,
      '',
    );
    L.push(
      table(
        ['operation', 'setup', ...measuredHead(true), 'limited by', 'two ÷ one', 'non-2xx'],
        pgs.flatMap((s) =>
          Object.entries(s.sum).map(([l, x]) => [
            s.op,
            withFailures(l, x),
            ...measuredCells(x, true),
            x.limitedBy,
            l === 'two instances' ? fmt.ratio(s.ratio) : '',
            x.non2xx,
          ]),
        ),
      ),
      '',
    );
  }
}

/** What could not be measured, and what the run noticed. */
function pendingAndNotes(ctx, L) {
  const { report } = ctx;
  if (report.pending.length) {
    L.push('### Pending', '');
    for (const p of report.pending) L.push(`- Case ${p.case}, ${p.what}: ${p.why.replace(/\s+/g, ' ').slice(0, 800)}`);
    L.push('');
  }
  if (report.notes.length) {
    L.push('### Notes from the run', '');
    for (const n of report.notes) L.push(`- ${n.replace(/\n/g, ' ')}`);
    L.push('');
  }
}

/** Every round of every case, folded away. */
function everyRound(ctx, L) {
  const { report } = ctx;
  L.push('<details><summary>Every round</summary>', '');
  const raw = [];
  for (const s of report.sections) {
    for (const r of s.rows) {
      if (s.kind === 'bulk')
        raw.push([
          `4 bulk`,
          r.label,
          '',
          r.round + 1,
          `${fmt.s(r.seconds)} s`,
          '',
          '',
          fmt.pct(r.serverPct),
          fmt.pct(r.loadPct),
          fmt.pct(r.machinePct),
          `${fmt.mb(r.peakRssMb)} MB peak RSS`,
        ]);
      else
        raw.push([
          `${s.case} ${s.op ?? 'page'}${s.kind === 'postgres-limit' ? ' (PostgreSQL)' : ''}`,
          r.label,
          r.clients ?? '',
          r.round + 1,
          fmt.int(r.rps),
          fmt.ms(r.p50),
          fmt.ms(r.p99),
          fmt.pct(r.serverPct),
          fmt.pct(r.loadPct),
          fmt.pct(r.machinePct),
          [
            r.failed ? '**failed, not counted**' : '',
            r.extraPct ? `PostgreSQL ${fmt.pct(r.extraPct)}` : '',
            r.walMb !== undefined ? `WAL ${fmt.mb(r.walMb)} MB` : '',
            r.non2xx + r.errors ? `${r.non2xx + r.errors} non-2xx` : '',
          ]
            .filter(Boolean)
            .join(', '),
        ]);
    }
  }
  L.push(
    table(
      ['case', 'target', 'clients', 'round', 'req/s', 'p50 ms', 'p99 ms', 'server CPU', 'load CPU', 'machine CPU', ''],
      raw,
    ),
    '',
    '</details>',
  );
}

/** Replaces the generated section `section` of BENCHMARKS.md (or appends it). */
export function writeBenchmarksMd(generated, section = 'main') {
  const BEGIN = `<!-- bench:${section}:begin (generated by bench/run.mjs; edit outside these markers) -->`;
  const END = `<!-- bench:${section}:end -->`;
  const file = join(REPO, 'BENCHMARKS.md');
  const block = `${BEGIN}\n${generated}\n${END}`;
  let text;
  if (existsSync(file)) {
    const old = readFileSync(file, 'utf8');
    const a = old.indexOf(`<!-- bench:${section}:begin`);
    const b = old.indexOf(END);
    text =
      a >= 0 && b > a ? `${old.slice(0, a)}${block}${old.slice(b + END.length)}` : `${old.trimEnd()}\n\n${block}\n`;
  } else {
    text = `# Benchmarks\n\nProduced by \`npm run bench\` (bench/run.mjs); see bench/README.md for what each case measures.\n\n## Latest run\n\n${block}\n`;
  }
  writeFileSync(file, text);
  log(`wrote ${file}`);
}
