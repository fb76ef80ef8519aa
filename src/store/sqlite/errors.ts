/** Which SQLite errors mean what (better-sqlite3's extended result codes). */

const sqliteCode = (e: unknown): string =>
  typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : '';

export const isUniqueViolation = (e: unknown): boolean =>
  sqliteCode(e) === 'SQLITE_CONSTRAINT_PRIMARYKEY' || sqliteCode(e) === 'SQLITE_CONSTRAINT_UNIQUE';

export const isForeignKeyViolation = (e: unknown): boolean => sqliteCode(e) === 'SQLITE_CONSTRAINT_FOREIGNKEY';
