/** The throttle conformance suite against both throttles: in process always, Redis when reachable. */
import { afterAll } from 'vitest';
import { throttleConformance } from './conformance.js';
import { memoryKind, redisAdmin, redisKind, requireRedisOrSkip } from './subjects.js';

afterAll(() => redisAdmin?.disconnect());

requireRedisOrSkip();
throttleConformance(memoryKind());
throttleConformance(redisKind());
