/**
 * The storage port: one interface, implemented by SQLite and PostgreSQL. Nothing above `store/` knows which
 * one it talks to. Every call is scoped by tenant; contained sets also by configuration.
 */

import type { LinkName, SetName } from '../model/resources.js';
import type { EntityValues } from '../model/validate.js';
import type { ListQuery } from '../odata/query.js';

/** A parsed `If-Match`: any current entity, or one of these entity-tag values (without quotes). */
export type IfMatch = '*' | readonly string[];

export interface Scope {
  readonly tenant: string;
  /** The id of the entity a contained set hangs under (a configuration). */
  readonly configId?: string;
}

export interface StoredEntity {
  readonly id: string;
  readonly etag: string;
  /** Unqualified concrete entity type name. */
  readonly type: string;
  /** Every stored property but `id`, canonical (see model/validate.ts). */
  readonly values: EntityValues;
}

export interface NewEntity {
  readonly id?: string;
  readonly type: string;
  /** Complete values (defaults applied). */
  readonly values: EntityValues;
  /** Keep server-managed values given in `values` (createdDateTime, version, …): import of exported data. */
  readonly keepServerValues?: boolean;
}

/** One item of the key-less upsert (the seed PATCH): by id if given, else by principal name. */
export interface UpsertItem {
  readonly id?: string;
  readonly principal?: string;
  /** Properties present in the body. */
  readonly changes: EntityValues;
  /** Values for a create-on-miss (changes plus defaults). */
  readonly create: EntityValues;
  /** Where the item sits in the request (`value[3]`), for messages. */
  readonly label?: string;
}

/** One entity of an all-or-nothing bulk create (`Store.createAll`). */
export interface BulkCreateItem {
  readonly set: SetName;
  readonly scope: Scope;
  readonly entity: NewEntity;
  /** Where the entity sits in its source (`mobileAppConfigurations[3]`), for messages. */
  readonly label?: string;
}

/** One pair of a link (a group member) in an all-or-nothing bulk create. */
export interface BulkLinkItem {
  readonly link: LinkName;
  readonly scope: Scope;
  readonly ownerId: string;
  readonly memberId: string;
  readonly label?: string;
}

export type BulkItem = BulkCreateItem | BulkLinkItem;

export const isLinkItem = (item: BulkItem): item is BulkLinkItem => 'link' in item;

export interface UpsertResult {
  readonly entity: StoredEntity;
  readonly created: boolean;
}

export interface Page {
  readonly items: readonly StoredEntity[];
  /** Opaque position after the last item when more rows may follow. */
  readonly next?: string;
  readonly count?: number;
}

export interface StatusCounts {
  /** Rows per complianceStatus member value. */
  readonly byStatus: ReadonlyMap<number, number>;
  /** Newest lastReportedDateTime, canonical, or undefined when there are no rows. */
  readonly lastReported: string | undefined;
}

/**
 * A signing key of the local token issuer, kept in the store so every instance agrees
 * (docs/api.md#identity-and-tenants).
 */
export interface SigningKeyRecord {
  readonly kid: string;
  readonly alg: 'RS256' | 'ES256';
  readonly privateJwk: string;
  readonly publicJwk: string;
  /** Epoch seconds. */
  readonly createdAt: number;
  readonly retiredAt: number | null;
}

/** A tenant and how many rows each tenant-scoped table holds for it. */
export interface TenantCounts {
  readonly tenant: string;
  /** Table name → rows; tables without rows for the tenant are left out. */
  readonly counts: Readonly<Record<string, number>>;
}

/** A snapshot kept in the store. */
export interface SnapshotInfo {
  readonly name: string;
  /** The one tenant it holds, or null for every tenant. */
  readonly tenant: string | null;
  /** When it was taken, ISO 8601 UTC. */
  readonly created: string;
  /** Rows it holds, over every tenant-scoped table. */
  readonly rows: number;
}

/**
 * The control plane's view of a store (docs/admin.md): whole tenants and snapshots, over every tenant-scoped
 * table the database has, including tables added after this interface was written.
 */
