/**
 * A PostgreSQL URL without a user name connects as libpq does: as `PGUSER`, else as the operating-system user,
 * even where `USER` is unset (containers, systemd units, cron). The CLI runs as a child process with exactly that
 * environment; who connected shows as the owner of the tables the command created.
 */
import { userInfo } from 'node:os';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectionConfig } from '../../src/store/postgres/connection.js';
import { cli } from '../helpers/process.js';
import { freshSchema, PG_URL, postgresAvailable, requirePostgresOrSkip, type TestSchema } from '../store/stores.js';

const OS_USER = userInfo().username;
const quoted = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** `url` without its user name (and password): what a user types when libpq's defaults should apply. */
function withoutUser(url: string): string {
  const u = new URL(url);
  u.username = '';
  u.password = '';
  return u.toString();
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

const owners = (schema: string): Promise<string[]> =>
  admin(async (c) => {
    const r = await c.query('SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = $1', [schema]);
    return r.rows.map((x: { tableowner: string }) => x.tableowner);
  });

const statuses = (schema: string): Promise<number> =>
  admin(async (c) => Number((await c.query(`SELECT count(*) AS n FROM ${schema}.user_statuses`)).rows[0].n));

requirePostgresOrSkip();

describe('connectionConfig', () => {
  const env = (e: Record<string, string>): NodeJS.ProcessEnv => e;

  it('keeps a URL that names its user, in the authority or as a parameter', () => {
    for (const url of ['postgres://alice@db:5432/x', 'postgres://alice:pw@db/x', 'postgresql://db/x?user=alice']) {
      expect(connectionConfig(url, env({ PGUSER: 'bob' }))).toEqual({ connectionString: url });
    }
  });

  it('names PGUSER when the URL names no user', () => {
    const { connectionString } = connectionConfig('postgres://127.0.0.1:5432/db', env({ PGUSER: 'bob' }));
    expect(new URL(connectionString).searchParams.get('user')).toBe('bob');
  });

  it('names the operating-system user when neither the URL nor PGUSER does', () => {
    for (const e of [env({}), env({ PGUSER: '' }), env({ USER: 'someone-else' })]) {
      const { connectionString } = connectionConfig('postgres://127.0.0.1:5432/db', e);
      expect(new URL(connectionString).searchParams.get('user')).toBe(OS_USER);
    }
  });

  it('keeps the rest of the URL', () => {
    const url = `postgres://127.0.0.1:5433/db?options=${encodeURIComponent('-c search_path=s1')}&sslmode=disable`;
    const u = new URL(connectionConfig(url, env({})).connectionString);
    expect([u.host, u.pathname, u.searchParams.get('options'), u.searchParams.get('sslmode')]).toEqual([
      '127.0.0.1:5433',
      '/db',
      '-c search_path=s1',
      'disable',
    ]);
  });
});

describe.skipIf(!postgresAvailable)('a PostgreSQL URL without a user name, USER unset', () => {
  const schemas: TestSchema[] = [];
  const schema = async (): Promise<TestSchema> => {
    const s = await freshSchema();
    schemas.push(s);
    // The OS user must be a role that may create tables there; PostgreSQL trusts local connections here.
    await admin(async (c) => {
      const exists = await c.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [OS_USER]);
      if (exists.rowCount === 0) await c.query(`CREATE ROLE ${quoted(OS_USER)} LOGIN`);
      await c.query(`GRANT ALL ON SCHEMA ${s.schema} TO ${quoted(OS_USER)}`);
    });
    return s;
  };

  beforeAll(() => {
    expect(new URL(PG_URL).username, 'DATABASE_URL_TEST names the admin user').not.toBe('');
  });
  afterAll(async () => {
    for (const s of schemas) await s.drop();
  });

  it('connects as the operating-system user, as psql does', async () => {
    const s = await schema();
    const out = await cli(['seed', '--db', withoutUser(s.url), '--configurations', '1', '--users', '3'], {
      USER: undefined,
      PGUSER: undefined,
      LOGNAME: undefined,
    });
    expect(out).toBe('');
    expect(await owners(s.schema)).toEqual([OS_USER]);
    expect(await statuses(s.schema)).toBe(3);
  });

  it('connects as PGUSER when it is set', async () => {
    const s = await schema();
    const admin = new URL(PG_URL).username;
    await cli(['seed', '--db', withoutUser(s.url), '--configurations', '1', '--users', '3'], {
      USER: undefined,
      PGUSER: admin,
    });
    expect(await owners(s.schema)).toEqual([admin]);
  });
});
