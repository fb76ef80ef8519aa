/**
 * The running simulation (docs/simulation.md#the-running-simulation): a clock, the check-in engine over the
 * store, and the clock's state saved in the store after every move, so a restart continues where it stopped.
 * On the real clock a timer runs the due check-ins once a second of real time; on the manual clock only the
 * control plane moves it.
 */
import type { SimState, Store } from '../store/port.js';
import { dateTimeOffsetOf } from '../util/datetime.js';
import { formatDuration } from '../util/duration.js';
import { ApiError, badRequest, notFound } from '../util/errors.js';
import { type Clock, manualClock, realClock } from './clock.js';
import { CheckinEngine, type CheckinRun } from './engine.js';
import type { SimSettings } from './settings.js';
import { storeSimPort } from './store-port.js';

export type SimulationStore = Pick<
  Store,
  'targeting' | 'simTenants' | 'deviceTenants' | 'setDeviceOnline' | 'simState' | 'saveSimState'
>;

export interface SimulationOptions {
  readonly settings: SimSettings;
  readonly clock: 'manual' | 'real';
  /** Sim ms per real ms on the real clock; default 1. */
  readonly speed?: number;
  /** Sim time of a first start, epoch ms; default the wall clock. A saved clock wins. */
  readonly start?: number;
  /** Real ms between two runs of the real clock; default 1,000. */
  readonly tickMs?: number;
  /** Devices per batch (engine.ts); default the engine's. */
  readonly batchSize?: number;
  /** Told of a failed timer run (the timer never throws). */
  readonly onError?: (err: unknown) => void;
}

/** What `GET /_admin/clock` shows. */
export interface ClockView {
  readonly mode: 'manual' | 'real';
  readonly now: string;
  readonly speed: number;
  readonly ranThrough: string;
  readonly intervalMs: number;
  readonly interval: string;
  readonly errorRate: number;
  readonly offlineRate: number;
  readonly seed: string;
}

export interface MoveResult extends CheckinRun {
  readonly now: string;
}

const DEFAULT_TICK_MS = 1000;

export class Simulation {
  readonly #engine: CheckinEngine;
  #timer: NodeJS.Timeout | undefined;
  /** The timer's run in progress: a tick while one runs is skipped, so runs never overlap. */
  #ticking = false;
  #closed = false;

  private constructor(
    private readonly store: SimulationStore,
    private readonly options: SimulationOptions,
    private readonly clock: Clock,
    ranThrough: number,
  ) {
    this.#engine = new CheckinEngine(storeSimPort(store), options.settings, {
      ranThrough,
      ...(options.batchSize ? { batchSize: options.batchSize } : {}),
    });
  }

  /** Opens the simulation where the store's saved clock left it (or at `start`), and starts the real clock's timer. */
  static async open(store: SimulationStore, options: SimulationOptions): Promise<Simulation> {
    const saved = await store.simState();
    const start = saved?.now ?? Math.floor(options.start ?? Date.now());
    const clock = options.clock === 'manual' ? manualClock(start) : realClock({ start, speed: options.speed ?? 1 });
    const sim = new Simulation(store, options, clock, saved?.ranThrough ?? start);
    await sim.#save();
    if (options.clock === 'real') {
      sim.#timer = setInterval(() => sim.#tick(), options.tickMs ?? DEFAULT_TICK_MS);
      sim.#timer.unref();
    }
    return sim;
  }

  get view(): ClockView {
    const s = this.options.settings;
    return {
      mode: this.clock.kind,
      now: dateTimeOffsetOf(this.clock.now()),
      speed: this.clock.kind === 'real' ? (this.options.speed ?? 1) : 0,
      ranThrough: dateTimeOffsetOf(this.#engine.ranThrough),
      intervalMs: s.intervalMs,
      interval: formatDuration(s.intervalMs),
      errorRate: s.errorRate,
      offlineRate: s.offlineRate,
      seed: String(s.seed),
    };
  }

  /** Moves the clock `ms` ahead and runs every check-in due by then, in time order. */
  advance(ms: number): Promise<MoveResult> {
    return this.#move(this.clock.advance(ms));
  }

  /** Moves the clock to `t` (400 when that is before now) and runs every check-in due by then. */
  advanceTo(t: number): Promise<MoveResult> {
    const now = this.clock.now();
    if (t < now)
      throw badRequest(
        `The clock never runs backward: ${dateTimeOffsetOf(t)} is before its time ${dateTimeOffsetOf(now)}.`,
        'to',
      );
    return this.#move(this.clock.set(t));
  }

  /** One check-in of the device now, online or not; `tenant` picks among tenants holding the same id. */
  async checkin(deviceId: string, tenant?: string): Promise<CheckinRun> {
    const owner = await this.#tenantOf(deviceId, tenant);
    const run = await this.#engine.checkin(owner, [deviceId], this.clock.now());
    await this.#save();
    return run;
  }

  /** Sets the device on- or offline, or (null) back to its default. */
  async setOnline(deviceId: string, online: boolean | null, tenant?: string): Promise<void> {
    const owner = await this.#tenantOf(deviceId, tenant);
    if (!(await this.store.setDeviceOnline(owner, deviceId, online))) throw unknownDevice(deviceId, owner);
  }

  /** Stops the timer and waits for a run in progress. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearInterval(this.#timer);
    // The engine runs moves one after another: an empty move settles after the last one.
    await this.#engine.advance(this.#engine.ranThrough).catch(() => undefined);
  }

  async #move(to: number): Promise<MoveResult> {
    const run = await this.#engine.advance(to);
    await this.#save();
    return { now: dateTimeOffsetOf(this.clock.now()), ...run };
  }

  #state(): SimState {
    return { now: this.clock.now(), ranThrough: this.#engine.ranThrough };
  }

  #save(): Promise<void> {
    return this.store.saveSimState(this.#state());
  }

  #tick(): void {
    if (this.#ticking || this.#closed) return;
    this.#ticking = true;
    this.#move(this.clock.now())
      .catch((err: unknown) => this.options.onError?.(err))
      .finally(() => {
        this.#ticking = false;
      });
  }

  async #tenantOf(deviceId: string, tenant: string | undefined): Promise<string> {
    const tenants = await this.store.deviceTenants(deviceId);
    if (tenant !== undefined) {
      if (!tenants.includes(tenant)) throw unknownDevice(deviceId, tenant);
      return tenant;
    }
    if (tenants.length === 0) throw unknownDevice(deviceId);
    if (tenants.length > 1)
      throw new ApiError(
        'Conflict',
        `The managed device '${deviceId}' exists in ${tenants.length} tenants (${tenants.join(', ')}); name one with ?tenant=.`,
      );
    return tenants[0]!;
  }
}

const unknownDevice = (deviceId: string, tenant?: string): ApiError =>
  notFound(`No managed device '${deviceId}'${tenant === undefined ? ' in any tenant' : ` in tenant '${tenant}'`}.`);
