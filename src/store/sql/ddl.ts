/** Schema DDL from the table definitions; dialect differences are passed in. */
import { SUBJECTS } from '../../model/resources.js';
import { checkinSchemaSql } from './checkins.js';
import { controlSchemaSql } from './control.js';
import { indexName, LINK_TABLES, type LinkTableDef, type SystemColumn, TABLES, type TableDef } from './schema.js';

export interface DdlDialect {
  /** Secondary index entries end with the primary key columns, so `(a)` also orders as `(a, pk)`. */
  readonly secondaryIndexesCarryKey?: boolean;
  readonly text: string;
  readonly int: string;
  readonly json: string;
  /** Clause appended to CREATE TABLE (e.g. SQLite's WITHOUT ROWID). */
  readonly tableSuffix: string;
  /**
   * How an index column is declared so nulls come first ascending, as `$orderby` sorts them (src/store/sql/
   * paging.ts). PostgreSQL: ' NULLS FIRST' (its default is last); SQLite sorts nulls first already: absent.
   */
  readonly indexNullsFirst?: string;
}

const systemType = (d: DdlDialect, c: SystemColumn): string => (c.kind === 'int' ? d.int : d.text);

function columnType(d: DdlDialect, t: TableDef, name: string): string {
  const c = t.byProperty.get(name);
  if (!c) return d.text;
  switch (c.codec.kind) {
    case 'json':
      return d.json;
    case 'int':
    case 'bool':
    case 'enum':
      return d.int;
    case 'text':
      return d.text;
  }
}

export function createTableSql(d: DdlDialect, t: TableDef): string[] {
  const cols = [
    ...t.scopeColumns.map((c) => `${c} ${d.text} NOT NULL`),
    `id ${d.text} NOT NULL`,
    `etag ${d.text} NOT NULL`,
    ...(t.hasTypeColumn ? [`odata_type ${d.text} NOT NULL`] : []),
    ...(t.principalKeyColumn ? [`${t.principalKeyColumn} ${d.text}`] : []),
    ...t.columns.map((c) => `${c.name} ${columnType(d, t, c.property.name)}`),
    ...(t.link?.columns.map((c) => `${c.name} ${systemType(d, c)}`) ?? []),
    `PRIMARY KEY (${t.scopeColumns.join(', ')}, id)`,
    ...(t.container
      ? [`FOREIGN KEY (${t.scopeColumns.join(', ')}) REFERENCES ${t.container.table} (tenant_id, id) ON DELETE CASCADE`]
      : []),
  ];
  const out = [`CREATE TABLE IF NOT EXISTS ${t.table} (\n  ${cols.join(',\n  ')}\n)${d.tableSuffix}`];
  if (t.principalKeyColumn) {
    out.push(
      `CREATE UNIQUE INDEX IF NOT EXISTS ${t.table}_principal ON ${t.table} (${t.scopeColumns.join(', ')}, ${t.principalKeyColumn})`,
    );
  }
  return out;
}

/**
 * A reference navigation's pairs: one row per (tenant, owner, member), gone with either end (ON DELETE CASCADE), and
 * an index by member so deleting a user finds its memberships without a scan.
 */
export function createLinkTableSql(d: DdlDialect, l: LinkTableDef): string[] {
  const cols = [
    `tenant_id ${d.text} NOT NULL`,
    `${l.ownerColumn} ${d.text} NOT NULL`,
    `${l.memberColumn} ${d.text} NOT NULL`,
    `PRIMARY KEY (tenant_id, ${l.ownerColumn}, ${l.memberColumn})`,
    `FOREIGN KEY (tenant_id, ${l.ownerColumn}) REFERENCES ${l.owner.table} (tenant_id, id) ON DELETE CASCADE`,
    `FOREIGN KEY (tenant_id, ${l.memberColumn}) REFERENCES ${l.member.table} (tenant_id, id) ON DELETE CASCADE`,
  ];
  return [
    `CREATE TABLE IF NOT EXISTS ${l.table} (\n  ${cols.join(',\n  ')}\n)${d.tableSuffix}`,
    `CREATE INDEX IF NOT EXISTS ${l.table}_by_${l.memberColumn} ON ${l.table} (tenant_id, ${l.memberColumn})`,
  ];
}

