#!/usr/bin/env node
/**
 * The control plane's costs (docs/admin.md), apart from the main run:
 *
 *   node bench/admin.mjs [--statuses N] [--restore-only] [--rounds N] [--duration S] [--quick]
 *
 * 1. Snapshot restore on SQLite: one tenant with N statuses (default 100,000), a snapshot taken, 1,000 statuses
 *    changed and 1,000 added, then the snapshot restored; medians of 5 takes and 5 restores.
 * 2. The request journal on the hot path: the seed PATCH against two servers on one database, one with the
 *    journal (`JOURNAL_SIZE=10000`), one without (`JOURNAL_SIZE=0`), interleaved rounds as run.mjs measures;
 *    the ratio is the median of per-round ratios (journal on ÷ off).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { parseArgs } from './lib/args.mjs';
import { CLI, createContext, log, REPO } from './lib/context.mjs';
import { INSERT_STATUS, statusRow } from './lib/data.mjs';
import { interleaved, loadJob, pairedRatio, summarizeRows } from './lib/measure.mjs';
import { prepareSqlite } from './lib/prepare.mjs';
import { stopProcess } from './lib/procs.mjs';
import { startOurs, targetOf } from './lib/servers.mjs';

const argv = process.argv.slice(2);
const take = (flag, def) => {
  const i = argv.indexOf(flag);
  if (i < 0) return def;
  const v = Number(argv[i + 1]);
  argv.splice(i, 2);
  return v;
};
const statuses = take('--statuses', 100_000);
const restoreOnly = argv.includes('--restore-only');
if (restoreOnly) argv.splice(argv.indexOf('--restore-only'), 1);
if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first.`);
const ctx = createContext({ ...parseArgs(argv), only: new Set([1]) });
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function restoreCase() {
  const { openSqlite } = await import(join(REPO, 'dist/store/sqlite/sqlite-store.js'));
  const path = join(ctx.work, 'restore.db');
  const tenant = '00000000-0000-0000-0000-000000000001';
  let store = openSqlite({ path });
  await store.migrate();
  const cfg = await store.create(
    'configurations',
    { tenant },
    {
      type: 'iosMobileAppConfiguration',
      values: {
        displayName: 'restore',
        description: null,
        targetedMobileApps: [],
        encodedSettingXml: null,
        settings: [],
      },
    },
  );
  await store.close();
  const d = new Database(path);
  const ins = d.prepare(INSERT_STATUS);
  d.transaction(() => {
    for (let i = 0; i < statuses; i++) ins.run(statusRow(cfg.id, 'r', i));
  })();
  d.close();
  store = openSqlite({ path });
  const takes = [];
  const restores = [];
  for (let round = 0; round < 5; round++) {
    const name = `round-${round}`;
    let t0 = performance.now();
    await store.control.takeSnapshot(name, tenant);
    takes.push(performance.now() - t0);
    store.exec(
      `UPDATE user_statuses SET status = 1, etag = 'changed' WHERE id IN (SELECT id FROM user_statuses LIMIT 1000)`,
    );
    const d2 = new Database(path);
    const ins2 = d2.prepare(INSERT_STATUS);
    d2.transaction(() => {
      for (let i = statuses + round * 1000; i < statuses + (round + 1) * 1000; i++) ins2.run(statusRow(cfg.id, 'r', i));
    })();
    d2.close();
    t0 = performance.now();
    const info = await store.control.restoreSnapshot(name);
    restores.push(performance.now() - t0);
    if (info.rows !== statuses + 1) throw new Error(`the snapshot holds ${info.rows} rows, not ${statuses + 1}`);
    await store.control.deleteSnapshot(name);
  }
  await store.close();
  const fmt = (xs) => `${median(xs).toFixed(0)} ms (of ${xs.map((x) => x.toFixed(0)).join(', ')})`;
  return { take: fmt(takes), restore: fmt(restores), restoreMs: median(restores) };
}

async function journalCase() {
  const data = await prepareSqlite(ctx);
  const cfg = data.configs.mid;
  const auth = { authorization: `Bearer ${data.token}` };
  process.env.JOURNAL_SIZE = '10000';
  const on = await startOurs(ctx, 'journal-on', data.db);
  process.env.JOURNAL_SIZE = '0';
  const off = await startOurs(ctx, 'journal-off', data.db);
  try {
    const targets = [targetOf('journal on', on, auth), targetOf('journal off', off, auth)];
    const rows = await interleaved(
      ctx,
      'seed PATCH',
      targets,
      (t) => loadJob(ctx, t, 'patch-upn', cfg),
      (t) => [t.pid],
    );
    const sum = summarizeRows(
      rows,
      targets.map((t) => t.label),
    );
    return { n: cfg.n, rounds: ctx.P.rounds, sum, ratio: pairedRatio(rows, 'journal on', 'journal off') };
  } finally {
    await stopProcess(on);
    await stopProcess(off);
  }
}

const r = await restoreCase();
log(`snapshot of ${statuses} statuses: take ${r.take}; restore ${r.restore}`);
if (restoreOnly) process.exit(0);
const j = await journalCase();
log(`seed PATCH on ${j.n} statuses, ${j.rounds} rounds: journal on ÷ off = ${j.ratio.toFixed(3)}`);
process.stdout.write(
  `${JSON.stringify({ statuses, take: r.take, restore: r.restore, journal: { ratio: j.ratio, summary: j.sum } }, null, 2)}\n`,
);
process.exit(0);
