/** Where a one-shot command (token, seed, import, export) finds its store: `--db`, `DATABASE_URL`, or `<data-dir>`. */
import { openStore } from '../store/open.js';
import type { Store } from '../store/port.js';

export function openCommandStore(opts: Record<string, string | undefined>): Promise<Store> {
  return openStore({
    db: opts.db ?? process.env.DATABASE_URL,
    dataDir: opts.dataDir ?? process.env.DATA_DIR ?? './data',
  });
}
