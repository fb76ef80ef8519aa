/**
 * What every throttle must do, whichever way it counts: the limits per app and per tenant, writes counted among
 * all requests, a sliding window, throttled requests counted nowhere, names kept apart, and exactly the limit
 * admitted under concurrent checks. Time is moved through the kind, so the same assertions hold on a clock the
 * suite controls and on Redis's own.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { ThrottleDecision, ThrottleLimits } from '../../src/throttle/index.js';
import type { OpenedThrottle, ThrottleKind } from './subjects.js';

export const SMALL: ThrottleLimits = {
  windowMs: 20_000,
  writesPerAppPerTenant: 3,
  writesPerTenant: 5,
  allPerAppPerTenant: 6,
  allPerTenant: 10,
};

/** A window short enough to wait out on a real clock, long enough that scheduling delays stay inside it. */
const SHORT: ThrottleLimits = { ...SMALL, windowMs: 2_000 };

export function throttleConformance(kind: ThrottleKind): void {
  describe.skipIf(!kind.available)(`throttle conformance: ${kind.name}`, () => {
    afterAll(() => kind.cleanup());

    const open = (limits: ThrottleLimits = SMALL) => {
      const o: OpenedThrottle = kind.open(limits);
      return {
        advance: (ms: number) => o.advance(ms),
        check: async (tenant: string, app: string, isWrite: boolean): Promise<ThrottleDecision> =>
          o.throttle.check(tenant, app, isWrite),
      };
    };

    it('stops writes of one app at its per-app limit, and its reads go on', async () => {
      const c = open();
      for (let i = 0; i < 3; i++) expect(await c.check('t1', 'a', true)).toEqual({ ok: true, retryAfterSeconds: 0 });
      expect(await c.check('t1', 'a', true)).toEqual({ ok: false, retryAfterSeconds: 20 });
      expect((await c.check('t1', 'a', false)).ok).toBe(true);
    });

    it('keeps apps and tenants apart, and applies the per-tenant limits across apps', async () => {
      const c = open();
      for (let i = 0; i < 3; i++) expect((await c.check('t1', 'a', true)).ok).toBe(true);
      expect((await c.check('t1', 'a', true)).ok).toBe(false);
      // b has its own per-app budget, but shares the tenant's 5 writes.
      expect((await c.check('t1', 'b', true)).ok).toBe(true);
      expect((await c.check('t1', 'b', true)).ok).toBe(true);
      expect((await c.check('t1', 'c', true)).ok).toBe(false);
      expect((await c.check('t1', 'c', false)).ok).toBe(true);
      // Another tenant is untouched.
      for (let i = 0; i < 3; i++) expect((await c.check('t2', 'a', true)).ok).toBe(true);
    });

    it('counts writes among all requests, and limits reads by the all-requests buckets', async () => {
      const c = open();
      for (let i = 0; i < 3; i++) expect((await c.check('t1', 'a', true)).ok).toBe(true);
      for (let i = 0; i < 3; i++) expect((await c.check('t1', 'a', false)).ok).toBe(true);
      expect((await c.check('t1', 'a', false)).ok).toBe(false); // 6 per app
      for (let i = 0; i < 4; i++) expect((await c.check('t1', 'b', false)).ok).toBe(true);
      expect(await c.check('t1', 'c', false)).toEqual({ ok: false, retryAfterSeconds: 20 }); // 10 per tenant
    });

    it('keeps tenants and apps apart whose names share characters', async () => {
      const c = open();
      for (let i = 0; i < 3; i++) expect((await c.check('a:b', 'c', true)).ok).toBe(true);
      expect((await c.check('a:b', 'c', true)).ok).toBe(false);
      // Neither the same characters split elsewhere nor key-like punctuation reach a:b's buckets.
      for (const [tenant, app] of [
        ['a', 'b:c'],
        ['a:b:c', ''],
        ['{a:b}', 'c'],
        ['a%3Ab', 'c'],
      ] as const) {
        for (let i = 0; i < 3; i++) expect((await c.check(tenant, app, true)).ok, `${tenant} / ${app}`).toBe(true);
      }
    });

    it('slides the window instead of resetting it', async () => {
      const c = open(SHORT);
      expect((await c.check('t', 'a', true)).ok).toBe(true);
      await c.advance(1_000);
      expect((await c.check('t', 'a', true)).ok).toBe(true);
      expect((await c.check('t', 'a', true)).ok).toBe(true);
      expect(await c.check('t', 'a', true)).toEqual({ ok: false, retryAfterSeconds: 1 });
      // The first admission leaves one window after it was made; the two made a second later stay.
      await c.advance(1_100);
      expect((await c.check('t', 'a', true)).ok).toBe(true);
      // A fixed window would have reset at 2 s and admitted three; a sliding one is full again.
      expect(await c.check('t', 'a', true)).toEqual({ ok: false, retryAfterSeconds: 1 });
      await c.advance(1_000);
      expect((await c.check('t', 'a', true)).ok).toBe(true);
      expect((await c.check('t', 'a', true)).ok).toBe(true);
      expect((await c.check('t', 'a', true)).ok).toBe(false);
    });

    it('does not count throttled requests', async () => {
      const c = open(SHORT);
      for (let i = 0; i < 3; i++) expect((await c.check('t', 'a', true)).ok).toBe(true);
      for (let i = 0; i < 5; i++) {
        await c.advance(200);
        expect((await c.check('t', 'a', true)).ok).toBe(false);
      }
      // Had the refusals counted, the bucket would stay full long after the first three left.
      await c.advance(1_100);
      for (let i = 0; i < 3; i++) expect((await c.check('t', 'a', true)).ok).toBe(true);
      expect((await c.check('t', 'a', true)).ok).toBe(false);
    });

    it('admits exactly the limit under concurrent checks', async () => {
      const c = open();
      const results = await Promise.all(Array.from({ length: 40 }, (_, i) => c.check('t1', `app${i % 4}`, false)));
      expect(results.filter((r) => r.ok)).toHaveLength(10);
      expect(results.filter((r) => !r.ok).every((r) => r.retryAfterSeconds === 20)).toBe(true);
    });
  });
}
