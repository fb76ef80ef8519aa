/**
 * What only PostgreSQL needs checking: its fold() against JavaScript's toLowerCase, migrations run by
 * several instances at once, several instances (pools) writing one database concurrently, unreachable
 * database → 503, and a schema that can be distributed by tenant.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/port.js';
import { foldFunctionSql } from '../../src/store/postgres/ddl.js';
import { openPostgres, type PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { preparedStatements } from '../../src/store/postgres/prepared.js';
import { toPositional } from '../../src/store/postgres/query.js';
import { TABLES } from '../../src/store/sql/schema.js';
import { assignment, byPrincipal, configuration, newTenant, query, userStatus } from './fixtures.js';
import {
  freshSchema,
  openPostgresIn,
  PG_URL,
  postgresAvailable,
  requirePostgresOrSkip,
  type TestSchema,
} from './stores.js';

requirePostgresOrSkip();

describe('PostgreSQL dialect', () => {
  it('rewrites ? placeholders to $n, leaving quoted text alone', () => {
    expect(toPositional('SELECT * FROM t WHERE a = ? AND b IN (?, ?)')).toBe(
      'SELECT * FROM t WHERE a = $1 AND b IN ($2, $3)',
    );
    expect(toPositional(`SELECT '?' AS "x?", ? AS y`)).toBe(`SELECT '?' AS "x?", $1 AS y`);
    expect(toPositional('SELECT 1')).toBe('SELECT 1');
  });
});

describe.skipIf(!postgresAvailable)('PostgreSQL store', () => {
  let schema: TestSchema;
  let a: PostgresStore;
  let b: PostgresStore;

  beforeAll(async () => {
    schema = await freshSchema();
    a = await openPostgresIn(schema);
    b = await openPostgresIn(schema);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await schema?.drop();
  });

  describe('fold()', () => {
    /**
     * Code points that Node's ICU (Unicode 16/17) lower-cases but an older ICU in the database (Unicode 15 on
     * Debian 12) does not know yet: letters added in Unicode 16. Everything else must fold identically.
     */
    const NEWER_UNICODE = (cp: number): boolean =>
      (cp >= 0x1c89 && cp <= 0x1c8a) ||
      (cp >= 0xa7cb && cp <= 0xa7dc) ||
      (cp >= 0x10d50 && cp <= 0x10d65) ||
      (cp >= 0x16ea0 && cp <= 0x16eb8);

    it('is created from ICU and is IMMUTABLE', async () => {
      const [row] = await a.query(
        "SELECT prosrc, provolatile FROM pg_proc WHERE proname = 'fold' AND pronamespace = current_schema()::regnamespace",
      );
      expect(row?.provolatile).toBe('i');
      expect(String(row?.prosrc)).toContain('und-x-icu');
    });

    it('agrees with toLowerCase on German, Turkish, Greek, accented Latin and Cyrillic, in context', async () => {
      const samples = [
        'STRASSE Straße STRAẞE',
        'İstanbul ISPARTA ıi',
        'ΟΔΟΣ ΣΑΣ Σ ΑΣ. ΑΣΑ ΑΣ\u0301',
        'ÀÉÎÕÜ Çà Ñ Ǆ ǅ Å',
        'ПРИВЕТ Ёлка ЖЁЛТЫЙ',
        'Ω K Å ﬀ ŉ 🙂 𐐀',
      ];
      const rows = await a.query(
        'SELECT s, fold(s) AS f FROM unnest(?::text[]) WITH ORDINALITY AS u(s, n) ORDER BY n',
        [samples],
      );
      expect(rows.map((r) => r.f)).toEqual(samples.map((s) => s.toLowerCase()));
    });

    it('agrees with toLowerCase on every code point (but letters newer than the database ICU)', async () => {
      const diffs: string[] = [];
      const BATCH = 30_000;
      let batch: string[] = [];
      const flush = async () => {
        const rows = await a.query('SELECT fold(s) AS f FROM unnest(?::text[]) WITH ORDINALITY AS u(s, n) ORDER BY n', [
          batch,
        ]);
        rows.forEach((r, i) => {
          const s = batch[i]!;
          if (r.f !== s.toLowerCase() && !NEWER_UNICODE(s.codePointAt(0)!))
            diffs.push(`U+${s.codePointAt(0)!.toString(16)}`);
        });
        batch = [];
      };
      for (let cp = 1; cp <= 0x10ffff; cp++) {
        if (cp >= 0xd800 && cp <= 0xdfff) continue;
        batch.push(String.fromCodePoint(cp));
        if (batch.length === BATCH) await flush();
      }
      await flush();
      expect(diffs).toEqual([]);
    }, 60_000);

    it('without ICU falls back to a libc UTF-8 locale: only İ and the final-sigma context differ', async () => {
      const [libc] = await a.query("SELECT collname FROM pg_collation WHERE collname = 'C.utf8'");
      if (!libc) return;
      await a.query(foldFunctionSql('C.utf8').replace('FUNCTION fold(', 'FUNCTION fold_libc('));
      const diffs: number[] = [];
      let batch: string[] = [];
      const flush = async () => {
        const rows = await a.query(
          'SELECT fold_libc(s) AS f FROM unnest(?::text[]) WITH ORDINALITY AS u(s, n) ORDER BY n',
          [batch],
        );
        rows.forEach((r, i) => {
          const cp = batch[i]!.codePointAt(0)!;
          if (r.f !== batch[i]!.toLowerCase() && !NEWER_UNICODE(cp)) diffs.push(cp);
        });
        batch = [];
      };
      for (let cp = 1; cp <= 0x10ffff; cp++) {
        if (cp >= 0xd800 && cp <= 0xdfff) continue;
        batch.push(String.fromCodePoint(cp));
        if (batch.length === 30_000) await flush();
      }
      await flush();
      expect(diffs).toEqual([0x130]);
      const [sigma] = await a.query("SELECT fold_libc('ΟΔΟΣ') AS f");
      expect(sigma?.f).toBe('οδοσ');
    }, 60_000);

    it('keeps byte (code point) order for sorting, whatever the database locale', async () => {
      const rows = await a.query('SELECT f FROM (SELECT fold(s) AS f FROM unnest(?::text[]) AS u(s)) x ORDER BY f', [
        ['b', 'Ä', 'a', 'Z', 'é', 'İ'],
      ]);
      const expected = ['b', 'Ä', 'a', 'Z', 'é', 'İ']
        .map((s) => s.toLowerCase())
        .sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
      expect(rows.map((r) => r.f)).toEqual(expected);
    });
  });

  describe('schema', () => {
    it('migrating again, or by several instances at once, is harmless', async () => {
      const s = await freshSchema();
      const opened = await Promise.all(
        Array.from({ length: 4 }, () => openPostgres({ url: PG_URL, schema: s.schema })),
      );
      try {
        await Promise.all(opened.map((st) => st.migrate()));
        await opened[0]!.migrate();
        expect(await opened[0]!.query('SELECT version FROM schema_migrations ORDER BY version')).toEqual([
          { version: 1 },
          { version: 2 },
          { version: 3 },
          { version: 4 },
          { version: 5 },
        ]);
        await opened[1]!.create('configurations', { tenant: 't' }, configuration());
      } finally {
        await Promise.all(opened.map((st) => st.close()));
        await s.drop();
      }
    });

    it('creates the schema it is given when it does not exist, also from several instances at once', async () => {
      const name = `t_new_${Date.now().toString(36)}`;
      const stores = await Promise.all([1, 2, 3].map(() => openPostgres({ url: PG_URL, schema: name })));
      try {
        await Promise.all(stores.map((st) => st.migrate()));
        expect(await stores[0]!.query('SELECT current_schema() AS s')).toEqual([{ s: name }]);
      } finally {
        await Promise.all(stores.map((st) => st.close()));
        const c = new pg.Client({ connectionString: PG_URL });
        await c.connect();
        await c.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
        await c.end();
      }
    });

    it('keys every tenant table by tenant first: primary keys, unique indexes, foreign keys', async () => {
      const tables = Object.values(TABLES).map((t) => t.table);
      const rows = await a.query(
        `SELECT c.conrelid::regclass::text AS tbl, c.contype AS kind,
                (SELECT array_agg(att.attname::text ORDER BY k.i) FROM unnest(c.conkey) WITH ORDINALITY AS k(n, i)
                   JOIN pg_attribute att ON att.attrelid = c.conrelid AND att.attnum = k.n) AS cols
           FROM pg_constraint c WHERE c.connamespace = current_schema()::regnamespace AND c.contype IN ('p', 'u', 'f')`,
      );
      const indexes = await a.query(
        `SELECT i.indrelid::regclass::text AS tbl, (SELECT attname::text FROM pg_attribute WHERE attrelid = i.indrelid AND attnum = i.indkey[0]) AS first
           FROM pg_index i JOIN pg_class r ON r.oid = i.indrelid WHERE r.relnamespace = current_schema()::regnamespace AND i.indisunique`,
      );
      for (const t of tables) {
        const mine = rows.filter((r) => r.tbl === t);
        expect(mine.some((r) => r.kind === 'p')).toBe(true);
        for (const r of mine) expect((r.cols as string[])[0], `${t} ${r.kind}`).toBe('tenant_id');
        for (const i of indexes.filter((x) => x.tbl === t)) expect(i.first, `${t} unique index`).toBe('tenant_id');
      }
    });

    it('every statement on a tenant table names the tenant (INSERT its column, others a tenant_id condition)', async () => {
      // Exercise every store method so each named statement has been prepared.
      const tenant = newTenant();
      const cfg = await a.create('configurations', { tenant }, configuration());
      const scope = { tenant, configId: cfg.id };
      const s = await a.create('userStatuses', scope, userStatus({ userPrincipalName: 'x@y' }));
      await a.get('userStatuses', scope, s.id);
      await a.get('configurations', { tenant }, cfg.id);
      await a.update('userStatuses', scope, s.id, { devicesCount: 1 }, '*');
      await a.update('configurations', { tenant }, cfg.id, { displayName: 'n' }, [cfg.etag, 'x']).catch(() => {});
      await a.upsert('userStatuses', scope, [byPrincipal('x@y')]);
      await a.upsert('userStatuses', scope, [byPrincipal('x@y')], '*');
      await a.upsert('userStatuses', scope, [byPrincipal('z@y'), byPrincipal('w@y')]);
      await a.statusCounts('userStatuses', scope);
      await a.replaceAssignments(scope, [assignment('g')]);
      await a.delete('userStatuses', scope, s.id).catch(() => {});
      await a.delete('userStatuses', scope, 'absent').catch(() => {});
      await a.list('userStatuses', scope, query('userStatuses', { count: true }));
      await a.delete('configurations', { tenant }, cfg.id);
      const tenantTables = new RegExp(
        `\\b(${Object.values(TABLES)
          .map((t) => t.table)
          .join('|')})\\b`,
      );
      const texts = preparedStatements().filter((t) => tenantTables.test(t));
      expect(texts.length).toBeGreaterThan(10);
      for (const text of texts) {
        if (text.startsWith('INSERT')) expect(text, text).toMatch(/^INSERT INTO \w+ \(tenant_id,/);
        else expect(text, text).toMatch(/\btenant_id = \$\d+/);
      }
    });
  });

  describe('two instances on one database', () => {
    const both = (i: number): Store => (i % 2 === 0 ? a : b);

    async function configIn(store: Store = a) {
      const tenant = newTenant();
      const cfg = await store.create('configurations', { tenant }, configuration());
      return { tenant, cfg, scope: { tenant, configId: cfg.id } };
    }

    it('20 concurrent upserts of one new principal name make one row', async () => {
      const { scope } = await configIn();
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          both(i).upsert('userStatuses', scope, [byPrincipal(i % 3 ? 'Race@X' : 'race@x', { devicesCount: i })]),
        ),
      );
      expect(results.filter(([r]) => r!.created)).toHaveLength(1);
      expect(new Set(results.map(([r]) => r!.entity.id)).size).toBe(1);
      expect(await b.count('userStatuses', scope, query('userStatuses'))).toBe(1);
    });

    it('concurrent bulk upserts of the same new names, in opposite orders, make one row each', async () => {
      const { scope } = await configIn();
      const names = Array.from({ length: 60 }, (_, i) => `bulk${i}@x`);
      const forward = names.map((n, i) => byPrincipal(n, { devicesCount: 1 }, `value[${i}]`));
      const backward = [...names]
        .reverse()
        .map((n, i) => byPrincipal(n.toUpperCase(), { devicesCount: 2 }, `value[${i}]`));
      const [r1, r2] = await Promise.all([
        a.upsert('userStatuses', scope, forward),
        b.upsert('userStatuses', scope, backward),
      ]);
      expect(await a.count('userStatuses', scope, query('userStatuses'))).toBe(60);
      // Each name was created by exactly one of the two transactions.
      const created = [...r1!, ...r2!].filter((r) => r.created).length;
      expect(created).toBe(60);
    });

    it('If-Match races across instances have exactly one winner', async () => {
      const { scope } = await configIn();
      const [r] = await a.upsert('userStatuses', scope, [byPrincipal('tag@x')]);
      const etag = r!.entity.etag;
      const settled = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) =>
          both(i).update('userStatuses', scope, r!.entity.id, { devicesCount: i + 1 }, [etag]),
        ),
      );
      expect(settled.filter((s) => s.status === 'fulfilled')).toHaveLength(1);
      for (const s of settled)
        if (s.status === 'rejected') expect((s.reason as { code: string }).code).toBe('PreconditionFailed');
      const seedRace = await Promise.allSettled(
        Array.from({ length: 10 }, (_, i) =>
          both(i).upsert(
            'userStatuses',
            scope,
            [byPrincipal('TAG@x', { devicesCount: 100 + i })],
            [(settled.find((s) => s.status === 'fulfilled') as PromiseFulfilledResult<{ etag: string }>).value.etag],
          ),
        ),
      );
      expect(seedRace.filter((s) => s.status === 'fulfilled')).toHaveLength(1);
    });

    it('no lost updates under a mixed load', async () => {
      const { tenant, cfg, scope } = await configIn();
      const counters = await Promise.all(
        [0, 1, 2].map(
          async (i) => (await a.upsert('userStatuses', scope, [byPrincipal(`counter${i}@x`)]))[0]!.entity.id,
        ),
      );
      const increments = 12;
      const incrementer = (store: Store, id: string) => async () => {
        for (let n = 0; n < increments; n++) {
          for (;;) {
            const cur = (await store.get('userStatuses', scope, id))!;
            try {
              await store.update('userStatuses', scope, id, { devicesCount: (cur.values.devicesCount as number) + 1 }, [
                cur.etag,
              ]);
              break;
            } catch (e) {
              if ((e as { code?: string }).code !== 'PreconditionFailed') throw e;
            }
          }
        }
      };
      const work: (() => Promise<unknown>)[] = [];
      for (const [i, id] of counters.entries())
        work.push(incrementer(a, id), incrementer(b, id), incrementer(both(i), id));
      // Plain updates of the configuration from both sides: each must bump the version once.
      for (let i = 0; i < 30; i++)
        work.push(() => both(i).update('configurations', { tenant }, cfg.id, { description: `d${i}` }));
      // New names, each upserted from both sides; and churn of unrelated rows.
      for (let i = 0; i < 20; i++) {
        work.push(() => a.upsert('userStatuses', scope, [byPrincipal(`mixed${i}@x`, { devicesCount: 1 })]));
        work.push(() => b.upsert('userStatuses', scope, [byPrincipal(`MIXED${i}@x`, { status: 'error' })]));
        work.push(async () => {
          const e = await both(i).create('userStatuses', scope, userStatus());
          await both(i + 1).delete('userStatuses', scope, e.id);
        });
      }
      await Promise.all(work.map((w) => w()));
      for (const id of counters)
        expect((await a.get('userStatuses', scope, id))!.values.devicesCount).toBe(3 * increments);
      expect((await b.get('configurations', { tenant }, cfg.id))!.values.version).toBe(31);
      const rows = await a.list(
        'userStatuses',
        scope,
        query('userStatuses', { filter: "startswith(userPrincipalName, 'mixed')" }),
      );
      expect(rows.items).toHaveLength(20);
      for (const e of rows.items) expect(e.values).toMatchObject({ devicesCount: 1, status: 'error' });
      expect(await a.count('userStatuses', scope, query('userStatuses'))).toBe(23);
    });

    it('concurrent assign actions replace, never merge', async () => {
      const { scope } = await configIn();
      const sets = Array.from({ length: 8 }, (_, i) => [
        assignment(`g${i}a`),
        assignment(`g${i}b`),
        assignment(`g${i}c`),
      ]);
      await Promise.all(sets.map((items, i) => both(i).replaceAssignments(scope, items)));
      const got = (await a.list('assignments', scope, query('assignments'))).items
        .map((e) => (e.values.target as { groupId: string }).groupId)
        .sort();
      expect(got).toHaveLength(3);
      expect(new Set(got.map((g) => g.slice(0, -1))).size).toBe(1);
    });

    it('a configuration deleted while statuses are written leaves nothing behind', async () => {
      const { tenant, cfg, scope } = await configIn();
      const writes = Array.from({ length: 30 }, (_, i) =>
        both(i)
          .upsert('userStatuses', scope, [byPrincipal(`late${i}@x`)])
          .catch((e) => e),
      );
      await both(1).delete('configurations', { tenant }, cfg.id);
      const results = await Promise.all(writes);
      for (const r of results) if (r instanceof Error) expect((r as { code?: string }).code).toBe('ResourceNotFound');
      const left = await a.query(
        'SELECT COUNT(*) AS n FROM user_statuses WHERE tenant_id = ? AND configuration_id = ?',
        [tenant, cfg.id],
      );
      expect(left).toEqual([{ n: 0 }]);
    });

    it('secrets and signing keys are created once between instances', async () => {
      const name = `secret-${newTenant()}`;
      const values = await Promise.all(Array.from({ length: 10 }, (_, i) => both(i).secret(name, () => `value-${i}`)));
      expect(new Set(values).size).toBe(1);
      const kid = `kid-${newTenant()}`;
      const rec = { kid, alg: 'ES256' as const, privateJwk: '{}', publicJwk: '{}', createdAt: 1, retiredAt: null };
      await Promise.all(
        Array.from({ length: 6 }, (_, i) => both(i).insertSigningKey({ ...rec, privateJwk: `{"i":${i}}` })),
      );
      expect((await b.listSigningKeys()).filter((k) => k.kid === kid)).toHaveLength(1);
    });
  });

  describe('failures', () => {
    it('an unreachable database answers 503 ServiceUnavailable with Retry-After', async () => {
      const down = await openPostgres({ url: 'postgres://postgres@127.0.0.1:1/test', connectTimeoutMs: 1000 });
      try {
        const ops: (() => Promise<unknown>)[] = [
          () => down.ping(),
          () => down.migrate(),
          () => down.get('configurations', { tenant: 't' }, 'x'),
          () => down.list('userStatuses', { tenant: 't', configId: 'c' }, query('userStatuses', { count: true })),
          () => down.upsert('userStatuses', { tenant: 't', configId: 'c' }, [byPrincipal('a@x'), byPrincipal('b@x')]),
          () => down.secret('s', () => 'v'),
        ];
        for (const op of ops) {
          const err = await op().then(
            () => undefined,
            (e: unknown) => e as { code?: string; status?: number; headers?: Record<string, string> },
          );
          expect(err?.code).toBe('ServiceUnavailable');
          expect(err?.status).toBe(503);
          expect(err?.headers?.['Retry-After']).toBe('1');
        }
      } finally {
        await down.close();
      }
    });

    it('recovers when the database drops its connections', async () => {
      const st = await openPostgresIn(schema, 2);
      try {
        const { tenant } = { tenant: newTenant() };
        const cfg = await st.create('configurations', { tenant }, configuration());
        const pids = await Promise.all([
          st.query('SELECT pg_backend_pid() AS pid'),
          st.query('SELECT pg_backend_pid() AS pid'),
        ]);
        const admin = new pg.Client({ connectionString: PG_URL });
        await admin.connect();
        await admin.query('SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid', [
          pids.map((r) => r[0]!.pid),
        ]);
        await admin.end();
        await new Promise((r) => setTimeout(r, 200));
        expect((await st.get('configurations', { tenant }, cfg.id))?.id).toBe(cfg.id);
      } finally {
        await st.close();
      }
    });

    it('text PostgreSQL cannot hold (U+0000) is a 400, not a 500', async () => {
      const tenant = newTenant();
      const err = await a
        .create('configurations', { tenant }, configuration({ displayName: 'a\u0000b' }))
        .catch((e: unknown) => e as { code?: string });
      expect(err).toMatchObject({ code: 'BadRequest' });
    });
  });
});
