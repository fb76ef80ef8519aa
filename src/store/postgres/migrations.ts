/**
 * The schema's versions, applied in order inside one transaction. Instances starting together take turns on an
 * advisory lock; DDL is transactional, so each sees the finished schema.
 */
import type pg from 'pg';
import { schemaSql, systemColumns } from '../sql/ddl.js';
import { FOLD_COLLATION_SQL, foldFunctionSql, PG_DDL } from './ddl.js';

/** Ordered schema versions; a running database is brought up to the last one by `migrate()`. */
interface Migration {
  readonly version: number;
  statements(env: { readonly foldCollation: string | undefined }): string[];
}

/**
 * The schema as it is now, over whatever an older version made: columns new to tables that exist are added first
 * (the indexes on them come with the schema), then every statement of the schema, each IF NOT EXISTS.
 */
const upToDate = (): string[] => [
  ...systemColumns().map(
    (c) =>
      `ALTER TABLE IF EXISTS ${c.table} ADD COLUMN IF NOT EXISTS ${c.name} ${c.kind === 'int' ? PG_DDL.int : PG_DDL.text}`,
  ),
  ...schemaSql(PG_DDL),
];

const MIGRATIONS: readonly Migration[] = [
  { version: 1, statements: ({ foldCollation }) => [foldFunctionSql(foldCollation), ...upToDate()] },
  // 2: the directory (users, groups, their members, managed devices); 3: the control plane's snapshots; 4:
  // targeting's links from statuses to users and devices; 5: the simulation's schedules and clock. Each brings the
  // schema up to date the same way.
  { version: 2, statements: upToDate },
  { version: 3, statements: upToDate },
  { version: 4, statements: upToDate },
  { version: 5, statements: upToDate },
];

/** Brings the database (its `schema`, created when missing) up to the last version, inside the caller's transaction. */
export async function migrate(c: pg.PoolClient, schema: string | undefined): Promise<void> {
  await c.query(
    "SELECT pg_advisory_xact_lock(hashtext('appconfig-graph:migrate:' || coalesce($1, current_schema(), '')))",
    [schema ?? null],
  );
  if (schema) await c.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  await c.query('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY)');
  const { rows } = await c.query<{ v: number | null }>('SELECT MAX(version) AS v FROM schema_migrations');
  const current = rows[0]?.v ?? 0;
  const pending = MIGRATIONS.filter((m) => m.version > current);
  if (pending.length === 0) return;
  const foldCollation = (await c.query<{ collname: string }>(FOLD_COLLATION_SQL)).rows[0]?.collname;
  // Versions that bring the schema up to date the same way share their statements: each runs once.
  const ran = new Set<string>();
  for (const m of pending) {
    for (const sql of m.statements({ foldCollation })) {
      if (ran.has(sql)) continue;
      ran.add(sql);
      await c.query(sql);
    }
    await c.query('INSERT INTO schema_migrations (version) VALUES ($1)', [m.version]);
  }
}
