/**
 * SQL text for the writes and keyed reads, shared by every dialect. Placeholders are `?`; a dialect rewrites
 * them if it needs to. Identifiers come only from the table definitions, never from a request.
 */
import type { IfMatch, Scope } from '../port.js';
import { LINK_TABLES, type LinkTableDef, TABLES, type TableDef } from './schema.js';

/** The scope condition of every statement on `t`: its `scopeColumns`, each equal to a parameter. */
export const scopeWhere = (t: TableDef): string => t.scopeColumns.map((c) => `${c} = ?`).join(' AND ');

export const scopeParams = (t: TableDef, s: Scope): unknown[] => t.scopeValues(s);

/** Column order of `insertSql`'s parameters: the scope, system columns, then every property column. */
function insertColumnsOf(t: TableDef): string[] {
  return [
    ...t.scopeColumns,
    'id',
    'etag',
    ...(t.hasTypeColumn ? ['odata_type'] : []),
    ...(t.principalKeyColumn ? [t.principalKeyColumn] : []),
    ...t.columns.map((c) => c.name),
  ];
}

/** A table's fixed statements, built once per table. */
export interface TableSql {
  readonly insertColumns: readonly string[];
  readonly insert: string;
  readonly selectById: string;
  readonly selectByPrincipal: string | undefined;
  /** Whether the container of a contained set's scope exists. Parameters: tenant, container id. */
  readonly containerExists: string | undefined;
  /** Every row of a scope (the `assign` action's replacement). */
  readonly deleteScope: string;
  readonly statusCounts: string | undefined;
}

function tableSql(t: TableDef): TableSql {
  const cols = insertColumnsOf(t);
  const where = scopeWhere(t);
  return {
    insertColumns: cols,
    insert: `INSERT INTO ${t.table} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')}) RETURNING *`,
    selectById: `SELECT * FROM ${t.table} WHERE ${where} AND id = ?`,
    selectByPrincipal: t.principalKeyColumn
      ? `SELECT * FROM ${t.table} WHERE ${where} AND ${t.principalKeyColumn} = ?`
      : undefined,
    containerExists: t.container
      ? `SELECT 1 AS found FROM ${t.container.table} WHERE tenant_id = ? AND id = ?`
      : undefined,
    deleteScope: `DELETE FROM ${t.table} WHERE ${where}`,
    statusCounts: t.byProperty.has('status')
      ? `SELECT status, COUNT(*) AS n, MAX(last_reported_date_time) AS last FROM ${t.table} WHERE ${where} GROUP BY status`
      : undefined,
  };
}

const TABLE_SQL: ReadonlyMap<TableDef, TableSql> = new Map(Object.values(TABLES).map((t) => [t, tableSql(t)]));

/** The fixed statements of `t`. */
export const sqlOf = (t: TableDef): TableSql => TABLE_SQL.get(t)!;

export const insertColumns = (t: TableDef): readonly string[] => sqlOf(t).insertColumns;

/**
 * The entity tags an `If-Match` compares with, as parameters of `updateSql`/`deleteSql`: undefined when there is
 * no guard (no header, or `*`); an empty list when only weak tags were sent, which strong comparison never matches.
 */
export const guardTags = (ifMatch: IfMatch | undefined): readonly string[] | undefined =>
  ifMatch === undefined || ifMatch === '*' ? undefined : ifMatch;

/** The WHERE clause of a guard of `tags` entity tags (`guardTags(...)?.length`). */
function guardSql(tags: number | undefined): string {
  if (tags === undefined) return '';
  if (tags === 0) return ' AND 1 = 0';
  return ` AND etag IN (${Array.from({ length: tags }, () => '?').join(', ')})`;
}

/**
 * UPDATE of the given columns plus a new etag; a set with server-kept stamps also bumps `version` and
 * `last_modified_date_time`. A guard of `tags` entity tags (`guardTags`) makes it a compare-and-set, so a race
 * has one winner.
 */
export function updateSql(t: TableDef, columns: readonly string[], tags: number | undefined): string {
  return memo(t, `u${tags ?? ''}`, columns, () => {
    const sets = updateSets(t, columns);
    return `UPDATE ${t.table} SET ${sets.join(', ')} WHERE ${scopeWhere(t)} AND id = ?${guardSql(tags)} RETURNING *`;
  });
}

