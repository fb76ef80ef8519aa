/**
 * SQLite and PostgreSQL side by side on the same rows: random data (tricky Unicode, ties, nulls) and many
 * queries; every page, every count and every paging position must be identical. This catches dialect
 * differences the hand-written expectations of the conformance suite do not think of.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SetName } from '../../src/model/resources.js';
import type { ListQuery } from '../../src/odata/query.js';
import type { Page, Scope, Store, StoredEntity } from '../../src/store/port.js';
import { ANDROID_STORE, configuration, IOS, newTenant, type QueryText, query, userStatus } from './fixtures.js';
import { type OpenedStore, POSTGRES, postgresAvailable, requirePostgresOrSkip, SQLITE } from './stores.js';

requirePostgresOrSkip();

/** Letters whose case mapping is special somewhere, plus separators, LIKE metacharacters and an astral character. */
const ALPHABET = [
  'a',
  'A',
  'z',
  'ß',
  'ẞ',
  'İ',
  'i',
  'ı',
  'I',
  'Σ',
  'σ',
  'ς',
  'é',
  'É',
  'ж',
  'Ж',
  'ǅ',
  'Ω',
  'K',
  ' ',
  '%',
  '_',
  '\\',
  '🙂',
  '0',
];
const STATUSES = ['unknown', 'compliant', 'error', 'nonCompliant', 'conflict'];
const TIMES = [
  '2024-05-01T10:00:00.1234567Z',
  '2024-05-01T10:00:00.1234568Z',
  '2023-01-01T00:00:00.0000000Z',
  '2024-02-29T23:59:59.9999999Z',
];

const text = (max: number) => fc.string({ unit: fc.constantFrom(...ALPHABET), minLength: 0, maxLength: max });
const row = fc.record({
  name: fc.option(text(6), { nil: null }),
  upn: fc.option(text(4), { nil: null }),
  devices: fc.integer({ min: -2, max: 2 }),
  status: fc.constantFrom(...STATUSES),
  at: fc.constantFrom(...TIMES),
});

type Row = typeof row extends fc.Arbitrary<infer T> ? T : never;

const lit = (s: string): string => `'${s.replace(/'/g, "''")}'`;

const ORDERS = [
  '',
  'userDisplayName',
  'userDisplayName desc',
  'devicesCount desc,userDisplayName',
  'status,lastReportedDateTime desc',
  'userPrincipalName desc',
  'id desc',
];

function filtersFor(needle: string, other: string): string[] {
  return [
    `contains(userDisplayName, ${lit(needle)})`,
    `startswith(userDisplayName, ${lit(needle)})`,
    `endswith(userPrincipalName, ${lit(other)})`,
    `userDisplayName eq ${lit(needle)}`,
    `userDisplayName ne ${lit(other)}`,
    `userDisplayName gt ${lit(needle)}`,
    `userDisplayName le ${lit(other)}`,
    `userPrincipalName lt ${lit(needle)}`,
    `tolower(userDisplayName) eq ${lit(other.toUpperCase())}`,
    `toupper(userPrincipalName) ge ${lit(needle)}`,
    `length(userDisplayName) gt 2`,
    `indexof(userDisplayName, ${lit(needle)}) ge 1`,
    `substring(userDisplayName, 1, 2) eq ${lit(needle)}`,
    `substring(userDisplayName, 2) ne ${lit(other)}`,
    `trim(userDisplayName) eq ${lit(needle.trim())}`,
    `concat(userDisplayName, userPrincipalName) eq ${lit(needle + other)}`,
    `not contains(userPrincipalName, ${lit(other)})`,
    `userDisplayName in (${lit(needle)}, ${lit(other)}, null)`,
    `not (userDisplayName lt ${lit(other)} or devicesCount gt 0)`,
    `status in ('error', 'conflict') and lastReportedDateTime ge 2024-05-01T10:00:00.1234567Z`,
    `userDisplayName eq userPrincipalName`,
    `userDisplayName gt userPrincipalName`,
    `${lit(needle)} eq ${lit(other)}`,
    `length(${lit(needle)}) eq 1`,
    `year(lastReportedDateTime) eq 2024 and second(lastReportedDateTime) ge 0`,
  ];
}

const comparable = (p: Page) => ({
  items: p.items.map((e: StoredEntity) => ({
    id: e.id,
    type: e.type,
    values: { ...e.values, createdDateTime: 0, lastModifiedDateTime: 0 },
  })),
  next: p.next,
  count: p.count,
});

