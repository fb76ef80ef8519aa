/** Store conformance: unique principal names and the seed PATCH (upsert). */
import { describe, expect, it } from 'vitest';
import type { Store, StoredEntity } from '../../../src/store/port.js';
import { byId, byPrincipal, configuration, deviceStatus, failure, query, userStatus, walk } from '../fixtures.js';
import { type Conformance, etagMessage, missingConfigMessage, missingStatusMessage, upnTaken } from './context.js';

export function upsertCases(c: Conformance): void {
  let store!: Store;
  c.opened((s) => {
    store = s;
  });
  const { withConfiguration } = c;

  describe('principal names', () => {
    it('are unique per configuration, compared case-insensitively: create and rename conflict with 409', async () => {
      const { scope } = await withConfiguration();
      const a = await store.create('userStatuses', scope, userStatus({ userPrincipalName: 'Ann@Contoso.com' }));
      expect(
        await failure(store.create('userStatuses', scope, userStatus({ userPrincipalName: 'ann@contoso.COM' }))),
      ).toEqual({
        code: 'Conflict',
        message: upnTaken('ann@contoso.COM'),
      });
      const b = await store.create('userStatuses', scope, userStatus({ userPrincipalName: 'bob@contoso.com' }));
      expect(
        await failure(store.update('userStatuses', scope, b.id, { userPrincipalName: 'ANN@contoso.com' })),
      ).toEqual({
        code: 'Conflict',
        message: upnTaken('ANN@contoso.com'),
      });
      // Renaming to another casing of one's own name is fine; statuses without a name do not collide.
      const a2 = await store.update('userStatuses', scope, a.id, { userPrincipalName: 'ANN@contoso.com' });
      expect(a2.values.userPrincipalName).toBe('ANN@contoso.com');
      await store.create('userStatuses', scope, userStatus());
      await store.create('userStatuses', scope, userStatus());
      // Another configuration may hold the same name; device statuses are not keyed by it.
      const other = await store.create('configurations', { tenant: scope.tenant }, configuration());
      await store.create(
        'userStatuses',
        { tenant: scope.tenant, configId: other.id },
        userStatus({ userPrincipalName: 'ann@contoso.com' }),
      );
      await store.create('deviceStatuses', scope, deviceStatus({ userPrincipalName: 'ann@contoso.com' }));
      await store.create('deviceStatuses', scope, deviceStatus({ userPrincipalName: 'ann@contoso.com' }));
    });

    it('fold non-ASCII letters as JavaScript does (ß, İ, Σ, accents, Cyrillic)', async () => {
      const { scope } = await withConfiguration();
      const pairs = [
        ['ÄRGER@contoso.de', 'ärger@contoso.de'],
        ['STRAẞE@contoso.de', 'straße@contoso.de'],
        ['İPEK@contoso.com.tr', 'i̇pek@contoso.com.tr'],
        ['ΟΔΟΣ@contoso.gr', 'οδος@contoso.gr'],
        ['ÉLODIE@contoso.fr', 'élodie@contoso.fr'],
        ['ПРИВЕТ@contoso.ru', 'привет@contoso.ru'],
      ];
      for (const [upper, lower] of pairs) {
        const created = await store.upsert('userStatuses', scope, [byPrincipal(upper!)]);
        const again = await store.upsert('userStatuses', scope, [byPrincipal(lower!, { devicesCount: 1 })]);
        expect(created[0]!.created, upper).toBe(true);
        expect(again[0]!.created, lower).toBe(false);
        expect(again[0]!.entity.id).toBe(created[0]!.entity.id);
      }
      // Folding is not equivalence: ß is not ss, and dotless ı is not i.
      expect((await store.upsert('userStatuses', scope, [byPrincipal('strasse@contoso.de')]))[0]!.created).toBe(true);
      expect((await store.upsert('userStatuses', scope, [byPrincipal('ıpek@contoso.com.tr')]))[0]!.created).toBe(true);
      expect(await store.count('userStatuses', scope, query('userStatuses'))).toBe(pairs.length + 2);
    });
  });

  describe('the seed PATCH (upsert)', () => {
    it('by name: creates on a miss (created, defaults) and updates on a hit (only what is present)', async () => {
      const { scope } = await withConfiguration();
      const [c] = await store.upsert('userStatuses', scope, [
        byPrincipal('Ann@Contoso.com', { userDisplayName: 'Ann' }),
      ]);
      expect(c!.created).toBe(true);
      expect(c!.entity.values).toMatchObject({
        userPrincipalName: 'Ann@Contoso.com',
        userDisplayName: 'Ann',
        devicesCount: 0,
        status: 'unknown',
      });
      const [u] = await store.upsert('userStatuses', scope, [
        byPrincipal('ann@contoso.com', { status: 'compliant', devicesCount: 4 }),
      ]);
      expect(u!.created).toBe(false);
      expect(u!.entity.id).toBe(c!.entity.id);
      expect(u!.entity.etag).not.toBe(c!.entity.etag);
      // The stored name takes the casing the body sends; absent properties keep their values.
      expect(u!.entity.values).toMatchObject({
        userPrincipalName: 'ann@contoso.com',
        userDisplayName: 'Ann',
        status: 'compliant',
        devicesCount: 4,
        lastReportedDateTime: c!.entity.values.lastReportedDateTime,
      });
      expect(await store.get('userStatuses', scope, c!.entity.id)).toEqual(u!.entity);
    });

    it('by id: updates that status, may rename it, 404 when absent, 409 when the new name is taken', async () => {
      const { scope } = await withConfiguration();
      const a = await store.create('userStatuses', scope, userStatus({ userPrincipalName: 'a@x' }));
      await store.create('userStatuses', scope, userStatus({ userPrincipalName: 'b@x' }));
      const [r] = await store.upsert('userStatuses', scope, [
        byId(a.id, { userPrincipalName: 'A2@x', devicesCount: 9 }),
      ]);
      expect(r!.created).toBe(false);
      expect(r!.entity.values).toMatchObject({ userPrincipalName: 'A2@x', devicesCount: 9 });
      expect(await failure(store.upsert('userStatuses', scope, [byId('nope', { devicesCount: 1 })]))).toEqual({
        code: 'ResourceNotFound',
        message: missingStatusMessage('nope', scope.configId),
      });
      expect(await failure(store.upsert('userStatuses', scope, [byId(a.id, { userPrincipalName: 'B@X' })]))).toEqual({
        code: 'Conflict',
        message: upnTaken('B@X'),
      });
      // The name a@x is free again and is created fresh.
      expect((await store.upsert('userStatuses', scope, [byPrincipal('a@x')]))[0]!.created).toBe(true);
    });

    it('If-Match applies to the targeted status and never creates', async () => {
      const { scope } = await withConfiguration();
      const [c] = await store.upsert('userStatuses', scope, [byPrincipal('a@x')]);
      const e = c!.entity;
      expect(await failure(store.upsert('userStatuses', scope, [byPrincipal('new@x')], ['t']))).toEqual({
        code: 'PreconditionFailed',
        message: etagMessage('managedDeviceMobileAppConfigurationUserStatus', 'new@x'),
      });
      expect((await failure(store.upsert('userStatuses', scope, [byPrincipal('new@x')], '*'))).code).toBe(
        'PreconditionFailed',
      );
      expect(await store.count('userStatuses', scope, query('userStatuses'))).toBe(1);
      expect(
        await failure(store.upsert('userStatuses', scope, [byPrincipal('A@X', { devicesCount: 1 })], ['stale'])),
      ).toEqual({
        code: 'PreconditionFailed',
        message: etagMessage('managedDeviceMobileAppConfigurationUserStatus', e.id),
      });
      const [u] = await store.upsert('userStatuses', scope, [byPrincipal('A@X', { devicesCount: 2 })], [e.etag]);
      expect(u!.entity.values.devicesCount).toBe(2);
      const [v] = await store.upsert('userStatuses', scope, [byPrincipal('a@x', { devicesCount: 3 })], '*');
      expect(v!.entity.values.devicesCount).toBe(3);
      expect(
        (await failure(store.upsert('userStatuses', scope, [byId(e.id, { devicesCount: 4 })], [u!.entity.etag]))).code,
      ).toBe('PreconditionFailed');
      expect(await failure(store.upsert('userStatuses', scope, [byId('nope', {})], [v!.entity.etag]))).toEqual({
        code: 'PreconditionFailed',
        message: etagMessage('managedDeviceMobileAppConfigurationUserStatus', 'nope'),
      });
      const [w] = await store.upsert('userStatuses', scope, [byId(e.id, { devicesCount: 5 })], [v!.entity.etag]);
      expect(w!.entity.values.devicesCount).toBe(5);
    });

    it('bulk: items apply in order and answer in order; one name twice is created then updated', async () => {
      const { scope } = await withConfiguration();
      const existing = await store.create(
        'userStatuses',
        scope,
        userStatus({ userPrincipalName: 'old@x', devicesCount: 1 }),
      );
      const results = await store.upsert('userStatuses', scope, [
        byPrincipal('n1@x', { devicesCount: 1 }, 'value[0]'),
        byPrincipal('OLD@x', { devicesCount: 2 }, 'value[1]'),
        byPrincipal('N1@x', { status: 'error' }, 'value[2]'),
        byId(existing.id, { userDisplayName: 'Old' }, 'value[3]'),
      ]);
      expect(results.map((r) => r.created)).toEqual([true, false, false, false]);
      expect(results[2]!.entity.id).toBe(results[0]!.entity.id);
      expect(results[2]!.entity.values).toMatchObject({
        userPrincipalName: 'N1@x',
        devicesCount: 1,
        status: 'error',
      });
      expect(results[3]!.entity.values).toMatchObject({
        userPrincipalName: 'OLD@x',
        devicesCount: 2,
        userDisplayName: 'Old',
      });
      expect(await store.count('userStatuses', scope, query('userStatuses'))).toBe(2);
      expect(await store.upsert('userStatuses', scope, [])).toEqual([]);
    });

    it('bulk of distinct names: creates and updates in one go, answered in order', async () => {
      const { scope } = await withConfiguration();
      const old1 = await store.create(
        'userStatuses',
        scope,
        userStatus({ userPrincipalName: 'old1@x', devicesCount: 3, userDisplayName: 'One' }),
      );
      const old2 = await store.create(
        'userStatuses',
        scope,
        userStatus({ userPrincipalName: 'old2@x', status: 'error' }),
      );
      const results = await store.upsert('userStatuses', scope, [
        byPrincipal('new1@x', { devicesCount: 1 }, 'value[0]'),
        byPrincipal('OLD1@x', { status: 'compliant' }, 'value[1]'),
        byPrincipal(
          'new2@x',
          { userDisplayName: 'Two', devicesCount: 5, lastReportedDateTime: '2020-01-01T00:00:00.0000001Z' },
          'value[2]',
        ),
        byPrincipal('Old2@X', {}, 'value[3]'),
      ]);
      expect(results.map((r) => r.created)).toEqual([true, false, true, false]);
      expect(results[1]!.entity.id).toBe(old1.id);
      expect(results[3]!.entity.id).toBe(old2.id);
      expect(results[1]!.entity.etag).not.toBe(old1.etag);
      expect(results[3]!.entity.etag).not.toBe(old2.etag);
      expect(results[0]!.entity.values).toMatchObject({
        userPrincipalName: 'new1@x',
        devicesCount: 1,
        status: 'unknown',
        userDisplayName: null,
      });
      expect(results[1]!.entity.values).toMatchObject({
        userPrincipalName: 'OLD1@x',
        devicesCount: 3,
        status: 'compliant',
        userDisplayName: 'One',
      });
      expect(results[2]!.entity.values).toMatchObject({
        userPrincipalName: 'new2@x',
        userDisplayName: 'Two',
        devicesCount: 5,
        lastReportedDateTime: '2020-01-01T00:00:00.0000001Z',
      });
      expect(results[3]!.entity.values).toMatchObject({ userPrincipalName: 'Old2@X', status: 'error' });
      for (const r of results) expect(await store.get('userStatuses', scope, r.entity.id)).toEqual(r.entity);
      expect(await store.count('userStatuses', scope, query('userStatuses'))).toBe(4);
      const many = await store.upsert(
        'userStatuses',
        scope,
        Array.from({ length: 300 }, (_, i) => byPrincipal(`m${i}@x`, { devicesCount: i }, `value[${i}]`)),
      );
      expect(many.map((r) => r.entity.values.devicesCount)).toEqual(Array.from({ length: 300 }, (_, i) => i));
      expect(many.every((r) => r.created)).toBe(true);
    });

    it('bulk of 1,000 distinct names, every third taken: each created or updated as item by item', async () => {
      const { scope } = await withConfiguration();
      const taken = new Map<number, StoredEntity>();
      for (let i = 0; i < 1000; i += 3) {
        taken.set(
          i,
          await store.create(
            'userStatuses',
            scope,
            userStatus({ userPrincipalName: `u${i}@x`, devicesCount: 9, userDisplayName: `U${i}` }),
          ),
        );
      }
      const results = await store.upsert(
        'userStatuses',
        scope,
        Array.from({ length: 1000 }, (_, i) => byPrincipal(`U${i}@X`, { devicesCount: i % 7 }, `value[${i}]`)),
      );
      for (const [i, r] of results.entries()) {
        const old = taken.get(i);
        expect(r.created).toBe(old === undefined);
        if (old) expect(r.entity.id).toBe(old.id);
        expect(r.entity.values).toMatchObject({
          userPrincipalName: `U${i}@X`,
          devicesCount: i % 7,
          userDisplayName: old ? `U${i}` : null,
        });
      }
      const stored = (await walk(store, 'userStatuses', scope, query('userStatuses'))).flatMap((p) => p.items);
      expect(stored).toHaveLength(1000);
      const answered = new Map(results.map((r) => [r.entity.id, r.entity]));
      for (const e of stored) expect(e).toEqual(answered.get(e.id));
    });

    it('bulk of distinct names under a configuration that is gone: 404, nothing written', async () => {
      const { scope } = await withConfiguration();
      const gone = { ...scope, configId: 'gone' };
      const items = Array.from({ length: 600 }, (_, i) => byPrincipal(`g${i}@x`, {}, `value[${i}]`));
      expect(await failure(store.upsert('userStatuses', gone, items))).toEqual({
        code: 'ResourceNotFound',
        message: missingConfigMessage('gone'),
      });
      expect(await store.count('userStatuses', scope, query('userStatuses'))).toBe(0);
    });

    it('bulk is all or nothing; the failing item is named', async () => {
      const { scope } = await withConfiguration();
      const a = await store.create('userStatuses', scope, userStatus({ userPrincipalName: 'a@x', devicesCount: 1 }));
      await store.create('userStatuses', scope, userStatus({ userPrincipalName: 'b@x' }));
      const before = await walk(store, 'userStatuses', scope, query('userStatuses'));
      expect(
        await failure(
          store.upsert('userStatuses', scope, [
            byPrincipal('new@x', {}, 'value[0]'),
            byId(a.id, { devicesCount: 7 }, 'value[1]'),
            byId('nope', {}, 'value[2]'),
          ]),
        ),
      ).toEqual({ code: 'ResourceNotFound', message: missingStatusMessage('nope', scope.configId, 'value[2]') });
      expect(
        await failure(
          store.upsert('userStatuses', scope, [
            byPrincipal('new@x', {}, 'value[0]'),
            byId(a.id, { userPrincipalName: 'B@x' }, 'value[1]'),
          ]),
        ),
      ).toEqual({ code: 'Conflict', message: upnTaken('B@x', 'value[1]') });
      const after = await walk(store, 'userStatuses', scope, query('userStatuses'));
      expect(after).toEqual(before);
    });
  });
}
