/**
 * A database made by the schema before targeting (version 2: statuses without their links) is brought up to date
 * on both stores: the link columns and their indexes are added, the rows kept, and targeting works on it.
 */
import { describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/port.js';
import { systemColumns } from '../../src/store/sql/ddl.js';
import { indexName, TABLES } from '../../src/store/sql/schema.js';
import { openSqlite } from '../../src/store/sqlite/sqlite-store.js';
import { configuration, newTenant, userStatus } from './fixtures.js';
import { freshSchema, openPostgresIn, postgresAvailable, requirePostgresOrSkip } from './stores.js';

requirePostgresOrSkip();

/** The link indexes, dropped before their columns. */
const linkIndexes = (): string[] =>
  Object.values(TABLES).flatMap((t) =>
    t.link ? t.link.columns.filter((c) => c.kind === 'text').map((c) => indexName(t.table, c.name)) : [],
  );

async function checkUpgraded(store: Store, tenant: string, configId: string): Promise<void> {
  // The old row is kept, unlinked; targeting adopts it by principal name.
  await store.targeting(tenant, (s) =>
    s.apply(
      [
        {
          configurationId: configId,
          create: {
            users: [
              {
                userId: 'u1',
                userPrincipalName: 'ada@x.com',
                userDisplayName: 'Ada',
                devicesCount: 0,
                status: 'notApplicable',
              },
            ],
            devices: [],
          },
          notAssigned: { users: [], devices: [] },
          update: { users: [], devices: [] },
          restart: [],
        },
      ],
      [],
    ),
  );
  const linked = await store.targeting(tenant, (s) => s.linkedStatuses({ configurationIds: [configId] }));
  expect(linked.users.map((u) => [u.userId, u.status])).toEqual([['u1', 'notApplicable']]);
}

describe('migrating a version 2 database', () => {
  it('SQLite', async () => {
    const store = openSqlite({ path: ':memory:' });
    await store.migrate();
    const tenant = newTenant();
    const config = await store.create('configurations', { tenant }, configuration());
    await store.create('userStatuses', { tenant, configId: config.id }, userStatus({ userPrincipalName: 'ada@x.com' }));
    for (const i of linkIndexes()) store.exec(`DROP INDEX IF EXISTS ${i}`);
    for (const c of systemColumns()) store.exec(`ALTER TABLE ${c.table} DROP COLUMN ${c.name}`);
    store.exec('DELETE FROM schema_migrations WHERE version > 2');
    await store.migrate();
    await checkUpgraded(store, tenant, config.id);
    await store.close();
  });

  it.skipIf(!postgresAvailable)('PostgreSQL', async () => {
    const schema = await freshSchema();
    const store = await openPostgresIn(schema);
    try {
      const tenant = newTenant();
      const config = await store.create('configurations', { tenant }, configuration());
      await store.create(
        'userStatuses',
        { tenant, configId: config.id },
        userStatus({ userPrincipalName: 'ada@x.com' }),
      );
      for (const c of systemColumns()) await store.query(`ALTER TABLE ${c.table} DROP COLUMN ${c.name}`);
      await store.query('DELETE FROM schema_migrations WHERE version > 2');
      await store.migrate();
      await checkUpgraded(store, tenant, config.id);
    } finally {
      await store.close();
      await schema.drop();
    }
  });
});
