/** Counting in this process: sliding windows kept as rings of admission times. */
import { performance } from 'node:perf_hooks';
import { ADMITTED, INTUNE_LIMITS, type Throttle, type ThrottleLimits, throttled } from './throttle.js';

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
