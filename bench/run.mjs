#!/usr/bin/env node
/**
 * The benchmarks of issue #6 (`npm run bench` builds, then runs this against dist/).
 *
 *   node bench/run.mjs [--quick] [--only 1,2,3,4,5,6] [--rounds N] [--duration S] [--bulk-total N]
 *                      [--bulk-ours-only] [--section NAME] [--write | --no-write] [--keep] [--profile] [--pg-url URL]
 *
 * Every number is a median of rounds that interleave the server and its baseline, each round measured in its
 * own load-generator process (bench/load.mjs) after a warm-up, with the CPU of server and load generator
 * sampled from /proc to say which one limited it. A full run writes BENCHMARKS.md (the part between the
 * generated-section markers) and bench/results/; `--quick` is a smoke run on small data that writes only
 * bench/results/ unless `--write` is given. `--profile` runs our server under `--cpu-prof` per scenario
 * instead, and writes where its time goes.
 */
import { execFileSync, fork, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import pg from 'pg';
import { formatSummary, summarize } from './lib/cpuprofile.mjs';
import { INSERT_STATUS, statusBody, statusId, statusRow } from './lib/data.mjs';
import {
  cpuSeconds,
  cpuSecondsByComm,
  installCleanup,
  machineCpu,
  memory,
  sleep,
  startProcess,
  stopProcess,
  track,
} from './lib/procs.mjs';
import { fmt, median, table, verdict } from './lib/report.mjs';

const BENCH = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(BENCH, '..');
const CLI = join(REPO, 'dist/cli/main.js');
const CORES = os.cpus().length;

// ---------------------------------------------------------------------------------------------- options

function parseArgs(argv) {
  const o = { quick: false, write: undefined, keep: false, profile: false, only: undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => argv[++i];
    if (a === '--quick') o.quick = true;
    else if (a === '--write') o.write = true;
    else if (a === '--no-write') o.write = false;
    else if (a === '--keep') o.keep = true;
    else if (a === '--profile') o.profile = true;
    else if (a === '--only') o.only = new Set(val().split(',').map(Number));
    else if (a === '--rounds') o.rounds = Number(val());
    else if (a === '--duration') o.duration = Number(val());
    else if (a === '--pg-url') o.pgUrl = val();
    else if (a === '--bulk-total') o.bulkTotal = Number(val());
    else if (a === '--section') o.section = val();
    else if (a === '--bulk-ours-only') o.bulkOursOnly = true;
    else if (a === '--help' || a === '-h') {
      process.stdout.write(`${readFileSync(fileURLToPath(import.meta.url), 'utf8').split('*/')[0]}*/\n`);
      process.exit(0);
    } else throw new Error(`unknown option ${a}`);
  }
  return o;
}

const opts = parseArgs(process.argv.slice(2));
const P = opts.quick
  ? {
      sizes: { small: 1_000, mid: 5_000, large: 20_000 },
      rounds: 1,
      warmup: 1,
      duration: 2,
      pageDuration: 2,
      bulkTotal: 20_000,
      pgStatuses: 5_000,
    }
  : {
      sizes: { small: 10_000, mid: 100_000, large: 1_000_000 },
      rounds: 3,
      warmup: 2,
      duration: 8,
      pageDuration: 6,
      bulkTotal: 100_000,
      pgStatuses: 100_000,
    };
P.connections = 10;
P.pageConnections = 1;
P.bulkPer = 1000;
P.bulkInFlight = 2;
if (opts.rounds) P.rounds = opts.rounds;
if (opts.duration) P.duration = P.pageDuration = opts.duration;
if (opts.bulkTotal) P.bulkTotal = opts.bulkTotal;
const CASES = opts.only ?? new Set([1, 2, 3, 4, 5, 6]);
const want = (n) => CASES.has(n);
const PG_ADMIN_URL = opts.pgUrl ?? process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const PG_DB = 'appconfig_bench';

const WORK = mkdtempSync(join(os.tmpdir(), 'appconfig-bench-'));
installCleanup(() => {
  if (!opts.keep) rmSync(WORK, { recursive: true, force: true });
});

const log = (s) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${s}\n`);

// ----------------------------------------------------------------------------------------------- servers

const OURS_READY = /(http:\/\/127\.0\.0\.1:\d+)\/v1\.0/;
const V = '/v1.0/deviceAppManagement/mobileAppConfigurations';

async function startOurs(name, db, nodeArgs = []) {
  const p = await startProcess({
    name,
    cmd: process.execPath,
    args: [
      ...nodeArgs,
      CLI,
      'serve',
      '--port',
      '0',
      '--https-port',
      '-1',
      '--db',
      db,
      '--data-dir',
      WORK,
      '--throttle',
      'off',
      '--log-level',
      'info',
    ],
    cwd: REPO,
    logFile: join(WORK, `${name}.log`),
    ready: OURS_READY,
  });
  return { ...p, url: p.match };
}

async function startLimit(name, db) {
  const p = await startProcess({
    name,
    cmd: process.execPath,
    args: [join(BENCH, 'limit.mjs'), '--db', db, '--port', '0', '--durability', 'normal'],
    cwd: REPO,
    logFile: join(WORK, `${name}.log`),
    ready: /limit serving (http:\/\/127\.0\.0\.1:\d+)/,
  });
  return { ...p, url: p.match };
}

function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

function token(db) {
  return execFileSync(process.execPath, [CLI, 'token', '--db', db, '--ttl', '14400'], {
    cwd: REPO,
    encoding: 'utf8',
  }).trim();
}

async function createConfiguration(url, tok, displayName) {
  const r = await fetch(`${url}${V}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${tok}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      '@odata.type': '#microsoft.graph.iosMobileAppConfiguration',
      displayName,
      description: 'benchmark data',
      targetedMobileApps: ['com.microsoft.office.outlook'],
      settings: [
        { appConfigKey: 'ServerUrl', appConfigKeyType: 'stringType', appConfigKeyValue: 'https://outlook.contoso.com' },
      ],
    }),
  });
  if (r.status !== 201) throw new Error(`creating a configuration answered ${r.status}: ${await r.text()}`);
  return (await r.json()).id;
}

