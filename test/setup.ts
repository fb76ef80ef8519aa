/**
 * Property tests run with a fixed fast-check seed so CI is repeatable; set FC_SEED to explore other inputs
 * (a failure prints the seed and path that reproduce it).
 */
import fc from 'fast-check';

fc.configureGlobal({ seed: Number(process.env.FC_SEED ?? 20261129) });
