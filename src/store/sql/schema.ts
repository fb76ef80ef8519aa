/**
 * Tables and columns, derived from the model: one table per entity set, one column per stored property
 * (the union over versions and derived types), every table keyed by tenant first so it can be distributed
 * by tenant without changing a query (docs/api.md#storage-and-scale).
 */
import { type TypeRef, VERSIONS } from '../../model/edm.js';
import { modelFor, type Property, storedProperties } from '../../model/model.js';
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
  /** Sets whose entity type has derived types store each row's concrete type name. */
  readonly hasTypeColumn: boolean;
  /** Sets matched by principal name keep a folded copy of it, unique per configuration. */
  readonly principalKeyColumn: string | undefined;
  /** The table a contained set's rows hang under (its `configuration_id`), from the model's navigations. */
  readonly container: TableDef | undefined;
  /** The columns that scope a row (and its principal key): the tenant, and the configuration when contained. */
  readonly scopeColumns: readonly string[];
  /**
   * Server-kept stamps the store maintains, from the type's server-managed properties: set on insert (created,
   * modified, version 1) and on every update (modified, version + 1).
   */
  readonly stamps: {
    readonly created?: Column;
    readonly modified?: Column;
    readonly version?: Column;
  };
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

/** The set that navigates to `set` (contains it), as the model's navigation properties say. */
function containerOf(set: EntitySet): EntitySet | undefined {
  if (!set.contained) return undefined;
  const owner = Object.values(ENTITY_SETS).find(
    (s) =>
      !s.contained &&
      VERSIONS.some((v) =>
        modelFor(v)
          .entityTypes.get(s.entityType)
          ?.navigations.some((n) => n.name === set.segment && n.target === set.entityType && n.collection),
      ),
  );
  if (!owner) throw new Error(`no entity set contains ${set.name}`);
  return owner;
}

/** Derived types in any version: the concrete type is stored per row. */
const polymorphic = (entityType: string): boolean =>
  VERSIONS.some((v) => {
    const t = modelFor(v).entityTypes.get(entityType);
    return t !== undefined && (t.abstract || t.concreteTypes.length > 1);
  });

function tableFor(set: EntitySet, tables: Partial<Record<SetName, TableDef>>): TableDef {
  const columns = storedProperties(set.entityType)
    .filter((p) => p.name !== 'id')
    .map((p) => ({ name: snake(p.name), property: p, codec: codecFor(p) }));
  const byProperty = new Map(columns.map((c) => [c.property.name, c]));
  const stamp = (name: string): Column | undefined => {
    const c = byProperty.get(name);
    return c?.property.serverManaged ? c : undefined;
  };
  const owner = containerOf(set);
  const created = stamp('createdDateTime');
  const modified = stamp('lastModifiedDateTime');
  const version = stamp('version');
  return {
    set,
    table: snake(set.name),
    columns,
    byProperty,
    hasTypeColumn: polymorphic(set.entityType),
    principalKeyColumn: set.principalKey ? 'principal_key' : undefined,
    container: owner ? tables[owner.name] : undefined,
    scopeColumns: owner ? ['tenant_id', 'configuration_id'] : ['tenant_id'],
    stamps: { ...(created ? { created } : {}), ...(modified ? { modified } : {}), ...(version ? { version } : {}) },
  };
}

function tables(): Record<SetName, TableDef> {
  const out: Partial<Record<SetName, TableDef>> = {};
  // Containers first, so a contained table refers to the same definition as TABLES does.
  const sets = Object.values(ENTITY_SETS).sort((a, b) => Number(a.contained) - Number(b.contained));
  for (const set of sets) out[set.name] = tableFor(set, out);
  return out as Record<SetName, TableDef>;
}

export const TABLES: Readonly<Record<SetName, TableDef>> = tables();

/** Case folding used for every case-insensitive comparison, in JS (parameters, principal keys). */
export const fold = (s: string): string => s.toLowerCase();
