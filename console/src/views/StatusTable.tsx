/**
 * A configuration's user or device statuses as a table, every part of it done by the server: filter by status
 * (`$filter`), search (`$search`), sort (`$orderby`, by a column's button), pages of `$top` rows with
 * `@odata.nextLink`, and the total (`$count=true`). Nothing is fetched but the page shown.
 */
import { useState } from 'preact/hooks';
import { type Client, CONFIGS, query } from '../client';
import { useLoad } from '../load';
import { STATUSES, when } from '../status';
import { Scroll, Show, StatusBadge } from '../ui';
import { usePager } from './pager';

export type StatusKind = 'user' | 'device';

interface Column {
  readonly prop: string;
  readonly label: string;
  readonly kind?: 'status' | 'date' | 'number';
}

const COLUMNS: Record<StatusKind, readonly Column[]> = {
  user: [
    { prop: 'userDisplayName', label: 'User' },
    { prop: 'userPrincipalName', label: 'Principal name' },
    { prop: 'devicesCount', label: 'Devices', kind: 'number' },
    { prop: 'status', label: 'Status', kind: 'status' },
    { prop: 'lastReportedDateTime', label: 'Last reported', kind: 'date' },
  ],
  device: [
    { prop: 'deviceDisplayName', label: 'Device' },
    { prop: 'userName', label: 'User' },
    { prop: 'platform', label: 'Platform' },
    { prop: 'status', label: 'Status', kind: 'status' },
    { prop: 'lastReportedDateTime', label: 'Last reported', kind: 'date' },
  ],
};

const SIZES = [25, 50, 100];

interface Page {
  readonly value: Record<string, unknown>[];
  readonly '@odata.count'?: number;
  readonly '@odata.nextLink'?: string;
}

/** `$search` takes a quoted phrase; a quote inside is doubled out of the way. */
const searchPhrase = (s: string): string => `"${s.replace(/"/g, ' ').trim()}"`;

export function statusesUrl(
  config: string,
  kind: StatusKind,
  o: { status?: string; search?: string; orderBy?: string; top: number },
): string {
  const q = query({
    $top: String(o.top),
    $count: 'true',
    $select: ['id', ...COLUMNS[kind].map((c) => c.prop)].join(','),
    ...(o.status ? { $filter: `status eq '${o.status}'` } : {}),
    ...(o.search ? { $search: searchPhrase(o.search) } : {}),
    ...(o.orderBy ? { $orderby: o.orderBy } : {}),
  });
  return `${CONFIGS}/${encodeURIComponent(config)}/${kind}Statuses?${q}`;
}

export function StatusTable({
  client,
  tenant,
  config,
  kind,
}: {
  client: Client;
  tenant: string;
  config: string;
  kind: StatusKind;
}) {
  const [status, setStatus] = useState('');
  const [typed, setTyped] = useState('');
  const [search, setSearch] = useState('');
  const [sort, setSort] = useState<{ prop: string; desc: boolean } | undefined>();
  const [top, setTop] = useState(SIZES[0]!);
  const first = statusesUrl(config, kind, {
    status,
    search,
    ...(sort ? { orderBy: `${sort.prop}${sort.desc ? ' desc' : ''}` } : {}),
    top,
  });
  const pager = usePager(first, [tenant]);
  const page = useLoad(() => client.graphJson<Page>(tenant, pager.url), [client, tenant, pager.url]);
  const label = kind === 'user' ? 'user statuses' : 'device statuses';
  const id = `${kind}-statuses`;
  const columns = COLUMNS[kind];

  const sortBy = (prop: string) =>
    setSort((s) => (s?.prop === prop ? (s.desc ? undefined : { prop, desc: true }) : { prop, desc: false }));

  return (
    <div class="status-table" data-status-table={kind}>
      <form
        class="toolbar"
        aria-label={`Filter ${label}`}
        onSubmit={(e) => {
          e.preventDefault();
          setSearch(typed.trim());
        }}
      >
        <label>
          Status
          <select value={status} onChange={(e) => setStatus(e.currentTarget.value)} name="status">
            <option value="">Any</option>
            {STATUSES.map((s) => (
              <option key={s.value} value={s.value}>
                {s.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Search names
          <input
            type="search"
            name="search"
            value={typed}
            onInput={(e) => setTyped(e.currentTarget.value)}
            placeholder={kind === 'user' ? 'name or principal name' : 'device or user name'}
          />
        </label>
        <button type="submit">Search</button>
        <label>
          Rows per page
          <select value={top} onChange={(e) => setTop(Number(e.currentTarget.value))} name="top">
            {SIZES.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
      </form>
      <Show value={page} what={`the ${label}`}>
        {(p) => (
          <>
            <Scroll label={`Table of ${label}`}>
              <table class="grid" id={id} data-table={id}>
                <caption class="visually-hidden">
                  {label}, {sort ? `sorted by ${sort.prop}${sort.desc ? ', descending' : ''}` : 'in id order'}
                </caption>
                <thead>
                  <tr>
                    {columns.map((c) => (
                      <th
                        scope="col"
                        key={c.prop}
                        class={c.kind === 'number' ? 'n' : undefined}
                        aria-sort={sort?.prop === c.prop ? (sort.desc ? 'descending' : 'ascending') : undefined}
                      >
                        <button type="button" class="sort" onClick={() => sortBy(c.prop)} data-sort={c.prop}>
                          {c.label}
                          <span aria-hidden="true" class="arrow">
                            {sort?.prop === c.prop ? (sort.desc ? '▼' : '▲') : '↕'}
                          </span>
                        </button>
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {p.value.length === 0 && (
                    <tr>
                      <td colSpan={columns.length} class="muted">
                        No {label} match.
                      </td>
                    </tr>
                  )}
                  {p.value.map((row) => (
                    <tr key={String(row.id)}>
                      {columns.map((c) => (
                        <td key={c.prop} class={c.kind === 'number' ? 'n' : undefined} data-prop={c.prop}>
                          <Cell column={c} value={row[c.prop]} />
                        </td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </Scroll>
            {pager.controls(p['@odata.nextLink'], p['@odata.count'], p.value.length, label, top)}
          </>
        )}
      </Show>
    </div>
  );
}

function Cell({ column, value }: { column: Column; value: unknown }) {
  if (value === null || value === undefined || value === '') return <span class="muted">—</span>;
  if (column.kind === 'status') return <StatusBadge status={String(value)} />;
  if (column.kind === 'date') return <time dateTime={String(value)}>{when(String(value))}</time>;
  return <>{String(value)}</>;
}
