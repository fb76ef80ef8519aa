/** The knobs of the simulation and their defaults (docs/simulation.md#settings). */
import type { DrawKey } from './draw.js';

export interface SimSettings {
  /** Every outcome is a pure function of this seed, the data and the clock moves. */
  readonly seed: DrawKey;
  /** Time between two check-ins of one device, ms. */
  readonly intervalMs: number;
  /** Probability in [0, 1] that a pending status resolves to `error`. */
  readonly errorRate: number;
  /** Fraction in [0, 1] of devices that are offline unless set online. */
  readonly offlineRate: number;
}

export const HOUR_MS = 3_600_000;

export const DEFAULT_SIM_SETTINGS: SimSettings = { seed: 0, intervalMs: 8 * HOUR_MS, errorRate: 0.05, offlineRate: 0 };

/** The settings with defaults filled in, checked (RangeError: the command line validates before this). */
export function simSettings(partial: Partial<SimSettings> = {}): SimSettings {
  const s = { ...DEFAULT_SIM_SETTINGS, ...partial };
  if (!Number.isInteger(s.intervalMs) || s.intervalMs <= 0) {
    throw new RangeError(`The check-in interval is a whole number of ms > 0; got ${s.intervalMs}`);
  }
  for (const [name, v] of [
    ['errorRate', s.errorRate],
    ['offlineRate', s.offlineRate],
  ] as const) {
    if (!(v >= 0 && v <= 1)) throw new RangeError(`${name} is a number in [0, 1]; got ${v}`);
  }
  return s;
}
