/** Opens the store a `--db` value names: a file path or `:memory:` → SQLite; `postgres://…` → PostgreSQL. */
import { join } from 'node:path';
import type { Store } from './port.js';
import { openSqlite } from './sqlite/sqlite-store.js';

export interface OpenStoreOptions {
  /** `--db`: path, `:memory:` or a postgres URL; defaults to `<dataDir>/appconfig-graph.db`. */
  readonly db?: string | undefined;
  readonly dataDir: string;
  readonly durability?: 'normal' | 'full';
}

/** Whether `db` is a URL of a PostgreSQL scheme (`postgres:`, `postgresql:`), as the URL parser reads it. */
export function isPostgresUrl(db: string | undefined): db is string {
  if (db === undefined || !URL.canParse(db)) return false;
  const { protocol } = new URL(db);
  return protocol === 'postgres:' || protocol === 'postgresql:';
}

export async function openStore(opts: OpenStoreOptions): Promise<Store> {
  let store: Store;
  if (isPostgresUrl(opts.db)) {
    const { openPostgres } = await import('./postgres/postgres-store.js');
    store = await openPostgres({ url: opts.db });
  } else {
    store = openSqlite({
      path: opts.db ?? join(opts.dataDir, 'appconfig-graph.db'),
      durability: opts.durability ?? 'normal',
    });
  }
  await store.migrate();
  return store;
}
