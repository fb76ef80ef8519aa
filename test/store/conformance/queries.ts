/** Store conformance: collection queries ($filter, $orderby, $search, $count, paging). */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Scope, Store, StoredEntity } from '../../../src/store/port.js';
import {
  ANDROID_STORE,
  ANDROID_WORK,
  configuration,
  IOS,
  ids,
  newTenant,
  type QueryText,
  query,
  userStatus,
  walk,
} from '../fixtures.js';
import type { Conformance } from './context.js';

export function queryCases(c: Conformance): void {
  let store!: Store;
  c.opened((s) => {
    store = s;
  });
  const { withConfiguration } = c;

  describe('queries', () => {
    // Six user statuses chosen to separate every operator, function and ordering rule.
    const rows = {
      u1: {
        userDisplayName: 'Alice Ärger',
        userPrincipalName: 'alice@contoso.com',
        devicesCount: 3,
        status: 'compliant',
        lastReportedDateTime: '2024-05-01T10:00:00.1234567Z',
      },
      u2: {
        userDisplayName: 'bob',
        userPrincipalName: 'Bob@Contoso.com',
        devicesCount: 0,
        status: 'error',
        lastReportedDateTime: '2024-05-01T10:00:00.1234568Z',
      },
      u3: {
        userDisplayName: null,
        userPrincipalName: 'carol@fabrikam.com',
        devicesCount: 12,
        status: 'nonCompliant',
        lastReportedDateTime: '2023-12-31T23:59:59.9999999Z',
      },
      u4: {
        userDisplayName: 'İstanbul Straße',
        userPrincipalName: 'dave@contoso.com',
        devicesCount: 5,
        status: 'unknown',
        lastReportedDateTime: '2024-02-29T00:00:00.0000000Z',
      },
      u5: {
        userDisplayName: 'ΟΔΟΣ',
        userPrincipalName: 'eve@contoso.com',
        devicesCount: 3,
        status: 'compliant',
        lastReportedDateTime: '2024-05-01T10:00:00.1234567Z',
      },
      u6: {
        userDisplayName: '  padded  ',
        userPrincipalName: null,
        devicesCount: 7,
        status: 'conflict',
        lastReportedDateTime: '2025-01-01T00:00:00.0000000Z',
      },
    } as const;
    type Key = keyof typeof rows;
    let scope: Scope;
    let configTenant: string;
    const idOf = new Map<string, string>();
    const nameOf = new Map<string, string>();

    beforeAll(async () => {
      const c = await withConfiguration();
      scope = c.scope;
      // Ids run against the alphabet of the keys, so "ordered by id" and "ordered by value" differ.
      const order: Key[] = ['u4', 'u2', 'u6', 'u1', 'u5', 'u3'];
      for (const [i, k] of order.entries()) {
        const e = await store.create('userStatuses', scope, userStatus(rows[k], `id-${i}`));
        idOf.set(k, e.id);
        nameOf.set(e.id, k);
      }
      configTenant = newTenant();
      const cfgs: [string, ReturnType<typeof configuration>][] = [
        [
          'c1',
          configuration(
            {
              displayName: 'Mail',
              description: 'iOS mail',
              targetedMobileApps: ['app-a', 'app-b'],
              settings: [
                { appConfigKey: 'k1', appConfigKeyType: 'stringType', appConfigKeyValue: 'v1' },
                { appConfigKey: 'K2', appConfigKeyType: 'integerType', appConfigKeyValue: '2' },
              ],
            },
            IOS,
            'cfg-3',
          ),
        ],
        ['c2', configuration({ displayName: 'Calendar', description: null }, IOS, 'cfg-1')],
        [
          'c3',
          configuration(
            {
              displayName: 'Teams',
              description: 'chat',
              targetedMobileApps: ['app-c'],
              roleScopeTagIds: ['0', '1'],
              packageId: 'com.microsoft.teams',
              appSupportsOemConfig: true,
              permissionActions: [{ permission: 'android.permission.CAMERA', action: 'autoGrant' }],
            },
            ANDROID_STORE,
            'cfg-4',
          ),
        ],
        [
          'c4',
          configuration(
            {
              displayName: 'Outlook',
              description: 'MAIL for work',
              targetedMobileApps: ['APP-A'],
              packageId: 'com.microsoft.outlook',
              connectedAppsEnabled: true,
            },
            ANDROID_WORK,
            'cfg-2',
          ),
        ],
      ];
      for (const [k, e] of cfgs) {
        await store.create('configurations', { tenant: configTenant }, e);
        nameOf.set(e.id!, k);
      }
    });

    const names = (items: readonly StoredEntity[]): string[] => items.map((e) => nameOf.get(e.id)!);
    const statuses = async (text: QueryText): Promise<string[]> =>
      names((await store.list('userStatuses', scope, query('userStatuses', text))).items);
    const configs = async (text: QueryText, cast?: string): Promise<string[]> =>
      names((await store.list('configurations', { tenant: configTenant }, query('configurations', text, cast))).items);

    const FILTERS: [string, string[]][] = [
      ["status eq 'compliant'", ['u1', 'u5']],
      ["status eq microsoft.graph.complianceStatus'error'", ['u2']],
      ["status ne 'compliant'", ['u2', 'u3', 'u4', 'u6']],
      ['devicesCount gt 3', ['u3', 'u4', 'u6']],
      ['devicesCount ge 3', ['u1', 'u3', 'u4', 'u5', 'u6']],
      ['devicesCount lt 3', ['u2']],
      ['devicesCount le 3', ['u1', 'u2', 'u5']],
      ['devicesCount ge 3 and devicesCount le 5', ['u1', 'u4', 'u5']],
      ["devicesCount eq 0 or status eq 'conflict'", ['u2', 'u6']],
      ['not (devicesCount gt 3)', ['u1', 'u2', 'u5']],
      ["(status eq 'compliant' or status eq 'error') and devicesCount gt 0", ['u1', 'u5']],
      ["status in ('error', 'conflict')", ['u2', 'u6']],
      ['devicesCount in (0, 12)', ['u2', 'u3']],
      ['userDisplayName eq null', ['u3']],
      ['userDisplayName ne null', ['u1', 'u2', 'u4', 'u5', 'u6']],
      ["userDisplayName ne 'bob'", ['u1', 'u3', 'u4', 'u5', 'u6']],
      ['userPrincipalName eq null', ['u6']],
      // Case-insensitive comparisons, non-ASCII included.
      ["userDisplayName eq 'BOB'", ['u2']],
      ["userPrincipalName eq 'bob@contoso.com'", ['u2']],
      ["userDisplayName eq 'alice ärger'", ['u1']],
      ["userDisplayName eq 'ALICE ÄRGER'", ['u1']],
      ["userDisplayName eq 'οδος'", ['u5']],
      ["userDisplayName eq 'İSTANBUL STRAẞE'", ['u4']],
      ["userDisplayName gt 'b'", ['u2', 'u4', 'u5']],
      ["userDisplayName lt 'B'", ['u1', 'u6']],
      ["startswith(userPrincipalName, 'ALICE')", ['u1']],
      ["endswith(userPrincipalName, '@CONTOSO.com')", ['u1', 'u2', 'u4', 'u5']],
      ["contains(userDisplayName, 'ÄRG')", ['u1']],
      ["contains(userDisplayName, 'straße')", ['u4']],
      ["startswith(userDisplayName, 'İ')", ['u4']],
      ["startswith(userDisplayName, 'i')", ['u4']],
      // Folding is JavaScript's toLowerCase: a final capital sigma folds to ς, which σ does not match.
      ["endswith(userDisplayName, 'Σ')", []],
      ["endswith(userDisplayName, 'ΟΣ')", ['u5']],
      ["contains(userDisplayName, '%')", []],
      ["contains(userDisplayName, '_')", []],
      // Two-valued (src/store/sql/filter.ts): contains() of a null name is false, so its negation is true.
      ["not contains(userPrincipalName, 'contoso')", ['u3', 'u6']],
      // String functions.
      ["tolower(userDisplayName) eq 'bob'", ['u2']],
      ["toupper(userDisplayName) eq 'ALICE ÄRGER'", ['u1']],
      ["trim(userDisplayName) eq 'padded'", ['u6']],
      ['length(userDisplayName) eq 3', ['u2']],
      ['length(userDisplayName) eq 4', ['u5']],
      ['length(userDisplayName) eq 15', ['u4']],
      ["indexof(userDisplayName, 'bob') eq 0", ['u2']],
      ["indexof(userDisplayName, 'Ärger') eq 6", ['u1']],
      ["substring(userDisplayName, 1) eq 'ob'", ['u2']],
      ["substring(userDisplayName, 0, 5) eq 'alice'", ['u1']],
      ["concat(userDisplayName, '!') eq 'bob!'", ['u2']],
      ["concat(concat(userPrincipalName, '/'), userDisplayName) eq 'bob@contoso.com/BOB'", ['u2']],
      // Date and time.
      ['year(lastReportedDateTime) eq 2024', ['u1', 'u2', 'u4', 'u5']],
      ['month(lastReportedDateTime) eq 2', ['u4']],
      ['day(lastReportedDateTime) eq 29', ['u4']],
      ['hour(lastReportedDateTime) eq 10', ['u1', 'u2', 'u5']],
      ['minute(lastReportedDateTime) eq 59', ['u3']],
      ['second(lastReportedDateTime) eq 59', ['u3']],
      ['lastReportedDateTime gt 2024-05-01T10:00:00.1234567Z', ['u2', 'u6']],
      ['lastReportedDateTime ge 2024-05-01T10:00:00.1234567Z', ['u1', 'u2', 'u5', 'u6']],
      ['lastReportedDateTime eq 2024-05-01T12:00:00.1234567+02:00', ['u1', 'u5']],
      ['lastReportedDateTime lt 2024-01-01T00:00:00Z', ['u3']],
    ];

    for (const [filter, expected] of FILTERS) {
      it(`$filter=${filter}`, async () => {
        expect((await statuses({ filter })).sort()).toEqual(expected);
        expect(await store.count('userStatuses', scope, query('userStatuses', { filter }))).toBe(expected.length);
      });
    }

    const CONFIG_FILTERS: [string, string[]][] = [
      ["targetedMobileApps/any(a: a eq 'app-a')", ['c1', 'c4']],
      ['targetedMobileApps/any()', ['c1', 'c3', 'c4']],
      ['not targetedMobileApps/any()', ['c2']],
      ["targetedMobileApps/all(a: startswith(a, 'app-'))", ['c1', 'c2', 'c3', 'c4']],
      ["targetedMobileApps/all(a: a ne 'app-b')", ['c2', 'c3', 'c4']],
      ["'APP-C' in targetedMobileApps", ['c3']],
      ["microsoft.graph.iosMobileAppConfiguration/settings/any(s: s/appConfigKey eq 'k2')", ['c1']],
      [
        "microsoft.graph.iosMobileAppConfiguration/settings/any(s: s/appConfigKeyType eq 'integerType' and s/appConfigKeyValue eq '2')",
        ['c1'],
      ],
      // A cast that does not match gives no collection, over which `all` holds.
      [
        "microsoft.graph.iosMobileAppConfiguration/settings/all(s: s/appConfigKeyType eq 'stringType')",
        ['c2', 'c3', 'c4'],
      ],
      ['microsoft.graph.iosMobileAppConfiguration/settings/$count eq 2', ['c1']],
      ['targetedMobileApps/$count ge 2', ['c1']],
      ["roleScopeTagIds/any(r: r eq '1')", ['c3']],
      ["microsoft.graph.androidManagedStoreAppConfiguration/permissionActions/any(p: p/action eq 'autoGrant')", ['c3']],
      ["isof('microsoft.graph.iosMobileAppConfiguration')", ['c1', 'c2']],
      ["isof('microsoft.graph.androidManagedStoreAppConfiguration')", ['c3']],
      ['microsoft.graph.androidManagedStoreAppConfiguration/appSupportsOemConfig eq true', ['c3']],
      ["microsoft.graph.androidForWorkMobileAppConfiguration/packageId eq 'COM.microsoft.outlook'", ['c4']],
      ['description eq null', ['c2']],
      ["contains(description, 'mail')", ['c1', 'c4']],
    ];

    for (const [filter, expected] of CONFIG_FILTERS) {
      it(`configurations $filter=${filter}`, async () => {
        expect((await configs({ filter })).sort()).toEqual(expected);
      });
    }

    it('a type-cast segment restricts the rows to that type', async () => {
      expect((await configs({}, ANDROID_STORE)).sort()).toEqual(['c3']);
      expect((await configs({}, IOS)).sort()).toEqual(['c1', 'c2']);
    });

    it('$search: every word a case-insensitive substring of a searchable property', async () => {
      expect((await statuses({ search: 'CONTOSO ali' })).sort()).toEqual(['u1']);
      expect((await statuses({ search: '"ärger"' })).sort()).toEqual(['u1']);
      expect((await statuses({ search: 'contoso' })).sort()).toEqual(['u1', 'u2', 'u4', 'u5']);
      expect((await configs({ search: 'mail' })).sort()).toEqual(['c1', 'c4']);
    });

    it('$orderby: strings case-insensitively with nulls first, enums by value, date-times, several keys', async () => {
      expect(await statuses({ orderby: 'userDisplayName' })).toEqual(['u3', 'u6', 'u1', 'u2', 'u4', 'u5']);
      expect(await statuses({ orderby: 'userDisplayName desc' })).toEqual(['u5', 'u4', 'u2', 'u1', 'u6', 'u3']);
      expect(await statuses({ orderby: 'userPrincipalName' })).toEqual(['u6', 'u1', 'u2', 'u3', 'u4', 'u5']);
      expect(await statuses({ orderby: 'status' })).toEqual([
        'u4',
        ...(await statuses({ filter: "status eq 'compliant'" })),
        'u3',
        'u2',
        'u6',
      ]);
      expect(await statuses({ orderby: 'lastReportedDateTime desc, userPrincipalName' })).toEqual([
        'u6',
        'u2',
        'u1',
        'u5',
        'u4',
        'u3',
      ]);
      expect(await statuses({ orderby: 'devicesCount, userDisplayName desc' })).toEqual([
        'u2',
        'u5',
        'u1',
        'u4',
        'u6',
        'u3',
      ]);
      expect(await configs({ orderby: 'displayName' })).toEqual(['c2', 'c1', 'c4', 'c3']);
    });

    it('$orderby ties are broken by id, the same way on every page', async () => {
      for (const orderby of [
        'devicesCount',
        'devicesCount desc',
        'status',
        'status desc',
        'lastReportedDateTime',
        'userDisplayName desc',
      ]) {
        const all = await store.list('userStatuses', scope, query('userStatuses', { orderby }));
        for (const top of [1, 2, 4]) {
          const pages = await walk(store, 'userStatuses', scope, query('userStatuses', { orderby, top }));
          expect(
            pages.flatMap((p) => ids(p.items)),
            `${orderby} by ${top}`,
          ).toEqual(ids(all.items));
          expect(pages.every((p, i) => (i < pages.length - 1 ? p.items.length === top : p.items.length <= top))).toBe(
            true,
          );
        }
      }
      // Equal values come in id order (u1 and u5 tie on devicesCount).
      const tie = await statuses({ orderby: 'devicesCount', filter: 'devicesCount eq 3' });
      expect(tie).toEqual(idOf.get('u1')! < idOf.get('u5')! ? ['u1', 'u5'] : ['u5', 'u1']);
    });

    it('paging: $top, $skip, $count and the position after the last row', async () => {
      const all = ids((await store.list('userStatuses', scope, query('userStatuses'))).items);
      expect(all).toHaveLength(6);
      const first = await store.list('userStatuses', scope, query('userStatuses', { top: 4, count: true }));
      expect(first.count).toBe(6);
      expect(ids(first.items)).toEqual(all.slice(0, 4));
      expect(first.next).toBeDefined();
      const last = await store.list('userStatuses', scope, {
        ...query('userStatuses', { top: 4 }),
        after: first.next!,
      });
      expect(ids(last.items)).toEqual(all.slice(4));
      expect(last.next).toBeUndefined();
      const skipped = await store.list('userStatuses', scope, query('userStatuses', { skip: 2, top: 3 }));
      expect(ids(skipped.items)).toEqual(all.slice(2, 5));
      expect((await store.list('userStatuses', scope, query('userStatuses', { skip: 6 }))).items).toEqual([]);
      const exact = await store.list('userStatuses', scope, query('userStatuses', { top: 6 }));
      expect(exact.next).toBeUndefined();
      const filtered = await store.list(
        'userStatuses',
        scope,
        query('userStatuses', { filter: 'devicesCount gt 0', top: 2, count: true }),
      );
      expect(filtered.count).toBe(5);
      expect(filtered.items).toHaveLength(2);
    });
  });
}
