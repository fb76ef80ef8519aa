/** serve's simulation options (cli/config.ts): defaults, the switch from the environment, and clear errors. */
import { describe, expect, it } from 'vitest';
import { resolveServeConfig } from '../../src/cli/config.js';

const sim = (flags: Record<string, string | boolean>, env: NodeJS.ProcessEnv = {}) =>
  resolveServeConfig(flags, env).simulation;

describe('serve --simulate options', () => {
  it('is off unless asked for, by the flag or SIMULATE', () => {
    expect(sim({})).toBeUndefined();
    expect(sim({}, { SIMULATE: 'false' })).toBeUndefined();
    expect(sim({}, { SIMULATE: 'true' })).toBeDefined();
  });

  it('has the documented defaults', () => {
    expect(sim({ simulate: true })).toEqual({
      settings: { seed: '0', intervalMs: 28_800_000, errorRate: 0.05, offlineRate: 0 },
      clock: 'real',
      speed: 1,
      start: undefined,
    });
  });

  it('takes every option', () => {
    expect(
      sim({
        simulate: true,
        clock: 'manual',
        clockSpeed: '60',
        clockStart: '2026-01-01T00:00:00Z',
        checkinInterval: 'PT30M',
        errorRate: '1',
        offlineRate: '0.25',
        simSeed: 'demo',
      }),
    ).toEqual({
      settings: { seed: 'demo', intervalMs: 1_800_000, errorRate: 1, offlineRate: 0.25 },
      clock: 'manual',
      speed: 60,
      start: Date.UTC(2026, 0, 1),
    });
  });

  it('names what is wrong with a value', () => {
    const cases: [Record<string, string>, string | RegExp][] = [
      [
        { checkinInterval: '8h' },
        "--checkin-interval must be an ISO 8601 duration PnDTnHnMnS longer than 0 (e.g. PT8H, P1D, PT30M); got '8h'",
      ],
      [
        { checkinInterval: 'PT0S' },
        "--checkin-interval must be an ISO 8601 duration PnDTnHnMnS longer than 0 (e.g. PT8H, P1D, PT30M); got 'PT0S'",
      ],
      [{ errorRate: '1.5' }, "--error-rate must be a number from 0 to 1; got '1.5'"],
      [{ offlineRate: 'x' }, "--offline-rate must be a number from 0 to 1; got 'x'"],
      [{ clock: 'fast' }, "--clock must be one of real, manual; got 'fast'"],
      [{ clockSpeed: '0' }, "--clock-speed must be a number > 0 and at most 1000000; got '0'"],
      [{ clockStart: 'yesterday' }, /^--clock-start must be an ISO 8601 date-time: 'yesterday'/],
      [{ simSeed: '' }, "--sim-seed must be 1 to 100 characters; got ''"],
    ];
    for (const [flags, message] of cases) expect(() => sim({ simulate: true, ...flags })).toThrow(message);
    expect(() => sim({}, { SIMULATE: 'maybe' })).toThrow("--simulate (env) must be true or false; got 'maybe'");
  });
});
