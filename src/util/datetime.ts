/**
 * Edm.DateTimeOffset handling. Values are kept to the 100 ns tick (7 fractional digits) as a canonical
 * UTC string `YYYY-MM-DDTHH:MM:SS.fffffffZ`: fixed width, so it sorts and compares as text in every store.
 */

/** The canonical form itself, which clients mostly send back as they got it. */
const CANONICAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.\d{7}Z$/;

const ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,}))?)?(Z|z|[+-]\d{2}:\d{2})$/;

export type DateTimeParse = { ok: true; value: string } | { ok: false; reason: string };

function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

const pad = (n: number, w: number): string => String(n).padStart(w, '0');

/** Parses an RFC 3339 date-time with an offset and returns its canonical UTC form. */
export function parseDateTimeOffset(text: string): DateTimeParse {
  // Canonical already and every field in range: its own canonical form. Anything else takes the full path.
  const c = text.length === 28 ? CANONICAL.exec(text) : null;
  if (c) {
    const y = Number(c[1]);
    const mo = Number(c[2]);
    const d = Number(c[3]);
    if (y >= 1 && mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(y, mo)) {
      if (Number(c[4]) <= 23 && Number(c[5]) <= 59 && Number(c[6]) <= 59) return { ok: true, value: text };
    }
  }
  const m = ISO.exec(text);
  if (!m) {
    if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text)) {
      return { ok: false, reason: 'it has no time-zone offset (add Z or ±hh:mm)' };
    }
    return { ok: false, reason: 'it is not an ISO 8601 date-time such as 2024-05-01T10:00:00Z' };
  }
  const [, ys, mos, ds, hs, mis, ss = '00', frac = '', off] = m;
  const y = Number(ys);
  const mo = Number(mos);
  const d = Number(ds);
  const h = Number(hs);
  const mi = Number(mis);
  const s = Number(ss);
  if (frac.length > 7) return { ok: false, reason: 'it has more than 7 fractional digits of a second' };
  if (mo < 1 || mo > 12) return { ok: false, reason: `month ${mos} is out of range` };
  if (d < 1 || d > daysInMonth(y, mo)) return { ok: false, reason: `day ${ds} does not exist in ${ys}-${mos}` };
  if (h > 23 || mi > 59 || s > 59) return { ok: false, reason: 'the time of day is out of range' };
  let offsetMin = 0;
  if (off !== 'Z' && off !== 'z') {
    const sign = off!.startsWith('-') ? -1 : 1;
    const oh = Number(off!.slice(1, 3));
    const om = Number(off!.slice(4, 6));
    if (oh > 23 || om > 59) return { ok: false, reason: `offset ${off} is out of range` };
    offsetMin = sign * (oh * 60 + om);
  }
  // Whole seconds through Date.UTC (which handles year < 100 badly, so set the year explicitly).
  const dt = new Date(0);
  dt.setUTCFullYear(y, mo - 1, d);
  dt.setUTCHours(h, mi - offsetMin, s, 0);
  const yy = dt.getUTCFullYear();
  if (yy < 1 || yy > 9999) return { ok: false, reason: 'the year is out of range 0001–9999 in UTC' };
  const ticks = frac.padEnd(7, '0');
  return {
    ok: true,
    value:
      `${pad(yy, 4)}-${pad(dt.getUTCMonth() + 1, 2)}-${pad(dt.getUTCDate(), 2)}T` +
      `${pad(dt.getUTCHours(), 2)}:${pad(dt.getUTCMinutes(), 2)}:${pad(dt.getUTCSeconds(), 2)}.${ticks}Z`,
  };
}

/** The current instant in canonical form (millisecond precision padded to 7 digits). */
export function nowDateTimeOffset(): string {
  return dateTimeOffsetOf(Date.now());
}

/** `innerError.date` form: `YYYY-MM-DDTHH:MM:SS`, UTC, no fraction, no offset. */
export function errorDate(d = new Date()): string {
  return d.toISOString().slice(0, 19);
}

let lastMs = Number.NaN;
let lastText = '';

/**
 * The canonical form of an epoch-milliseconds instant. The last answer is kept: writes in the same millisecond
 * (every item of a bulk PATCH) ask for the same instant.
 */
export function dateTimeOffsetOf(ms: number): string {
  if (ms !== lastMs) {
    lastText = `${new Date(ms).toISOString().slice(0, 23)}0000Z`;
    lastMs = ms;
  }
  return lastText;
}
