/** Store conformance: every kind of value round-trips as written. */
import { describe, expect, it } from 'vitest';
import type { Store } from '../../../src/store/port.js';
import { ids, query, userStatus } from '../fixtures.js';
import type { Conformance } from './context.js';

export function valueCases(c: Conformance): void {
  let store!: Store;
  c.opened((s) => {
    store = s;
  });
  const { withConfiguration } = c;

  describe('values', () => {
    it('DateTimeOffset keeps all 7 fractional digits, at both ends of the range', async () => {
      const { scope } = await withConfiguration();
      for (const at of [
        '2024-05-01T10:00:00.1234567Z',
        '0001-01-01T00:00:00.0000000Z',
        '9999-12-31T23:59:59.9999999Z',
      ]) {
        const e = await store.create('userStatuses', scope, userStatus({ lastReportedDateTime: at }));
        expect((await store.get('userStatuses', scope, e.id))!.values.lastReportedDateTime).toBe(at);
        const found = await store.list(
          'userStatuses',
          scope,
          query('userStatuses', { filter: `lastReportedDateTime eq ${at}` }),
        );
        expect(ids(found.items)).toEqual([e.id]);
      }
    });

    it('text round-trips exactly: non-ASCII, astral characters, quotes, Int32 extremes', async () => {
      const { scope } = await withConfiguration();
      const names = [
        'Zoë 🙂 ünïcödé',
        'O\'Brien "quoted" \\ back',
        '日本語テキスト',
        '\t tab and newline\n',
        '?$1 ? $2',
      ];
      for (const n of names) {
        const e = await store.create(
          'userStatuses',
          scope,
          userStatus({ userDisplayName: n, devicesCount: -2147483648 }),
        );
        const got = await store.get('userStatuses', scope, e.id);
        expect(got!.values.userDisplayName).toBe(n);
        expect(got!.values.devicesCount).toBe(-2147483648);
      }
      const max = await store.create('userStatuses', scope, userStatus({ devicesCount: 2147483647 }));
      expect((await store.get('userStatuses', scope, max.id))!.values.devicesCount).toBe(2147483647);
      const smile = await store.list(
        'userStatuses',
        scope,
        query('userStatuses', { filter: "contains(userDisplayName, '🙂')" }),
      );
      expect(smile.items.map((e) => e.values.userDisplayName)).toEqual([names[0]]);
      const quoted = await store.list(
        'userStatuses',
        scope,
        query('userStatuses', { filter: "startswith(userDisplayName, 'o''brien')" }),
      );
      expect(quoted.items).toHaveLength(1);
    });
  });
}
