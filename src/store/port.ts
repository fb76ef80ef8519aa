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

// ---- Targeting (docs/simulation.md#targeting-in-the-store) ----
// The store reads what targeting needs and writes what it decided; the rules live above the store (targeting/).
// Shapes mirror targeting's own (targeting/types.ts, targeting/diff.ts) so its values pass straight through.

/** A configuration as targeting sees it. */
export interface TargetingConfiguration {
  readonly id: string;
  /** The concrete type (`iosMobileAppConfiguration`). */
  readonly type: string;
  /** Each assignment's `target`, as stored (a complex value with its `@odata.type`), in key order. */
  readonly targets: readonly unknown[];
}

export interface TargetingUser {
  readonly id: string;
  readonly userPrincipalName: string | null;
  readonly displayName: string | null;
}

export interface TargetingDevice {
  readonly id: string;
  readonly userId: string | null;
  readonly operatingSystem: string | null;
  readonly deviceName: string | null;
  readonly model: string | null;
}

export interface Membership {
  readonly groupId: string;
  readonly userId: string;
}

/** Which devices to read: with neither list, all of the tenant's; else those of the users and those named. */
export interface DeviceSlice {
  readonly userIds?: readonly string[];
  readonly deviceIds?: readonly string[];
}

/**
 * Which linked statuses to read, of these configurations: with neither `userIds` nor `deviceIds`, all of them; else
 * the user statuses of those users, and the device statuses of the devices named or whose user is named.
 */
export interface StatusSlice {
  readonly configurationIds: readonly string[];
  readonly userIds?: readonly string[];
  readonly deviceIds?: readonly string[];
}

/** A complianceStatus member name (`unknown`, `notAssigned`, …). */
export type StatusName = string;

/** What a linked user status carries for targeting. */
export interface UserLink {
  readonly userId: string;
  readonly userPrincipalName: string | null;
  readonly userDisplayName: string | null;
  readonly devicesCount: number;
}

/** What a linked device status carries for targeting. */
export interface DeviceLink {
  readonly deviceId: string;
  readonly userId: string | null;
  readonly applicable: boolean;
  readonly deviceDisplayName: string | null;
  readonly userName: string | null;
  readonly userPrincipalName: string | null;
  readonly deviceModel: string | null;
  readonly platform: number;
}

/** A linked status that is not `notAssigned`: one current target, with its status. */
export type LinkedUserStatus = UserLink & {
  readonly configurationId: string;
  readonly status: StatusName;
  readonly lastReportedDateTime: string;
};
export type LinkedDeviceStatus = DeviceLink & {
  readonly configurationId: string;
  readonly status: StatusName;
  readonly lastReportedDateTime: string;
};

export interface LinkedStatuses {
  readonly users: readonly LinkedUserStatus[];
  readonly devices: readonly LinkedDeviceStatus[];
}

/**
 * One configuration's change of targets (targeting/diff.ts `TargetDiff`). Created statuses start with the status
 * given and `lastReportedDateTime` 0001-01-01 (never reported). A created user status takes over a row of the
 * configuration with the same `userPrincipalName` (compared without case) if there is one, and a created device
 * status a row whose id is the device's id: a status a client or an import made is adopted, never doubled.
 */
export interface TargetChange {
  readonly configurationId: string;
  readonly create: {
    readonly users: readonly (UserLink & { readonly status: StatusName })[];
    readonly devices: readonly (DeviceLink & { readonly status: StatusName })[];
  };
  /** Ids of users and devices no longer targeted: their statuses become `notAssigned` (and stay linked). */
  readonly notAssigned: { readonly users: readonly string[]; readonly devices: readonly string[] };
  /** Carried fields changed; the status stays. */
  readonly update: { readonly users: readonly UserLink[]; readonly devices: readonly DeviceLink[] };
  /** Applicability flipped: the carried fields and the status given. */
  readonly restart: readonly (DeviceLink & { readonly status: StatusName })[];
}

/** A user status aggregated again from its devices' (targeting/aggregate.ts), written over the linked row. */
export interface UserStatusAggregate {
  readonly configurationId: string;
  readonly userId: string;
  readonly status: StatusName;
  readonly devicesCount: number;
  /** Null: keep the stored value. */
  readonly lastReportedDateTime: string | null;
}

/**
 * One tenant's targeting work: reads of the slice a change touches and the write that follows, with no other
 * session of the tenant in between (PostgreSQL: across instances, in one transaction).
 */
export interface TargetingSession extends CheckinSession {
  /** The configurations named, or all of the tenant's, ordered by id. */
  configurations(ids?: readonly string[]): Promise<readonly TargetingConfiguration[]>;
  /** The users named that exist, or all of the tenant's. */
  users(ids?: readonly string[]): Promise<readonly TargetingUser[]>;
  /** The members of the groups named: all of them, or only those among `userIds`. */
  memberships(groupIds: readonly string[], userIds?: readonly string[]): Promise<readonly Membership[]>;
  devices(slice: DeviceSlice): Promise<readonly TargetingDevice[]>;
  linkedStatuses(slice: StatusSlice): Promise<LinkedStatuses>;
  /**
   * Applies the changes and then the aggregates, all at once (one transaction), in a fixed number of statements
   * whatever the number of rows. An aggregate for a user with no targeted status is skipped.
   */
  apply(changes: readonly TargetChange[], aggregates: readonly UserStatusAggregate[]): Promise<void>;
}

