/** sim/schedule.ts and settings.ts: offsets, the offline share, and counting check-ins in a window. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkinOffset, checkinsBetween, isDue, onlineByDefault, scheduleKey } from '../../src/sim/schedule.js';
import { DEFAULT_SIM_SETTINGS, HOUR_MS, simSettings } from '../../src/sim/settings.js';

/** Every check-in in (from, to], found by walking from a point known to be before `from`. */
function naive(offset: number, interval: number, from: number, to: number): number[] {
  const out: number[] = [];
  for (let t = offset + Math.floor((from - offset) / interval - 2) * interval; t <= to; t += interval) {
    if (t > from) out.push(t);
  }
  return out;
}

describe('settings', () => {
  it('defaults to an 8 h interval, 5% errors and nobody offline', () => {
    expect(simSettings()).toEqual({ seed: 0, intervalMs: 8 * HOUR_MS, errorRate: 0.05, offlineRate: 0 });
    expect(simSettings({ seed: 'x' })).toEqual({ ...DEFAULT_SIM_SETTINGS, seed: 'x' });
  });

  it('refuses rates outside [0, 1] and intervals that are not whole positive ms', () => {
    expect(() => simSettings({ errorRate: 1.5 })).toThrow(/errorRate/);
    expect(() => simSettings({ offlineRate: Number.NaN })).toThrow(/offlineRate/);
    expect(() => simSettings({ intervalMs: 0 })).toThrow(/interval/);
    expect(() => simSettings({ intervalMs: 1.5 })).toThrow(/interval/);
  });
});

describe('schedule', () => {
  it('places each device at a whole ms inside the interval, the same every time', () => {
    fc.assert(
      fc.property(fc.string(), fc.integer({ min: 1, max: 10 * 24 * HOUR_MS }), (id, intervalMs) => {
        const s = simSettings({ seed: 9, intervalMs });
        const o = checkinOffset(s, id);
        expect(Number.isInteger(o)).toBe(true);
        expect(o).toBeGreaterThanOrEqual(0);
        expect(o).toBeLessThan(intervalMs);
        expect(checkinOffset(s, id)).toBe(o);
      }),
    );
  });

  it('takes about offlineRate of devices offline, the same ones every time, none at 0 and all at 1', () => {
    const ids = Array.from({ length: 20_000 }, (_, i) => `device-${i}`);
    const offline = (rate: number) =>
      ids.filter((id) => !onlineByDefault(simSettings({ seed: 1, offlineRate: rate }), id));
    expect(offline(0)).toHaveLength(0);
    expect(offline(1)).toHaveLength(ids.length);
    const quarter = offline(0.25);
    expect(quarter.length / ids.length).toBeCloseTo(0.25, 1);
    expect(offline(0.25)).toEqual(quarter);
    // A higher rate takes the same devices and more.
    expect(offline(0.5).filter((id) => quarter.includes(id))).toEqual(quarter);
  });

  it('counts check-ins in (from, to] as walking the schedule does', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000 }),
        fc.nat({ max: 999 }),
        fc.integer({ min: 0, max: 100_000 }),
        fc.nat({ max: 20_000 }),
        (interval, rawOffset, from, span) => {
          const offset = rawOffset % interval;
          const to = from + span;
          const times = naive(offset, interval, from, to);
          const got = checkinsBetween(offset, interval, from, to);
          if (times.length === 0) expect(got).toBeUndefined();
          else expect(got).toEqual({ count: times.length, first: times[0], last: times.at(-1) });
          expect(isDue(offset, interval, from, to)).toBe(times.length > 0);
        },
      ),
    );
  });

  it('excludes the start of the window and includes its end', () => {
    expect(checkinsBetween(5, 10, 5, 14)).toBeUndefined();
    expect(checkinsBetween(5, 10, 5, 15)).toEqual({ count: 1, first: 15, last: 15 });
    expect(checkinsBetween(5, 10, 4, 35)).toEqual({ count: 4, first: 5, last: 35 });
  });

  it('keys a saved schedule by seed, interval and offline rate', () => {
    const a = scheduleKey(simSettings({ seed: 1 }));
    expect(scheduleKey(simSettings({ seed: 1, errorRate: 0.5 }))).toBe(a);
    expect(scheduleKey(simSettings({ seed: 2 }))).not.toBe(a);
    expect(scheduleKey(simSettings({ seed: 1, intervalMs: HOUR_MS }))).not.toBe(a);
    expect(scheduleKey(simSettings({ seed: 1, offlineRate: 0.1 }))).not.toBe(a);
  });
});
