/**
 * Which queries are index-backed (docs/queries.md): the compiled SQL of each is planned by the database and
 * must read one index range in the wanted order (no full scan, no sort of the configuration's rows). SQLite
 * always; PostgreSQL when it is reachable (test/store/stores.ts), with sequential scans disabled so the check
 * is about what the indexes allow rather than what the planner prefers for an empty table.
 */
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelFor } from '../../src/model/model.js';
import type { SetName } from '../../src/model/resources.js';
import { parseQueryOptions } from '../../src/odata/options.js';
import { POSTGRES_QUERY, toPositional } from '../../src/store/postgres/query.js';
import { schemaSql } from '../../src/store/sql/ddl.js';
import type { QueryDialect } from '../../src/store/sql/query-dialect.js';
import { TABLES } from '../../src/store/sql/schema.js';
import { compileList } from '../../src/store/sql/select.js';
import { SQLITE_DDL, SQLITE_FUNCTIONS } from '../../src/store/sqlite/ddl.js';
import { SQLITE_QUERY } from '../../src/store/sqlite/query.js';
import { freshSchema, openPostgresIn, postgresAvailable, type TestSchema } from '../store/stores.js';

const BETA = modelFor('beta');
const scope = { tenant: 't1', configId: 'c1' };

function compiled(set: SetName, query: string, after: unknown[] | undefined, d: QueryDialect) {
  const type = BETA.entityTypes.get(TABLES[set].set.entityType)!;
  const list = parseQueryOptions(query, { model: BETA, version: 'beta', set, type, kind: 'collection' }).list;
  return compileList(TABLES[set], scope, { ...list, ...(after ? { after: JSON.stringify(after) } : {}) }, d);
}

const ID = '7d3c1b52-0000-4000-8000-000000000000';

/** [query, position after a previous page, index expected]. */
const INDEX_BACKED: readonly [string, unknown[] | undefined, string][] = [
  ['', undefined, 'PRIMARY'],
  ['', [ID], 'PRIMARY'],
  ["$filter=status eq 'error'&$top=100", undefined, 'user_statuses_by_status'],
  ["$filter=status eq 'error'&$top=100", [ID], 'user_statuses_by_status'],
  ['$orderby=status', [5, ID], 'user_statuses_by_status'],
  ['$orderby=status desc', [5, ID], 'user_statuses_by_status'],
  [
    '$orderby=lastReportedDateTime desc',
    ['2024-05-01T10:00:00.0000000Z', ID],
    'user_statuses_by_last_reported_date_time',
  ],
  [
    '$filter=lastReportedDateTime ge 2024-01-01T00:00:00Z&$orderby=lastReportedDateTime',
    undefined,
    'user_statuses_by_last_reported_date_time',
  ],
  ["$filter=userPrincipalName eq 'Adele@Contoso.com'", undefined, 'user_statuses_by_principal_key'],
  ['$orderby=userPrincipalName', ['adele@contoso.com', ID], 'user_statuses_by_principal_key'],
];

