/**
 * Throttling with Intune's documented limits (docs/protocol.md): sliding windows per app per tenant and per
 * tenant, one pair for writes and one for all requests. A request is admitted only when every bucket it belongs
 * to has room, and then counts in all of them; a throttled request counts nowhere. One interface, two ways of
 * counting: in this process (memory.ts) or shared by every instance through Redis (redis.ts).
 */
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

export const ADMITTED: ThrottleDecision = Object.freeze({ ok: true, retryAfterSeconds: 0 });

/** A refusal that frees in `waitMs`, rounded up to whole seconds as `Retry-After` gives them. */
export const throttled = (waitMs: number): ThrottleDecision => ({
  ok: false,
  retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)),
});

export const noThrottle: Throttle = {
  check: () => ADMITTED,
  close: async () => {},
};
