import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createMemoryThrottle,
  INTUNE_LIMITS,
  isWriteMethod,
  noThrottle,
  type ThrottleDecision,
  type ThrottleLimits,
} from '../../src/throttle/index.js';
import { SMALL } from './conformance.js';

function clocked(limits: ThrottleLimits = SMALL) {
  let t = 0;
  const throttle = createMemoryThrottle(limits, () => t);
  return {
    at(ms: number) {
      t = ms;
      return this;
    },
    check(tenant: string, app: string, isWrite: boolean): ThrottleDecision {
      const d = throttle.check(tenant, app, isWrite);
      if (d instanceof Promise) throw new Error('memory throttle must answer synchronously');
      return d;
    },
  };
}

/**
 * What only the in-process throttle can show: exact waits and sliding on a clock the test sets, idle tenants
 * forgotten, agreement with a naive model on random traffic. What every throttle does is in conformance.ts.
 */
describe('memory throttle', () => {
  it('has the Intune limits', () => {
    expect(INTUNE_LIMITS).toEqual({
      windowMs: 20_000,
      writesPerAppPerTenant: 100,
      writesPerTenant: 200,
      allPerAppPerTenant: 1000,
      allPerTenant: 2000,
    });
    expect(['POST', 'put', 'PATCH', 'DELETE'].every(isWriteMethod)).toBe(true);
    expect(['GET', 'HEAD', 'OPTIONS'].some(isWriteMethod)).toBe(false);
  });

  it('admits everything with noThrottle', async () => {
    for (let i = 0; i < 5000; i++) expect((await noThrottle.check('t', 'a', true)).ok).toBe(true);
    await noThrottle.close();
  });

  it('slides the window instead of resetting it', () => {
    const c = clocked();
    expect(c.at(0).check('t', 'a', true).ok).toBe(true);
    expect(c.at(10_000).check('t', 'a', true).ok).toBe(true);
    expect(c.at(15_000).check('t', 'a', true).ok).toBe(true);
    expect(c.at(19_999).check('t', 'a', true)).toEqual({ ok: false, retryAfterSeconds: 1 });
    // The entry from t=0 leaves exactly one window later.
    expect(c.at(20_000).check('t', 'a', true).ok).toBe(true);
    // A fixed window would have reset at 20 s; a sliding one still holds 10 s, 15 s and 20 s.
    expect(c.at(21_000).check('t', 'a', true)).toEqual({ ok: false, retryAfterSeconds: 9 });
    expect(c.at(30_000).check('t', 'a', true).ok).toBe(true);
  });

  it('does not count throttled requests', () => {
    const c = clocked();
    for (let i = 0; i < 3; i++) expect(c.at(0).check('t', 'a', true).ok).toBe(true);
    for (let ms = 1000; ms < 20_000; ms += 100) expect(c.at(ms).check('t', 'a', true).ok).toBe(false);
    for (let i = 0; i < 3; i++) expect(c.at(20_000).check('t', 'a', true).ok).toBe(true);
    expect(c.at(20_000).check('t', 'a', true).ok).toBe(false);
  });

  it('answers the longest wait among the full buckets, rounded up to whole seconds', () => {
    const c = clocked({ ...SMALL, allPerAppPerTenant: 2, allPerTenant: 3 });
    expect(c.at(0).check('t', 'b', false).ok).toBe(true);
    expect(c.at(5_000).check('t', 'a', false).ok).toBe(true);
    expect(c.at(6_000).check('t', 'a', false).ok).toBe(true);
    // a: its own bucket frees at 25 s, the tenant's at 20 s; both must have room.
    expect(c.at(12_000).check('t', 'a', false)).toEqual({ ok: false, retryAfterSeconds: 13 });
    expect(c.at(12_000).check('t', 'b', false)).toEqual({ ok: false, retryAfterSeconds: 8 });
    expect(c.at(12_300).check('t', 'b', false)).toEqual({ ok: false, retryAfterSeconds: 8 });
    expect(c.at(19_999.5).check('t', 'b', false)).toEqual({ ok: false, retryAfterSeconds: 1 });
  });

  it('forgets idle tenants and starts them fresh', () => {
    const c = clocked();
    for (let i = 0; i < 1000; i++) c.at(i).check(`t${i}`, 'a', true);
    // The sweep runs on the next check a window later; every tenant is then idle and gets a full budget.
    for (let i = 0; i < 3; i++) expect(c.at(50_000).check('t0', 'a', true).ok).toBe(true);
    expect(c.at(50_000).check('t0', 'a', true).ok).toBe(false);
  });

  // The second set makes the rings grow past their initial 16 slots.
  it.each([
    {
      windowMs: 1000,
      writesPerAppPerTenant: 2,
      writesPerTenant: 3,
      allPerAppPerTenant: 4,
      allPerTenant: 6,
      maxDt: 300,
    },
    {
      windowMs: 1000,
      writesPerAppPerTenant: 20,
      writesPerTenant: 25,
      allPerAppPerTenant: 30,
      allPerTenant: 45,
      maxDt: 6,
    },
  ])('agrees with a naive model on random traffic (%o)', ({ maxDt, ...limits }) => {
    const step = fc.record({
      dt: fc.integer({ min: 0, max: maxDt }),
      tenant: fc.constantFrom('t1', 't2'),
      app: fc.constantFrom('a', 'b', 'c'),
      write: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 300 }), (steps) => {
        const c = clocked(limits);
        const admitted: { t: number; tenant: string; app: string; write: boolean }[] = [];
        let t = 0;
        for (const s of steps) {
          t += s.dt;
          const buckets: [(e: (typeof admitted)[number]) => boolean, number][] = [
            [(e) => e.tenant === s.tenant, limits.allPerTenant],
            [(e) => e.tenant === s.tenant && e.app === s.app, limits.allPerAppPerTenant],
          ];
          if (s.write) {
            buckets.push([(e) => e.tenant === s.tenant && e.write, limits.writesPerTenant]);
            buckets.push([(e) => e.tenant === s.tenant && e.app === s.app && e.write, limits.writesPerAppPerTenant]);
          }
          let wait = 0;
          for (const [match, limit] of buckets) {
            const times = admitted.filter((e) => match(e) && t - e.t < limits.windowMs).map((e) => e.t);
            if (times.length >= limit) wait = Math.max(wait, times[times.length - limit]! + limits.windowMs - t);
          }
          const expected =
            wait > 0 ? { ok: false, retryAfterSeconds: Math.ceil(wait / 1000) } : { ok: true, retryAfterSeconds: 0 };
          expect(c.at(t).check(s.tenant, s.app, s.write)).toEqual(expected);
          if (expected.ok) admitted.push({ t, tenant: s.tenant, app: s.app, write: s.write });
        }
      }),
      { numRuns: 200 },
    );
  });
});
