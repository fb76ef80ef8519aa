/**
 * Statuses over time by `lastReportedDateTime`: the earliest and the latest report (one row each, by an index),
 * then one `$count` per period as a `$filter` range, all periods in one `$batch`. The server counts; the console
 * never sees the statuses.
 */
import { useState } from 'preact/hooks';
import { BarChart } from '../chart';
import { bodyOf, type Client, CONFIGS, query } from '../client';
import { useLoad } from '../load';
import { num } from '../status';
import { Show } from '../ui';
import type { StatusKind } from './StatusTable';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Period lengths to choose from: the smallest that gives at most `MAX_BUCKETS` periods. */
const STEPS = [HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, DAY, 2 * DAY, 7 * DAY, 14 * DAY, 30 * DAY, 91 * DAY, 365 * DAY];
/** One `$batch` holds 20 requests. */
export const MAX_BUCKETS = 20;

export interface Bucket {
  readonly from: number;
  readonly to: number;
}

/** Whole periods, aligned to UTC, from the one holding `min` to the one holding `max`. */
export function buckets(min: number, max: number): Bucket[] {
  const step = STEPS.find((s) => Math.floor(max / s) - Math.floor(min / s) + 1 <= MAX_BUCKETS) ?? STEPS.at(-1)!;
  const out: Bucket[] = [];
  for (let t = Math.floor(min / step) * step; t <= max; t += step) out.push({ from: t, to: t + step });
  return out;
}

/** OData date-time literal: UTC with seven fractional digits. */
const literal = (ms: number): string => new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$10000Z');

function label(b: Bucket, all: readonly Bucket[]): string {
  const step = b.to - b.from;
  const sameYear = new Date(all[0]!.from).getUTCFullYear() === new Date(all.at(-1)!.from).getUTCFullYear();
  const opts: Intl.DateTimeFormatOptions =
    step < DAY
      ? { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'UTC' }
      : { month: 'short', day: 'numeric', ...(sameYear ? {} : { year: 'numeric' }), timeZone: 'UTC' };
  return new Date(b.from).toLocaleString('en', opts);
}

interface One {
  readonly value: { lastReportedDateTime: string | null }[];
}

export function Timeline({ client, tenant, config }: { client: Client; tenant: string; config: string }) {
  const [kind, setKind] = useState<StatusKind>('user');
  const set = `${CONFIGS}/${encodeURIComponent(config)}/${kind}Statuses`;
  const rel = `/deviceAppManagement/mobileAppConfigurations/${encodeURIComponent(config)}/${kind}Statuses`;
  const data = useLoad(async () => {
    const ends = await client.batch(tenant, [
      {
        url: `${rel}?${query({ $top: '1', $select: 'lastReportedDateTime', $filter: 'lastReportedDateTime ne null', $orderby: 'lastReportedDateTime' })}`,
      },
      { url: `${rel}?${query({ $top: '1', $select: 'lastReportedDateTime', $orderby: 'lastReportedDateTime desc' })}` },
    ]);
    const [lo, hi] = ends.map((e) => bodyOf<One>(e).value[0]?.lastReportedDateTime ?? null);
    if (!lo || !hi) return [];
    const bs = buckets(Date.parse(lo), Date.parse(hi));
    const counts = await client.batch(
      tenant,
      bs.map((b) => ({
        url: `${rel}?${query({
          $top: '1',
          $select: 'id',
          $count: 'true',
          $filter: `lastReportedDateTime ge ${literal(b.from)} and lastReportedDateTime lt ${literal(b.to)}`,
        })}`,
      })),
    );
    return bs.map((b, i) => ({
      key: String(b.from),
      label: label(b, bs),
      value: bodyOf<{ '@odata.count': number }>(counts[i]!)['@odata.count'],
      color: '#0969da',
    }));
  }, [client, tenant, set]);
  const what = kind === 'user' ? 'User statuses' : 'Device statuses';
  return (
    <>
      <fieldset class="segmented">
        <legend class="visually-hidden">Which statuses</legend>
        {(['user', 'device'] as const).map((k) => (
          <label key={k}>
            <input type="radio" name="timeline-kind" value={k} checked={kind === k} onChange={() => setKind(k)} />
            {k === 'user' ? 'User statuses' : 'Device statuses'}
          </label>
        ))}
      </fieldset>
      <Show value={data} what="the statuses over time">
        {(bars) =>
          bars.length === 0 ? (
            <p class="muted">No {what.toLowerCase()} have reported yet.</p>
          ) : (
            <BarChart
              name="timeline"
              title={`${what} by when they last reported (UTC periods; ${num(bars.reduce((a, b) => a + b.value, 0))} in all)`}
              bars={bars}
              table="details"
              size="large"
            />
          )
        }
      </Show>
    </>
  );
}
