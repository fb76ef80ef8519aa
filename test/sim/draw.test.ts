/** sim/draw.ts: the same number for the same keys everywhere, spread evenly. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { draw, hash53 } from '../../src/sim/draw.js';

/** Pearson's χ² of observed bucket counts against an even spread. */
const chiSquare = (counts: readonly number[], total: number) => {
  const expected = total / counts.length;
  return counts.reduce((s, o) => s + (o - expected) ** 2 / expected, 0);
};

describe('draw', () => {
  it('gives the recorded values, so a change of algorithm cannot pass unnoticed', () => {
    expect(hash53('')).toBe(930025584517);
    expect(hash53('a')).toBe(2766424408390234);
    expect(draw(0, 'x')).toBe(0.25208537929323727);
    expect(draw('seed', 'error', 'c1', 'd1', 1)).toBe(0.5970849015601813);
  });

  it('is in [0, 1) and a pure function of its keys', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.integer()), fc.array(fc.oneof(fc.string(), fc.integer())), (seed, keys) => {
        const x = draw(seed, ...keys);
        expect(x).toBeGreaterThanOrEqual(0);
        expect(x).toBeLessThan(1);
        expect(draw(seed, ...keys)).toBe(x);
      }),
    );
  });

  it('keeps keys apart: moving a character across a key boundary changes the draw', () => {
    expect(draw(1, 'ab', 'c')).not.toBe(draw(1, 'a', 'bc'));
    expect(draw(1, 'a')).not.toBe(draw(1, 'a', ''));
  });

  it('spreads evenly over ten buckets (χ² below the 0.1% critical value, 9 degrees of freedom)', () => {
    const n = 100_000;
    const counts = new Array<number>(10).fill(0);
    for (let i = 0; i < n; i++) counts[Math.floor(draw(7, 'device', `d-${i}`) * 10)]!++;
    expect(chiSquare(counts, n)).toBeLessThan(27.88);
  });

  it('draws for neighbouring ids are independent (χ² of pairs on a 10×10 grid, 99 degrees of freedom)', () => {
    const n = 100_000;
    const counts = new Array<number>(100).fill(0);
    for (let i = 0; i < n; i++) {
      const a = Math.floor(draw(3, `user-${i}`) * 10);
      const b = Math.floor(draw(3, `user-${i + 1}`) * 10);
      counts[a * 10 + b]!++;
    }
    expect(chiSquare(counts, n)).toBeLessThan(148.23);
  });
});
