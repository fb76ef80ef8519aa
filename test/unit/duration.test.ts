/** util/duration.ts: the strict ISO 8601 PnDTnHnMnS reading and its shortest text, round trip included. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../src/util/duration.js';

describe('durations', () => {
  it('reads days, hours, minutes and seconds with up to three decimals', () => {
    expect(parseDuration('PT8H')).toBe(28_800_000);
    expect(parseDuration('P1D')).toBe(86_400_000);
    expect(parseDuration('P1DT2H3M4.5S')).toBe(93_784_500);
    expect(parseDuration('PT0.001S')).toBe(1);
    expect(parseDuration('PT90M')).toBe(5_400_000);
    expect(parseDuration('PT0S')).toBe(0);
  });

  it('refuses everything else', () => {
    for (const bad of [
      '',
      'P',
      'PT',
      'P1DT',
      'PT8h',
      'pt8h',
      '-PT1H',
      'P1W',
      'P1M',
      'P1Y',
      'PT1.5H',
      'PT1.0001S',
      'PT1H ',
      '8h',
      'PT1S2M',
      `P${'9'.repeat(20)}D`,
    ])
      expect([bad, parseDuration(bad)]).toEqual([bad, undefined]);
  });

  it('writes the shortest text, which reads back to the same ms', () => {
    expect(formatDuration(28_800_000)).toBe('PT8H');
    expect(formatDuration(0)).toBe('PT0S');
    expect(formatDuration(93_784_500)).toBe('P1DT2H3M4.5S');
    fc.assert(fc.property(fc.integer({ min: 0, max: 10 ** 13 }), (ms) => parseDuration(formatDuration(ms)) === ms));
    expect(() => formatDuration(-1)).toThrow(RangeError);
  });
});
