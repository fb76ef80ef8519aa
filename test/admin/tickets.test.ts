/** One-time stream tickets (src/admin/tickets.ts): each opens once, before it expires, and few are kept. */
import { describe, expect, it } from 'vitest';
import { StreamTickets, TICKET_TTL_MS } from '../../src/admin/tickets.js';

describe('stream tickets', () => {
  it('open once', () => {
    const t = new StreamTickets();
    const { ticket } = t.issue();
    expect(ticket).toMatch(/^[\w-]{43}$/);
    expect(t.redeem(ticket)).toBe(true);
    expect(t.redeem(ticket)).toBe(false);
    expect(t.redeem('never-issued')).toBe(false);
  });

  it('expire after their lifetime, and are spent by the attempt', () => {
    let now = 1_000;
    const t = new StreamTickets(() => now);
    const a = t.issue();
    const b = t.issue();
    expect(a.expiresAt).toBe(1_000 + TICKET_TTL_MS);
    now += TICKET_TTL_MS - 1;
    expect(t.redeem(a.ticket)).toBe(true);
    now += 1;
    expect(t.redeem(b.ticket)).toBe(false);
    expect(t.size).toBe(0);
  });

  it('keep at most the configured number, dropping the oldest and the expired', () => {
    let now = 0;
    const t = new StreamTickets(() => now, 100, 3);
    const issued = [t.issue(), t.issue(), t.issue(), t.issue()];
    expect(t.size).toBe(3);
    expect(t.redeem(issued[0]!.ticket)).toBe(false);
    expect(t.redeem(issued[3]!.ticket)).toBe(true);
    now = 200;
    t.issue();
    expect(t.size).toBe(1);
  });
});
