/** Schema DDL from the table definitions; dialect differences are passed in. */
import { TABLES, type TableDef } from './schema.js';

export interface DdlDialect {
  readonly text: string;
  readonly int: string;
  readonly json: string;
  /** Clause appended to CREATE TABLE (e.g. SQLite's WITHOUT ROWID). */
  readonly tableSuffix: string;
}

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
  const contained = t.set.contained;
  const cols = [
    `tenant_id ${d.text} NOT NULL`,
    ...(contained ? [`configuration_id ${d.text} NOT NULL`] : []),
    `id ${d.text} NOT NULL`,
    `etag ${d.text} NOT NULL`,
    ...(t.hasTypeColumn ? [`odata_type ${d.text} NOT NULL`] : []),
    ...(t.principalKeyColumn ? [`${t.principalKeyColumn} ${d.text}`] : []),
    ...t.columns.map((c) => `${c.name} ${columnType(d, t, c.property.name)}`),
    contained ? 'PRIMARY KEY (tenant_id, configuration_id, id)' : 'PRIMARY KEY (tenant_id, id)',
    ...(contained
      ? [
          `FOREIGN KEY (tenant_id, configuration_id) REFERENCES ${TABLES.configurations.table} (tenant_id, id) ON DELETE CASCADE`,
        ]
      : []),
  ];
  const out = [`CREATE TABLE IF NOT EXISTS ${t.table} (\n  ${cols.join(',\n  ')}\n)${d.tableSuffix}`];
  if (t.principalKeyColumn) {
    out.push(
      `CREATE UNIQUE INDEX IF NOT EXISTS ${t.table}_principal ON ${t.table} (tenant_id, configuration_id, ${t.principalKeyColumn})`,
    );
  }
  return out;
}

export function schemaSql(d: DdlDialect): string[] {
  return [
    ...Object.values(TABLES).flatMap((t) => createTableSql(d, t)),
    `CREATE TABLE IF NOT EXISTS signing_keys (kid ${d.text} PRIMARY KEY, alg ${d.text} NOT NULL, private_jwk ${d.text} NOT NULL, public_jwk ${d.text} NOT NULL, created_at ${d.int} NOT NULL, retired_at ${d.int})`,
    `CREATE TABLE IF NOT EXISTS secrets (name ${d.text} PRIMARY KEY, value ${d.text} NOT NULL)`,
  ];
}
