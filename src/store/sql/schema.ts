/**
 * Tables and columns, derived from the model: one table per entity set, one column per stored property
 * (the union over versions and derived types), every table keyed by tenant first so it can be distributed
 * by tenant without changing a query (docs/api.md#storage-and-scale).
 */
import { type TypeRef, VERSIONS } from '../../model/edm.js';
import { modelFor, type Property, storedProperties } from '../../model/model.js';
import {
  containerOf,
  ENTITY_SETS,
  type EntitySet,
  LINKS,
  type LinkDef,
  type LinkName,
  type SetName,
  type StatusSubject,
} from '../../model/resources.js';
import type { Scope } from '../port.js';

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

/** An internal column: kept by the store for its own work, never a Graph property (not served, not filterable). */
export interface SystemColumn {
  readonly name: string;
  readonly kind: 'text' | 'int';
}

/**
 * How a status row is linked to what it reports on, from the set's `targets` in the model: the subject's id, the
 * user (a user status's subject; a device's primary user) and, for a device, whether it is of the configuration's
 * platform (0/1). All null on a row a client created, which targeting leaves alone
 * (docs/simulation.md#targeting-in-the-store).
 */
export interface SubjectLink {
  readonly subject: StatusSubject;
  /** `user_id` or `device_id`: unique within the configuration where set. */
  readonly idColumn: string;
  /** The user the status belongs to: `user_id` on both. */
  readonly userColumn: string;
  /** Device statuses: `applicable`. */
  readonly applicableColumn: string | undefined;
  readonly columns: readonly SystemColumn[];
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
  /**
   * The table a contained set's rows hang under (its `containerColumn`), from the set's `container` in the model.
   * Store code asks this, and nothing else, whether a set is contained.
   */
  readonly container: TableDef | undefined;
  /** Statuses kept by targeting: the internal columns linking a row to its user or device. */
  readonly link: SubjectLink | undefined;
  /** The columns that scope a row (and its principal key): the tenant, and the container's id when contained. */
  readonly scopeColumns: readonly string[];
  /** The values of `scopeColumns` for a scope, in order. */
  scopeValues(scope: Scope): unknown[];
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

function subjectLink(subject: StatusSubject): SubjectLink {
  const idColumn = `${subject}_id`;
  const userColumn = 'user_id';
  const applicableColumn = subject === 'device' ? 'applicable' : undefined;
  const columns: SystemColumn[] = [{ name: idColumn, kind: 'text' }];
  if (userColumn !== idColumn) columns.push({ name: userColumn, kind: 'text' });
  if (applicableColumn) columns.push({ name: applicableColumn, kind: 'int' });
  return { subject, idColumn, userColumn, applicableColumn, columns };
}

/** Derived types in any version: the concrete type is stored per row. */
const polymorphic = (entityType: string): boolean =>
  VERSIONS.some((v) => modelFor(v).entityTypes.get(entityType)?.polymorphic === true);

/** The column holding a contained row's container id: `configuration_id` under `configurations`. */
const containerColumn = (container: EntitySet): string => `${snake(container.name).replace(/s$/, '')}_id`;

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
  const scopeColumns = owner ? ['tenant_id', containerColumn(owner)] : ['tenant_id'];
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
    link: set.targets ? subjectLink(set.targets) : undefined,
    scopeColumns,
    // A scope names at most one container: the contained set's own (Scope.configId).
    scopeValues: owner ? (s) => [s.tenant, s.configId ?? ''] : (s) => [s.tenant],
    stamps: { ...(created ? { created } : {}), ...(modified ? { modified } : {}), ...(version ? { version } : {}) },
  };
}

function tables(): Record<SetName, TableDef> {
  const out: Partial<Record<SetName, TableDef>> = {};
  // Containers first, so a contained table refers to the same definition as TABLES does.
  const sets = Object.values(ENTITY_SETS).sort(
    (a, b) => Number(containerOf(a) !== undefined) - Number(containerOf(b) !== undefined),
  );
  for (const set of sets) out[set.name] = tableFor(set, out);
  // In the model's order, so the DDL creates tables as the model lists them (containers come first there too).
  return Object.fromEntries(Object.keys(ENTITY_SETS).map((n) => [n, out[n as SetName]])) as Record<SetName, TableDef>;
}

export const TABLES: Readonly<Record<SetName, TableDef>> = tables();

/** The name of the secondary index of `table` that ends in `column` (after the scope). */
export const indexName = (table: string, column: string): string => `${table}_by_${column}`;

/** The table whose statuses report on `subject` (targeting's user or device statuses). */
export const statusTable = (subject: StatusSubject): TableDef =>
  Object.values(TABLES).find((t) => t.link?.subject === subject)!;

/** Case folding used for every case-insensitive comparison, in JS (parameters, principal keys). */
export const fold = (s: string): string => s.toLowerCase();

/** The table of a reference navigation's pairs (`group_members`): keyed by tenant, owner and member. */
export interface LinkTableDef {
  readonly link: LinkDef;
  readonly table: string;
  readonly owner: TableDef;
  readonly member: TableDef;
  readonly ownerColumn: string;
  readonly memberColumn: string;
}

function linkTable(link: LinkDef): LinkTableDef {
  const owner = TABLES[link.owner];
  return {
    link,
    table: `${snake(link.owner).replace(/s$/, '')}_${snake(link.segment)}`,
    owner,
    member: TABLES[link.member],
    ownerColumn: `${snake(link.owner).replace(/s$/, '')}_id`,
    memberColumn: 'member_id',
  };
}

export const LINK_TABLES: Readonly<Record<LinkName, LinkTableDef>> = Object.fromEntries(
  Object.values(LINKS).map((l) => [l.name, linkTable(l)]),
) as Record<LinkName, LinkTableDef>;
