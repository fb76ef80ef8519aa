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

export const isPostgresUrl = (db: string | undefined): boolean => db !== undefined && /^postgres(ql)?:\/\//i.test(db);

export async function openStore(opts: OpenStoreOptions): Promise<Store> {
  let store: Store;
  if (isPostgresUrl(opts.db)) {
    const { openPostgres } = await import('./postgres/postgres-store.js');
    store = await openPostgres({ url: opts.db! });
  } else {
    store = openSqlite({
      path: opts.db ?? join(opts.dataDir, 'appconfig-graph.db'),
      durability: opts.durability ?? 'normal',
    });
  }
  await store.migrate();
  return store;
}
