/**
 * The throttles the conformance suite runs against: the in-process one always (on a clock the suite moves),
 * the Redis one when Redis answers at `REDIS_URL` (default `redis://127.0.0.1:6379`; on Redis's own clock, so
 * the suite waits for real). `REQUIRE_REDIS=1` turns an unreachable Redis into a failure instead of a skip.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { describe, it } from 'vitest';
import {
  createMemoryThrottle,
  createRedisThrottle,
  type Throttle,
  type ThrottleLimits,
} from '../../src/throttle/index.js';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const REQUIRE_REDIS = process.env.REQUIRE_REDIS === '1';

async function probe(): Promise<Redis | undefined> {
  const r = new Redis(REDIS_URL, {
    lazyConnect: true,
    connectTimeout: 1000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  r.on('error', () => {});
  try {
    await r.connect();
    await r.ping();
    return r;
  } catch {
    r.disconnect();
    return undefined;
  }
}

/** A connection for inspecting and cleaning up keys, or undefined when no Redis answers. */
export const redisAdmin: Redis | undefined = await probe();

if (!redisAdmin && !REQUIRE_REDIS)
  console.warn(`Redis throttle tests SKIPPED: no Redis answers at ${REDIS_URL} (set REDIS_URL).`);

export function requireRedisOrSkip(): void {
  if (!redisAdmin && REQUIRE_REDIS) {
    describe('Redis', () => {
      it('is reachable (REQUIRE_REDIS=1)', () => {
        throw new Error(`REQUIRE_REDIS=1 but Redis at ${REDIS_URL} is unreachable`);
      });
    });
  }
}

/** One throttle under test, and how to let time pass for it. */
export interface OpenedThrottle {
  readonly throttle: Throttle;
  /** Lets `ms` milliseconds pass on the throttle's clock. */
  advance(ms: number): Promise<void>;
}

export interface ThrottleKind {
  readonly name: string;
  readonly available: boolean;
  open(limits: ThrottleLimits): OpenedThrottle;
  /** Closes everything opened, and removes what it left behind. */
  cleanup(): Promise<void>;
}

export const silent = { warn: () => {} };

/** Under test, falling back to counting in process would hide Redis from the suite: that fails the test instead. */
const noFallback = {
  warn(obj: object, msg: string): void {
    throw new Error(`${msg} ${JSON.stringify(obj)}`);
  },
};

export function memoryKind(): ThrottleKind {
  return {
    name: 'memory',
    available: true,
    open(limits) {
      let t = 0;
      const throttle = createMemoryThrottle(limits, () => t);
      return {
        throttle,
        advance: async (ms) => {
          t += ms;
        },
      };
    },
    cleanup: async () => {},
  };
}

export function redisKind(): ThrottleKind {
  const prefix = `test:throttle:${randomUUID()}:`;
  const opened: Throttle[] = [];
  return {
    name: 'redis',
    available: redisAdmin !== undefined,
    open(limits) {
      // A prefix per throttle: each test starts from empty buckets.
      const throttle = createRedisThrottle(REDIS_URL, limits, {
        keyPrefix: `${prefix}${randomUUID()}:`,
        logger: noFallback,
      });
      opened.push(throttle);
      return { throttle, advance: (ms) => sleep(ms) };
    },
    async cleanup() {
      await Promise.all(opened.map((t) => t.close()));
      const keys = await redisAdmin!.keys(`${prefix}*`);
      if (keys.length > 0) await redisAdmin!.del(...keys);
    },
  };
}
