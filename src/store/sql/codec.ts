/** Values ↔ columns, the same for every dialect. */

import { ENUMS } from '../../model/graph.js';
import type { EntityValues } from '../../model/validate.js';
import type { StoredEntity } from '../port.js';
import { type Column, fold, type TableDef } from './schema.js';

const enumByName = new Map<string, Map<string, number>>();
const enumByValue = new Map<string, Map<number, string>>();
for (const e of ENUMS) {
  enumByName.set(e.name, new Map(e.members.map((m) => [m.name, m.value])));
  enumByValue.set(e.name, new Map(e.members.map((m) => [m.value, m.name])));
}

export const enumValue = (enumName: string, member: string): number => {
  const v = enumByName.get(enumName)?.get(member);
  if (v === undefined) throw new Error(`no member ${member} in ${enumName}`);
  return v;
};

export type SqlValue = string | number | null;

export function encode(c: Column, v: unknown): SqlValue {
  if (v === null || v === undefined) return null;
  switch (c.codec.kind) {
    case 'text':
      return v as string;
    case 'int':
      return v as number;
    case 'bool':
      return v ? 1 : 0;
    case 'enum':
      return enumValue(c.codec.enumName, v as string);
    case 'json':
      return JSON.stringify(v);
  }
}

export function decode(c: Column, v: unknown): unknown {
  if (v === null || v === undefined) return c.codec.kind === 'json' && c.property.collection ? [] : null;
  switch (c.codec.kind) {
    case 'text':
      return v;
    case 'int':
      return Number(v);
    case 'bool':
      return v === 1 || v === true || v === '1';
    case 'enum':
      return enumByValue.get(c.codec.enumName)?.get(Number(v)) ?? null;
    case 'json':
      return typeof v === 'string' ? JSON.parse(v) : v;
  }
}

/** The default a stored non-nullable column gets when the writing version does not know the property. */
export function storageDefault(c: Column): unknown {
  const p = c.property;
  if (p.collection) return [];
  if (p.nullable) return null;
  switch (c.codec.kind) {
    case 'enum':
      return ENUMS.find((e) => e.name === (c.codec as { enumName: string }).enumName)!.members[0]!.name;
    case 'int':
      return 0;
    case 'bool':
      return false;
    case 'text':
      return p.type.kind === 'primitive' && p.type.name === 'Edm.DateTimeOffset' ? '0001-01-01T00:00:00.0000000Z' : '';
    case 'json':
      return null;
  }
}

export type Row = Record<string, unknown>;

export function decodeRow(t: TableDef, row: Row): StoredEntity {
  const values: EntityValues = {};
  for (const c of t.columns) values[c.property.name] = decode(c, row[c.name]);
  return {
    id: row.id as string,
    etag: row.etag as string,
    type: t.hasTypeColumn ? (row.odata_type as string) : t.set.entityType,
    values,
  };
}

/** The folded principal key for a row's values, or null. */
export function principalKeyOf(t: TableDef, values: EntityValues): string | null {
  const key = t.set.principalKey;
  if (!key) return null;
  const v = values[key];
  return typeof v === 'string' ? fold(v) : null;
}
