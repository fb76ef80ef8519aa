import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { createRedisThrottle, type ThrottleLimits } from '../../src/throttle/index.js';
import { REDIS_URL, redisAdmin, silent } from './subjects.js';

const PREFIX = `test:throttle:${randomUUID()}:`;

const LIMITS: ThrottleLimits = {
  windowMs: 20_000,
  writesPerAppPerTenant: 3,
  writesPerTenant: 5,
  allPerAppPerTenant: 6,
  allPerTenant: 10,
};

const admin = redisAdmin;
afterAll(() => admin?.disconnect());

/**
 * What only the Redis throttle has: counts shared between instances, its key layout and expiry, and the
 * fallback when Redis is away. What every throttle does is in conformance.ts.
 */
describe.skipIf(!admin)('redis throttle (two instances, one Redis)', () => {
  const opened: { close(): Promise<void> }[] = [];
  const pair = (limits: ThrottleLimits, prefix = `${PREFIX}${randomUUID()}:`) => {
    const a = createRedisThrottle(REDIS_URL, limits, { keyPrefix: prefix, logger: silent });
    const b = createRedisThrottle(REDIS_URL, limits, { keyPrefix: prefix, logger: silent });
    opened.push(a, b);
    return { a, b, prefix };
  };

  afterAll(async () => {
    await Promise.all(opened.map((t) => t.close()));
    if (admin) {
      const keys = await admin.keys(`${PREFIX}*`);
      if (keys.length > 0) await admin.del(...keys);
    }
  });

  it('shares one limit between instances, per app and per tenant', async () => {
    const { a, b } = pair(LIMITS);
    expect((await a.check('t1', 'app1', true)).ok).toBe(true);
    expect((await b.check('t1', 'app1', true)).ok).toBe(true);
    expect((await a.check('t1', 'app1', true)).ok).toBe(true);
    const d = await b.check('t1', 'app1', true);
    expect(d.ok).toBe(false);
    expect(d.retryAfterSeconds).toBeGreaterThanOrEqual(19);
    expect(d.retryAfterSeconds).toBeLessThanOrEqual(20);
    // Reads of that app, writes of another app and another tenant go on.
    expect((await a.check('t1', 'app1', false)).ok).toBe(true);
    expect((await b.check('t1', 'app2', true)).ok).toBe(true);
    expect((await a.check('t1', 'app3', true)).ok).toBe(true);
    // The tenant's 5 writes are used up, for every app.
    expect((await b.check('t1', 'app4', true)).ok).toBe(false);
    expect((await a.check('t2', 'app1', true)).ok).toBe(true);
  });

  it('admits exactly the limit under concurrent checks from both instances', async () => {
    const { a, b } = pair(LIMITS);
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? a : b).check('t1', `app${i % 4}`, false)),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(10);
  });

  it('expires its keys and does not count throttled requests', async () => {
    const limits = { ...LIMITS, windowMs: 1200 };
    const { a, b, prefix } = pair(limits);
    for (let i = 0; i < 3; i++) expect((await a.check('t1', 'app1', true)).ok).toBe(true);
    const keys = await admin!.keys(`${prefix}*`);
    expect(keys.sort()).toEqual(
      [`${prefix}{t1}:all`, `${prefix}{t1}:all:app1`, `${prefix}{t1}:w`, `${prefix}{t1}:w:app1`].sort(),
    );
    for (const k of keys) {
      const ttl = await admin!.pttl(k);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(limits.windowMs + 1000);
    }
    const start = Date.now();
    while (Date.now() - start < 900) {
      expect((await b.check('t1', 'app1', true)).ok).toBe(false);
      await sleep(50);
    }
    await sleep(limits.windowMs - (Date.now() - start) + 50);
    for (let i = 0; i < 3; i++) expect((await b.check('t1', 'app1', true)).ok).toBe(true);
    expect((await a.check('t1', 'app1', true)).ok).toBe(false);
  });

  it('keeps odd tenant and app names inside their own keys', async () => {
    const { a, prefix } = pair(LIMITS);
    expect((await a.check('t{x}:y', 'a:b}', true)).ok).toBe(true);
    const keys = await admin!.keys(`${prefix}*`);
    expect(keys).toContain(`${prefix}{t%7Bx%7D%3Ay}:w:a%3Ab%7D`);
  });
});

describe('redis throttle without Redis', () => {
  it('falls back to counting in process and warns once', async () => {
    const warnings: string[] = [];
    const t = createRedisThrottle('redis://127.0.0.1:1', LIMITS, {
      logger: { warn: (_obj, msg) => warnings.push(msg) },
      connectTimeoutMs: 300,
    });
    try {
      for (let i = 0; i < 3; i++) expect((await t.check('t1', 'app1', true)).ok).toBe(true);
      expect(await t.check('t1', 'app1', true)).toEqual({ ok: false, retryAfterSeconds: 20 });
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/in this process only/);
    } finally {
      await t.close();
    }
  });
});
