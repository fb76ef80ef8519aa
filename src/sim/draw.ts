/**
 * The simulation's only source of chance: a stateless draw in [0, 1) from a seed and keys
 * (docs/simulation.md#determinism). Hand-written rather than `node:crypto`: a hash object per draw costs
 * microseconds and a million-status check-in makes a million draws, while nothing here needs more than an
 * even spread. Only 32-bit integer arithmetic (`Math.imul`, shifts) is used, so every platform and every run
 * gives the same number for the same keys.
 */

export type DrawKey = string | number;

/** Keys are joined with a separator no id contains, so `('ab','c')` and `('a','bc')` differ. */
const SEPARATOR = '\u001f';

/** Murmur3's 32-bit finaliser: every input bit reaches every output bit. */
function finalise(h: number): number {
  let x = h;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/** A 53-bit hash of a string from two independently mixed 32-bit lanes. */
export function hash53(text: string): number {
  let a = 0x243f6a88 ^ text.length;
  let b = 0x85a308d3;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x9e3779b1);
    a ^= a >>> 15;
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 13;
  }
  const lo = finalise(a ^ Math.imul(b, 0x27d4eb2f));
  const hi = finalise(b ^ lo);
  return (hi & 0x1fffff) * 0x100000000 + lo;
}

const TWO_POW_53 = 2 ** 53;

/** A number in [0, 1) that depends only on the seed and the keys. */
export const draw = (seed: DrawKey, ...keys: readonly DrawKey[]): number =>
  hash53([seed, ...keys].join(SEPARATOR)) / TWO_POW_53;
