#!/usr/bin/env node
/**
 * The benchmarks of issue #6 (`npm run bench` builds, then runs this against dist/).
 *
 *   node bench/run.mjs [--quick] [--only 1,2,3,4,5,6] [--rounds N] [--duration S] [--connections 1,10,50]
 *                      [--bulk-total N] [--bulk-ours-only] [--section NAME] [--write | --no-write] [--keep] [--profile]
 *                      [--pg-url URL]
 *
 * Every number is a median of rounds that interleave the server and its baseline, each round measured in its
 * own load-generator process (bench/load.mjs) after a warm-up, with the CPU of server and load generator
 * sampled from /proc to say which one limited it. Cases 1–3 and 5 are measured at each level of concurrent
 * clients (`--connections`; 1, 10 and 50, or 1 and 50 with `--quick`). A full run writes BENCHMARKS.md (the
 * part between the generated-section markers) and bench/results/; `--quick` is a smoke run on small data that
 * writes only bench/results/ unless `--write` is given. `--profile` runs our server under `--cpu-prof` per scenario
 * instead, and writes where its time goes.
 *
 * The cases are in bench/cases/, what they share (servers, measuring, the report) in bench/lib/.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { caseBulk } from './cases/bulk.mjs';
import { casePage } from './cases/page.mjs';
import { casePostgres } from './cases/postgres.mjs';
import { casesThroughput } from './cases/throughput.mjs';
import { parseArgs } from './lib/args.mjs';
import { BENCH, CLI, createContext, log, stamp } from './lib/context.mjs';
import { prepareSqlite } from './lib/prepare.mjs';
import { profile } from './lib/profile.mjs';
import { machine, render, writeBenchmarksMd } from './lib/render.mjs';

async function main() {
  const ctx = createContext(parseArgs(process.argv.slice(2)));
  const { opts, P, cases, want, work, report } = ctx;
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm run bench does).`);
  const t0 = performance.now();
  const meta = {
    date: new Date().toISOString(),
    command: `node bench/run.mjs ${process.argv.slice(2).join(' ')}`.trim(),
    machine: machine(),
  };
  log(`work directory ${work}; ${opts.quick ? 'quick' : 'full'} run of cases ${[...cases].join(', ')}`);
  const needSqlite = opts.profile || [1, 2, 3, 6].some(want);
  const data = needSqlite ? await prepareSqlite(ctx) : undefined;
  meta.fillSec = data?.fillSec;
  if (opts.profile) {
    await profile(ctx, data);
    return;
  }
  if (want(1) || want(2) || want(6)) await casesThroughput(ctx, data);
  if (want(3)) await casePage(ctx, data);
  if (want(4)) await caseBulk(ctx);
  if (want(5)) await casePostgres(ctx);
  meta.minutes = (performance.now() - t0) / 60_000;
  const text = `${render(ctx, meta)}\n\nThe run took ${meta.minutes.toFixed(1)} minutes.`;
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
