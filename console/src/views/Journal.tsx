/**
 * The live request journal: the latest entries, then each new one as the server sends it (Server-Sent Events on
 * `/_admin/requests/stream`). An `EventSource` cannot send the admin key in a header, so each connection opens
 * with a one-time ticket asked for with the key (docs/admin.md#the-request-journal); after a drop the console
 * asks for a new ticket and fills the gap from the journal itself. `$batch` items are shown under their batch.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { Client } from '../client';
import { message } from '../http';
import { Heading, Scroll } from '../ui';

export interface Entry {
  readonly time: string;
  readonly method: string;
  readonly url: string;
  readonly status: number;
  readonly ms: number;
  readonly requestId: string;
  readonly parentRequestId: string | null;
  readonly tenant: string | null;
  readonly app: string | null;
  readonly throttled: boolean;
  readonly faulted: boolean;
  readonly faultId: string | null;
}

/** Entries kept on the page; older ones fall off (the server keeps its own ring). */
const KEEP = 500;
const RETRY_MS = 2000;

type Live = 'connecting' | 'live' | 'reconnecting' | 'off' | 'paused';

interface Filters {
  readonly method: string;
  readonly path: string;
  readonly status: string;
}

const filterQuery = (f: Filters): Record<string, string> => ({
  ...(f.method ? { method: f.method } : {}),
  ...(f.path ? { path: f.path } : {}),
  ...(f.status ? { status: f.status } : {}),
});

/** A URL as a person reads it: `%24filter=status%20eq%20'error'` → `$filter=status eq 'error'`. */
export function readable(url: string): string {
  try {
    return decodeURI(url).replace(/%24/g, '$').replace(/%2C/gi, ',').replace(/%3A/gi, ':').replace(/%2F/gi, '/');
  } catch {
    return url;
  }
}

/** Newest first, one copy of each request, at most `KEEP`. */
function merge(old: readonly Entry[], more: readonly Entry[]): Entry[] {
  const seen = new Map(old.map((e) => [e.requestId, e]));
  for (const e of more) seen.set(e.requestId, e);
  return [...seen.values()].sort((a, b) => (a.time < b.time ? 1 : a.time > b.time ? -1 : 0)).slice(0, KEEP);
}

export function JournalView({ client }: { client: Client }) {
  const [entries, setEntries] = useState<Entry[]>([]);
  const [live, setLive] = useState<Live>('connecting');
  const [error, setError] = useState<string | undefined>();
  const [filters, setFilters] = useState<Filters>({ method: '', path: '', status: '' });
  const [paused, setPaused] = useState(false);
  const held = useRef<Entry[]>([]);
  const pausedRef = useRef(paused);
  pausedRef.current = paused;

  useEffect(() => {
    let closed = false;
    let source: EventSource | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let last: string | undefined;
    setEntries([]);
    const add = (more: Entry[]) => {
      for (const e of more) if (!last || e.time > last) last = e.time;
      if (pausedRef.current) held.current.push(...more);
      else setEntries((old) => merge(old, more));
    };
    const connect = async () => {
      try {
        const { ticket } = await client.adminJson<{ ticket: string }>('POST', '/requests/stream/tickets');
        if (closed) return;
        const q = new URLSearchParams({ ...filterQuery(filters), ticket });
        source = new EventSource(`/_admin/requests/stream?${q}`);
        source.addEventListener('request', (ev) => add([JSON.parse((ev as MessageEvent<string>).data) as Entry]));
        source.onopen = () => setLive('live');
        source.onerror = () => {
          source?.close();
          if (closed) return;
          setLive('reconnecting');
          timer = setTimeout(connect, RETRY_MS);
        };
        // What came before the stream opened (or while it was down): the journal has it.
        const back = new URLSearchParams({ ...filterQuery(filters), top: '200', ...(last ? { since: last } : {}) });
        const { value } = await client.adminJson<{ value: Entry[] }>('GET', `/requests?${back}`);
        if (!closed) add(value);
        setError(undefined);
      } catch (e) {
        if (closed) return;
        const status = (e as { status?: number }).status;
        if (status === 404) {
          setLive('off');
          setError(message(e));
          return;
        }
        setError(message(e));
        setLive('reconnecting');
        timer = setTimeout(connect, RETRY_MS);
      }
    };
    void connect();
    return () => {
      closed = true;
      source?.close();
      if (timer) clearTimeout(timer);
    };
  }, [client, filters]);

  const resume = () => {
    setPaused(false);
    const more = held.current;
    held.current = [];
    setEntries((old) => merge(old, more));
  };

  const groups = useMemo(() => {
    const present = new Set(entries.map((e) => e.requestId));
    const children = new Map<string, Entry[]>();
    for (const e of entries)
      if (e.parentRequestId && present.has(e.parentRequestId))
        children.set(e.parentRequestId, [e, ...(children.get(e.parentRequestId) ?? [])]);
    return entries
      .filter((e) => !e.parentRequestId || !present.has(e.parentRequestId))
      .map((e) => ({ entry: e, items: children.get(e.requestId) ?? [] }));
  }, [entries]);

  return (
    <>
      <Heading>Request journal</Heading>
      <p class="muted">
        Every request this server instance finished, newest first, as it happens. Tokens, headers and bodies are never
        kept.
      </p>
      <JournalFilters value={filters} onApply={setFilters} />
      <div class="toolbar">
        <p class={`live live-${paused ? 'paused' : live}`} role="status" data-live={paused ? 'paused' : live}>
          {paused
            ? 'Paused'
            : { connecting: 'Connecting…', live: 'Live', reconnecting: 'Reconnecting…', off: 'Off', paused: 'Paused' }[
                live
              ]}
        </p>
        <button type="button" onClick={() => (paused ? resume() : setPaused(true))} aria-pressed={paused}>
          {paused ? 'Resume' : 'Pause'}
        </button>
        <button
          type="button"
          onClick={async () => {
            try {
              await client.adminJson('DELETE', '/requests');
              held.current = [];
              setEntries([]);
            } catch (e) {
              setError(message(e));
            }
          }}
        >
          Clear the journal
        </button>
      </div>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <Scroll label="Table of requests">
        <table class="grid journal" data-table="journal">
          <caption class="visually-hidden">Requests, newest first; $batch items follow their batch</caption>
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Method</th>
              <th scope="col">URL</th>
              <th scope="col" class="n">
                Status
              </th>
              <th scope="col" class="n">
                ms
              </th>
              <th scope="col">Tenant</th>
              <th scope="col">Marks</th>
            </tr>
          </thead>
          <tbody>
            {groups.length === 0 && (
              <tr>
                <td colSpan={7} class="muted">
                  No requests yet.
                </td>
              </tr>
            )}
            {groups.flatMap(({ entry, items }) => [
              <Row key={entry.requestId} e={entry} items={items.length} />,
              ...items.map((i) => <Row key={i.requestId} e={i} child />),
            ])}
          </tbody>
        </table>
      </Scroll>
    </>
  );
}

