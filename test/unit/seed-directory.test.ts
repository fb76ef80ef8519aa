/** The seeded directory is a pure function of its seed, and realistic in shape. */
import { describe, expect, it } from 'vitest';
import { seedDirectoryItems } from '../../src/cli/seed-directory.js';
import { isLinkItem } from '../../src/store/port.js';

describe('seedDirectoryItems', () => {
  it('gives the same directory for the same seed and another for another seed', () => {
    expect(seedDirectoryItems('t', 200, 7)).toEqual(seedDirectoryItems('t', 200, 7));
    expect(seedDirectoryItems('t', 200, 7)).not.toEqual(seedDirectoryItems('t', 200, 8));
  });

  it('makes users, four groups of growing size with distinct members, and 1-3 devices per user', () => {
    const items = seedDirectoryItems('t', 300, 1);
    const of = (set: string) => items.filter((i) => !isLinkItem(i) && i.set === set);
    expect(of('users')).toHaveLength(300);
    expect(of('groups')).toHaveLength(4);
    const links = items.filter(isLinkItem);
    const byGroup = new Map<string, Set<string>>();
    for (const l of links) byGroup.set(l.ownerId, (byGroup.get(l.ownerId) ?? new Set()).add(l.memberId));
    expect([...byGroup.values()].map((m) => m.size)).toEqual([5, 50, 30, 300]);
    const perUser = new Map<string, number>();
    for (const d of of('managedDevices')) {
      const userId = (d as unknown as { entity: { values: { userId: string } } }).entity.values.userId;
      perUser.set(userId, (perUser.get(userId) ?? 0) + 1);
    }
    expect(perUser.size).toBe(300);
    expect(Math.min(...perUser.values())).toBeGreaterThanOrEqual(1);
    expect(Math.max(...perUser.values())).toBeLessThanOrEqual(3);
    // Every membership follows both of its ends in the bulk.
    const at = new Map<string, number>();
    items.forEach((item, i) => {
      if (isLinkItem(item)) {
        expect(at.get(item.ownerId)).toBeLessThan(i);
        expect(at.get(item.memberId)).toBeLessThan(i);
      } else at.set(item.entity.id!, i);
    });
  });
});
