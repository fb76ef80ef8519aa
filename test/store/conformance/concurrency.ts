/** Store conformance: concurrent writers on one store. */
import { describe, expect, it } from 'vitest';
import type { Store, StoredEntity } from '../../../src/store/port.js';
import { byPrincipal, query } from '../fixtures.js';
import type { Conformance } from './context.js';

export function concurrencyCases(c: Conformance): void {
  let store!: Store;
  c.opened((s) => {
    store = s;
  });
  const { withConfiguration } = c;

  describe('concurrency', () => {
    it('20 concurrent upserts of one new name make one row; exactly one reports created', async () => {
      const { scope } = await withConfiguration();
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          store.upsert('userStatuses', scope, [byPrincipal(i % 2 ? 'NEW@x' : 'new@X', { devicesCount: i })]),
        ),
      );
      expect(results.filter(([r]) => r!.created)).toHaveLength(1);
      expect(new Set(results.map(([r]) => r!.entity.id)).size).toBe(1);
      expect(await store.count('userStatuses', scope, query('userStatuses'))).toBe(1);
    });

    it('If-Match races have exactly one winner', async () => {
      const { tenant, config } = await withConfiguration();
      const settled = await Promise.allSettled(
        Array.from({ length: 10 }, (_, i) =>
          store.update('configurations', { tenant }, config.id, { displayName: `w${i}` }, [config.etag]),
        ),
      );
      expect(settled.filter((s) => s.status === 'fulfilled')).toHaveLength(1);
      for (const s of settled)
        if (s.status === 'rejected') expect((s.reason as { code: string }).code).toBe('PreconditionFailed');
      expect((await store.get('configurations', { tenant }, config.id))!.values.version).toBe(2);
      const del = await Promise.allSettled([
        store.delete('configurations', { tenant }, config.id, [
          (settled.find((s) => s.status === 'fulfilled') as PromiseFulfilledResult<StoredEntity>).value.etag,
        ]),
        store.delete('configurations', { tenant }, config.id, '*'),
      ]);
      expect(del.filter((s) => s.status === 'fulfilled')).toHaveLength(1);
    });

    it('concurrent updates lose nothing: every one bumps the version once', async () => {
      const { tenant, config } = await withConfiguration();
      await Promise.all(
        Array.from({ length: 25 }, (_, i) =>
          store.update('configurations', { tenant }, config.id, { description: `d${i}` }),
        ),
      );
      expect((await store.get('configurations', { tenant }, config.id))!.values.version).toBe(26);
    });

    it('read-modify-write with If-Match and retry counts every increment', async () => {
      const { scope } = await withConfiguration();
      const [r] = await store.upsert('userStatuses', scope, [byPrincipal('counter@x')]);
      const id = r!.entity.id;
      const increment = async (): Promise<void> => {
        for (;;) {
          const cur = (await store.get('userStatuses', scope, id))!;
          try {
            await store.update('userStatuses', scope, id, { devicesCount: (cur.values.devicesCount as number) + 1 }, [
              cur.etag,
            ]);
            return;
          } catch (e) {
            if ((e as { code?: string }).code !== 'PreconditionFailed') throw e;
          }
        }
      };
      await Promise.all(Array.from({ length: 15 }, increment));
      expect((await store.get('userStatuses', scope, id))!.values.devicesCount).toBe(15);
    });
  });
}