/** Statement texts by table, shape and columns: one string per shape, so the store's statement cache finds it by a hash computed once. */
const TEXTS = new Map<TableDef, Map<string, string>>();
/** Shapes are few (the columns a client can name); past this many per table, texts are built afresh. */
const MAX_TEXTS_PER_TABLE = 1_000;

function memo(t: TableDef, shape: string, columns: readonly string[], build: () => string): string {
  let texts = TEXTS.get(t);
  if (!texts) {
    texts = new Map();
    TEXTS.set(t, texts);
  }
  const key = `${shape}:${columns.join(',')}`;
  let text = texts.get(key);
  if (text === undefined) {
    text = build();
    if (texts.size < MAX_TEXTS_PER_TABLE) texts.set(key, text);
  }
  return text;
}

/** The SET list of `updateSql`: parameters are the new etag, the columns' values, then (stamped sets) now. */
function updateSets(t: TableDef, columns: readonly string[]): string[] {
  const sets = ['etag = ?', ...columns.map((c) => `${c} = ?`)];
  if (t.stamps.version) sets.push(`${t.stamps.version.name} = ${t.stamps.version.name} + 1`);
  if (t.stamps.modified) sets.push(`${t.stamps.modified.name} = ?`);
  return sets;
}

/**
 * The key-less upsert of a principal-keyed set as one statement: `insertSql`'s row, or, when the folded
 * principal name is taken, `updateSql`'s changes to that row. Parameters: the insert's, then the update's SET
 * parameters. Of concurrent writers of one new name exactly one inserts; the others update its row.
 */
export function upsertByPrincipalSql(t: TableDef, columns: readonly string[]): string {
  return memo(t, 'p', columns, () => {
    const cols = insertColumns(t);
    return (
      `INSERT INTO ${t.table} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')}) ` +
      `ON CONFLICT (${t.scopeColumns.join(', ')}, ${t.principalKeyColumn}) DO UPDATE SET ${updateSets(t, columns).join(', ')} RETURNING *`
    );
  });
}

export function deleteSql(t: TableDef, tags: number | undefined): string {
  return `DELETE FROM ${t.table} WHERE ${scopeWhere(t)} AND id = ?${guardSql(tags)}`;
}

export const SIGNING_KEYS = {
  list: 'SELECT * FROM signing_keys ORDER BY created_at, kid',
  insert:
    'INSERT INTO signing_keys (kid, alg, private_jwk, public_jwk, created_at, retired_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (kid) DO NOTHING',
  retire: 'UPDATE signing_keys SET retired_at = ? WHERE kid = ? AND retired_at IS NULL',
} as const;

export const SECRETS = {
  read: 'SELECT value FROM secrets WHERE name = ?',
  /** Of writers creating one name at once, the first wins; the others keep its value. */
  insert: 'INSERT INTO secrets (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING',
} as const;

/** A link table's fixed statements, built once per link. */
export interface LinkSql {
  /** Parameters: tenant, owner id, member id. */
  readonly insert: string;
  readonly delete: string;
  /** Parameters: tenant, id. */
  readonly ownerExists: string;
  readonly memberExists: string;
}

function linkSql(l: LinkTableDef): LinkSql {
  return {
    insert: `INSERT INTO ${l.table} (tenant_id, ${l.ownerColumn}, ${l.memberColumn}) VALUES (?, ?, ?)`,
    delete: `DELETE FROM ${l.table} WHERE tenant_id = ? AND ${l.ownerColumn} = ? AND ${l.memberColumn} = ?`,
    ownerExists: `SELECT 1 AS found FROM ${l.owner.table} WHERE tenant_id = ? AND id = ?`,
    memberExists: `SELECT 1 AS found FROM ${l.member.table} WHERE tenant_id = ? AND id = ?`,
  };
}

const LINK_SQL: ReadonlyMap<LinkTableDef, LinkSql> = new Map(Object.values(LINK_TABLES).map((l) => [l, linkSql(l)]));

export const linkSqlOf = (l: LinkTableDef): LinkSql => LINK_SQL.get(l)!;