describe.skipIf(!postgresAvailable)('SQLite and PostgreSQL answer identically', () => {
  let lite: OpenedStore;
  let post: OpenedStore;

  beforeAll(async () => {
    lite = await SQLITE.open();
    post = await POSTGRES.open();
  });
  afterAll(async () => {
    await lite?.close();
    await post?.close();
  });

  /** Walks every page of `q` on both stores, comparing as it goes. */
  async function same(set: SetName, scopes: [Scope, Scope], q: ListQuery, what: string): Promise<number> {
    let after: string | undefined;
    let pages = 0;
    for (;;) {
      const qq = after === undefined ? q : { ...q, after };
      const [l, p] = await Promise.all([lite.store.list(set, scopes[0], qq), post.store.list(set, scopes[1], qq)]);
      expect(comparable(p), `${what} page ${pages}`).toEqual(comparable(l));
      pages++;
      if (!l.next) break;
      after = l.next;
    }
    const [cl, cp] = await Promise.all([lite.store.count(set, scopes[0], q), post.store.count(set, scopes[1], q)]);
    expect(cp, `${what} count`).toBe(cl);
    return pages;
  }

  async function load(stores: Store[], rows: Row[]): Promise<Scope[]> {
    return Promise.all(
      stores.map(async (store) => {
        const tenant = newTenant();
        await store.create('configurations', { tenant }, configuration({}, IOS, 'cfg'));
        const scope = { tenant, configId: 'cfg' };
        for (const [i, r] of rows.entries()) {
          await store.create(
            'userStatuses',
            scope,
            userStatus(
              {
                userDisplayName: r.name,
                // Unique per configuration once folded: the index keeps them apart.
                userPrincipalName: r.upn === null ? null : `${r.upn}#${i}`,
                devicesCount: r.devices,
                status: r.status,
                lastReportedDateTime: r.at,
              },
              `s${String(i).padStart(3, '0')}`,
            ),
          );
        }
        return scope;
      }),
    );
  }

  it('on random user statuses, for every filter, order, page size and count', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(row, { minLength: 0, maxLength: 14 }),
        text(2),
        text(2),
        async (rows, needle, other) => {
          const [sl, sp] = await load([lite.store, post.store], rows);
          const scopes: [Scope, Scope] = [sl!, sp!];
          for (const orderby of ORDERS) {
            for (const top of [1, 3, 1000]) {
              const t: QueryText = { top, count: true, ...(orderby ? { orderby } : {}) };
              await same('userStatuses', scopes, query('userStatuses', t), `${orderby} top ${top}`);
            }
          }
          for (const filter of filtersFor(needle, other)) {
            await same(
              'userStatuses',
              scopes,
              query('userStatuses', { filter, top: 2, orderby: 'userDisplayName desc' }),
              filter,
            );
          }
          await same(
            'userStatuses',
            scopes,
            query('userStatuses', { search: `${needle} ${other}`.trim() || 'a', top: 3 }),
            'search',
          );
          await same('userStatuses', scopes, query('userStatuses', { skip: 2, top: 2 }), 'skip');
        },
      ),
      { numRuns: 15 },
    );
  }, 120_000);

  it('on configurations: collections, complex values, derived types and casts', async () => {
    const apps = fc.array(text(3), { maxLength: 3 });
    const cfg = fc.record({
      name: text(5),
      apps,
      kind: fc.constantFrom(IOS, ANDROID_STORE),
      oem: fc.boolean(),
      keys: fc.array(text(2), { maxLength: 2 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(cfg, { maxLength: 8 }), text(2), async (cfgs, needle) => {
        const scopes = await Promise.all(
          [lite.store, post.store].map(async (store) => {
            const tenant = newTenant();
            for (const [i, c] of cfgs.entries()) {
              const values =
                c.kind === IOS
                  ? {
                      displayName: c.name,
                      targetedMobileApps: c.apps,
                      settings: c.keys.map((k) => ({
                        appConfigKey: k,
                        appConfigKeyType: 'stringType',
                        appConfigKeyValue: k,
                      })),
                    }
                  : {
                      displayName: c.name,
                      targetedMobileApps: c.apps,
                      appSupportsOemConfig: c.oem,
                      roleScopeTagIds: c.keys,
                    };
              await store.create('configurations', { tenant }, configuration(values, c.kind, `c${i}`));
            }
            return { tenant };
          }),
        );
        const pair: [Scope, Scope] = [scopes[0]!, scopes[1]!];
        const filters = [
          `targetedMobileApps/any(a: contains(a, ${lit(needle)}))`,
          `targetedMobileApps/all(a: a gt ${lit(needle)})`,
          `${lit(needle)} in targetedMobileApps`,
          'targetedMobileApps/$count ge 2',
          `microsoft.graph.iosMobileAppConfiguration/settings/any(s: s/appConfigKey eq ${lit(needle)})`,
          `microsoft.graph.iosMobileAppConfiguration/settings/any(s: s/appConfigKeyType eq 'stringType' and startswith(s/appConfigKeyValue, ${lit(needle)}))`,
          'microsoft.graph.androidManagedStoreAppConfiguration/appSupportsOemConfig eq true',
          `roleScopeTagIds/any(r: r lt ${lit(needle)})`,
          "isof('microsoft.graph.iosMobileAppConfiguration')",
          `not isof('microsoft.graph.iosMobileAppConfiguration') or displayName ge ${lit(needle)}`,
        ];
        for (const filter of filters) {
          await same(
            'configurations',
            pair,
            query('configurations', { filter, orderby: 'displayName', top: 2 }),
            filter,
          );
        }
        await same('configurations', pair, query('configurations', { top: 3 }, ANDROID_STORE), 'cast');
        await same('configurations', pair, query('configurations', { search: needle.trim() || 'a', top: 2 }), 'search');
      }),
      { numRuns: 10 },
    );
  }, 120_000);
});
