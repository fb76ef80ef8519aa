#!/usr/bin/env node
/**
 * One clock move of the check-in simulation at scale, on SQLite and PostgreSQL, in-process against dist/
 * (`npm run build` first):
 *
 *   node bench/simulation.mjs [--devices N] [--configurations C] [--rounds R] [--pg-url URL] [--only sqlite|postgres]
 *
 * A tenant of N users (default 250,000), each with one iPhone, and C iOS configurations (default 4) targeting all
 * of them, each with apps of its own: N × C pending device statuses (1,000,000 by default) and as many user
 * statuses, seeded set-wise in SQL. Then, in rounds:
 *
 * - ours: the check-in engine over the store's port (sim/store-port.ts) moves the clock 8 h, the check-in interval:
 *   every device checks in once, every pending status resolves (compliant or error by the draw), every user status
 *   is aggregated again and every device's lastSyncDateTime written, batch by batch;
 * - the limit: the same rows written by three bare UPDATEs in one transaction (every device status, every user
 *   status, every device), knowing the answer in advance.
 *
 * Each round starts from every status pending again; the two alternate, the order swapped each round. The first
 * move of the run also computes and saves every device's schedule: timed on its own, before the rounds.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

const DIST = new URL('../dist/', import.meta.url);
const { openSqlite } = await import(new URL('store/sqlite/sqlite-store.js', DIST));
const { openPostgres } = await import(new URL('store/postgres/postgres-store.js', DIST));
const { CheckinEngine } = await import(new URL('sim/engine.js', DIST));
const { storeSimPort } = await import(new URL('sim/store-port.js', DIST));
const { simSettings, HOUR_MS } = await import(new URL('sim/settings.js', DIST));

const args = Object.fromEntries(
  process.argv
    .slice(2)
    .map((a, i, all) => (a.startsWith('--') ? [a.slice(2), all[i + 1] ?? ''] : undefined))
    .filter(Boolean),
);
const N = Number(args.devices ?? 250_000);
const C = Number(args.configurations ?? 4);
const ROUNDS = Number(args.rounds ?? 3);
const PG_URL = args['pg-url'] ?? process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const TENANT = 'bench-tenant';
const T0 = Date.UTC(2026, 0, 1);
const NEVER = '0001-01-01T00:00:00.0000000Z';

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (t0) => performance.now() - t0;
const log = (s) => process.stderr.write(`${s}\n`);

/** The tenant as SQL both stores run: users, their iPhones, the configurations and every status, pending. */
function tenantSql(pad) {
  const seq = `WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i < ${N - 1})`;
  const id = (p) => `'${p}' || ${pad('i')}`;
  const out = [
    `${seq} INSERT INTO users (tenant_id, id, etag, principal_key, user_principal_name, display_name, account_enabled) SELECT '${TENANT}', ${id('u')}, 'e', ${id('user')} || '@contoso.com', ${id('user')} || '@contoso.com', 'User ' || i, 1 FROM s`,
    `${seq} INSERT INTO managed_devices (tenant_id, id, etag, user_id, device_name, operating_system, model, last_sync_date_time) SELECT '${TENANT}', ${id('p')}, 'e', ${id('u')}, 'iPhone ' || i, 'iOS', 'iPhone 15', '${NEVER}' FROM s`,
  ];
  for (let c = 0; c < C; c++) {
    const cfg = `cfg${c}`;
    out.push(
      `INSERT INTO configurations (tenant_id, id, etag, odata_type, display_name, created_date_time, last_modified_date_time, version, targeted_mobile_apps, role_scope_tag_ids, settings) VALUES ('${TENANT}', '${cfg}', 'e', 'iosMobileAppConfiguration', '${cfg}', '${NEVER}', '${NEVER}', 1, '["com.contoso.app${c}"]', '[]', '[]')`,
      `INSERT INTO user_statuses (tenant_id, configuration_id, id, etag, principal_key, user_principal_name, user_display_name, devices_count, status, last_reported_date_time, user_id)
       SELECT u.tenant_id, '${cfg}', 's' || u.id, 'e', u.principal_key, u.user_principal_name, u.display_name, 1, 0, '${NEVER}', u.id FROM users u WHERE u.tenant_id = '${TENANT}'`,
      `INSERT INTO device_statuses (tenant_id, configuration_id, id, etag, device_display_name, user_name, user_principal_name, device_model, platform, compliance_grace_period_expiration_date_time, status, last_reported_date_time, device_id, user_id, applicable)
       SELECT d.tenant_id, '${cfg}', d.id, 'e', d.device_name, 'User', 'user@contoso.com', d.model, 2, '${NEVER}', 0, '${NEVER}', d.id, d.user_id, 1 FROM managed_devices d WHERE d.tenant_id = '${TENANT}'`,
    );
  }
  return out;
}

/** Every status pending again, for the next round. */
const RESET_SQL = [
  `UPDATE device_statuses SET status = 0, last_reported_date_time = '${NEVER}' WHERE tenant_id = '${TENANT}'`,
  `UPDATE user_statuses SET status = 0, last_reported_date_time = '${NEVER}' WHERE tenant_id = '${TENANT}'`,
];