function Row({ e, child, items = 0 }: { e: Entry; child?: boolean; items?: number }) {
  const marked = e.throttled || e.faulted;
  return (
    <tr
      class={`${child ? 'child' : ''} ${marked ? 'marked' : ''} ${e.status >= 400 ? 'failed' : ''}`.trim() || undefined}
      data-request={e.requestId}
      data-parent={e.parentRequestId ?? undefined}
    >
      <td class="nowrap">
        <time dateTime={e.time}>{new Date(e.time).toLocaleTimeString('en', { hour12: false })}</time>
      </td>
      <td>{e.method}</td>
      <td class="url">
        {child && (
          <span class="item-mark">
            <span aria-hidden="true">↳ </span>
            <span class="visually-hidden">$batch item: </span>
          </span>
        )}
        {readable(e.url)}
        {items > 0 && <span class="muted small"> ({items} items)</span>}
      </td>
      <td class="n">{e.status}</td>
      <td class="n">{e.ms.toFixed(1)}</td>
      <td class="mono small nowrap">
        {e.tenant ? (
          // The last block tells tenants apart at a glance; the whole id is there for reading and hovering.
          <span title={e.tenant}>
            <span aria-hidden="true">…{e.tenant.slice(-12)}</span>
            <span class="visually-hidden">{e.tenant}</span>
          </span>
        ) : (
          '—'
        )}
      </td>
      <td>
        {e.throttled && <span class="tag tag-throttled">throttled</span>}
        {e.faulted && (
          <span class="tag tag-faulted" title={e.faultId ? `fault rule ${e.faultId}` : undefined}>
            faulted
          </span>
        )}
      </td>
    </tr>
  );
}

function JournalFilters({ value, onApply }: { value: Filters; onApply: (f: Filters) => void }) {
  const [f, setF] = useState(value);
  return (
    <form
      class="toolbar"
      aria-label="Filter the journal"
      onSubmit={(e) => {
        e.preventDefault();
        onApply(f);
      }}
    >
      <label>
        Method
        <select value={f.method} onChange={(e) => setF({ ...f, method: e.currentTarget.value })} name="method">
          <option value="">Any</option>
          {['GET', 'POST', 'PATCH', 'PUT', 'DELETE'].map((m) => (
            <option key={m}>{m}</option>
          ))}
        </select>
      </label>
      <label>
        Path (glob)
        <input
          name="path"
          value={f.path}
          placeholder="/deviceAppManagement/**"
          onInput={(e) => setF({ ...f, path: e.currentTarget.value })}
        />
      </label>
      <label>
        Status
        <input
          name="status"
          value={f.status}
          placeholder="429 or 4xx"
          size={8}
          onInput={(e) => setF({ ...f, status: e.currentTarget.value })}
        />
      </label>
      <button type="submit">Apply</button>
    </form>
  );
}
