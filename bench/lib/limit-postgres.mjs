/**
 * The limit's PostgreSQL store: a pg pool of the size and settings the server's has (src/store/postgres/pool.ts),
 * one named prepared statement per request (parsed and planned once per connection), BIGINT read as a number.
 */
import pg from 'pg';
import { connectionConfig } from '../../dist/store/postgres/connection.js';
import { TENANT } from './data.mjs';
import { NEW_COLUMNS, newRow, ON_CONFLICT_SET } from './limit-rows.mjs';

const INT8 = 20;
const KEY = NEW_COLUMNS.indexOf('principal_key');
const ARRAY_TYPE = { devices_count: 'bigint[]', status: 'bigint[]' };

/**
 * The bulk upsert as one statement, as the server's set-wise seed upsert: one array parameter per column,
 * rows inserted in principal-key order, a taken name updating its row.
 */
const UPSERT =
  `INSERT INTO user_statuses (tenant_id, configuration_id, ${NEW_COLUMNS.join(', ')}) ` +
  `SELECT ?, ?, ${NEW_COLUMNS.map((c) => `v.${c}`).join(', ')} ` +
  `FROM unnest(${NEW_COLUMNS.map((c) => `?::${ARRAY_TYPE[c] ?? 'text[]'}`).join(', ')}) AS v(${NEW_COLUMNS.join(', ')}) ` +
  `ORDER BY v.principal_key ON CONFLICT (tenant_id, configuration_id, principal_key) DO UPDATE SET ${ON_CONFLICT_SET} RETURNING *`;

/** `?` placeholders as `$1, $2, …` (the statements here have no `?` in a literal). */
const positional = (sql) => {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
};

export function openPostgres(url) {
  const pool = new pg.Pool({
    ...connectionConfig(url),
    max: Number(process.env.DATABASE_POOL_SIZE) || 10,
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 30_000,
    application_name: 'appconfig-graph-limit',
    types: { getTypeParser: (oid, format) => (oid === INT8 ? Number : pg.types.getTypeParser(oid, format)) },
  });
  pool.on('error', () => {});

  const named = new Map();
  const query = (sql, values) => {
    let q = named.get(sql);
    if (!q) {
      q = { name: `limit_${named.size}`, text: positional(sql) };
      named.set(sql, q);
    }
    return pool.query({ ...q, values }).then((r) => r.rows);
  };

  return {
    run: query,
    async bulk(configId, items) {
      const rows = items.map(newRow);
      const columns = NEW_COLUMNS.map((_, i) => rows.map((r) => r[i]));
      const stored = await query(UPSERT, [TENANT, configId, ...columns]);
      const byKey = new Map(stored.map((r) => [r.principal_key, r]));
      return rows.map((r) => byKey.get(r[KEY]));
    },
    close: () => pool.end(),
  };
}