// ---- Query indexes (docs/queries.md) ----

/**
 * Secondary indexes for collection queries: each makes a filtered, ordered page a bounded index range (keyset
 * paging, src/store/sql/paging.ts) instead of a scan of the configuration's rows. Every index starts with the
 * scope (tenant, configuration) and ends with `id`, the tie-breaker of every order, so `$filter=status eq 'error'`
 * with the default order, `$orderby=status` and `$orderby=lastReportedDateTime` read exactly one range.
 */
export function queryIndexSql(d: DdlDialect): string[] {
  const out: string[] = [];
  for (const t of Object.values(TABLES)) {
    if (!t.container) continue;
    const scope = t.scopeColumns.join(', ');
    for (const property of ['status', 'lastReportedDateTime']) {
      const c = t.byProperty.get(property);
      if (c) out.push(`CREATE INDEX IF NOT EXISTS ${t.table}_by_${c.name} ON ${t.table} (${scope}, ${c.name}, id)`);
    }
    // The folded principal name: `$orderby=userPrincipalName` and `userPrincipalName eq '…'` / `in (…)`.
    // Where secondary indexes carry the primary key (SQLite WITHOUT ROWID), the unique principal index already
    // is this order, and a second copy would only slow every insert.
    if (t.principalKeyColumn && !d.secondaryIndexesCarryKey) {
      const key = `${t.principalKeyColumn}${d.indexNullsFirst ?? ''}`;
      out.push(`CREATE INDEX IF NOT EXISTS ${t.table}_by_${t.principalKeyColumn} ON ${t.table} (${scope}, ${key}, id)`);
    }
  }
  return out;
}

// ---- Targeting links (docs/simulation.md#targeting-in-the-store) ----

/** The system columns of every table, for bringing a table made by an older schema up to date. */
export const systemColumns = (): readonly {
  readonly table: string;
  readonly name: string;
  readonly kind: SystemColumn['kind'];
}[] => Object.values(TABLES).flatMap((t) => (t.link?.columns ?? []).map((c) => ({ table: t.table, ...c })));

/**
 * A linked status is found by its subject within a configuration (one row per user or device; nulls, the rows
 * clients made, are distinct) and a device status also by its user, so a change of a few users reads index ranges.
 */
export function linkIndexSql(): string[] {
  const out: string[] = [];
  for (const t of Object.values(TABLES)) {
    if (!t.link) continue;
    const scope = t.scopeColumns.join(', ');
    const { idColumn, userColumn } = t.link;
    out.push(`CREATE UNIQUE INDEX IF NOT EXISTS ${indexName(t.table, idColumn)} ON ${t.table} (${scope}, ${idColumn})`);
    if (userColumn !== idColumn)
      out.push(`CREATE INDEX IF NOT EXISTS ${indexName(t.table, userColumn)} ON ${t.table} (${scope}, ${userColumn})`);
  }
  // A user's devices, for targeting a change of a few users.
  for (const subject of Object.values(SUBJECTS)) {
    if (!subject.userProperty) continue;
    const t = TABLES[subject.set];
    const c = t.byProperty.get(subject.userProperty)!.name;
    out.push(`CREATE INDEX IF NOT EXISTS ${indexName(t.table, c)} ON ${t.table} (${t.scopeColumns.join(', ')}, ${c})`);
  }
  return out;
}

export function schemaSql(d: DdlDialect): string[] {
  return [
    ...Object.values(TABLES).flatMap((t) => createTableSql(d, t)),
    ...Object.values(LINK_TABLES).flatMap((l) => createLinkTableSql(d, l)),
    ...queryIndexSql(d),
    ...linkIndexSql(),
    `CREATE TABLE IF NOT EXISTS signing_keys (kid ${d.text} PRIMARY KEY, alg ${d.text} NOT NULL, private_jwk ${d.text} NOT NULL, public_jwk ${d.text} NOT NULL, created_at ${d.int} NOT NULL, retired_at ${d.int})`,
    `CREATE TABLE IF NOT EXISTS secrets (name ${d.text} PRIMARY KEY, value ${d.text} NOT NULL)`,
    ...controlSchemaSql(d),
    ...checkinSchemaSql(d),
  ];
}
