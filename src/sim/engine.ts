/**
 * Runs the check-ins a clock move makes due (docs/simulation.md#a-clock-move). A device's check-ins touch only
 * its own statuses and its user's aggregate, so devices are processed in batches, in device id order: the result
 * is what running every check-in one by one in time order gives.
 */

import type { SimPort } from './port.js';
import { resolveCheckins, type Visit } from './resolve.js';
import { type CheckinSpan, checkinOffset, checkinsBetween, onlineByDefault, scheduleKey } from './schedule.js';
import type { SimSettings } from './settings.js';

export interface CheckinRun {
  /** Check-ins that ran. */
  readonly checkins: number;
  /** Device statuses that changed. */
  readonly resolved: number;
}

export interface EngineOptions {
  /** Sim time up to which check-ins have already run (a restart passes what it saved), epoch ms. */
  readonly ranThrough: number;
  /** Devices per port round trip; default 5,000. */
  readonly batchSize?: number;
}

const DEFAULT_BATCH = 5_000;

export class CheckinEngine {
  #ranThrough: number;
  readonly #batch: number;
  readonly #key: string;
  /** Moves run one after another: each starts where the previous one ended. */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly port: SimPort,
    private readonly settings: SimSettings,
    options: EngineOptions,
  ) {
    this.#ranThrough = options.ranThrough;
    this.#batch = options.batchSize ?? DEFAULT_BATCH;
    this.#key = scheduleKey(settings);
  }

  /** Sim time up to which every due check-in has run. */
  get ranThrough(): number {
    return this.#ranThrough;
  }

  /** Runs every check-in in (ranThrough, to]; a time not after ranThrough runs nothing. */
  advance(to: number): Promise<CheckinRun> {
    return this.#serial(() => this.#advance(to));
  }

  /** One check-in of the given devices at `at`, online or not and whatever their schedule. */
  checkin(tenant: string, deviceIds: readonly string[], at: number): Promise<CheckinRun> {
    return this.#serial(() => this.#checkin(tenant, deviceIds, at));
  }

  #serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(work);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #advance(to: number): Promise<CheckinRun> {
    const from = this.#ranThrough;
    if (to <= from) return { checkins: 0, resolved: 0 };
    let checkins = 0;
    let resolved = 0;
    for (const tenant of [...(await this.port.tenants())].sort()) {
      await this.#schedule(tenant);
      const due = await this.port.dueDevices(tenant, { from, to, intervalMs: this.settings.intervalMs });
      const spans: { deviceId: string; span: CheckinSpan }[] = [];
      for (const d of due) {
        const span = checkinsBetween(d.offsetMs, this.settings.intervalMs, from, to);
        if (span) spans.push({ deviceId: d.deviceId, span });
      }
      // By device id, not by time: each device's check-ins touch only its own statuses and its users' aggregates,
      // which are read afresh per batch, so the order of devices does not change the result; in id order a batch
      // touches one stretch of each index instead of pages all over the tables.
      spans.sort((a, b) => (a.deviceId < b.deviceId ? -1 : a.deviceId > b.deviceId ? 1 : 0));
      for (let i = 0; i < spans.length; i += this.#batch) {
        const visits = new Map<string, Visit>();
        for (const { deviceId, span } of spans.slice(i, i + this.#batch)) {
          visits.set(deviceId, { resolveAt: span.first, syncAt: span.last });
          checkins += span.count;
        }
        resolved += await this.#run(tenant, visits);
      }
    }
    this.#ranThrough = to;
    return { checkins, resolved };
  }

  async #checkin(tenant: string, deviceIds: readonly string[], at: number): Promise<CheckinRun> {
    let resolved = 0;
    for (let i = 0; i < deviceIds.length; i += this.#batch) {
      const visits = new Map<string, Visit>();
      for (const id of deviceIds.slice(i, i + this.#batch)) visits.set(id, { resolveAt: at, syncAt: at });
      resolved += await this.#run(tenant, visits);
    }
    return { checkins: new Set(deviceIds).size, resolved };
  }

  async #run(tenant: string, visits: ReadonlyMap<string, Visit>): Promise<number> {
    return this.port.turn(tenant, async () => {
      const facts = await this.port.checkinFacts(tenant, [...visits.keys()]);
      const batch = resolveCheckins(facts, visits, this.settings);
      await this.port.applyCheckins(tenant, batch);
      return batch.deviceStatuses.length;
    });
  }

  /** Gives every device without a current schedule its offset and default from the seed. */
  async #schedule(tenant: string): Promise<void> {
    for (;;) {
      const ids = await this.port.unscheduledDevices(tenant, this.#key, this.#batch);
      if (ids.length === 0) return;
      await this.port.saveSchedules(
        tenant,
        this.#key,
        ids.map((deviceId) => ({
          deviceId,
          offsetMs: checkinOffset(this.settings, deviceId),
          onlineByDefault: onlineByDefault(this.settings, deviceId),
        })),
      );
    }
  }
}
