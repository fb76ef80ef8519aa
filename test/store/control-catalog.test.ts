/**
 * The control plane finds tenant-scoped tables in the database's catalog, so a table added after the control
 * plane was written — here one outside the model, with a foreign key to configurations — is counted, deleted,
 * snapshotted and restored without a change to it. On both stores.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import type { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { configuration, newTenant } from './fixtures.js';
import { type OpenedStore, requirePostgresOrSkip, STORES } from './stores.js';

requirePostgresOrSkip();

const EXTRA = `CREATE TABLE zz_notes (
  tenant_id TEXT NOT NULL, configuration_id TEXT NOT NULL, note TEXT, weight BIGINT,
  PRIMARY KEY (tenant_id, configuration_id),
  FOREIGN KEY (tenant_id, configuration_id) REFERENCES configurations (tenant_id, id) ON DELETE CASCADE)`;

for (const kind of STORES) {
  describe.skipIf(!kind.available)(`a tenant table the control plane was not told of: ${kind.name}`, () => {
    let opened: OpenedStore | undefined;
    afterEach(async () => {
      await opened?.close();
    });

    it('is found, ordered after its parent, counted, deleted, snapshotted and restored', async () => {
      opened = await kind.open();
      const { store } = opened;
      const sql = async (text: string, values: unknown[] = []) =>
        kind.name === 'sqlite'
          ? (store as SqliteStore).exec(text.replace(/\?/g, () => `'${String(values.shift())}'`))
          : (store as PostgresStore).query(text, values);
      await sql(EXTRA);
      const tenant = newTenant();
      const config = await store.create('configurations', { tenant }, configuration());
      await sql('INSERT INTO zz_notes VALUES (?, ?, ?, 7)', [tenant, config.id, 'kept']);

      const tables = await store.control.tenantTables();
      expect(tables.indexOf('zz_notes')).toBeGreaterThan(tables.indexOf('configurations'));
      expect((await store.control.tenants()).find((t) => t.tenant === tenant)?.counts).toEqual({
        configurations: 1,
        zz_notes: 1,
      });

      await store.control.takeSnapshot('before', tenant);
      expect(await store.control.deleteTenant(tenant)).toBe(2);
      expect(await store.control.tenants()).toEqual([]);
      await store.control.restoreSnapshot('before');
      expect((await store.control.tenants()).find((t) => t.tenant === tenant)?.counts).toEqual({
        configurations: 1,
        zz_notes: 1,
      });
      if (kind.name === 'postgres') {
        const rows = await (store as PostgresStore).query('SELECT note, weight FROM zz_notes');
        expect(rows).toEqual([{ note: 'kept', weight: 7 }]);
      }
    });
  });
}
