/** Where a one-shot command (token, seed, import, export) finds its store: `--db`, `DATABASE_URL`, or `<data-dir>`. */
import { openStore } from '../store/open.js';
import type { Store } from '../store/port.js';
import { optionValue } from './options.js';

export function openCommandStore(opts: Record<string, string | undefined>): Promise<Store> {
  return openStore({ db: optionValue('db', opts), dataDir: optionValue('data-dir', opts)! });
}
