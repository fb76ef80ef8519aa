/** Store conformance: the all-or-nothing bulk create (`import`). */
import { describe, expect, it } from 'vitest';
import type { BulkCreateItem, Store } from '../../../src/store/port.js';
import { configuration, failure, IOS, newTenant, query, userStatus } from '../fixtures.js';
import { CONFIG, type Conformance, missingConfigMessage, upnTaken } from './context.js';

export function bulkCreateCases(c: Conformance): void {
  let store!: Store;
  c.opened((s) => {
    store = s;
  });

  /** Everything a tenant holds, as ids per set. */
  async function contents(tenant: string, configIds: readonly string[]) {
    const configs = await store.list('configurations', { tenant }, query('configurations'));
    const statuses = [];
    for (const id of configIds) {
      const page = await store
        .list('userStatuses', { tenant, configId: id }, query('userStatuses'))
        .catch(() => undefined);
      statuses.push(page?.items.map((e) => e.id) ?? null);
    }
    return { configs: configs.items.map((e) => e.id), statuses };
  }

  describe('bulk create (import)', () => {
    it('writes every item in order, contained entities under a configuration of the same bulk', async () => {
      const tenant = newTenant();
      const items: BulkCreateItem[] = [
        { set: 'configurations', scope: { tenant }, entity: configuration({ displayName: 'a' }, IOS, 'cfg-a') },
        {
          set: 'userStatuses',
          scope: { tenant, configId: 'cfg-a' },
          entity: userStatus({ userPrincipalName: 'ann@contoso.com' }, 's1'),
        },
        { set: 'userStatuses', scope: { tenant, configId: 'cfg-a' }, entity: userStatus({}, 's2') },
        { set: 'configurations', scope: { tenant }, entity: configuration({ displayName: 'b' }, IOS, 'cfg-b') },
      ];
      const progress: number[] = [];
      await store.createAll(items, (n) => progress.push(n));
      expect(progress).toEqual([1, 2, 3, 4]);
      expect(await contents(tenant, ['cfg-a', 'cfg-b'])).toEqual({
        configs: ['cfg-a', 'cfg-b'],
        statuses: [['s1', 's2'], []],
      });
      const s1 = await store.get('userStatuses', { tenant, configId: 'cfg-a' }, 's1');
      expect(s1?.values.userPrincipalName).toBe('ann@contoso.com');
      await store.createAll([]);
    });

    it('writes nothing when the last item takes an existing id: 409 naming the item', async () => {
      const tenant = newTenant();
      await store.create('configurations', { tenant }, configuration({ displayName: 'old' }, IOS, 'taken'));
      const before = await contents(tenant, ['taken', 'new']);
      const f = await failure(
        store.createAll([
          { set: 'configurations', scope: { tenant }, entity: configuration({}, IOS, 'new'), label: 'first' },
          { set: 'userStatuses', scope: { tenant, configId: 'new' }, entity: userStatus({}, 's1') },
          { set: 'configurations', scope: { tenant }, entity: configuration({}, IOS, 'taken'), label: 'last' },
        ]),
      );
      expect(f).toEqual({
        code: 'Conflict',
        message: `last: A ${CONFIG} with id 'taken' already exists in this tenant.`,
      });
      expect(await contents(tenant, ['taken', 'new'])).toEqual(before);
      expect((await store.get('configurations', { tenant }, 'taken'))?.values.displayName).toBe('old');
    });

    it('writes nothing when the bulk repeats a principal name, or names a missing configuration', async () => {
      const tenant = newTenant();
      const scope = { tenant, configId: 'c1' };
      const dup = await failure(
        store.createAll([
          { set: 'configurations', scope: { tenant }, entity: configuration({}, IOS, 'c1') },
          { set: 'userStatuses', scope, entity: userStatus({ userPrincipalName: 'Ann@contoso.com' }) },
          { set: 'userStatuses', scope, entity: userStatus({ userPrincipalName: 'ann@contoso.com' }), label: 'x[2]' },
        ]),
      );
      expect(dup).toEqual({ code: 'Conflict', message: upnTaken('ann@contoso.com', 'x[2]') });
      expect(await store.get('configurations', { tenant }, 'c1')).toBeUndefined();
      const orphan = await failure(
        store.createAll([
          { set: 'configurations', scope: { tenant }, entity: configuration({}, IOS, 'c2') },
          { set: 'userStatuses', scope: { tenant, configId: 'gone' }, entity: userStatus() },
        ]),
      );
      expect(orphan).toEqual({ code: 'ResourceNotFound', message: missingConfigMessage('gone') });
      expect(await store.get('configurations', { tenant }, 'c2')).toBeUndefined();
    });
  });
}
