/**
 * The simulation clock: sim time as epoch milliseconds (docs/simulation.md#the-clock). It never runs backward,
 * so the check-ins between two readings are always well defined. Arguments are checked with RangeError: the
 * control plane validates what clients send before it gets here, so these only catch programming errors.
 */

export interface Clock {
  readonly kind: 'manual' | 'real';
  /** The current sim time, epoch ms (a whole number). */
  now(): number;
  /** Moves the clock forward by `ms` (≥ 0) and returns the new time. */
  advance(ms: number): number;
  /** Moves the clock to `t` (not before `now()`) and returns it. */
  set(t: number): number;
}

function checkStep(ms: number): void {
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`A clock moves forward by a finite ms ≥ 0; got ${ms}`);
}

function checkTarget(t: number, now: number): void {
  if (!Number.isFinite(t)) throw new RangeError(`A clock is set to a finite epoch ms; got ${t}`);
  if (t < now) throw new RangeError(`A clock never runs backward: ${t} is before ${now}`);
}

/** A clock that moves only when told. */
export function manualClock(start: number): Clock {
  let t = Math.floor(start);
  return {
    kind: 'manual',
    now: () => t,
    advance(ms) {
      checkStep(ms);
      t += Math.floor(ms);
      return t;
    },
    set(target) {
      checkTarget(target, t);
      t = Math.floor(target);
      return t;
    },
  };
}

export interface RealClockOptions {
  /** Sim time at creation, epoch ms; default the wall clock. */
  readonly start?: number;
  /** Sim ms per real ms; default 1. */
  readonly speed?: number;
  /** A monotonic real-time source in ms; default `performance.now`. */
  readonly realNow?: () => number;
}

/**
 * Real time × speed: sim = start + (real now − real start) × speed, plus whatever `advance`/`set` added on top
 * (the control plane can jump a running clock ahead).
 */
export function realClock(options: RealClockOptions = {}): Clock {
  const speed = options.speed ?? 1;
  if (!Number.isFinite(speed) || speed <= 0) throw new RangeError(`A clock speed is a finite number > 0; got ${speed}`);
  const realNow = options.realNow ?? (() => performance.now());
  const start = Math.floor(options.start ?? Date.now());
  const realStart = realNow();
  let jumped = 0;
  const now = () => start + Math.floor((realNow() - realStart) * speed) + jumped;
  return {
    kind: 'real',
    now,
    advance(ms) {
      checkStep(ms);
      jumped += Math.floor(ms);
      return now();
    },
    set(target) {
      const before = now();
      checkTarget(target, before);
      jumped += Math.floor(target) - before;
      return now();
    },
  };
}