describe('SQLite plans', () => {
  const db = new Database(':memory:');
  for (const [name, fn] of Object.entries(SQLITE_FUNCTIONS)) db.function(name, { deterministic: true }, fn);
  for (const s of schemaSql(SQLITE_DDL)) db.exec(s);
  // Statistics of a realistic shape (many rows per configuration, eight statuses), so the planner's choice
  // is the one it makes in production rather than the one it makes for an empty table.
  db.exec(
    `INSERT INTO configurations (tenant_id, id, etag, odata_type, display_name, version) VALUES ('t1', 'c1', 'e', 'iosMobileAppConfiguration', 'x', 1)`,
  );
  const insert = (table: string) =>
    db.prepare(
      `INSERT INTO ${table} (tenant_id, configuration_id, id, etag, status, last_reported_date_time${table === 'user_statuses' ? ', principal_key' : ''}) VALUES ('t1', 'c1', ?, 'e', ?, ?${table === 'user_statuses' ? ', ?' : ''})`,
    );
  for (const table of ['user_statuses', 'device_statuses']) {
    const stmt = insert(table);
    db.transaction(() => {
      for (let i = 0; i < 4000; i++) {
        const at = `2024-0${1 + (i % 9)}-01T00:00:00.${String(i).padStart(7, '0')}Z`;
        const args: unknown[] = [`id-${String(i).padStart(6, '0')}`, i % 8, at];
        if (table === 'user_statuses') args.push(`user${i}@contoso.com`);
        stmt.run(...args);
      }
    })();
  }
  db.exec('ANALYZE');
  const plan = (sql: string, params: unknown[]) =>
    (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail).join(' | ');

  it.each(INDEX_BACKED)('%s after %j uses %s', (query, after, index) => {
    const c = compiled('userStatuses', query, after, SQLITE_QUERY);
    const p = plan(c.sql, c.params);
    expect(p).toMatch(/^SEARCH user_statuses USING /);
    // The unique principal index serves an equality on the principal name as well as the ordered one.
    expect(p).toMatch(
      index === 'PRIMARY'
        ? /PRIMARY KEY/
        : index.endsWith('principal_key')
          ? /INDEX user_statuses_(by_principal_key|principal) /
          : new RegExp(`INDEX ${index} `),
    );
    expect(p, 'no sort of the matching rows').not.toMatch(/TEMP B-TREE/);
    expect(p).toMatch(/tenant_id=\? AND configuration_id=\?/);
  });

  it('device statuses have the same indexes', () => {
    const c = compiled('deviceStatuses', "$filter=status eq 'error'", [ID], SQLITE_QUERY);
    expect(plan(c.sql, c.params)).toMatch(
      /SEARCH device_statuses USING INDEX device_statuses_by_status \(tenant_id=\? AND configuration_id=\? AND status=\? AND id>\?\)/,
    );
  });

  it('a case-insensitive match on another string is a scan of the configuration, as documented', () => {
    const c = compiled('userStatuses', "$filter=contains(userDisplayName, 'x')", undefined, SQLITE_QUERY);
    const p = plan(c.sql, c.params);
    expect(p).toMatch(/SEARCH user_statuses USING PRIMARY KEY \(tenant_id=\? AND configuration_id=\?\)/);
  });
});

describe.skipIf(!postgresAvailable)('PostgreSQL plans', () => {
  let schema: TestSchema;
  let client: pg.Client;
  beforeAll(async () => {
    schema = await freshSchema();
    const store = await openPostgresIn(schema);
    await store.close();
    client = new pg.Client({ connectionString: schema.url });
    await client.connect();
    await client.query('SET enable_seqscan = off');
    await client.query('SET enable_bitmapscan = off');
  });
  afterAll(async () => {
    await client?.end();
    await schema?.drop();
  });

  type PlanNode = { 'Node Type': string; 'Index Name'?: string; Plans?: PlanNode[] };
  const nodes = (n: PlanNode): PlanNode[] => [n, ...(n.Plans ?? []).flatMap(nodes)];

  const principalOrdered = (q: string) => q.startsWith('$orderby=userPrincipalName');

  it.each(INDEX_BACKED)('%s after %j uses %s', async (query, after, index) => {
    const c = compiled('userStatuses', query, after, POSTGRES_QUERY);
    const { rows } = await client.query(`EXPLAIN (FORMAT JSON) ${toPositional(c.sql)}`, c.params);
    const all = nodes((rows[0] as { 'QUERY PLAN': { Plan: PlanNode }[] })['QUERY PLAN'][0]!.Plan);
    const scans = all.filter((n) => n['Node Type'].includes('Index'));
    expect(scans).toHaveLength(1);
    const name = scans[0]!['Index Name']!;
    if (index === 'PRIMARY') expect(name).toBe('user_statuses_pkey');
    else if (index.endsWith('principal_key')) expect(name).toMatch(/^user_statuses_(by_principal_key|principal)$/);
    else expect(name).toBe(index);
    // Nulls sort first ascending: an index declared NULLS FIRST (PG_DDL.indexNullsFirst) serves that order.
    if (!principalOrdered(query)) expect(all.map((n) => n['Node Type'])).not.toContain('Sort');
  });
});
