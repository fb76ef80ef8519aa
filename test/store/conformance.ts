/**
 * The store conformance suite: one `describe` per store, the same tests and the same expected answers for
 * every implementation (DESIGN.md "one conformance suite, every implementation"). Each test works in a
 * tenant of its own, so tests share one store without seeing each other.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Scope, Store, StoredEntity } from '../../src/store/port.js';
import {
  ANDROID_STORE,
  ANDROID_WORK,
  assignment,
  byId,
  byPrincipal,
  configuration,
  deviceStatus,
  failure,
  IOS,
  ids,
  newTenant,
  type QueryText,
  query,
  userStatus,
  walk,
} from './fixtures.js';
import type { OpenedStore, StoreKind } from './stores.js';

const CONFIG = 'microsoft.graph.managedDeviceMobileAppConfiguration';
const USER_STATUS = 'microsoft.graph.managedDeviceMobileAppConfigurationUserStatus';
const DTO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}Z$/;

const missingConfigMessage = (id: string) =>
  `No managedDeviceMobileAppConfiguration with id '${id}' exists in this tenant.`;
const missingStatusMessage = (id: string, configId: string, label?: string) =>
  `${label ? `${label}: ` : ''}No managedDeviceMobileAppConfigurationUserStatus with id '${id}' exists in managedDeviceMobileAppConfiguration '${configId}'.`;
const upnTaken = (upn: string, label?: string) =>
  `${label ? `${label}: ` : ''}A ${USER_STATUS} with userPrincipalName '${upn}' already exists in this configuration.`;
const etagMessage = (what: string, id: string) =>
  `The If-Match header does not match the current ETag of ${what} '${id}' (or it does not exist).`;

export function storeConformance(kind: StoreKind): void {
  describe.skipIf(!kind.available)(`store conformance: ${kind.name}`, () => {
    let opened: OpenedStore;
    let store: Store;

    beforeAll(async () => {
      opened = await kind.open();
      store = opened.store;
    });
    afterAll(async () => {
      await opened?.close();
    });

    /** A tenant with one iOS configuration. */
    async function withConfiguration(
      values = {},
    ): Promise<{ tenant: string; config: StoredEntity; scope: Scope & { configId: string } }> {
      const tenant = newTenant();
      const config = await store.create('configurations', { tenant }, configuration(values));
      return { tenant, config, scope: { tenant, configId: config.id } };
    }

    describe('lifecycle', () => {
      it('reports its dialect, answers ping, and migrates again without harm', async () => {
        expect(store.dialect).toBe(kind.name);
        await store.ping();
        await store.migrate();
        await store.ping();
      });
    });

    describe('configurations CRUD', () => {
      it('creates with server-kept fields and reads back every value', async () => {
        const tenant = newTenant();
        const settings = [
          { appConfigKey: 'k1', appConfigKeyType: 'stringType', appConfigKeyValue: 'v1' },
          { appConfigKey: 'k2', appConfigKeyType: 'integerType', appConfigKeyValue: '2' },
        ];
        const created = await store.create(
          'configurations',
          { tenant },
          configuration({
            displayName: 'Mail',
            description: 'd',
            targetedMobileApps: ['a', 'b'],
            settings,
            encodedSettingXml: 'AAEC',
          }),
        );
        expect(created.type).toBe(IOS);
        expect(created.values.version).toBe(1);
        expect(created.values.createdDateTime).toMatch(DTO);
        expect(created.values.lastModifiedDateTime).toBe(created.values.createdDateTime);
        expect(created.etag.length).toBeGreaterThan(0);
        const got = await store.get('configurations', { tenant }, created.id);
        expect(got).toEqual(created);
        expect(got!.values).toMatchObject({
          displayName: 'Mail',
          description: 'd',
          targetedMobileApps: ['a', 'b'],
          settings,
          encodedSettingXml: 'AAEC',
          roleScopeTagIds: [],
        });
      });

      it('keeps a derived type and its own properties; booleans and enums round-trip', async () => {
        const tenant = newTenant();
        const e = await store.create(
          'configurations',
          { tenant },
          configuration(
            {
              displayName: 'Teams',
              packageId: 'com.microsoft.teams',
              appSupportsOemConfig: true,
              connectedAppsEnabled: true,
              profileApplicability: 'androidDeviceOwner',
              permissionActions: [{ permission: 'android.permission.CAMERA', action: 'autoGrant' }],
            },
            ANDROID_STORE,
          ),
        );
        const got = await store.get('configurations', { tenant }, e.id);
        expect(got!.type).toBe(ANDROID_STORE);
        expect(got!.values).toMatchObject({
          appSupportsOemConfig: true,
          connectedAppsEnabled: true,
          profileApplicability: 'androidDeviceOwner',
          credentialProviderRoleState: 'notConfigured',
          permissionActions: [{ permission: 'android.permission.CAMERA', action: 'autoGrant' }],
        });
      });

      it('keeps complex values member for member, in the order written', async () => {
        const { scope } = await withConfiguration();
        const a = await store.create('assignments', scope, assignment('g-1'));
        const got = await store.get('assignments', scope, a.id);
        expect(JSON.stringify(got!.values.target)).toBe(
          '{"@odata.type":"#microsoft.graph.groupAssignmentTarget","groupId":"g-1"}',
        );
      });

      it('accepts a client id once; a second create with it is a 409', async () => {
        const tenant = newTenant();
        await store.create('configurations', { tenant }, configuration({}, IOS, 'my-id'));
        const f = await failure(store.create('configurations', { tenant }, configuration({}, IOS, 'my-id')));
        expect(f).toEqual({ code: 'Conflict', message: `A ${CONFIG} with id 'my-id' already exists in this tenant.` });
        // The same id in another tenant is another entity.
        await store.create('configurations', { tenant: newTenant() }, configuration({}, IOS, 'my-id'));
      });

      it('updates only what changes, bumps version by one and replaces the etag', async () => {
        const { tenant, config } = await withConfiguration({ displayName: 'A', description: 'keep' });
        const u1 = await store.update('configurations', { tenant }, config.id, { displayName: 'B' });
        expect(u1.values).toMatchObject({ displayName: 'B', description: 'keep', version: 2 });
        expect(u1.etag).not.toBe(config.etag);
        expect(u1.values.createdDateTime).toBe(config.values.createdDateTime);
        expect(u1.values.lastModifiedDateTime! >= config.values.lastModifiedDateTime!).toBe(true);
        // Server-kept values in the changes are ignored.
        const u2 = await store.update('configurations', { tenant }, config.id, {
          version: 99,
          createdDateTime: '2000-01-01T00:00:00.0000000Z',
        });
        expect(u2.values.version).toBe(3);
        expect(u2.values.createdDateTime).toBe(config.values.createdDateTime);
        // An empty change still counts as a write.
        const u3 = await store.update('configurations', { tenant }, config.id, {});
        expect(u3.values.version).toBe(4);
        expect(u3.etag).not.toBe(u2.etag);
        expect(await store.get('configurations', { tenant }, config.id)).toEqual(u3);
      });

      it('update and delete of an absent entity: 404, or 412 with If-Match', async () => {
        const tenant = newTenant();
        const notFound = `No managedDeviceMobileAppConfiguration with id 'nope' exists in this tenant.`;
        expect(await failure(store.update('configurations', { tenant }, 'nope', { displayName: 'x' }))).toEqual({
          code: 'ResourceNotFound',
          message: notFound,
        });
        expect(await failure(store.delete('configurations', { tenant }, 'nope'))).toEqual({
          code: 'ResourceNotFound',
          message: notFound,
        });
        for (const m of ['*', ['abc']] as const) {
          expect(await failure(store.update('configurations', { tenant }, 'nope', {}, m))).toEqual({
            code: 'PreconditionFailed',
            message: etagMessage('managedDeviceMobileAppConfiguration', 'nope'),
          });
          expect((await failure(store.delete('configurations', { tenant }, 'nope', m))).code).toBe(
            'PreconditionFailed',
          );
        }
      });

      it('If-Match: a stale tag is 412 and changes nothing; the current tag, one of several, or * succeed', async () => {
        const { tenant, config } = await withConfiguration({ displayName: 'A' });
        const scope = { tenant };
        const stale = config.etag;
        const u = await store.update('configurations', scope, config.id, { displayName: 'B' }, [stale]);
        expect(await failure(store.update('configurations', scope, config.id, { displayName: 'C' }, [stale]))).toEqual({
          code: 'PreconditionFailed',
          message: etagMessage('managedDeviceMobileAppConfiguration', config.id),
        });
        expect((await store.get('configurations', scope, config.id))!.values.displayName).toBe('B');
        const v = await store.update('configurations', scope, config.id, { displayName: 'D' }, ['other', u.etag]);
        const w = await store.update('configurations', scope, config.id, { displayName: 'E' }, '*');
        expect(w.values.version).toBe(4);
        expect((await failure(store.delete('configurations', scope, config.id, [v.etag]))).code).toBe(
          'PreconditionFailed',
        );
        await store.delete('configurations', scope, config.id, [w.etag]);
        expect(await store.get('configurations', scope, config.id)).toBeUndefined();
      });

      it('deletes once; the second delete is a 404', async () => {
        const { tenant, config } = await withConfiguration();
        await store.delete('configurations', { tenant }, config.id);
        expect(await store.get('configurations', { tenant }, config.id)).toBeUndefined();
        expect((await failure(store.delete('configurations', { tenant }, config.id))).code).toBe('ResourceNotFound');
      });
    });

    describe('tenants', () => {
      it('a tenant sees and changes only its own data', async () => {
        const { tenant, config, scope } = await withConfiguration({ displayName: 'mine' });
        const s = await store.create('userStatuses', scope, userStatus({ userPrincipalName: 'a@x' }));
        const other = newTenant();
        expect(await store.get('configurations', { tenant: other }, config.id)).toBeUndefined();
        expect((await store.list('configurations', { tenant: other }, query('configurations'))).items).toEqual([]);
        expect(await store.count('configurations', { tenant: other }, query('configurations'))).toBe(0);
        expect(
          (await failure(store.update('configurations', { tenant: other }, config.id, { displayName: 'x' }))).code,
        ).toBe('ResourceNotFound');
        expect((await failure(store.delete('configurations', { tenant: other }, config.id))).code).toBe(
          'ResourceNotFound',
        );
        const foreign = { tenant: other, configId: config.id };
        expect(await failure(store.get('userStatuses', foreign, s.id))).toEqual({
          code: 'ResourceNotFound',
          message: missingConfigMessage(config.id),
        });
        expect((await failure(store.upsert('userStatuses', foreign, [byPrincipal('a@x')]))).code).toBe(
          'ResourceNotFound',
        );
        expect((await failure(store.create('userStatuses', foreign, userStatus()))).code).toBe('ResourceNotFound');
        // Still intact for its owner.
        expect((await store.get('configurations', { tenant }, config.id))!.values.displayName).toBe('mine');
        expect(await store.count('userStatuses', scope, query('userStatuses'))).toBe(1);
      });
    });

    describe('contained sets', () => {
      it('CRUD on user statuses, device statuses and assignments', async () => {
        const { scope } = await withConfiguration();
        const u = await store.create(
          'userStatuses',
          scope,
          userStatus({ userDisplayName: 'Ann', devicesCount: 2, status: 'error' }),
        );
        expect(await store.get('userStatuses', scope, u.id)).toEqual(u);
        const u2 = await store.update('userStatuses', scope, u.id, { status: 'compliant' });
        expect(u2.values).toMatchObject({ userDisplayName: 'Ann', devicesCount: 2, status: 'compliant' });
        const d = await store.create(
          'deviceStatuses',
          scope,
          deviceStatus({ deviceDisplayName: 'Pixel', platform: 3 }, 'dev-1'),
        );
        expect(d.id).toBe('dev-1');
        expect((await store.get('deviceStatuses', scope, 'dev-1'))!.values).toMatchObject({
          deviceDisplayName: 'Pixel',
          platform: 3,
        });
        const a = await store.create('assignments', scope, assignment('g'));
        await store.delete('assignments', scope, a.id);
        expect(await store.get('assignments', scope, a.id)).toBeUndefined();
        expect(await store.get('userStatuses', scope, 'absent')).toBeUndefined();
        expect(await failure(store.update('userStatuses', scope, 'absent', {}))).toEqual({
          code: 'ResourceNotFound',
          message: missingStatusMessage('absent', scope.configId!),
        });
        expect((await failure(store.update('userStatuses', scope, 'absent', {}, '*'))).code).toBe('PreconditionFailed');
      });

      it('every operation under a missing configuration is a 404 naming it, before any other answer', async () => {
        const scope = { tenant: newTenant(), configId: 'gone' };
        const expected = { code: 'ResourceNotFound', message: missingConfigMessage('gone') };
        const ops: [string, () => Promise<unknown>][] = [
          ['get', () => store.get('userStatuses', scope, 'x')],
          ['list', () => store.list('userStatuses', scope, query('userStatuses'))],
          ['list+count', () => store.list('userStatuses', scope, query('userStatuses', { count: true }))],
          ['count', () => store.count('userStatuses', scope, query('userStatuses'))],
          ['statusCounts', () => store.statusCounts('deviceStatuses', scope)],
          ['create', () => store.create('userStatuses', scope, userStatus())],
          ['update', () => store.update('userStatuses', scope, 'x', {})],
          ['update If-Match', () => store.update('userStatuses', scope, 'x', {}, ['t'])],
          ['delete', () => store.delete('deviceStatuses', scope, 'x')],
          ['delete If-Match', () => store.delete('deviceStatuses', scope, 'x', '*')],
          ['upsert by id', () => store.upsert('userStatuses', scope, [byId('x', {})])],
          ['upsert by name', () => store.upsert('userStatuses', scope, [byPrincipal('a@x')])],
          ['upsert by name If-Match', () => store.upsert('userStatuses', scope, [byPrincipal('a@x')], ['t'])],
          ['upsert bulk', () => store.upsert('userStatuses', scope, [byPrincipal('a@x'), byId('x', {}, 'value[1]')])],
          ['upsert bulk by names', () => store.upsert('userStatuses', scope, [byPrincipal('a@x'), byPrincipal('b@x')])],
          ['upsert empty', () => store.upsert('userStatuses', scope, [])],
          ['assign', () => store.replaceAssignments(scope, [assignment('g')])],
          ['assign none', () => store.replaceAssignments(scope, [])],
        ];
        for (const [name, op] of ops) expect(await failure(op()), name).toEqual(expected);
      });

      it('deleting a configuration deletes everything under it', async () => {
        const { tenant, config, scope } = await withConfiguration();
        await store.create('userStatuses', scope, userStatus({ userPrincipalName: 'u@x' }));
        await store.create('deviceStatuses', scope, deviceStatus());
        await store.replaceAssignments(scope, [assignment('g1'), assignment('g2')]);
        const keep = await withConfiguration();
        await store.create('userStatuses', keep.scope, userStatus({ userPrincipalName: 'u@x' }));
        await store.delete('configurations', { tenant }, config.id);
        for (const set of ['userStatuses', 'deviceStatuses', 'assignments'] as const) {
          expect((await failure(store.count(set, scope, query(set)))).code).toBe('ResourceNotFound');
        }
        // Recreating the configuration with the same id finds nothing left over.
        await store.create('configurations', { tenant }, configuration({}, IOS, config.id));
        for (const set of ['userStatuses', 'deviceStatuses', 'assignments'] as const) {
          expect(await store.count(set, scope, query(set))).toBe(0);
        }
        expect(await store.count('userStatuses', keep.scope, query('userStatuses'))).toBe(1);
      });

      it('assign replaces the assignments, all at once', async () => {
        const { scope } = await withConfiguration();
        await store.replaceAssignments(scope, [assignment('g1', 'a1'), assignment('g2', 'a2')]);
        await store.replaceAssignments(scope, [assignment('g3', 'a1'), assignment('g4')]);
        const page = await store.list('assignments', scope, query('assignments'));
        expect(page.items.map((a) => (a.values.target as { groupId: string }).groupId).sort()).toEqual(['g3', 'g4']);
        expect(page.items.find((a) => a.id === 'a1')).toBeDefined();
        await store.replaceAssignments(scope, []);
        expect(await store.count('assignments', scope, query('assignments'))).toBe(0);
      });

      it('summaries count statuses by value with the newest report time', async () => {
        const { scope } = await withConfiguration();
        expect(await store.statusCounts('userStatuses', scope)).toEqual({
          byStatus: new Map(),
          lastReported: undefined,
        });
        const rows = [
          ['compliant', '2024-05-01T10:00:00.0000001Z'],
          ['compliant', '2024-05-02T10:00:00.0000000Z'],
          ['error', '2024-05-02T10:00:00.0000001Z'],
          ['unknown', '2023-01-01T00:00:00.0000000Z'],
        ] as const;
        for (const [status, at] of rows)
          await store.create('userStatuses', scope, userStatus({ status, lastReportedDateTime: at }));
        await store.create('deviceStatuses', scope, deviceStatus({ status: 'conflict' }));
        const c = await store.statusCounts('userStatuses', scope);
        expect(c.byStatus).toEqual(
          new Map([
            [2, 2],
            [5, 1],
            [0, 1],
          ]),
        );
        expect(c.lastReported).toBe('2024-05-02T10:00:00.0000001Z');
        expect((await store.statusCounts('deviceStatuses', scope)).byStatus).toEqual(new Map([[6, 1]]));
      });
    });

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
        expect((await store.upsert('userStatuses', scope, [byPrincipal('ıpek@contoso.com.tr')]))[0]!.created).toBe(
          true,
        );
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
          (await failure(store.upsert('userStatuses', scope, [byId(e.id, { devicesCount: 4 })], [u!.entity.etag])))
            .code,
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
        names(
          (await store.list('configurations', { tenant: configTenant }, query('configurations', text, cast))).items,
        );

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
        [
          "microsoft.graph.androidManagedStoreAppConfiguration/permissionActions/any(p: p/action eq 'autoGrant')",
          ['c3'],
        ],
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

    describe('issuer keys and secrets', () => {
      const key = (kid: string, createdAt: number) => ({
        kid,
        alg: 'ES256' as const,
        privateJwk: `{"kid":"${kid}","d":"x"}`,
        publicJwk: `{"kid":"${kid}"}`,
        createdAt,
        retiredAt: null,
      });

      it('signing keys: insert-if-absent, retire once, listed oldest first', async () => {
        const before = await store.listSigningKeys();
        const tag = newTenant().slice(0, 8);
        await store.insertSigningKey(key(`${tag}-b`, 2_000_000_000));
        await store.insertSigningKey(key(`${tag}-a`, 2_000_000_000));
        await store.insertSigningKey({ ...key(`${tag}-a`, 1), privateJwk: 'other' });
        await store.insertSigningKey(key(`${tag}-c`, 2_000_000_001));
        await store.retireSigningKey(`${tag}-b`, 2_100_000_000);
        await store.retireSigningKey(`${tag}-b`, 2_200_000_000);
        const mine = (await store.listSigningKeys()).filter((k) => k.kid.startsWith(tag));
        expect(mine.map((k) => [k.kid, k.createdAt, k.retiredAt])).toEqual([
          [`${tag}-a`, 2_000_000_000, null],
          [`${tag}-b`, 2_000_000_000, 2_100_000_000],
          [`${tag}-c`, 2_000_000_001, null],
        ]);
        expect(mine[0]!.privateJwk).toBe(`{"kid":"${tag}-a","d":"x"}`);
        expect((await store.listSigningKeys()).length).toBe(before.length + 3);
      });

      it('a secret is created once and then shared, also when asked for concurrently', async () => {
        const name = `s-${newTenant()}`;
        let made = 0;
        const values = await Promise.all(
          Array.from({ length: 8 }, (_, i) =>
            store.secret(name, () => {
              made++;
              return `v${i}`;
            }),
          ),
        );
        expect(new Set(values).size).toBe(1);
        expect(made).toBeGreaterThanOrEqual(1);
        expect(await store.secret(name, () => 'later')).toBe(values[0]);
      });
    });
  });
}
