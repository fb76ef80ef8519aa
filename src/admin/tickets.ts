/**
 * One-time tickets for the journal's event stream (docs/admin.md#the-request-journal). A browser's `EventSource`
 * cannot send an `Authorization` header, and the admin key must not travel in a URL (URLs end up in proxy logs,
 * browser history and the `Referer` of whatever loads next). So a holder of the key asks for a ticket with the
 * key in the header, and opens the stream with the ticket in the query: it is random, opens only the stream,
 * works once, and expires within a minute, so a ticket that leaks through a log opens nothing.
 */
import { randomBytes } from 'node:crypto';

export const TICKET_TTL_MS = 60_000;
/** Outstanding tickets kept at most; the oldest go first, so a client asking in a loop cannot grow memory. */
export const MAX_TICKETS = 1_000;

export interface Ticket {
  readonly ticket: string;
  /** Epoch milliseconds. */
  readonly expiresAt: number;
}

export class StreamTickets {
  /** Ticket → expiry, in the order they were issued. */
  private readonly open = new Map<string, number>();

  constructor(
    private readonly clock: () => number = Date.now,
    private readonly ttlMs = TICKET_TTL_MS,
    private readonly max = MAX_TICKETS,
  ) {}

  issue(): Ticket {
    const now = this.clock();
    this.sweep(now);
    while (this.open.size >= this.max) this.open.delete(this.open.keys().next().value as string);
    const ticket = randomBytes(32).toString('base64url');
    const expiresAt = now + this.ttlMs;
    this.open.set(ticket, expiresAt);
    return { ticket, expiresAt };
  }

  /** Whether the ticket is open; it is spent either way. */
  redeem(ticket: string): boolean {
    const expiresAt = this.open.get(ticket);
    if (expiresAt === undefined) return false;
    this.open.delete(ticket);
    return expiresAt > this.clock();
  }

  get size(): number {
    return this.open.size;
  }

  private sweep(now: number): void {
    for (const [t, exp] of this.open) if (exp <= now) this.open.delete(t);
  }
}
