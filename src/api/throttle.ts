/**
 * Throttling with Intune's documented limits (graph-reference §4.10; API.md §9, §12): sliding windows per app
 * per tenant and per tenant, one pair for writes and one for all requests. A request is admitted only when
 * every bucket it belongs to has room, and then counts in all of them; a throttled request counts nowhere.
 */
import { createHash, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';

export interface ThrottleLimits {
  windowMs: number;
  writesPerAppPerTenant: number;
  writesPerTenant: number;
  allPerAppPerTenant: number;
  allPerTenant: number;
}

export const INTUNE_LIMITS: ThrottleLimits = Object.freeze({
  windowMs: 20_000,
  writesPerAppPerTenant: 100,
  writesPerTenant: 200,
  allPerAppPerTenant: 1_000,
  allPerTenant: 2_000,
});

export interface ThrottleDecision {
  ok: boolean;
  /** Whole seconds (≥ 1) until a slot frees when `!ok`; 0 when admitted. */
  retryAfterSeconds: number;
}

export interface Throttle {
  check(tenant: string, app: string, isWrite: boolean): Promise<ThrottleDecision> | ThrottleDecision;
  close(): Promise<void>;
}

/** POST, PUT, PATCH and DELETE count against the write limits. */
export const isWriteMethod = (method: string): boolean => {
  const m = method.toUpperCase();
  return m === 'POST' || m === 'PUT' || m === 'PATCH' || m === 'DELETE';
};

const ADMITTED: ThrottleDecision = Object.freeze({ ok: true, retryAfterSeconds: 0 });

const throttled = (waitMs: number): ThrottleDecision => ({
  ok: false,
  retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)),
});

export const noThrottle: Throttle = {
  check: () => ADMITTED,
  close: async () => {},
};

// ---------------------------------------------------------------------------------------------------------------
// In-process

/**
 * Timestamps of admitted requests, oldest first. It never holds more than its limit (only admitted requests are
 * pushed, and only while there is room), so it starts small and grows by doubling up to that limit.
 */
class Ring {
  private buf: Float64Array;
  private head = 0;
  size = 0;

  constructor(private readonly capacity: number) {
    this.buf = new Float64Array(Math.min(capacity, 16));
  }

  /** Drops entries at or before `cutoff`: they have left the window. */
  evict(cutoff: number): void {
    const buf = this.buf;
    while (this.size > 0 && buf[this.head]! <= cutoff) {
      this.head = this.head + 1 === buf.length ? 0 : this.head + 1;
      this.size--;
    }
  }

  /** The i-th oldest entry (0-based); callers keep i < size. */
  at(i: number): number {
    return this.buf[(this.head + i) % this.buf.length]!;
  }

  push(t: number): void {
    if (this.size === this.buf.length) this.grow();
    this.buf[(this.head + this.size) % this.buf.length] = t;
    this.size++;
  }

  private grow(): void {
    const next = new Float64Array(Math.max(1, Math.min(this.capacity, this.buf.length * 2)));
    for (let i = 0; i < this.size; i++) next[i] = this.at(i);
    this.buf = next;
    this.head = 0;
  }
}

interface Buckets {
  all: Ring;
  writes: Ring;
}

interface TenantBuckets extends Buckets {
  apps: Map<string, Buckets>;
}

/**
 * Milliseconds until `ring` has room under `limit`, or 0 if it has room now. When full, the entry that has to
 * leave is the (size - limit)-th oldest (normally the oldest; more only if limits were lowered).
 */
function waitFor(ring: Ring, limit: number, cutoff: number, t: number, windowMs: number): number {
  ring.evict(cutoff);
  if (ring.size < limit) return 0;
  if (limit <= 0 || ring.size === 0) return windowMs;
  return ring.at(ring.size - limit) + windowMs - t;
}

/**
 * Counts in this process only. O(1) amortised per request: each admitted timestamp is pushed and evicted once;
 * idle tenants and apps are dropped by a sweep that runs at most once per window.
 * `now` defaults to a monotonic clock (wall-clock steps must not open or close the window).
 */