/** The limit: the same rows written by three bare UPDATEs, the answers known in advance. */
const limitSql = (at) => [
  `UPDATE device_statuses SET status = 2, last_reported_date_time = '${at}', etag = 'x' WHERE tenant_id = '${TENANT}'`,
  `UPDATE user_statuses SET status = 2, last_reported_date_time = '${at}', etag = 'x' WHERE tenant_id = '${TENANT}'`,
  `UPDATE managed_devices SET last_sync_date_time = '${at}', etag = 'x' WHERE tenant_id = '${TENANT}'`,
];

async function pendingCount(query) {
  return Number(
    (await query(`SELECT COUNT(*) AS n FROM device_statuses WHERE tenant_id = '${TENANT}' AND status = 0`))[0].n,
  );
}

async function runStore(name, store, exec, query) {
  const settings = simSettings({ seed: 'bench', errorRate: 0.05 });
  const port = storeSimPort({ targeting: (t, w) => store.targeting(t, w), simTenants: async () => [TENANT] });
  const engine = new CheckinEngine(port, settings, { ranThrough: T0 });
  let t0 = performance.now();
  await engine.advance(T0 + 1); // schedules every device; the devices with offset 0 or 1 ms check in
  const schedule = ms(t0);
  log(`${name}: ${N} schedules computed and saved in ${schedule.toFixed(0)} ms`);
  const ours = [];
  const limit = [];
  const counts = [];
  let to = T0 + 1;
  for (let r = 0; r < ROUNDS; r++) {
    for (const who of r % 2 === 0 ? ['ours', 'limit'] : ['limit', 'ours']) {
      for (const s of RESET_SQL) await exec(s);
      const pending = await pendingCount(query);
      if (pending !== N * C) throw new Error(`expected ${N * C} pending, got ${pending}`);
      t0 = performance.now();
      if (who === 'ours') {
        to += 8 * HOUR_MS;
        const run = await engine.advance(to);
        ours.push(ms(t0));
        counts.push(run);
        if (run.resolved !== N * C || (await pendingCount(query)) !== 0)
          throw new Error(`the move left statuses pending: ${JSON.stringify(run)}`);
      } else {
        await exec('BEGIN');
        for (const s of limitSql('2026-01-02T00:00:00.0000000Z')) await exec(s);
        await exec('COMMIT');
        limit.push(ms(t0));
      }
      log(`${name} round ${r + 1}: ${who} ${(who === 'ours' ? ours : limit).at(-1).toFixed(0)} ms`);
    }
  }
  return { name, schedule, ours, limit, counts };
}

async function sqlite(work) {
  const store = openSqlite({ path: join(work, 'simulation.db') });
  await store.migrate();
  const t0 = performance.now();
  store.exec('BEGIN');
  for (const s of tenantSql((c) => `printf('%06d', ${c})`)) store.exec(s);
  store.exec('COMMIT');
  store.exec('ANALYZE');
  log(`sqlite: ${N} devices, ${N * C} device and ${N * C} user statuses loaded in ${ms(t0).toFixed(0)} ms`);
  try {
    // The store keeps its handle private; counts are read through a second connection to the same file.
    const { default: Database } = await import('better-sqlite3');
    const reader = new Database(join(work, 'simulation.db'), { readonly: true });
    try {
      return await runStore(
        'SQLite',
        store,
        async (s) => store.exec(s),
        async (s) => reader.prepare(s).all(),
      );
    } finally {
      reader.close();
    }
  } finally {
    await store.close();
  }
}

async function postgres() {
  const schema = `bench_simulation_${process.pid}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  const store = await openPostgres({ url: PG_URL, schema });
  try {
    await store.migrate();
    const t0 = performance.now();
    await admin.query(`SET search_path = ${schema}`);
    for (const s of tenantSql((c) => `lpad(${c}::text, 6, '0')`)) await admin.query(s);
    await admin.query('ANALYZE');
    log(`postgres: ${N} devices, ${N * C} device and ${N * C} user statuses loaded in ${ms(t0).toFixed(0)} ms`);
    return await runStore(
      'PostgreSQL',
      store,
      async (s) => {
        await admin.query(s);
      },
      async (s) => (await admin.query(s)).rows,
    );
  } finally {
    await store.close();
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  }
}

const work = mkdtempSync(join(tmpdir(), 'bench-simulation-'));
const results = [];
try {
  if (args.only !== 'postgres') results.push(await sqlite(work));
  if (args.only !== 'sqlite') results.push(await postgres());
} finally {
  rmSync(work, { recursive: true, force: true });
}

const f = (x) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));
const lines = [
  `One clock move of 8 h resolving ${(N * C).toLocaleString('en')} pending statuses: ${N.toLocaleString('en')} devices × ${C} configurations; ` +
    `${ROUNDS} rounds; in-process; ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GB.`,
  '',
  '| store | schedules (first move) | the move (median; rounds) | the limit: 3 bare UPDATEs (median) | ours ÷ limit |',
  '|---|---|---|---|---|',
];
for (const r of results) {
  const ratios = r.ours.map((a, i) => a / r.limit[i]);
  lines.push(
    `| ${r.name} | ${f(r.schedule)} ms | ${f(median(r.ours))} ms (${r.ours.map(f).join(', ')}) | ${f(median(r.limit))} ms | ${median(ratios).toFixed(2)}× |`,
  );
}
process.stdout.write(`${lines.join('\n')}\n`);
