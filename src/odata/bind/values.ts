/** The options whose value is a plain value: `$top`, `$skip`, `$count` and `$format`. */
import { badRequest } from '../../util/errors.js';
import { shown } from '../errors.js';
import type { QueryLimits } from '../limits.js';

const ONE_OR_MORE_DIGITS = /^\d+$/;

function integerOption(value: string, option: string, min: number, max: number, what: string): number {
  const v = value.trim();
  const n = Number(v);
  if (!ONE_OR_MORE_DIGITS.test(v) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw badRequest(`The value of ${option} must be ${what} from ${min} to ${max}; got ${shown(value)}.`, option);
  }
  return n;
}

/** `$top`: the page size. */
export const topOption = (value: string, option: string, limits: QueryLimits): number =>
  integerOption(value, option, 1, limits.maxTop, 'an integer page size');

export const skipOption = (value: string, option: string, limits: QueryLimits): number =>
  integerOption(value, option, 0, limits.maxSkip, 'an integer');

export function countOption(value: string, option: string): boolean {
  const v = value.trim().toLowerCase();
  if (v !== 'true' && v !== 'false')
    throw badRequest(`The value of ${option} must be true or false; got ${shown(value)}.`, option);
  return v === 'true';
}

/** `$format`: only JSON is served, so the option can only confirm it. */
export function checkFormat(value: string, option: string): void {
  const media = value.split(';', 1)[0]!.trim().toLowerCase();
  if (media !== 'json' && media !== 'application/json') {
    throw badRequest(`${option} must be 'json'; this service answers only in JSON (got ${shown(value)}).`, option);
  }
}