// ---- Check-ins (docs/simulation.md#check-ins-in-the-store) ----
// What the check-in simulation reads and writes, set-wise; sim/store-port.ts maps these to the engine's port.

/** A device's place in the check-in schedule, as the simulation computed it. */
export interface DeviceScheduleRecord {
  readonly deviceId: string;
  /** ms in [0, interval). */
  readonly offsetMs: number;
  readonly onlineByDefault: boolean;
}

/** Check-ins in (from, to], epoch ms. */
export interface DueWindow {
  readonly from: number;
  readonly to: number;
  readonly intervalMs: number;
}

export interface ScheduledDevice {
  readonly deviceId: string;
  readonly offsetMs: number;
}

/** A linked device status that is not `notAssigned`, with its configuration's `version`. */
export interface CheckinStatus {
  readonly configurationId: string;
  readonly deviceId: string;
  readonly userId: string | null;
  readonly applicable: boolean;
  readonly status: StatusName;
  readonly version: number;
  readonly lastReportedDateTime: string;
}

export interface CheckinStatuses {
  readonly statuses: readonly CheckinStatus[];
  /** `targetedMobileApps` of every configuration named in `statuses`. */
  readonly targetedApps: ReadonlyMap<string, readonly string[]>;
}

export interface CheckinWrite {
  readonly deviceStatuses: readonly {
    readonly configurationId: string;
    readonly deviceId: string;
    readonly status: StatusName;
    readonly lastReportedDateTime: string;
  }[];
  readonly userStatuses: readonly UserStatusAggregate[];
  readonly deviceSyncs: readonly { readonly deviceId: string; readonly lastSyncDateTime: string }[];
}

/** The check-in simulation's reads and writes of one tenant, inside its targeting session. */
export interface CheckinSession {
  /** Up to `limit` of the tenant's managed devices with no schedule, or one saved under another key, by id. */
  unscheduledDevices(key: string, limit: number): Promise<readonly string[]>;
  /** Saves schedules under `key`, keeping a device's set online value. */
  saveSchedules(key: string, schedules: readonly DeviceScheduleRecord[]): Promise<void>;
  /**
   * The online devices (set value, else default) with a check-in in the window:
   * ⌊(to − offset) / interval⌋ > ⌊(from − offset) / interval⌋, by id.
   */
  dueDevices(window: DueWindow): Promise<readonly ScheduledDevice[]>;
  /**
   * The linked, targeted device statuses of the devices named and of the same users' other devices for the same
   * configurations.
   */
  checkinStatuses(deviceIds: readonly string[]): Promise<CheckinStatuses>;
  /**
   * Writes outcomes (linked statuses that are not `notAssigned`), user aggregates (skipped where the user has no
   * targeted status) and devices' `lastSyncDateTime`, in one transaction; creates nothing.
   */
  applyCheckins(write: CheckinWrite): Promise<void>;
  /**
   * A configuration's new version: its linked, targeted, applicable device statuses become `unknown` again (the
   * caller aggregates the user statuses again).
   */
  pendConfiguration(configurationId: string): Promise<void>;
}

/** The simulation clock as last saved (docs/simulation.md#persistence), epoch ms. */
export interface SimState {
  readonly now: number;
  readonly ranThrough: number;
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

  /** Runs `work` as the tenant's only targeting session until it settles (docs/simulation.md#targeting-in-the-store). */
  targeting<T>(tenant: string, work: (session: TargetingSession) => Promise<T>): Promise<T>;
  /** The tenants that have any configuration (for the reconcile at start). */
  targetingTenants(): Promise<readonly string[]>;

  /** The tenants with any managed device: those the simulation visits. */
  simTenants(): Promise<readonly string[]>;
  /** The tenants holding a managed device of this id, by tenant id. */
  deviceTenants(deviceId: string): Promise<readonly string[]>;
  /** Sets a device on- or offline (null: back to its default); false when the tenant has no such device. */
  setDeviceOnline(tenant: string, deviceId: string, online: boolean | null): Promise<boolean>;
  /** The saved simulation clock, or undefined before the first save. */
  simState(): Promise<SimState | undefined>;
  saveSimState(state: SimState): Promise<void>;

  listSigningKeys(): Promise<SigningKeyRecord[]>;
  insertSigningKey(k: SigningKeyRecord): Promise<void>;
  retireSigningKey(kid: string, at: number): Promise<void>;
  /** A named server secret (e.g. the paging-token key), created once and shared by every instance. */
  secret(name: string, create: () => string): Promise<string>;
}
