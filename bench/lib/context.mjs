/** What every part of one benchmark run shares: where things are, the log, and the run's context. */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parameters } from './args.mjs';
import { installCleanup } from './procs.mjs';

export const BENCH = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const REPO = resolve(BENCH, '..');
export const CLI = join(REPO, 'dist/cli/main.js');
export const CORES = os.cpus().length;

export const log = (s) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${s}\n`);

/** A timestamp fit for a file name. */
export const stamp = () => new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);

/**
 * The context of one run: its options and parameters, the cases it runs, a work directory (removed at exit
 * unless `--keep`), PostgreSQL for case 5, and the report the cases fill.
 */
export function createContext(opts) {
  const cases = opts.only ?? new Set([1, 2, 3, 4, 5, 6]);
  const work = mkdtempSync(join(os.tmpdir(), 'appconfig-bench-'));
  installCleanup(() => {
    if (!opts.keep) rmSync(work, { recursive: true, force: true });
  });
  return {
    opts,
    P: parameters(opts),
    cases,
    want: (n) => cases.has(n),
    work,
    pgAdminUrl: opts.pgUrl ?? process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
    pgDb: 'appconfig_bench',
    report: { sections: [], pending: [], notes: [] },
  };
}
