/** Throttling: the interface, and the two ways of counting behind it. */
export { createMemoryThrottle } from './memory.js';
export { createRedisThrottle, type RedisThrottleOptions, type ThrottleLogger } from './redis.js';
export {
  INTUNE_LIMITS,
  isWriteMethod,
  noThrottle,
  type Throttle,
  type ThrottleDecision,
  type ThrottleLimits,
} from './throttle.js';
