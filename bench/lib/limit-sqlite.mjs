/**
 * The limit's SQLite store: one prepared better-sqlite3 statement per request on the server's database file,
 * with the server's pragmas.
 */
import Database from 'better-sqlite3';
import { TENANT } from './data.mjs';
import { NEW_COLUMNS, newRow, ON_CONFLICT_SET } from './limit-rows.mjs';

const UPSERT =
  `INSERT INTO user_statuses (tenant_id, configuration_id, ${NEW_COLUMNS.join(', ')}) ` +
  `VALUES (?, ?, ${NEW_COLUMNS.map(() => '?').join(', ')}) ON CONFLICT (tenant_id, configuration_id, principal_key) ` +
  `DO UPDATE SET ${ON_CONFLICT_SET} RETURNING *`;

/** `file` opened as the server opens it: WAL, `synchronous` NORMAL (or FULL), foreign keys, busy timeout, checkpoint interval. */
export function openSqlite(file, durability) {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${durability === 'full' ? 'FULL' : 'NORMAL'}`);
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  // The server copies the WAL back every 10,000 pages (src/store/sqlite/sqlite-store.ts); the limit does the same.
  db.pragma('wal_autocheckpoint = 10000');

  const statements = new Map();
  const stmt = (sql) => {
    let s = statements.get(sql);
    if (!s) {
      s = db.prepare(sql);
      statements.set(sql, s);
    }
    return s;
  };

  // One INSERT … ON CONFLICT DO UPDATE per item, all in one transaction.
  const bulk = db.transaction((configId, items) => items.map((b) => stmt(UPSERT).get(TENANT, configId, ...newRow(b))));

  return {
    /*
     * Every statement is stepped to the end (`.all()`, not `.get()`): SQLite runs the WAL auto-checkpoint from
     * sqlite3_step() when a statement finishes, so an autocommit UPDATE … RETURNING read with `.get()` (reset
     * after its first row) would never checkpoint, and the WAL would grow without bound: a limit that skipped
     * the checkpoint I/O the real server does (it commits with COMMIT, which checkpoints).
     */
    run: (sql, params) => stmt(sql).all(...params),
    bulk,
    close: () => db.close(),
  };
}
