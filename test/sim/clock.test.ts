/** sim/clock.ts: a manual clock moves only when told; a real one runs at speed and can be jumped ahead. */
import { describe, expect, it } from 'vitest';
import { manualClock, realClock } from '../../src/sim/clock.js';

const T0 = Date.UTC(2026, 0, 1);

describe('manualClock', () => {
  it('stays put until advanced or set', () => {
    const c = manualClock(T0);
    expect(c.kind).toBe('manual');
    expect(c.now()).toBe(T0);
    expect(c.advance(8 * 3_600_000)).toBe(T0 + 8 * 3_600_000);
    expect(c.set(T0 + 9 * 3_600_000)).toBe(T0 + 9 * 3_600_000);
    expect(c.now()).toBe(T0 + 9 * 3_600_000);
  });

  it('never runs backward', () => {
    const c = manualClock(T0);
    expect(() => c.set(T0 - 1)).toThrow(RangeError);
    expect(() => c.advance(-1)).toThrow(/forward/);
    expect(() => c.advance(Number.NaN)).toThrow(RangeError);
    expect(c.now()).toBe(T0);
  });
});

describe('realClock', () => {
  it('runs at start + elapsed real time × speed', () => {
    let real = 1_000;
    const c = realClock({ start: T0, speed: 60, realNow: () => real });
    expect(c.kind).toBe('real');
    expect(c.now()).toBe(T0);
    real += 1_000; // one real second is a sim minute
    expect(c.now()).toBe(T0 + 60_000);
  });

  it('can be jumped ahead and keeps running from there', () => {
    let real = 0;
    const c = realClock({ start: T0, speed: 2, realNow: () => real });
    c.advance(3_600_000);
    real += 10;
    expect(c.now()).toBe(T0 + 3_600_000 + 20);
    expect(c.set(T0 + 7_200_000)).toBe(T0 + 7_200_000);
    expect(() => c.set(T0)).toThrow(/backward/);
  });

  it('defaults to the wall clock at speed 1 and refuses a speed that is not positive', () => {
    const before = Date.now();
    const c = realClock();
    expect(c.now()).toBeGreaterThanOrEqual(before);
    expect(() => realClock({ speed: 0 })).toThrow(/speed/);
    expect(() => realClock({ speed: Number.POSITIVE_INFINITY })).toThrow(/speed/);
  });
});
