/** The command line of bench/run.mjs, and the parameters of a run made from it. */
import { readFileSync } from 'node:fs';

/** `node bench/run.mjs [options]` → options; `--help` prints run.mjs's header comment. */
export function parseArgs(argv) {
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
    else if (a === '--connections') {
      o.connections = val().split(',').map(Number);
      if (!o.connections.every((n) => Number.isInteger(n) && n > 0))
        throw new Error('--connections takes positive whole numbers, e.g. 1,10,50');
    } else if (a === '--help' || a === '-h') {
      process.stdout.write(`${readFileSync(new URL('../run.mjs', import.meta.url), 'utf8').split('*/')[0]}*/\n`);
      process.exit(0);
    } else throw new Error(`unknown option ${a}`);
  }
  return o;
}

/** The sizes, rounds and durations a run uses: a full run's, `--quick`'s, then the options' overrides. */
export function parameters(opts) {
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
  // Cases 1–3 and 5 are measured at each level of concurrent clients; a tool measuring one level takes P.connections.
  P.levels = opts.quick ? [1, 50] : [1, 10, 50];
  P.connections = 10;
  P.bulkPer = 1000;
  P.bulkInFlight = 2;
  if (opts.rounds) P.rounds = opts.rounds;
  if (opts.duration) P.duration = P.pageDuration = opts.duration;
  if (opts.bulkTotal) P.bulkTotal = opts.bulkTotal;
  if (opts.connections) {
    P.levels = opts.connections;
    P.connections = opts.connections[0];
  }
  // The peers of case 6 are measured at one level, the middle one (10 clients in a full run).
  P.peerConnections = P.levels[Math.floor(P.levels.length / 2)];
  return P;
}
