/**
 * The stores the conformance suite runs against: SQLite `:memory:` always; PostgreSQL when it answers at
 * `DATABASE_URL_TEST` (default `postgres://postgres@127.0.0.1:5432/test`). `REQUIRE_POSTGRES=1` (CI) turns an
 * unreachable PostgreSQL into a failure instead of a skip. Each PostgreSQL store lives in a fresh schema
 * `t_<random>`, dropped afterwards, so test files running in parallel never see each other's rows.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe, it } from 'vitest';
import type { Store } from '../../src/store/port.js';
import { openPostgres, type PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { openSqlite } from '../../src/store/sqlite/sqlite-store.js';

export const PG_URL = process.env.DATABASE_URL_TEST ?? 'postgres://postgres@127.0.0.1:5432/test';
export const REQUIRE_POSTGRES = process.env.REQUIRE_POSTGRES === '1';

async function probe(): Promise<string | undefined> {
  const c = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
  c.on('error', () => {});
  try {
    await c.connect();
    await c.query('SELECT 1');
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message || (e as { code?: string }).code || e.name : String(e);
  } finally {
    await c.end().catch(() => {});
  }
}

/** Why PostgreSQL cannot be used, or undefined when it can. */
export const postgresDown: string | undefined = await probe();

export const postgresAvailable = postgresDown === undefined;

if (postgresDown !== undefined && !REQUIRE_POSTGRES) {
  console.warn(
    `PostgreSQL store tests SKIPPED: no PostgreSQL at ${PG_URL} (${postgresDown}). ` +
      'Set DATABASE_URL_TEST to run them; CI sets REQUIRE_POSTGRES=1, which makes this a failure.',
  );
}

/**
 * Registers a failing test when PostgreSQL is required but absent, so a CI run without it fails with a clear
 * reason rather than passing with the PostgreSQL suites skipped.
 */
export function requirePostgresOrSkip(): void {
  if (postgresDown !== undefined && REQUIRE_POSTGRES) {
    describe('PostgreSQL', () => {
      it('is reachable (REQUIRE_POSTGRES=1)', () => {
        throw new Error(`REQUIRE_POSTGRES=1 but PostgreSQL at ${PG_URL} is unreachable: ${postgresDown}`);
      });
    });
  }
}

/** A PostgreSQL schema of its own: the URL that selects it (libpq `options`), and how to drop it. */
export interface TestSchema {
  readonly schema: string;
  readonly url: string;
  drop(): Promise<void>;
}

export async function freshSchema(): Promise<TestSchema> {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE SCHEMA ${schema}`);
  } finally {
    await admin.end();
  }
  const url = `${PG_URL}${PG_URL.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  return {
    schema,
    url,
    async drop() {
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      try {
        await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      } finally {
        await c.end();
      }
    },
  };
}

export interface OpenedStore {
  readonly store: Store;
  close(): Promise<void>;
}

export interface StoreKind {
  readonly name: 'sqlite' | 'postgres';
  readonly available: boolean;
  open(): Promise<OpenedStore>;
}

export const SQLITE: StoreKind = {
  name: 'sqlite',
  available: true,
  async open() {
    const store = openSqlite({ path: ':memory:' });
    await store.migrate();
    return { store, close: () => store.close() };
  },
};

export async function openPostgresIn(schema: TestSchema, poolSize?: number): Promise<PostgresStore> {
  const store = await openPostgres({ url: PG_URL, schema: schema.schema, ...(poolSize ? { poolSize } : {}) });
  await store.migrate();
  return store;
}

export const POSTGRES: StoreKind = {
  name: 'postgres',
  available: postgresAvailable,
  async open() {
    const schema = await freshSchema();
    const store = await openPostgresIn(schema);
    return {
      store,
      async close() {
        await store.close();
        await schema.drop();
      },
    };
  },
};

export const STORES: readonly StoreKind[] = [SQLITE, POSTGRES];
