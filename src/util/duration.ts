/**
 * ISO 8601 durations of days and time, `PnDTnHnMnS` (docs/simulation.md#settings): strict, since a lenient reading
 * of a check-in interval or a clock move would silently do something else than asked. Years, months and weeks
 * are refused (their length in ms depends on the calendar); seconds may have a fraction down to the millisecond.
 */

/** The form, also as the pattern of the control plane's duration members. */
export const DURATION_PATTERN = '^P(?!$)(?:(\\d+)D)?(?:T(?=\\d)(?:(\\d+)H)?(?:(\\d+)M)?(?:(\\d+(?:\\.\\d{1,3})?)S)?)?$';
const PATTERN = new RegExp(DURATION_PATTERN);

const MS = { day: 86_400_000, hour: 3_600_000, minute: 60_000, second: 1000 } as const;

/** Milliseconds of an ISO 8601 duration, or undefined when `text` is not one of the form PnDTnHnMnS. */
export function parseDuration(text: string): number | undefined {
  const m = PATTERN.exec(text);
  if (!m) return undefined;
  const [, d, h, min, s] = m;
  const ms =
    Number(d ?? 0) * MS.day +
    Number(h ?? 0) * MS.hour +
    Number(min ?? 0) * MS.minute +
    Math.round(Number(s ?? 0) * MS.second);
  return Number.isSafeInteger(ms) ? ms : undefined;
}

/** The shortest `PnDTnHnMnS` text of a whole number of ms ≥ 0 (`PT0S` for 0). */
export function formatDuration(ms: number): string {
  if (!Number.isSafeInteger(ms) || ms < 0) throw new RangeError(`A duration is a whole number of ms ≥ 0; got ${ms}`);
  const days = Math.floor(ms / MS.day);
  let rest = ms - days * MS.day;
  const hours = Math.floor(rest / MS.hour);
  rest -= hours * MS.hour;
  const minutes = Math.floor(rest / MS.minute);
  rest -= minutes * MS.minute;
  const seconds = rest / MS.second;
  const time = `${hours ? `${hours}H` : ''}${minutes ? `${minutes}M` : ''}${seconds ? `${seconds}S` : ''}`;
  if (!days && !time) return 'PT0S';
  return `P${days ? `${days}D` : ''}${time ? `T${time}` : ''}`;
}
