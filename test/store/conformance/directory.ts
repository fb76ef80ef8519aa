/**
 * Store conformance: the directory. Users, groups and managed devices are top-level sets scoped by tenant alone;
 * a group's members are pairs in a link table, listed and counted through it (keyset-paged), gone with either end.
 */
import { describe, expect, it } from 'vitest';
import type { NewEntity, Store } from '../../../src/store/port.js';
import { failure, ids, newTenant, query } from '../fixtures.js';
import type { Conformance } from './context.js';

const user = (upn: string, id?: string, over: Record<string, unknown> = {}): NewEntity => ({
  ...(id ? { id } : {}),
  type: 'user',
  values: {
    businessPhones: [],
    displayName: upn.split('@')[0],
    givenName: null,
    jobTitle: null,
    mail: null,
    mobilePhone: null,
    officeLocation: null,
    preferredLanguage: null,
    surname: null,
    userPrincipalName: upn,
    accountEnabled: true,
    department: null,
    mailNickname: upn.split('@')[0],
    passwordProfile: null,
    usageLocation: null,
    ...over,
  },
});

const group = (name: string, id?: string): NewEntity => ({
  ...(id ? { id } : {}),
  type: 'group',
  values: {
    description: null,
    displayName: name,
    groupTypes: [],
    mail: null,
    mailEnabled: false,
    mailNickname: name,
    securityEnabled: true,
  },
});

export function directoryCases(c: Conformance): void {
  let store!: Store;
  c.opened((s) => {
    store = s;
  });

  describe('directory', () => {
    it('keeps users per tenant, userPrincipalName unique case-insensitively, found by it', async () => {
      const tenant = newTenant();
      const u = await store.create('users', { tenant }, user('Ada@Contoso.com'));
      expect(u.values.createdDateTime).toMatch(/Z$/);
      expect(await failure(store.create('users', { tenant }, user('ada@contoso.COM')))).toMatchObject({
        code: 'Conflict',
      });
      expect((await store.findByPrincipal('users', { tenant }, 'ADA@contoso.com'))?.id).toBe(u.id);
      expect(await store.findByPrincipal('users', { tenant: newTenant() }, 'ada@contoso.com')).toBeUndefined();
      await store.create('users', { tenant: newTenant() }, user('ada@contoso.com'));
    });

    it('adds, lists, pages, counts and removes members; refuses duplicates and unknown ends', async () => {
      const tenant = newTenant();
      const scope = { tenant };
      const g = await store.create('groups', scope, group('finance', 'g1'));
      const members: string[] = [];
      for (let i = 0; i < 9; i++) {
        const u = await store.create('users', scope, user(`u${i}@contoso.com`, `u${i}`));
        if (i < 7) {
          await store.addLink('members', scope, g.id, u.id);
          members.push(u.id);
        }
      }
      expect(await failure(store.addLink('members', scope, g.id, 'u0'))).toMatchObject({ code: 'BadRequest' });
      expect(await failure(store.addLink('members', scope, g.id, 'nobody'))).toMatchObject({
        code: 'ResourceNotFound',
      });
      expect(await failure(store.addLink('members', scope, 'no-group', 'u8'))).toMatchObject({
        code: 'ResourceNotFound',
      });
      // Another tenant sees neither the group nor the users.
      expect(await failure(store.addLink('members', { tenant: newTenant() }, g.id, 'u8'))).toMatchObject({
        code: 'ResourceNotFound',
      });

      const seen: string[] = [];
      let after: string | undefined;
      const q = query('users', { top: 3 });
      do {
        const page = await store.listLinked('members', scope, g.id, after === undefined ? q : { ...q, after });
        expect(page.items.length).toBeLessThanOrEqual(3);
        seen.push(...ids(page.items));
        after = page.next;
      } while (after !== undefined);
      expect(seen).toEqual([...members].sort());
      expect(await store.countLinked('members', scope, g.id, query('users'))).toBe(7);
      const filtered = await store.listLinked(
        'members',
        scope,
        g.id,
        query('users', { filter: "displayName eq 'u3'" }),
      );
      expect(ids(filtered.items)).toEqual(['u3']);
      const counted = await store.listLinked('members', scope, g.id, query('users', { count: true, top: 2 }));
      expect(counted.count).toBe(7);

      await store.removeLink('members', scope, g.id, 'u0');
      expect(await failure(store.removeLink('members', scope, g.id, 'u0'))).toMatchObject({
        code: 'ResourceNotFound',
      });
      expect(await failure(store.listLinked('members', scope, 'no-group', query('users')))).toMatchObject({
        code: 'ResourceNotFound',
      });
    });

    it('drops memberships with the user or the group', async () => {
      const tenant = newTenant();
      const scope = { tenant };
      await store.create('groups', scope, group('a', 'ga'));
      await store.create('users', scope, user('x@contoso.com', 'x'));
      await store.create('users', scope, user('y@contoso.com', 'y'));
      await store.addLink('members', scope, 'ga', 'x');
      await store.addLink('members', scope, 'ga', 'y');
      await store.delete('users', scope, 'x');
      expect(ids((await store.listLinked('members', scope, 'ga', query('users'))).items)).toEqual(['y']);
      await store.delete('groups', scope, 'ga');
      await store.create('groups', scope, group('a', 'ga'));
      expect((await store.listLinked('members', scope, 'ga', query('users'))).items).toEqual([]);
    });

    it('imports users, groups and memberships all or nothing', async () => {
      const tenant = newTenant();
      const scope = { tenant };
      await expect(
        store.createAll([
          { set: 'users', scope, entity: user('a@contoso.com', 'a') },
          { set: 'groups', scope, entity: group('g', 'g') },
          { link: 'members', scope, ownerId: 'g', memberId: 'a' },
          { link: 'members', scope, ownerId: 'g', memberId: 'missing', label: 'groups[0].members[1]' },
        ]),
      ).rejects.toMatchObject({ code: 'ResourceNotFound' });
      expect((await store.list('users', scope, query('users'))).items).toEqual([]);
      await store.createAll([
        { set: 'users', scope, entity: user('a@contoso.com', 'a') },
        { set: 'groups', scope, entity: group('g', 'g') },
        { link: 'members', scope, ownerId: 'g', memberId: 'a' },
      ]);
      expect(ids((await store.listLinked('members', scope, 'g', query('users'))).items)).toEqual(['a']);
    });

    it('stores managed devices per tenant with their enums', async () => {
      const tenant = newTenant();
      const d = await store.create(
        'managedDevices',
        { tenant },
        {
          type: 'managedDevice',
          values: {
            userId: null,
            deviceName: 'PIXEL-8',
            managedDeviceOwnerType: 'company',
            enrolledDateTime: '2024-05-01T10:00:00.0000000Z',
            lastSyncDateTime: '2024-05-02T10:00:00.0000000Z',
            operatingSystem: 'Android',
            complianceState: 'inGracePeriod',
            managementAgent: 'msSense',
            osVersion: '14',
            azureADDeviceId: null,
            model: 'Pixel 8',
            manufacturer: 'Google',
            serialNumber: '3A281FDH2000',
            userPrincipalName: null,
            userDisplayName: null,
          },
        },
      );
      const page = await store.list(
        'managedDevices',
        { tenant },
        query('managedDevices', { orderby: 'complianceState' }),
      );
      expect(page.items[0]?.values).toMatchObject({ complianceState: 'inGracePeriod', managementAgent: 'msSense' });
      expect(await store.get('managedDevices', { tenant: newTenant() }, d.id)).toBeUndefined();
    });
  });
}