export interface ControlStore {
  /** The tables that hold tenant data (a `tenant_id` column), parents before children. */
  tenantTables(): Promise<readonly string[]>;
  /** Every tenant with data, with its rows per table, ordered by tenant id. */
  tenants(): Promise<TenantCounts[]>;
  /** Removes every row of the tenant in one transaction; 404 when it has none. Answers the rows removed. */
  deleteTenant(tenant: string): Promise<number>;
  /** Copies one tenant's rows (or every tenant's) into a new snapshot; 409 on a taken name, 404 on a tenant without data. */
  takeSnapshot(name: string, tenant?: string): Promise<SnapshotInfo>;
  /** Every snapshot, by name. */
  snapshots(): Promise<SnapshotInfo[]>;
  /** Puts back exactly the rows of the snapshot's tenant (or of every tenant) in one transaction; 404 when unknown. */
  restoreSnapshot(name: string): Promise<SnapshotInfo>;
  /** 404 when unknown. */
  deleteSnapshot(name: string): Promise<void>;
}

export interface Store {
  readonly dialect: 'sqlite' | 'postgres';
  /** Whole tenants and snapshots, for the control plane. */
  readonly control: ControlStore;
  /** Creates or migrates the schema. */
  migrate(): Promise<void>;
  /** Throws when the store cannot answer. */
  ping(): Promise<void>;
  close(): Promise<void>;

  get(set: SetName, scope: Scope, id: string): Promise<StoredEntity | undefined>;
  list(set: SetName, scope: Scope, query: ListQuery): Promise<Page>;
  count(set: SetName, scope: Scope, query: ListQuery): Promise<number>;
  /** 409 on a taken id or principal name; 404 when the configuration of a contained set is gone. */
  create(set: SetName, scope: Scope, entity: NewEntity): Promise<StoredEntity>;
  /**
   * Creates every item, in order, in one transaction: all or none (the `import` command). Answers as `create`
   * does, the failing item's label first. `onProgress` is told how many items are written so far.
   */
  createAll(items: readonly BulkItem[], onProgress?: (written: number) => void): Promise<void>;
  /** Applies `changes`; 404 when absent, 412 when `ifMatch` matches no current tag, 409 on a taken principal name. */
  update(set: SetName, scope: Scope, id: string, changes: EntityValues, ifMatch?: IfMatch): Promise<StoredEntity>;
  /** 404 when absent, 412 on mismatch. Deleting a configuration deletes everything under it. */
  delete(set: SetName, scope: Scope, id: string, ifMatch?: IfMatch): Promise<void>;
  /** The seed PATCH: all items or none, in order. `ifMatch` applies to the (single) targeted entity. */
  upsert(set: SetName, scope: Scope, items: readonly UpsertItem[], ifMatch?: IfMatch): Promise<UpsertResult[]>;
  statusCounts(set: SetName, scope: Scope): Promise<StatusCounts>;
  /** The entity whose principal key (`userPrincipalName`) folds to the same as `name`, if any. */
  findByPrincipal(set: SetName, scope: Scope, name: string): Promise<StoredEntity | undefined>;

  /** A page of the entities `ownerId` links to (a group's members); 404 when the owner is absent. */
  listLinked(link: LinkName, scope: Scope, ownerId: string, query: ListQuery): Promise<Page>;
  countLinked(link: LinkName, scope: Scope, ownerId: string, query: ListQuery): Promise<number>;
  /** Adds the pair: 404 (target = the id) when either end is absent, 400 when it is there already. */
  addLink(link: LinkName, scope: Scope, ownerId: string, memberId: string): Promise<void>;
  /** Removes the pair: 404 when the owner is absent or the pair is not there. */
  removeLink(link: LinkName, scope: Scope, ownerId: string, memberId: string): Promise<void>;

  /** The `assign` action: replaces the configuration's assignments. */
  replaceAssignments(scope: Scope, items: readonly NewEntity[]): Promise<void>;

  listSigningKeys(): Promise<SigningKeyRecord[]>;
  insertSigningKey(k: SigningKeyRecord): Promise<void>;
  retireSigningKey(kid: string, at: number): Promise<void>;
  /** A named server secret (e.g. the paging-token key), created once and shared by every instance. */
  secret(name: string, create: () => string): Promise<string>;
}
