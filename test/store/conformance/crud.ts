/** Store conformance: the life cycle, configurations CRUD, tenant isolation and contained sets. */
import { describe, expect, it } from 'vitest';
import type { Store } from '../../../src/store/port.js';
import {
  ANDROID_STORE,
  assignment,
  byId,
  byPrincipal,
  configuration,
  deviceStatus,
  failure,
  IOS,
  newTenant,
  query,
  userStatus,
} from '../fixtures.js';
import { CONFIG, type Conformance, DTO, etagMessage, missingConfigMessage, missingStatusMessage } from './context.js';

export function crudCases(c: Conformance): void {
  let store!: Store;
  c.opened((s) => {
    store = s;
  });
  const { kind, withConfiguration } = c;

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
        expect((await failure(store.delete('configurations', { tenant }, 'nope', m))).code).toBe('PreconditionFailed');
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

    it('If-Match with no strong tag (only weak ones were sent) matches nothing: 412, nothing changes', async () => {
      const { tenant, config } = await withConfiguration({ displayName: 'A' });
      const scope = { tenant };
      const noStrongTag: readonly string[] = [];
      expect(
        await failure(store.update('configurations', scope, config.id, { displayName: 'B' }, noStrongTag)),
      ).toEqual({
        code: 'PreconditionFailed',
        message: etagMessage('managedDeviceMobileAppConfiguration', config.id),
      });
      expect((await failure(store.delete('configurations', scope, config.id, noStrongTag))).code).toBe(
        'PreconditionFailed',
      );
      const [status] = await store.upsert('userStatuses', { tenant, configId: config.id }, [byPrincipal('a@x')]);
      expect(
        (
          await failure(
            store.upsert(
              'userStatuses',
              { tenant, configId: config.id },
              [byPrincipal('a@x', { devicesCount: 5 })],
              noStrongTag,
            ),
          )
        ).code,
      ).toBe('PreconditionFailed');
      const kept = await store.get('configurations', scope, config.id);
      expect(kept!.values.displayName).toBe('A');
      expect(kept!.etag).toBe(config.etag);
      expect((await store.get('userStatuses', { tenant, configId: config.id }, status!.entity.id))!.etag).toBe(
        status!.entity.etag,
      );
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
}
