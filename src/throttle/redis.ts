/** Counting shared by every instance through Redis, with the in-process count as the fallback. */
import { createHash, randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { createMemoryThrottle } from './memory.js';
import { ADMITTED, INTUNE_LIMITS, type Throttle, type ThrottleLimits, throttled } from './throttle.js';

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
