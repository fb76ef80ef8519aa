/**
 * Store conformance: the control plane's view of a store — tenant-scoped tables found in the catalog, counts per
 * tenant, deleting a tenant, and snapshots taken, listed, restored exactly and deleted.
 */
import { describe, expect, it } from 'vitest';
import type { SetName } from '../../../src/model/resources.js';
import type { Scope, Store, StoredEntity } from '../../../src/store/port.js';
import { assignment, configuration, deviceStatus, failure, newTenant, query, userStatus, walk } from '../fixtures.js';
import type { Conformance } from './context.js';

export function controlCases(c: Conformance): void {
  let store!: Store;
  c.opened((s) => {
    store = s;
  });

  /** A tenant with one configuration, two user statuses, a device status and an assignment. */
  async function filledTenant() {
    const tenant = newTenant();
    const config = await store.create('configurations', { tenant }, configuration({ displayName: 'Before' }));
    const scope = { tenant, configId: config.id };
    const a = await store.create('userStatuses', scope, userStatus({ userPrincipalName: 'a@contoso.com' }));
    const b = await store.create('userStatuses', scope, userStatus({ userPrincipalName: 'b@contoso.com' }));
    await store.create('deviceStatuses', scope, deviceStatus());
    await store.replaceAssignments(scope, [assignment('00000000-0000-0000-0000-0000000000a1')]);
    return { tenant, config, scope, a, b };
  }

  /** Everything the tenant holds, as the store answers it: ids, ETags, types and values. */
  async function contents(tenant: string): Promise<Record<string, StoredEntity[]>> {
    const rows = async (set: SetName, scope: Scope) =>
      (await walk(store, set, scope, query(set))).flatMap((p) => p.items);
    const configs = await rows('configurations', { tenant });
    const out: Record<string, StoredEntity[]> = { configurations: configs };
    for (const cfg of configs) {
      const scope = { tenant, configId: cfg.id };
      for (const set of ['userStatuses', 'deviceStatuses', 'assignments'] as const)
        out[`${cfg.id}/${set}`] = await rows(set, scope);
    }
    return out;
  }

  const name = () => `snap-${newTenant()}`;

  describe('tenant-scoped tables', () => {
    it('are every table with a tenant_id column, containers before what they contain, and nothing else', async () => {
      const tables = await store.control.tenantTables();
      for (const t of ['configurations', 'user_statuses', 'device_statuses', 'assignments'])
        expect(tables).toContain(t);
      for (const t of ['signing_keys', 'secrets', 'snapshots', 'snapshot_rows', 'schema_migrations'])
        expect(tables).not.toContain(t);
      expect(tables.indexOf('configurations')).toBeLessThan(tables.indexOf('user_statuses'));
      expect(tables.indexOf('configurations')).toBeLessThan(tables.indexOf('assignments'));
    });
  });

  describe('tenants', () => {
    it('lists each tenant with its rows per table', async () => {
      const { tenant } = await filledTenant();
      const found = (await store.control.tenants()).find((t) => t.tenant === tenant);
      expect(found?.counts).toEqual({ configurations: 1, user_statuses: 2, device_statuses: 1, assignments: 1 });
    });

    it('deletes every row of one tenant and leaves the others alone; an unknown tenant is 404', async () => {
      const one = await filledTenant();
      const other = await filledTenant();
      const before = await contents(other.tenant);
      expect(await store.control.deleteTenant(one.tenant)).toBe(5);
      expect((await store.control.tenants()).map((t) => t.tenant)).not.toContain(one.tenant);
      expect(await store.get('configurations', { tenant: one.tenant }, one.config.id)).toBeUndefined();
      expect(await contents(other.tenant)).toEqual(before);
      expect(await failure(store.control.deleteTenant(one.tenant))).toEqual({
        code: 'ResourceNotFound',
        message: `Tenant '${one.tenant}' has no data in this store.`,
      });
    });
  });

  describe('snapshots', () => {
    it("of one tenant restore its rows exactly — ids, ETags, versions, timestamps — and nobody else's", async () => {
      const t = await filledTenant();
      const other = await filledTenant();
      const before = await contents(t.tenant);
      const snap = name();
      const info = await store.control.takeSnapshot(snap, t.tenant);
      expect(info).toMatchObject({ name: snap, tenant: t.tenant, rows: 5 });
      expect(info.created).toMatch(/^\d{4}-\d{2}-\d{2}T/);

      await store.update('configurations', { tenant: t.tenant }, t.config.id, { displayName: 'After' });
      await store.update('userStatuses', t.scope, t.a.id, { status: 'error' });
      await store.delete('userStatuses', t.scope, t.b.id);
      await store.create('userStatuses', t.scope, userStatus({ userPrincipalName: 'new@contoso.com' }));
      await store.create('configurations', { tenant: t.tenant }, configuration());
      await store.update('configurations', { tenant: other.tenant }, other.config.id, { displayName: 'Other after' });
      const otherAfter = await contents(other.tenant);
      expect(await contents(t.tenant)).not.toEqual(before);

      expect(await store.control.restoreSnapshot(snap)).toEqual(info);
      expect(await contents(t.tenant)).toEqual(before);
      expect(await contents(other.tenant)).toEqual(otherAfter);
      // Restoring twice gives the same rows again: the snapshot is kept.
      await store.control.restoreSnapshot(snap);
      expect(await contents(t.tenant)).toEqual(before);
      await store.control.deleteSnapshot(snap);
    });

    it('restore exactly when principal names moved between rows since (a unique index besides the key)', async () => {
      const t = await filledTenant();
      const before = await contents(t.tenant);
      const snap = name();
      await store.control.takeSnapshot(snap, t.tenant);
      await store.update('userStatuses', t.scope, t.a.id, { userPrincipalName: 'swap@contoso.com' });
      await store.update('userStatuses', t.scope, t.b.id, { userPrincipalName: 'a@contoso.com' });
      await store.update('userStatuses', t.scope, t.a.id, { userPrincipalName: 'b@contoso.com' });
      await store.control.restoreSnapshot(snap);
      expect(await contents(t.tenant)).toEqual(before);
      await store.control.deleteSnapshot(snap);
    });

    it('of every tenant restore every tenant, and tenants made since are gone', async () => {
      const t = await filledTenant();
      const before = await contents(t.tenant);
      const snap = name();
      const info = await store.control.takeSnapshot(snap);
      expect(info.tenant).toBeNull();
      const later = await filledTenant();
      await store.control.deleteTenant(t.tenant);
      await store.control.restoreSnapshot(snap);
      expect(await contents(t.tenant)).toEqual(before);
      expect((await store.control.tenants()).map((x) => x.tenant)).not.toContain(later.tenant);
      await store.control.deleteSnapshot(snap);
    });

    it('are listed by name, refuse a taken name, and are 404 once deleted', async () => {
      const t = await filledTenant();
      const [first, second] = [name(), name()].sort() as [string, string];
      await store.control.takeSnapshot(first, t.tenant);
      await store.control.takeSnapshot(second, t.tenant);
      const listed = (await store.control.snapshots()).map((s) => s.name);
      expect(listed.indexOf(first)).toBeGreaterThanOrEqual(0);
      expect(listed.indexOf(first)).toBeLessThan(listed.indexOf(second));
      expect(await failure(store.control.takeSnapshot(first))).toEqual({
        code: 'Conflict',
        message: `A snapshot named '${first}' already exists; delete it first or choose another name.`,
      });
      await store.control.deleteSnapshot(first);
      expect((await store.control.snapshots()).map((s) => s.name)).not.toContain(first);
      const gone = { code: 'ResourceNotFound', message: `No snapshot named '${first}' exists.` };
      expect(await failure(store.control.restoreSnapshot(first))).toEqual(gone);
      expect(await failure(store.control.deleteSnapshot(first))).toEqual(gone);
      await store.control.deleteSnapshot(second);
    });

    it('of a tenant without data is 404 and leaves no snapshot behind', async () => {
      const tenant = newTenant();
      const snap = name();
      expect(await failure(store.control.takeSnapshot(snap, tenant))).toEqual({
        code: 'ResourceNotFound',
        message: `Tenant '${tenant}' has no data in this store.`,
      });
      expect((await store.control.snapshots()).map((s) => s.name)).not.toContain(snap);
    });
  });
}
