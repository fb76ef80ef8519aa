/**
 * The request journal (docs/admin.md#the-request-journal): the last N finished requests of this instance in a
 * ring, newest first on the way out, and live to subscribers (the Server-Sent Events stream). It holds what
 * `JournalRecord` holds and nothing else: never a token, never a body.
 */
import type { JournalRecord, RequestJournal } from '../api/observe.js';
import { compileGlob, versionlessPath } from './glob.js';

export const DEFAULT_JOURNAL_SIZE = 10_000;

/** Which entries a reader wants; every part optional. */
export interface JournalFilter {
  readonly method?: string;
  /** A glob over the version-less path (glob.ts). */
  readonly path?: string;
  readonly tenant?: string;
  readonly app?: string;
  /** `429`, or a class such as `4xx`. */
  readonly status?: string;
  /** Epoch milliseconds: entries at or after. */
  readonly since?: number;
}

/** An entry as the control plane answers it. */
export interface JournalEntry {
  readonly time: string;
  readonly method: string;
  readonly url: string;
  readonly status: number;
  readonly ms: number;
  readonly requestId: string;
  readonly parentRequestId: string | null;
  readonly tenant: string | null;
  readonly app: string | null;
  readonly scp: readonly string[] | null;
  readonly roles: readonly string[] | null;
  readonly throttled: boolean;
  readonly faulted: boolean;
  /** The fault rule that answered, when faulted. */
  readonly faultId: string | null;
}

export const entryOf = (r: JournalRecord): JournalEntry => ({
  time: new Date(r.time).toISOString(),
  method: r.method,
  url: r.url,
  status: r.status,
  ms: r.ms,
  requestId: r.requestId,
  parentRequestId: r.parentRequestId ?? null,
  tenant: r.tenant ?? null,
  app: r.app ?? null,
  scp: r.scp ?? null,
  roles: r.roles ?? null,
  throttled: r.throttled,
  faulted: r.fault !== undefined,
  faultId: r.fault ?? null,
});

/** The filter as one predicate; built once per query or stream. */
export function matcher(f: JournalFilter): (r: JournalRecord) => boolean {
  const method = f.method?.toUpperCase();
  const path = f.path === undefined ? undefined : compileGlob(f.path);
  const status = f.status;
  const statusClass = status !== undefined && /^[1-5]xx$/i.test(status) ? Number(status[0]) : undefined;
  return (r) =>
    (method === undefined || r.method === method) &&
    (f.tenant === undefined || r.tenant === f.tenant) &&
    (f.app === undefined || r.app === f.app) &&
    (f.since === undefined || r.time >= f.since) &&
    (status === undefined ||
      (statusClass !== undefined ? Math.floor(r.status / 100) === statusClass : r.status === Number(status))) &&
    (path === undefined || path.test(versionlessPath(r.url)));
}

export class Journal implements RequestJournal {
  private readonly ring: (JournalRecord | undefined)[];
  /** Where the next entry goes. */
  private next = 0;
  private size = 0;
  private readonly listeners = new Set<(r: JournalRecord) => void>();

  constructor(readonly capacity: number) {
    this.ring = new Array<JournalRecord | undefined>(capacity);
  }

  record(entry: JournalRecord): void {
    this.ring[this.next] = entry;
    this.next = (this.next + 1) % this.capacity;
    if (this.size < this.capacity) this.size++;
    if (this.listeners.size > 0) for (const l of this.listeners) l(entry);
  }

  /** Up to `top` entries that pass `filter`, newest first. */
  query(filter: JournalFilter, top: number): JournalRecord[] {
    const keep = matcher(filter);
    const out: JournalRecord[] = [];
    for (let i = 1; i <= this.size && out.length < top; i++) {
      const r = this.ring[(this.next - i + this.capacity) % this.capacity]!;
      if (keep(r)) out.push(r);
    }
    return out;
  }

  clear(): void {
    this.ring.fill(undefined);
    this.next = 0;
    this.size = 0;
  }

  /** Calls `listener` with every entry recorded from now on; answers a function that stops it. */
  subscribe(listener: (r: JournalRecord) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }
}