export function createMemoryThrottle(
  limits: ThrottleLimits = INTUNE_LIMITS,
  now: () => number = () => performance.now(),
): Throttle {
  const { windowMs } = limits;
  const tenants = new Map<string, TenantBuckets>();
  let last = Number.NEGATIVE_INFINITY;
  let lastSweep = Number.NEGATIVE_INFINITY;

  const newBuckets = (allCap: number, writeCap: number): Buckets => ({
    all: new Ring(allCap),
    writes: new Ring(writeCap),
  });

  const sweep = (cutoff: number): void => {
    for (const [tenant, tb] of tenants) {
      tb.all.evict(cutoff);
      // Every write is also in `all`, so an empty `all` means nothing of this tenant is in the window.
      if (tb.all.size === 0) {
        tenants.delete(tenant);
        continue;
      }
      for (const [app, ab] of tb.apps) {
        ab.all.evict(cutoff);
        if (ab.all.size === 0) tb.apps.delete(app);
      }
    }
  };

  return {
    check(tenant, app, isWrite) {
      // Clamp so that a clock that steps back cannot unsort the rings.
      const t = Math.max(now(), last);
      last = t;
      const cutoff = t - windowMs;
      if (t - lastSweep >= windowMs) {
        sweep(cutoff);
        lastSweep = t;
      }

      let tb = tenants.get(tenant);
      if (tb === undefined) {
        tb = { ...newBuckets(limits.allPerTenant, limits.writesPerTenant), apps: new Map() };
        tenants.set(tenant, tb);
      }
      let ab = tb.apps.get(app);
      if (ab === undefined) {
        ab = newBuckets(limits.allPerAppPerTenant, limits.writesPerAppPerTenant);
        tb.apps.set(app, ab);
      }

      // The longest wait decides: every full bucket has to free a slot.
      let wait = Math.max(
        waitFor(tb.all, limits.allPerTenant, cutoff, t, windowMs),
        waitFor(ab.all, limits.allPerAppPerTenant, cutoff, t, windowMs),
      );
      if (isWrite) {
        wait = Math.max(
          wait,
          waitFor(tb.writes, limits.writesPerTenant, cutoff, t, windowMs),
          waitFor(ab.writes, limits.writesPerAppPerTenant, cutoff, t, windowMs),
        );
      }
      if (wait > 0) return throttled(wait);

      tb.all.push(t);
      ab.all.push(t);
      if (isWrite) {
        tb.writes.push(t);
        ab.writes.push(t);
      }
      return ADMITTED;
    },
    async close() {
      tenants.clear();
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Shared through Redis

/**
 * One round trip, atomic: trims every bucket to the window, and either records the request in all of them or
 * answers how long until the fullest frees a slot. The clock is Redis's own TIME, so instances with skewed
 * clocks still agree. KEYS: the buckets; ARGV: windowMs, member, then one limit per key.
 * Returns {1, 0} when admitted, {0, waitMs} when throttled.
 */
const SCRIPT = `
if redis.replicate_commands then redis.replicate_commands() end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[1])
local cutoff = now - window
local wait = 0
for i = 1, #KEYS do
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', cutoff)
  local limit = tonumber(ARGV[i + 2])
  local count = redis.call('ZCARD', KEYS[i])
  if count >= limit then
    local w = window
    if limit > 0 then
      local e = redis.call('ZRANGE', KEYS[i], count - limit, count - limit, 'WITHSCORES')
      w = tonumber(e[2]) + window - now
    end
    if w > wait then wait = w end
  end
end
if wait > 0 then return {0, wait} end
for i = 1, #KEYS do
  redis.call('ZADD', KEYS[i], now, ARGV[2])
  redis.call('PEXPIRE', KEYS[i], window + 1000)
end
return {1, 0}
`;
const SCRIPT_SHA = createHash('sha1').update(SCRIPT).digest('hex');

/** The part of a logger this module uses; a pino logger fits. */
export interface ThrottleLogger {
  warn(obj: object, msg: string): void;
}

export interface RedisThrottleOptions {
  /** Prepended to every key; distinct prefixes keep separate deployments (or test runs) apart. */
  keyPrefix?: string;
  logger?: ThrottleLogger;
  /** A Redis answer slower than this counts as Redis being unavailable. */
  commandTimeoutMs?: number;
  /** How long the first requests wait for the initial connection before falling back. */
  connectTimeoutMs?: number;
}

const consoleLogger: ThrottleLogger = {
  warn: (obj, msg) => console.warn(msg, obj),
};

/**
 * Counts shared by every instance on one Redis: each bucket is a sorted set of admitted requests (score = time
 * in ms, member = unique per request), trimmed and checked by one Lua script. Keys carry the tenant as a hash
 * tag so that one request's keys share a cluster slot, and expire one window after their last admission.
 *
 * When Redis is unreachable, slow or failing, requests are checked by an in-process throttle with the same
 * limits instead (each instance then enforces the limits on its own share): neither rejecting everything nor
 * dropping protection. One warning is logged when that starts and one when Redis answers again.
 */
export function createRedisThrottle(
  redisUrl: string,
  limits: ThrottleLimits = INTUNE_LIMITS,
  options: RedisThrottleOptions = {},
): Throttle {
  const prefix = options.keyPrefix ?? 'appconfig-graph:throttle:';
  const logger = options.logger ?? consoleLogger;
  const connectTimeoutMs = options.connectTimeoutMs ?? 2_000;
  const fallback = createMemoryThrottle(limits);
  const instance = randomUUID();
  let seq = 0;
  let degraded = false;
  let closed = false;

  const client = new Redis(redisUrl, {
    // Fail fast instead of queueing: a queued check would hold the request it throttles.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: options.commandTimeoutMs ?? 500,
    connectTimeout: connectTimeoutMs,
    retryStrategy: (times) => Math.min(times * 200, 5_000),
  });

  // Without an offline queue, requests that arrive while the first connection is being made would all fall
  // back; let them wait for its outcome, bounded.
  let firstConnect: Promise<void> | undefined = new Promise<void>((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      client.off('ready', done);
      client.off('error', done);
      client.off('end', done);
      firstConnect = undefined;
      resolve();
    };
    const timer = setTimeout(done, connectTimeoutMs);
    timer.unref();
    client.once('ready', done);
    client.once('error', done);
    client.once('end', done);
  });

  const degrade = (err: unknown): void => {
    if (degraded || closed) return;
    degraded = true;
    logger.warn(
      { err: err instanceof Error ? err.message : String(err) },
      'Redis throttle unavailable; counting in this process only until it answers again',
    );
  };

  const recover = (): void => {
    if (!degraded) return;
    degraded = false;
    logger.warn({}, 'Redis throttle available again; counts are shared across instances');
  };

  // ioredis emits 'error' on every failed reconnect; without a listener each would be an uncaught error.
  client.on('error', degrade);

  const enc = encodeURIComponent;

  const run = async (keys: string[], args: (string | number)[]): Promise<unknown> => {
    try {
      return await client.evalsha(SCRIPT_SHA, keys.length, ...keys, ...args);
    } catch (err) {
      if (err instanceof Error && err.message.startsWith('NOSCRIPT')) {
        return client.eval(SCRIPT, keys.length, ...keys, ...args);
      }
      throw err;
    }
  };

  return {
    async check(tenant, app, isWrite) {
      if (firstConnect !== undefined) await firstConnect;
      if (client.status !== 'ready') {
        degrade(new Error(`connection is ${client.status}`));
        return fallback.check(tenant, app, isWrite);
      }
      // {tenant} is a cluster hash tag: one request's keys live in one slot, as a script requires.
      const base = `${prefix}{${enc(tenant)}}`;
      const a = enc(app);
      const keys = [`${base}:all`, `${base}:all:${a}`];
      const args: (string | number)[] = [
        limits.windowMs,
        `${instance}:${seq++}`,
        limits.allPerTenant,
        limits.allPerAppPerTenant,
      ];
      if (isWrite) {
        keys.push(`${base}:w`, `${base}:w:${a}`);
        args.push(limits.writesPerTenant, limits.writesPerAppPerTenant);
      }
      let reply: unknown;
      try {
        reply = await run(keys, args);
      } catch (err) {
        degrade(err);
        return fallback.check(tenant, app, isWrite);
      }
      if (!Array.isArray(reply) || reply.length !== 2) {
        degrade(new Error(`unexpected reply from the throttle script: ${JSON.stringify(reply)}`));
        return fallback.check(tenant, app, isWrite);
      }
      recover();
      return Number(reply[0]) === 1 ? ADMITTED : throttled(Number(reply[1]));
    },
    async close() {
      closed = true;
      await fallback.close();
      if (client.status === 'ready') {
        try {
          await client.quit();
          return;
        } catch {
          // fall through to a hard disconnect
        }
      }
      client.disconnect();
    },
  };
}
