/**
 * When devices check in (docs/simulation.md#the-check-in-schedule). Device d checks in at every
 * t = offset(d) + k × interval (k any integer), offset(d) drawn once from the seed and the device id, so the
 * schedule needs no state and is the same in every run.
 */
import { draw } from './draw.js';
import type { SimSettings } from './settings.js';

/** Where in each interval a device checks in: a whole ms in [0, interval). */
export const checkinOffset = (settings: SimSettings, deviceId: string): number =>
  Math.floor(draw(settings.seed, 'checkin-offset', deviceId) * settings.intervalMs);

/** Whether a device is online when no one has set it on- or offline. */
export const onlineByDefault = (settings: SimSettings, deviceId: string): boolean =>
  draw(settings.seed, 'offline', deviceId) >= settings.offlineRate;

/**
 * What a stored schedule was computed from. A store keeps it beside each device's offset and default, and the
 * engine recomputes those whose key differs (after a restart with another seed, interval or offline rate).
 */
export const scheduleKey = (settings: SimSettings): string =>
  JSON.stringify([String(settings.seed), settings.intervalMs, settings.offlineRate]);

export interface CheckinSpan {
  /** How many check-ins fall in the window. */
  readonly count: number;
  readonly first: number;
  readonly last: number;
}

/** Index k of the last check-in at or before t. */
const lastIndexAtOrBefore = (offset: number, interval: number, t: number): number =>
  Math.floor((t - offset) / interval);

/** The check-ins of a device in (from, to]: none → undefined. */
export function checkinsBetween(offset: number, interval: number, from: number, to: number): CheckinSpan | undefined {
  const firstK = lastIndexAtOrBefore(offset, interval, from) + 1;
  const lastK = lastIndexAtOrBefore(offset, interval, to);
  if (lastK < firstK) return undefined;
  return { count: lastK - firstK + 1, first: offset + firstK * interval, last: offset + lastK * interval };
}

/**
 * Whether a device has a check-in in (from, to]: ⌊(to − offset) / interval⌋ > ⌊(from − offset) / interval⌋.
 * Stores evaluate the same comparison in SQL to find due devices.
 */
export const isDue = (offset: number, interval: number, from: number, to: number): boolean =>
  lastIndexAtOrBefore(offset, interval, to) > lastIndexAtOrBefore(offset, interval, from);
