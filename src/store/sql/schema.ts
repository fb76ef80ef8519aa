/**
 * Tables and columns, derived from the model: one table per entity set, one column per stored property
 * (the union over versions and derived types), every table keyed by tenant first so it can be distributed
 * by tenant without changing a query (API.md §10).
 */
import type { TypeRef } from '../../model/edm.js';
import { type Property, storedProperties } from '../../model/model.js';
import { ENTITY_SETS, type EntitySet, type SetName } from '../../model/resources.js';

/** How a property's value is held in a column. */
export type ColumnCodec =
  | { readonly kind: 'text' } // Edm.String, Edm.Binary (base64), Edm.DateTimeOffset (canonical UTC string)
  | { readonly kind: 'int' } // Edm.Int32
  | { readonly kind: 'bool' } // Edm.Boolean as 0/1, the same in every store
  | { readonly kind: 'enum'; readonly enumName: string } // member value, so $orderby sorts by value
  | { readonly kind: 'json' }; // collections and complex values, as JSON text

export interface Column {
  readonly name: string;
  readonly property: Property;
  readonly codec: ColumnCodec;
}

export interface TableDef {
  readonly set: EntitySet;
  readonly table: string;
  readonly columns: readonly Column[];
  readonly byProperty: ReadonlyMap<string, Column>;
  /** Configurations store their concrete type name. */
  readonly hasTypeColumn: boolean;
  /** Sets matched by principal name keep a folded copy of it, unique per configuration. */
  readonly principalKeyColumn: string | undefined;
}

export const snake = (name: string): string => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

function codecFor(p: Property): ColumnCodec {
  if (p.collection) return { kind: 'json' };
  const t: TypeRef = p.type;
  switch (t.kind) {
    case 'complex':
      return { kind: 'json' };
    case 'enum':
      return { kind: 'enum', enumName: t.name };
    case 'primitive':
      if (t.name === 'Edm.Int32') return { kind: 'int' };
      if (t.name === 'Edm.Boolean') return { kind: 'bool' };
      return { kind: 'text' };
  }
}

function tableFor(set: EntitySet): TableDef {
  const columns = storedProperties(set.entityType)
    .filter((p) => p.name !== 'id')
    .map((p) => ({ name: snake(p.name), property: p, codec: codecFor(p) }));
  return {
    set,
    table: snake(set.segment === 'mobileAppConfigurations' ? 'configurations' : set.segment),
    columns,
    byProperty: new Map(columns.map((c) => [c.property.name, c])),
    hasTypeColumn: set.name === 'configurations',
    principalKeyColumn: set.principalKey ? 'principal_key' : undefined,
  };
}

export const TABLES: Readonly<Record<SetName, TableDef>> = {
  configurations: tableFor(ENTITY_SETS.configurations),
  userStatuses: tableFor(ENTITY_SETS.userStatuses),
  deviceStatuses: tableFor(ENTITY_SETS.deviceStatuses),
  assignments: tableFor(ENTITY_SETS.assignments),
};

/** Case folding used for every case-insensitive comparison, in JS (parameters, principal keys). */
export const fold = (s: string): string => s.toLowerCase();
