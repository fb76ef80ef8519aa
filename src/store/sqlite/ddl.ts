/** What SQLite does differently: column types, table options, the case-folding function. */
import type { DdlDialect } from '../sql/ddl.js';
import { fold } from '../sql/schema.js';

export const SQLITE_DDL: DdlDialect = {
  text: 'TEXT',
  int: 'INTEGER',
  json: 'TEXT',
  tableSuffix: ' WITHOUT ROWID',
  secondaryIndexesCarryKey: true,
};

/**
 * SQLite's own lower() folds ASCII only; `fold()` is JavaScript's toLowerCase, so case-insensitive
 * comparisons give the same answer for non-ASCII text as the parameters folded in JS.
 */
export const SQLITE_FUNCTIONS: Record<string, (s: unknown) => unknown> = {
  fold: (s) => (typeof s === 'string' ? fold(s) : s),
};
