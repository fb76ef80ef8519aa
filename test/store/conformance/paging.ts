/** Store conformance: keyset paging stays correct while others write. */
import { describe, expect, it } from 'vitest';
import type { Store } from '../../../src/store/port.js';
import { ids, query, userStatus, walk } from '../fixtures.js';
import type { Conformance } from './context.js';

export function pagingCases(c: Conformance): void {
  let store!: Store;
  c.opened((s) => {
    store = s;
  });
  const { withConfiguration } = c;

  describe('paging while others write', () => {
    it('every row that exists for the whole walk appears exactly once', async () => {
      const { scope } = await withConfiguration();
      const stable: string[] = [];
      for (let i = 0; i < 30; i++) {
        const e = await store.create(
          'userStatuses',
          scope,
          userStatus({ userDisplayName: `n${i % 7}`, devicesCount: i % 5 }),
        );
        stable.push(e.id);
      }
      const churn: string[] = [];
      for (const orderby of [undefined, 'userDisplayName desc', 'devicesCount']) {
        let step = 0;
        const pages = await walk(
          store,
          'userStatuses',
          scope,
          query('userStatuses', { top: 4, ...(orderby ? { orderby } : {}) }),
          async () => {
            step++;
            // Insert rows that sort anywhere, update sort keys of transient rows, delete earlier transients.
            const e = await store.create(
              'userStatuses',
              scope,
              userStatus({ userDisplayName: `n${step % 9}`, devicesCount: step % 6 }),
            );
            churn.push(e.id);
            if (churn.length > 2) await store.delete('userStatuses', scope, churn.shift()!);
          },
        );
        const seen = pages.flatMap((p) => ids(p.items));
        expect(new Set(seen).size, 'no row twice').toBe(seen.length);
        for (const id of stable)
          expect(
            seen.filter((s) => s === id),
            `${orderby}: ${id}`,
          ).toHaveLength(1);
      }
    });
  });
}
