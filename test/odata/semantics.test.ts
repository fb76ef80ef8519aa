/**
 * The filter and paging semantics docs/queries.md decides, answered identically by every store: two-valued
 * comparisons, string functions of null, implied and explicit casts (on the entity and inside complex values),
 * isof, lambdas over empty collections, clamped substring arguments, and keyset paging over nullable keys.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Scope, Store, StoredEntity } from '../../src/store/port.js';
import {
  ANDROID_STORE,
  ANDROID_WORK,
  configuration,
  IOS,
  newTenant,
  query,
  userStatus,
  walk,
} from '../store/fixtures.js';
import { type OpenedStore, requirePostgresOrSkip, STORES } from '../store/stores.js';

requirePostgresOrSkip();

for (const kind of STORES) {
  describe.skipIf(!kind.available)(`${kind.name}`, () => {
    let opened: OpenedStore;
    let store: Store;
    const tenant = newTenant();
    let scope: Scope;
    const nameOf = new Map<string, string>();
    const names = (items: readonly StoredEntity[]) => items.map((e) => nameOf.get(e.id)!).sort();

    beforeAll(async () => {
      opened = await kind.open();
      store = opened.store;
      const configs: [string, ReturnType<typeof configuration>][] = [
        [
          'ios-a',
          configuration(
            {
              displayName: 'A',
              description: null,
              targetedMobileApps: [],
              settings: [{ appConfigKey: 'k', appConfigKeyType: 'integerType', appConfigKeyValue: '1' }],
            },
            IOS,
          ),
        ],
        ['ios-b', configuration({ displayName: 'b', description: 'Mail', targetedMobileApps: ['x', 'y'] }, IOS)],
        [
          'store',
          configuration(
            {
              displayName: 'C',
              appSupportsOemConfig: true,
              packageId: 'com.zebra',
              permissionActions: [{ permission: 'p', action: 'autoGrant' }],
            },
            ANDROID_STORE,
          ),
        ],
        ['work', configuration({ displayName: null as unknown as string, packageId: 'com.teams' }, ANDROID_WORK)],
      ];
      for (const [n, c] of configs) nameOf.set((await store.create('configurations', { tenant }, c)).id, n);
      const holder = await store.create('configurations', { tenant }, configuration({ displayName: 'statuses' }, IOS));
      nameOf.set(holder.id, 'holder');
      scope = { tenant, configId: holder.id };
      const rows: [string, Record<string, unknown>][] = [
        ['s1', { userDisplayName: 'Ann', userPrincipalName: 'ann@x.com', devicesCount: 1 }],
        ['s2', { userDisplayName: null, userPrincipalName: 'bob@x.com', devicesCount: 2 }],
        ['s3', { userDisplayName: 'Cy', userPrincipalName: null, devicesCount: 3 }],
        ['s4', { userDisplayName: null, userPrincipalName: null, devicesCount: 4 }],
      ];
      for (const [n, v] of rows) nameOf.set((await store.create('userStatuses', scope, userStatus(v))).id, n);
      const assignments = [
        ['group', { '@odata.type': '#microsoft.graph.groupAssignmentTarget', groupId: 'G1' }],
        ['exclusion', { '@odata.type': '#microsoft.graph.exclusionGroupAssignmentTarget', groupId: 'g2' }],
        ['all', { '@odata.type': '#microsoft.graph.allDevicesAssignmentTarget' }],
      ] as const;
      for (const [n, target] of assignments) {
        const e = await store.create('assignments', scope, {
          type: 'managedDeviceMobileAppConfigurationAssignment',
          values: { target },
        });
        nameOf.set(e.id, n);
      }
    });
    afterAll(async () => {
      await opened?.close();
    });

    const statuses = async (filter: string) =>
      names((await store.list('userStatuses', scope, query('userStatuses', { filter }))).items);
    const configs = async (filter: string) =>
      names((await store.list('configurations', { tenant }, query('configurations', { filter }))).items).filter(
        (n) => n !== 'holder',
      );
    const assignments = async (filter: string) =>
      names((await store.list('assignments', scope, query('assignments', { filter }))).items);

    it.each([
      ["userDisplayName eq 'ann'", ['s1']],
      ["not (userDisplayName eq 'ann')", ['s2', 's3', 's4']],
      ["userDisplayName ne 'ann'", ['s2', 's3', 's4']],
      ["not (userDisplayName ne 'ann')", ['s1']],
      ["userDisplayName gt 'a'", ['s1', 's3']],
      ["not (userDisplayName gt 'b')", ['s1', 's2', 's4']],
      ['userDisplayName gt null', []],
      ['userDisplayName ge null', ['s2', 's4']],
      ['userDisplayName eq userPrincipalName', ['s4']],
      ['userDisplayName ne userPrincipalName', ['s1', 's2', 's3']],
      ["not contains(userDisplayName, 'n')", ['s2', 's3', 's4']],
      ["not (userDisplayName in ('ann', 'cy'))", ['s2', 's4']],
      ["userDisplayName in ('ann', null)", ['s1', 's2', 's4']],
      ["concat(userDisplayName, 'x') eq 'annx'", ['s1']],
      ["not (concat(userDisplayName, 'x') eq 'annx')", ['s2', 's3', 's4']],
      ["substring(userPrincipalName, -3) eq 'ann@x.com'", ['s1']],
      ["substring(userPrincipalName, 0, -1) eq ''", ['s1', 's2']],
      ["toupper(userPrincipalName) eq 'ANN@X.COM' and tolower(userDisplayName) eq 'ANN'", ['s1']],
      ['length(userPrincipalName) eq 9', ['s1', 's2']],
      ["indexof(userPrincipalName, '@X') eq 3", ['s1', 's2']],
    ] as [string, string[]][])('statuses %s', async (filter, expected) => {
      expect(await statuses(filter)).toEqual(expected);
    });

    it.each([
      // Implied casts: a property of derived types named on the base set is null for the other types.
      ['appSupportsOemConfig eq true', ['store']],
      ['appSupportsOemConfig ne true', ['ios-a', 'ios-b', 'work']],
      ["packageId eq 'COM.TEAMS' or packageId eq 'com.zebra'", ['store', 'work']],
      ['packageId eq null', ['ios-a', 'ios-b']],
      ["settings/any(s: s/appConfigKeyType eq 'integerType')", ['ios-a']],
      ["settings/any(s: s/appConfigKeyType gt 'stringType')", ['ios-a']],
      ["permissionActions/any(p: p/action eq 'autoGrant')", ['store']],
      // Casts to the declared type are no-ops; isof of complex values without subtypes asks only for a value.
      ["settings/any(s: s/microsoft.graph.appConfigurationSettingItem/appConfigKey eq 'K')", ['ios-a']],
      ["settings/any(s: isof(s, 'microsoft.graph.appConfigurationSettingItem'))", ['ios-a']],
      ['microsoft.graph.managedDeviceMobileAppConfiguration/displayName eq null', ['work']],
      // Lambdas: any() of an empty collection is false, all() true.
      ['targetedMobileApps/any()', ['ios-b']],
      ["targetedMobileApps/all(a: a eq 'x')", ['ios-a', 'store', 'work']],
      ["not targetedMobileApps/all(a: a eq 'x')", ['ios-b']],
      ["'Y' in targetedMobileApps", ['ios-b']],
      ['targetedMobileApps/$count eq 2', ['ios-b']],
      ["isof('microsoft.graph.iosMobileAppConfiguration') eq false", ['store', 'work']],
      ["isof('microsoft.graph.iosMobileAppConfiguration') ne true and displayName ne null", ['store']],
      ["not (description eq 'mail')", ['ios-a', 'store', 'work']],
      ['connectedAppsEnabled', []],
      ['not connectedAppsEnabled', ['store', 'work']],
    ] as [string, string[]][])('configurations %s', async (filter, expected) => {
      expect(await configs(filter)).toEqual(expected);
    });

    it.each([
      ["target/groupId eq 'g1'", ['group']],
      ['target/groupId ne null', ['exclusion', 'group']],
      ["target/microsoft.graph.groupAssignmentTarget/groupId in ('G1', 'G2')", ['exclusion', 'group']],
      ["target/microsoft.graph.exclusionGroupAssignmentTarget/groupId eq 'g2'", ['exclusion']],
      ["isof(target, 'microsoft.graph.groupAssignmentTarget')", ['exclusion', 'group']],
      ["isof(target, 'microsoft.graph.allDevicesAssignmentTarget')", ['all']],
      ["not isof(target, 'microsoft.graph.exclusionGroupAssignmentTarget')", ['all', 'group']],
    ] as [string, string[]][])('assignments %s', async (filter, expected) => {
      expect(await assignments(filter)).toEqual(expected);
    });

    it('pages over nullable keys in both directions without losing or repeating a row', async () => {
      for (const orderby of [
        'userDisplayName',
        'userDisplayName desc',
        'userPrincipalName desc,userDisplayName',
        'userPrincipalName,devicesCount desc',
      ]) {
        const all = (await store.list('userStatuses', scope, query('userStatuses', { orderby }))).items.map(
          (e) => e.id,
        );
        for (const top of [1, 2, 3]) {
          const pages = await walk(store, 'userStatuses', scope, query('userStatuses', { orderby, top }));
          expect(
            pages.flatMap((p) => p.items.map((e) => e.id)),
            `${orderby} / ${top}`,
          ).toEqual(all);
        }
      }
      const asc = (await store.list('userStatuses', scope, query('userStatuses', { orderby: 'userDisplayName' })))
        .items;
      expect(asc.slice(0, 2).map((e) => e.values.userDisplayName)).toEqual([null, null]);
      const desc = (await store.list('userStatuses', scope, query('userStatuses', { orderby: 'userDisplayName desc' })))
        .items;
      expect(desc.slice(2).map((e) => e.values.userDisplayName)).toEqual([null, null]);
    });

    it('refuses a position that does not fit the order', async () => {
      const q = query('userStatuses', { orderby: 'status' });
      for (const after of ['not json', '[]', '["a"]', '[1, 2, 3]', '[null, "x"]', '[{}, "x"]']) {
        await expect(store.list('userStatuses', scope, { ...q, after })).rejects.toMatchObject({ status: 400 });
      }
    });
  });
}