// ------------------------------------------------------------------------------------------- measuring

/**
 * Runs `jobs` (one load-generator process each) at once; CPU of `serverPids` (and `extraCpu()`, e.g. all
 * PostgreSQL processes) is sampled over the measured window, which starts when every generator has warmed up.
 */
async function measure(jobs, serverPids, extraCpu) {
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

function loadJob(target, kind, cfg, extra = {}) {
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
function row(round, label, m, logFiles = []) {
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

function summarizeRows(rows, labels) {
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

const mode = (xs) => {
  const c = new Map();
  for (const x of xs) c.set(x, (c.get(x) ?? 0) + 1);
  return [...c.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
};

/** Median over rounds of a/b, pairing the measurements of the same round. */
function pairedRatio(rows, a, b, field = 'rps') {
  const rounds = [...new Set(rows.map((r) => r.round))];
  return median(
    rounds.map((k) => {
      const x = rows.find((r) => r.round === k && r.label === a && !r.failed)?.[field];
      const y = rows.find((r) => r.round === k && r.label === b && !r.failed)?.[field];
      return x / y;
    }),
  );
}

/** Interleaved rounds: each round measures every target once, the order rotated from round to round. */
async function interleaved(name, targets, makeJob, pids) {
  const rows = [];
  for (let round = 0; round < P.rounds; round++) {
    const order = targets.map((_, i) => targets[(i + round) % targets.length]);
    for (const t of order) {
      log(`${name}: round ${round + 1}/${P.rounds}, ${t.label}`);
      const m = await measure([makeJob(t)], pids(t));
      const r = row(round, t.label, m, t.logFile ? [t.logFile] : []);
      if (t.wal) r.walMb = t.wal();
      rows.push(r);
      log(
        `  ${fmt.int(r.rps)} req/s, p50 ${fmt.ms(r.p50)} ms, p99 ${fmt.ms(r.p99)} ms, server ${fmt.pct(r.serverPct)}, load ${fmt.pct(r.loadPct)}${r.non2xx + r.errors ? `, ${r.non2xx} non-2xx / ${r.errors} errors ${JSON.stringify(r.codes)}` : ''}`,
      );
    }
  }
  return rows;
}

/** Size of a SQLite database's WAL file in MB (0 when there is none). */
function walMb(db) {
  try {
    return statSync(`${db}-wal`).size / 2 ** 20;
  } catch {
    return 0;
  }
}

// ---------------------------------------------------------------------------------------- honesty probes

async function send(url, method, path, headers, body) {
  const r = await fetch(`${url}${path}`, {
    method,
    headers: { ...headers, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await r.text();
  return { status: r.status, text, headers: r.headers };
}

/** The same request to ours and to the limit must give the same JSON (hosts aside): the limit is honest. */
async function sameJson(ours, limit, method, path, body, project = (x) => x) {
  const a = await send(ours.url, method, path, ours.headers, body);
  const b = await send(limit.url, method, path, limit.headers, body);
  const norm = (t, url) => JSON.stringify(project(JSON.parse(t.replaceAll(url, 'http://HOST'))));
  if (a.status !== b.status) return `status ${a.status} (ours) vs ${b.status} (limit): ${a.text.slice(0, 300)}`;
  const x = norm(a.text, ours.url);
  const y = norm(b.text, limit.url);
  return x === y ? undefined : `bodies differ:\n  ours:  ${x.slice(0, 600)}\n  limit: ${y.slice(0, 600)}`;
}

// -------------------------------------------------------------------------------------------- the data

async function prepareSqlite() {
  const db = join(WORK, 'bench.db');
  log(`preparing SQLite data in ${db}`);
  const prep = await startOurs('prepare', db);
  const tok = token(db);
  const configs = {};
  try {
    for (const [tag, n] of Object.entries(P.sizes))
      configs[tag] = { tag, n, id: await createConfiguration(prep.url, tok, `benchmark ${tag} (${n} statuses)`) };
  } finally {
    await stopProcess(prep);
  }
  const t0 = performance.now();
  const d = new Database(db);
  d.pragma('journal_mode = WAL');
  d.pragma('synchronous = OFF');
  const ins = d.prepare(INSERT_STATUS);
  for (const cfg of Object.values(configs)) {
    const fill = d.transaction((from, to) => {
      for (let i = from; i < to; i++) ins.run(statusRow(cfg.id, cfg.tag, i));
    });
    for (let i = 0; i < cfg.n; i += 50_000) fill(i, Math.min(cfg.n, i + 50_000));
  }
  d.pragma('wal_checkpoint(TRUNCATE)');
  d.close();
  const fillSec = (performance.now() - t0) / 1000;
  log(`  ${Object.values(configs).reduce((s, c) => s + c.n, 0)} statuses inserted in ${fillSec.toFixed(1)} s`);
  return { db, token: tok, configs, fillSec };
}

function writeJsonServerDb(cfg) {
  const file = join(WORK, 'json-server-db.json');
  const userStatuses = new Array(cfg.n);
  for (let i = 0; i < cfg.n; i++) {
    const { '@odata.type': _, ...rest } = statusBody(i);
    userStatuses[i] = { id: statusId(cfg.tag, i), ...rest };
  }
  writeFileSync(file, JSON.stringify({ userStatuses }));
  return file;
}

// ----------------------------------------------------------------------------------------------- peers

function ensurePeers() {
  const have = ['json-server', '@stoplight/prism-cli'].every((p) =>
    existsSync(join(BENCH, 'node_modules', p, 'package.json')),
  );
  if (have) return;
  log('installing the peers (json-server, Stoplight Prism) into bench/node_modules');
  const r = spawnSync(
    'npm',
    [existsSync(join(BENCH, 'package-lock.json')) ? 'ci' : 'install', '--no-audit', '--no-fund'],
    {
      cwd: BENCH,
      stdio: 'inherit',
    },
  );
  if (r.status !== 0) throw new Error('npm install in bench/ failed');
}

async function startJsonServerFile(file) {
  const port = await freePort();
  const p = await startProcess({
    name: 'json-server',
    cmd: process.execPath,
    args: [
      join(BENCH, 'node_modules/json-server/lib/cli/bin.js'),
      file,
      '--port',
      String(port),
      '--host',
      '127.0.0.1',
      '--quiet',
    ],
    cwd: WORK,
    logFile: join(WORK, 'json-server.log'),
    ready: /^/,
  });
  await waitHttp(`http://127.0.0.1:${port}/userStatuses?_limit=1`);
  return { ...p, url: `http://127.0.0.1:${port}` };
}

async function startJsonServerMemory(file) {
  const port = await freePort();
  const p = await startProcess({
    name: 'json-server-memory',
    cmd: process.execPath,
    args: [join(BENCH, 'peers/json-server-memory.cjs'), file, String(port)],
    cwd: BENCH,
    logFile: join(WORK, 'json-server-memory.log'),
    ready: /listening on (http:\/\/127\.0\.0\.1:\d+)/,
  });
  return { ...p, url: p.match };
}

async function startPrism(doc, name) {
  const port = await freePort();
  const p = await startProcess({
    name,
    cmd: process.execPath,
    args: [
      join(BENCH, 'node_modules/@stoplight/prism-cli/dist/index.js'),
      'mock',
      '-h',
      '127.0.0.1',
      '-p',
      String(port),
      doc,
    ],
    cwd: BENCH,
    logFile: join(WORK, `${name}.log`),
    ready: /Prism is listening on (http:\/\/127\.0\.0\.1:\d+)/,
  });
  return { ...p, url: p.match };
}

async function waitHttp(url, timeoutMs = 120_000) {
  const t0 = Date.now();
  for (;;) {
    try {
      const r = await fetch(url);
      await r.arrayBuffer();
      if (r.ok) return;
    } catch {}
    if (Date.now() - t0 > timeoutMs) throw new Error(`${url} did not answer within ${timeoutMs} ms`);
    await sleep(200);
  }
}

/**
 * Prism on the project's own /openapi.json when Prism serves the seed PATCH from it, else on the minimal
 * description in bench/openapi.min.json; says which and why.
 */
async function startPrismPeer(ours, cfg) {
  const served = join(WORK, 'openapi.json');
  writeFileSync(served, await (await fetch(`${ours.url}/openapi.json`)).text());
  const probe = async (p) => {
    const r = await send(p.url, 'PATCH', `${V}/${cfg.id}/userStatuses`, ours.headers, statusBody(1));
    const g = await send(p.url, 'GET', `${V}/${cfg.id}/userStatuses/${statusId(cfg.tag, 1)}`, ours.headers);
    const k = await send(p.url, 'PATCH', `${V}/${cfg.id}/userStatuses/${statusId(cfg.tag, 1)}`, ours.headers, {
      status: 'error',
    });
    const bad = [r, g, k].find((x) => x.status >= 300);
    return bad ? `${bad.status} ${bad.headers.get('sl-violations') ?? bad.text.slice(0, 200)}` : undefined;
  };
  let prism = await startPrism(served, 'prism');
  const why = await probe(prism);
  if (!why) return { prism, document: 'the served /openapi.json' };
  await stopProcess(prism);
  prism = await startPrism(join(BENCH, 'openapi.min.json'), 'prism-min');
  const still = await probe(prism);
  if (still) throw new Error(`Prism rejects the benchmark requests even on bench/openapi.min.json: ${still}`);
  return {
    prism,
    document: `bench/openapi.min.json (the served /openapi.json is not usable by Prism: the seed PATCH answers ${why})`,
  };
}

// ---------------------------------------------------------------------------------------------- cases

const report = { sections: [], pending: [], notes: [] };

const ourPath = (cfg) => `${V}/${cfg.id}/userStatuses`;

/** Cases 1, 2 and 6: seed PATCH, keyed GET and keyed PATCH; ours vs the limit vs the peers, interleaved. */
async function casesThroughput(data) {
  const cfg = data.configs.mid;
  const auth = { authorization: `Bearer ${data.token}` };
  const started = [];
  const stopAll = () => Promise.all(started.map((p) => stopProcess(p)));
  try {
    const oursP = await startOurs('ours', data.db);
    started.push(oursP);
    const limitP = await startLimit('limit', data.db);
    started.push(limitP);
    const wal = () => walMb(data.db);
    const ours = {
      label: 'ours',
      url: oursP.url,
      pid: oursP.pid,
      headers: auth,
      collection: ourPath,
      logFile: oursP.logFile,
      wal,
    };
    const limit = {
      label: 'limit',
      url: limitP.url,
      pid: limitP.pid,
      headers: auth,
      collection: ourPath,
      logFile: limitP.logFile,
      wal,
    };

    // Honesty: the limit answers the same JSON as ours for each benchmarked request.
    const checks = [
      ['seed PATCH', 'PATCH', ourPath(cfg), statusBody(3, 3)],
      ['keyed GET', 'GET', `${ourPath(cfg)}/${statusId(cfg.tag, 3)}`, undefined],
      ['keyed PATCH', 'PATCH', `${ourPath(cfg)}/${statusId(cfg.tag, 3)}`, { status: 'compliant', devicesCount: 1 }],
    ];
    for (const [what, method, path, body] of checks) {
      const diff = await sameJson(ours, limit, method, path, body);
      if (diff) report.notes.push(`The limit does not answer the ${what} as ours does: ${diff}`);
      else log(`  ${what}: the limit answers the same JSON as ours`);
    }

    let peers = [];
    let prismDoc;
    if (want(6)) {
      ensurePeers();
      const file = writeJsonServerDb(cfg);
      const js = await startJsonServerFile(file);
      started.push(js);
      const jm = await startJsonServerMemory(file);
      started.push(jm);
      const { prism, document } = await startPrismPeer(ours, cfg);
      started.push(prism);
      prismDoc = document;
      const jsPath = () => '/userStatuses';
      peers = [
        {
          label: 'json-server (file)',
          logFile: js.logFile,
          url: js.url,
          pid: js.pid,
          headers: auth,
          collection: jsPath,
          ops: ['keyed GET', 'keyed PATCH'],
        },
        {
          label: 'json-server (memory)',
          logFile: jm.logFile,
          url: jm.url,
          pid: jm.pid,
          headers: auth,
          collection: jsPath,
          ops: ['keyed PATCH'],
        },
        {
          label: 'Prism',
          logFile: prism.logFile,
          url: prism.url,
          pid: prism.pid,
          headers: auth,
          collection: ourPath,
          ops: ['seed PATCH', 'keyed GET', 'keyed PATCH'],
        },
      ];
    }

    const ops = [
      { case: 1, name: 'seed PATCH', kind: 'patch-upn' },
      { case: 2, name: 'keyed GET', kind: 'get-id' },
      { case: 2, name: 'keyed PATCH', kind: 'patch-id' },
    ];
    for (const op of ops) {
      if (!want(op.case) && !want(6)) continue;
      const targets = [ours, ...(want(op.case) ? [limit] : []), ...peers.filter((p) => p.ops.includes(op.name))];
      const rows = await interleaved(
        op.name,
        targets,
        (t) => loadJob(t, op.kind, cfg),
        (t) => [t.pid],
      );
      const sum = summarizeRows(
        rows,
        targets.map((t) => t.label),
      );
      const ratios = {};
      for (const t of targets) {
        if (t.label === 'ours') continue;
        ratios[t.label] = t.label === 'limit' ? pairedRatio(rows, 'ours', 'limit') : pairedRatio(rows, t.label, 'ours');
      }
      report.sections.push({ kind: 'throughput', case: op.case, op: op.name, n: cfg.n, rows, sum, ratios, prismDoc });
    }
  } finally {
    await stopAll();
  }
}

/** Case 3: the filtered page on 10 k, 100 k and 1 M statuses; latency at one connection; ours and the limit. */
async function casePage(data) {
  const started = [];
  try {
    const auth = { authorization: `Bearer ${data.token}` };
    const oursP = await startOurs('ours-page', data.db);
    started.push(oursP);
    const limitP = await startLimit('limit-page', data.db);
    started.push(limitP);
    const ours = {
      label: 'ours',
      url: oursP.url,
      pid: oursP.pid,
      headers: auth,
      collection: ourPath,
      logFile: oursP.logFile,
    };
    const limit = {
      label: 'limit',
      url: limitP.url,
      pid: limitP.pid,
      headers: auth,
      collection: ourPath,
      logFile: limitP.logFile,
    };
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
            [loadJob(t, 'get-page', cfg, { query, connections: P.pageConnections, durationSec: P.pageDuration })],
            [t.pid],
          );
          const r = { ...row(round, `${t.label} ${tag}`, m, [t.logFile]), size: cfg.n, walMb: walMb(data.db) };
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

/** Case 4: 1 M statuses through the bulk PATCH (1,000 per request) into an empty configuration; ours vs limit. */
async function caseBulk() {
  const template = join(WORK, 'bulk-template.db');
  const prep = await startOurs('bulk-prepare', template);
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
      const db = join(WORK, `bulk-${label}-${round}.db`);
      for (const ext of ['', '-wal', '-shm']) if (existsSync(template + ext)) copyFileSync(template + ext, db + ext);
      const proc =
        label === 'ours'
          ? await startOurs(`bulk-${label}-${round}`, db)
          : await startLimit(`bulk-${label}-${round}`, db);
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

/** Case 5: seed PATCH and filtered page on PostgreSQL, one instance vs two instances on one database. */
async function casePostgres() {
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  try {
    await admin.connect();
  } catch (err) {
    report.pending.push({
      case: 5,
      what: 'PostgreSQL',
      why: `PostgreSQL at ${PG_ADMIN_URL} is not reachable: ${err.message}`,
    });
    return;
  }
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${PG_DB}`;
  const dbUrl = url.toString();
  const started = [];
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${PG_DB} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${PG_DB}`);
    let a;
    try {
      a = await startOurs('pg-a', dbUrl);
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
    const b = await startOurs('pg-b', dbUrl);
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
              ? [loadJob(A, op.kind, cfg, op.extra)]
              : [
                  loadJob(A, op.kind, cfg, { ...op.extra, connections: P.connections / 2 }),
                  loadJob(B, op.kind, cfg, {
                    ...op.extra,
                    connections: P.connections / 2,
                    offset: Math.floor(cfg.n / 2),
                  }),
                ];
          const m = await measure(jobs, setup === 'one instance' ? [A.pid] : [A.pid, B.pid], pgCpu);
          const r = row(round, setup, m, setup === 'one instance' ? [a.logFile] : [a.logFile, b.logFile]);
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
      await admin.query(`DROP DATABASE IF EXISTS ${PG_DB} WITH (FORCE)`);
    } catch (err) {
      log(`could not drop ${PG_DB}: ${err.message}`);
    }
    await admin.end();
  }
}

// ----------------------------------------------------------------------------------------------- profile

/** `--profile`: our server under --cpu-prof, one process per scenario, and where its samples fall. */
async function profile(data) {
  const dir = join(BENCH, 'results', `profile-${stamp()}`);
  mkdirSync(dir, { recursive: true });
  const auth = { authorization: `Bearer ${data.token}` };
  const scenarios = [
    { name: 'seed PATCH', kind: 'patch-upn', cfg: data.configs.mid },
    { name: 'keyed GET', kind: 'get-id', cfg: data.configs.mid },
    { name: 'keyed PATCH', kind: 'patch-id', cfg: data.configs.mid },
    {
      name: 'filtered page 1M',
      kind: 'get-page',
      cfg: data.configs.large,
      extra: { query: "$filter=status%20eq%20'error'&$top=100", connections: 1 },
    },
  ];
  const out = [`# CPU profiles of the server and of the limit (${new Date().toISOString()})`, ''];
  for (const s of scenarios) {
    for (const who of ['ours', 'limit']) {
      const sub = join(dir, `${who}-${s.name.replace(/\W+/g, '-')}`);
      mkdirSync(sub);
      const p =
        who === 'ours'
          ? await startOurs(`profile-${s.kind}`, data.db, ['--cpu-prof', '--cpu-prof-dir', sub])
          : await startProcess({
              name: `profile-limit-${s.kind}`,
              cmd: process.execPath,
              args: ['--cpu-prof', '--cpu-prof-dir', sub, join(BENCH, 'limit.mjs'), '--db', data.db, '--port', '0'],
              cwd: REPO,
              logFile: join(WORK, `profile-limit-${s.kind}.log`),
              ready: /limit serving (http:\/\/127\.0\.0\.1:\d+)/,
            }).then((x) => ({ ...x, url: x.match }));
      let m;
      try {
        const t = { url: p.url, headers: auth, collection: ourPath };
        m = await measure([loadJob(t, s.kind, s.cfg, s.extra ?? {})], [p.pid]);
      } finally {
        await stopProcess(p);
      }
      const r = m.results[0];
      const cpuUs = (m.serverPct[0] / 100 / r.rps) * 1e6;
      const file = readdirSync(sub).find((f) => f.endsWith('.cpuprofile'));
      const title = `${who}, ${s.name}: ${fmt.int(r.rps)} req/s under the profiler, ${fmt.int(cpuUs)} µs CPU per request (${r.non2xx} non-2xx)`;
      if (!file) {
        out.push(`### ${title}`, '', 'no profile was written', '');
        continue;
      }
      out.push(formatSummary(summarize(join(sub, file), { repo: REPO }), title), '');
      log(`profiled ${who} ${s.name}: ${join(sub, file)}`);
    }
  }
  const text = out.join('\n');
  writeFileSync(join(dir, 'profile.md'), text);
  process.stdout.write(`${text}\n`);
  log(`profile written to ${join(dir, 'profile.md')}`);
}

// ------------------------------------------------------------------------------------------------ report

const stamp = () => new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);

function machine() {
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

function render(meta) {
  const L = [];
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
      `(${P.pageDuration} s for pages), autocannon ${P.connections} connections (pages: ${P.pageConnections}) in a separate process; medians over rounds; ` +
      'ratios are medians of per-round ratios. CPU is % of one core over the measured window, from /proc. Our server runs as shipped: ' +
      '`serve --throttle off --log-level info` (Intune throttling off, or it would throttle the benchmark by design), request log to a file, ' +
      'SQLite WAL + `synchronous=NORMAL`. The limit is `bench/limit.mjs` on the same database file. "Machine CPU" is every process on the ' +
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

  const head = [
    'target',
    'req/s',
    'p50 ms',
    'p99 ms',
    'server CPU',
    'server CPU µs/req',
    'load-gen CPU',
    'machine CPU',
    'limited by',
    'ratio',
    'non-2xx',
  ];
  const thr = report.sections.filter((s) => s.kind === 'throughput');
  if (thr.length) {
    L.push('### Cases 1, 2 and 6: seed PATCH, keyed GET, keyed PATCH', '');
    L.push(
      `On a configuration with ${fmt.int(thr[0].n)} statuses; each request names another row. Ratio: ours ÷ the limit (target ≥ 0.60×); for peers, the peer ÷ ours.`,
      '',
    );
    for (const s of thr) {
      L.push(`**${s.op}**`, '');
      L.push(
        table(
          head,
          Object.entries(s.sum).map(([label, x]) => [
            x.failedRounds ? `${label} (${x.failedRounds} failed round(s) left out)` : label,
            fmt.int(x.rps),
            fmt.ms(x.p50),
            fmt.ms(x.p99),
            fmt.pct(x.serverPct),
            fmt.int(x.cpuUsPerReq),
            fmt.pct(x.loadPct),
            fmt.pct(x.machinePct),
            x.limitedBy,
            label === 'ours'
              ? ''
              : label === 'limit'
                ? `ours/limit ${fmt.ratio(s.ratios.limit)}`
                : `${fmt.ratio(s.ratios[label])} of ours`,
            x.non2xx,
          ]),
        ),
        '',
      );
    }
    if (thr[0].prismDoc)
      L.push(
        `Prism mocks ${thr[0].prismDoc}. json-server (file) is its CLI on a db.json of the same statuses (it rewrites the file after every write); json-server (memory) the same router on lowdb's Memory adapter. Prism and json-server log as shipped (Prism at info to a file, json-server \`--quiet\`).`,
        '',
      );
  }
  const page = report.sections.find((s) => s.kind === 'page');
  if (page) {
    L.push(`### Case 3: filtered page \`${decodeURIComponent(page.query)}\``, '');
    L.push(
      `One connection (latency, not throughput). Target for ours: p99 < 15 ms at 1 M and p99(1 M) / p99(10 k) < 1.5.`,
      '',
    );
    L.push(
      table(
        [
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
        ],
        Object.entries(page.sizes).map(([tag, n]) => {
          const o = page.sum[`ours ${tag}`];
          const l = page.sum[`limit ${tag}`];
          return [
            fmt.int(n),
            fmt.int(o?.rps),
            fmt.ms(o?.p50),
            fmt.ms(o?.p99),
            fmt.int(l?.rps),
            fmt.ms(l?.p50),
            fmt.ms(l?.p99),
            fmt.ratio(pairedRatio(page.rows, `ours ${tag}`, `limit ${tag}`)),
            fmt.pct(o?.serverPct),
            o?.limitedBy,
          ];
        }),
      ),
      '',
    );
    const tags = Object.keys(page.sizes);
    const big = page.sum[`ours ${tags[2]}`];
    const small = page.sum[`ours ${tags[0]}`];
    L.push(
      `Ours: p99 at ${fmt.int(page.sizes[tags[2]])} = ${fmt.ms(big?.p99)} ms; p99 ratio ${fmt.int(page.sizes[tags[2]])} / ${fmt.int(page.sizes[tags[0]])} = ${fmt.ratio(big?.p99 / small?.p99)}; p50 ratio ${fmt.ratio(big?.p50 / small?.p50)}.`,
      '',
    );
  }
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
  const pgs = report.sections.filter((s) => s.kind === 'postgres');
  if (pgs.length) {
    L.push(`### Case 5: PostgreSQL, one instance vs two instances on one database`, '');
    L.push(
      `PostgreSQL ${PG_ADMIN_URL.replace(/\/[^/]*$/, '')}, database \`${PG_DB}\` (created and dropped by the run), ${fmt.int(pgs[0].n)} statuses loaded through the bulk PATCH ` +
        `in ${fmt.s(pgs[0].ingest.seconds)} s (${fmt.int(pgs[0].ingest.itemsPerSec)} statuses/s). Two instances: ${P.connections / 2} connections each from two load generators. ` +
        'Server CPU is the node process(es); PostgreSQL CPU sums every `postgres` process.',
      '',
    );
    L.push(
      table(
        [
          'operation',
          'setup',
          'req/s',
          'p50 ms',
          'p99 ms',
          'node CPU',
          'PostgreSQL CPU',
          'load-gen CPU',
          'limited by',
          'two ÷ one',
          'non-2xx',
        ],
        pgs.flatMap((s) =>
          Object.entries(s.sum).map(([l, x]) => [
            s.op,
            x.failedRounds ? `${l} (${x.failedRounds} failed round(s) left out)` : l,
            fmt.int(x.rps),
            fmt.ms(x.p50),
            fmt.ms(x.p99),
            fmt.pct(x.serverPct),
            fmt.pct(x.extraPct),
            fmt.pct(x.loadPct),
            x.limitedBy,
            l === 'two instances' ? fmt.ratio(s.ratio) : '',
            x.non2xx,
          ]),
        ),
      ),
      '',
    );
  }
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
  L.push('<details><summary>Every round</summary>', '');
  const raw = [];
  for (const s of report.sections) {
    for (const r of s.rows) {
      if (s.kind === 'bulk')
        raw.push([
          `4 bulk`,
          r.label,
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
          `${s.case} ${s.op ?? 'page'}`,
          r.label,
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
    table(['case', 'target', 'round', 'req/s', 'p50 ms', 'p99 ms', 'server CPU', 'load CPU', 'machine CPU', ''], raw),
    '',
    '</details>',
  );
  return L.join('\n');
}

function writeBenchmarksMd(generated, section = 'main') {
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

// -------------------------------------------------------------------------------------------------- main

async function main() {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm run bench does).`);
  const t0 = performance.now();
  const meta = {
    date: new Date().toISOString(),
    command: `node bench/run.mjs ${process.argv.slice(2).join(' ')}`.trim(),
    machine: machine(),
  };
  log(`work directory ${WORK}; ${opts.quick ? 'quick' : 'full'} run of cases ${[...CASES].join(', ')}`);
  const needSqlite = opts.profile || [1, 2, 3, 6].some(want);
  const data = needSqlite ? await prepareSqlite() : undefined;
  meta.fillSec = data?.fillSec;
  if (opts.profile) {
    await profile(data);
    return;
  }
  if (want(1) || want(2) || want(6)) await casesThroughput(data);
  if (want(3)) await casePage(data);
  if (want(4)) await caseBulk();
  if (want(5)) await casePostgres();
  meta.minutes = (performance.now() - t0) / 60_000;
  const text = `${render(meta)}\n\nThe run took ${meta.minutes.toFixed(1)} minutes.`;
  process.stdout.write(`\n${text}\n`);
  const resultsDir = join(BENCH, 'results');
  mkdirSync(resultsDir, { recursive: true });
  const base = join(resultsDir, `${stamp()}${opts.quick ? '-quick' : ''}`);
  writeFileSync(`${base}.json`, JSON.stringify({ meta, params: P, ...report }, null, 2));
  writeFileSync(`${base}.md`, text);
  log(`results in ${base}.md and .json`);
  if (opts.write ?? !opts.quick) writeBenchmarksMd(text, opts.section);
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`bench failed: ${err?.stack ?? err}\n`);
    process.exit(1);
  },
);
