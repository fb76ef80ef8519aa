/** The benchmark data on disk, made before any measurement. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { log } from './context.mjs';
import { INSERT_STATUS, statusBody, statusId, statusRow } from './data.mjs';
import { stopProcess } from './procs.mjs';
import { createConfiguration, startOurs, token } from './servers.mjs';

/**
 * The SQLite data of cases 1–3 and 6: the server creates the schema and one configuration per size over HTTP,
 * then the statuses are inserted directly.
 */
export async function prepareSqlite(ctx) {
  const { work, P } = ctx;
  const db = join(work, 'bench.db');
  log(`preparing SQLite data in ${db}`);
  const prep = await startOurs(ctx, 'prepare', db);
  const tok = token(db);
  const configs = {};
  try {
    for (const [tag, n] of Object.entries(P.sizes))
      configs[tag] = { tag, n, id: await createConfiguration(prep.url, tok, `benchmark ${tag} (${n} statuses)`) };
  } finally {
    await stopProcess(prep);
  }
  const t0 = performance.now();
  const d = new Database(db);
  d.pragma('journal_mode = WAL');
  d.pragma('synchronous = OFF');
  const ins = d.prepare(INSERT_STATUS);
  for (const cfg of Object.values(configs)) {
    const fill = d.transaction((from, to) => {
      for (let i = from; i < to; i++) ins.run(statusRow(cfg.id, cfg.tag, i));
    });
    for (let i = 0; i < cfg.n; i += 50_000) fill(i, Math.min(cfg.n, i + 50_000));
  }
  d.pragma('wal_checkpoint(TRUNCATE)');
  d.close();
  const fillSec = (performance.now() - t0) / 1000;
  log(`  ${Object.values(configs).reduce((s, c) => s + c.n, 0)} statuses inserted in ${fillSec.toFixed(1)} s`);
  return { db, token: tok, configs, fillSec };
}

/** The same statuses as json-server's db.json. */
export function writeJsonServerDb(ctx, cfg) {
  const { work } = ctx;
  const file = join(work, 'json-server-db.json');
  const userStatuses = new Array(cfg.n);
  for (let i = 0; i < cfg.n; i++) {
    const { '@odata.type': _, ...rest } = statusBody(i);
    userStatuses[i] = { id: statusId(cfg.tag, i), ...rest };
  }
  writeFileSync(file, JSON.stringify({ userStatuses }));
  return file;
}
