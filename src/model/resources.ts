/**
 * The resource surface: which entity sets exist, where they hang in the URL tree and which entity type they
 * hold. This is the one place that says which set contains which: a set names its `container` (or, when it is
 * top-level, the singleton it hangs under), and everything else — tables, paths, context URLs, OpenAPI, the
 * navigation segments after a key — is derived from that. Adding a sibling collection is an entry here plus its
 * type in `graph.ts`.
 */

/** Actions bound to an entity (`…/mobileAppConfigurations/{id}/assign`). */
export type ActionName = 'assign';

export type SetName =
  | 'configurations'
  | 'userStatuses'
  | 'deviceStatuses'
  | 'assignments'
  | 'users'
  | 'groups'
  | 'managedDevices';

/**
 * What one status of a set reports on: a directory user or a managed device. Targeting creates and keeps such
 * statuses for the users and devices a configuration targets (docs/simulation.md#targeting-in-the-store).
 */
export type StatusSubject = 'user' | 'device';

/** Where the subjects of statuses live: the directory's users, Intune's managed devices (with their user). */
export const SUBJECTS: Readonly<Record<StatusSubject, { readonly set: SetName; readonly userProperty?: string }>> = {
  user: { set: 'users' },
  device: { set: 'managedDevices', userProperty: 'userId' },
};

/** Which permissions guard a set (src/auth/permissions.ts holds the permissions of each). */
export type Access = 'deviceAppManagement' | 'users' | 'groups' | 'groupMembers' | 'managedDevices';

interface EntitySetDef {
  readonly name: SetName;
  /** The URL segment (navigation property name). */
  readonly segment: string;
  readonly entityType: string;
  /** The set whose entities this one hangs under (`…/{containerId}/<segment>`); absent for a top-level set. */
  readonly container?: SetName;
  /**
   * A top-level set is reached through this singleton (`/deviceAppManagement/<segment>`), or from the service root
   * (`/<segment>`) when there is none.
   */
  readonly singleton?: string;
  /** The actions bound to the set's entities. */
  readonly actions?: readonly ActionName[];
  /** A property unique (case-insensitively) within the scope, kept folded: a second holder is a conflict. */
  readonly principalKey?: 'userPrincipalName';
  /** The key-less upsert PATCH on the collection (the seed endpoint) matches by `principalKey`. */
  readonly upsertByPrincipal?: boolean;
  /**
   * The set's entities are statuses of the configuration for one user or device each: targeting keeps them in step
   * with assignments and the directory, linked to their subject by internal columns that are no Graph property.
   */
  readonly targets?: StatusSubject;
  /** Entra ID directory objects: Graph's directory conventions apply (docs/api.md#the-directory). */
  readonly directory?: boolean;
  readonly access: Access;
  /** Properties `$search` looks in. */
  readonly searchable: readonly string[];
  /** What the set's navigation property says of it (in `$metadata`). */
  readonly description?: string;
}

export interface EntitySet extends EntitySetDef {
  /** Whether the set hangs under another set's entities (derived from `container`). */
  readonly contained: boolean;
}

const DEFS: readonly EntitySetDef[] = [
  {
    name: 'configurations',
    segment: 'mobileAppConfigurations',
    entityType: 'managedDeviceMobileAppConfiguration',
    singleton: 'deviceAppManagement',
    actions: ['assign'],
    access: 'deviceAppManagement',
    searchable: ['displayName', 'description'],
    description: 'The Managed Device Mobile Application Configurations.',
  },
  {
    name: 'userStatuses',
    segment: 'userStatuses',
    entityType: 'managedDeviceMobileAppConfigurationUserStatus',
    container: 'configurations',
    principalKey: 'userPrincipalName',
    upsertByPrincipal: true,
    targets: 'user',
    access: 'deviceAppManagement',
    searchable: ['userDisplayName', 'userPrincipalName'],
  },
  {
    name: 'deviceStatuses',
    segment: 'deviceStatuses',
    entityType: 'managedDeviceMobileAppConfigurationDeviceStatus',
    container: 'configurations',
    targets: 'device',
    access: 'deviceAppManagement',
    searchable: ['deviceDisplayName', 'userName', 'userPrincipalName'],
  },
  {
    name: 'assignments',
    segment: 'assignments',
    entityType: 'managedDeviceMobileAppConfigurationAssignment',
    container: 'configurations',
    access: 'deviceAppManagement',
    searchable: [],
  },
  {
    name: 'users',
    segment: 'users',
    entityType: 'user',
    principalKey: 'userPrincipalName',
    directory: true,
    access: 'users',
    searchable: ['displayName', 'givenName', 'surname', 'mail', 'userPrincipalName', 'jobTitle', 'department'],
  },
  {
    name: 'groups',
    segment: 'groups',
    entityType: 'group',
    directory: true,
    access: 'groups',
    searchable: ['displayName', 'description', 'mail', 'mailNickname'],
  },
  {
    name: 'managedDevices',
    segment: 'managedDevices',
    entityType: 'managedDevice',
    singleton: 'deviceManagement',
    access: 'managedDevices',
    searchable: ['deviceName', 'userDisplayName', 'userPrincipalName', 'serialNumber'],
    description: 'The list of managed devices.',
  },
];

export const ENTITY_SETS: Readonly<Record<SetName, EntitySet>> = Object.fromEntries(
  DEFS.map((d) => [d.name, { ...d, contained: d.container !== undefined }]),
) as Record<SetName, EntitySet>;

export type SummaryName = 'userStatusSummary' | 'deviceStatusSummary';

export interface SummaryDef {
  readonly name: SummaryName;
  readonly entityType: string;
  /** The statuses it is computed from (contained in the same set as the summary). */
  readonly source: SetName;
}

export const SUMMARIES: Readonly<Record<SummaryName, SummaryDef>> = {
  userStatusSummary: {
    name: 'userStatusSummary',
    entityType: 'managedDeviceMobileAppConfigurationUserSummary',
    source: 'userStatuses',
  },
  deviceStatusSummary: {
    name: 'deviceStatusSummary',
    entityType: 'managedDeviceMobileAppConfigurationDeviceSummary',
    source: 'deviceStatuses',
  },
};

/** The set `set` hangs under, or undefined for a top-level set. */
export const containerOf = (set: EntitySet): EntitySet | undefined =>
  set.container === undefined ? undefined : ENTITY_SETS[set.container];

/** The set a summary hangs under: the container of the statuses it is computed from. */
export const summaryContainer = (s: SummaryDef): EntitySet => containerOf(ENTITY_SETS[s.source])!;

export const TOP_LEVEL_SETS: readonly EntitySet[] = Object.values(ENTITY_SETS).filter((s) => !s.contained);
export const CONTAINED_SETS: readonly EntitySet[] = Object.values(ENTITY_SETS).filter((s) => s.contained);

/** The sets contained in `set`'s entities. */
export const setsUnder = (set: EntitySet): readonly EntitySet[] =>
  CONTAINED_SETS.filter((s) => s.container === set.name);

/** The singletons that top-level sets hang under, each with its sets. */
export const SINGLETONS: ReadonlyMap<string, readonly EntitySet[]> = (() => {
  const out = new Map<string, EntitySet[]>();
  for (const s of TOP_LEVEL_SETS) {
    if (s.singleton === undefined) continue;
    if (!out.has(s.singleton)) out.set(s.singleton, []);
    out.get(s.singleton)!.push(s);
  }
  return out;
})();

/** What a navigation of a set's entities leads to: a contained set, or a computed summary. */
export type NavigationTarget =
  | { readonly kind: 'set'; readonly set: EntitySet }
  | { readonly kind: 'summary'; readonly summary: SummaryDef };

/** The contained set or summary that the navigation `name` of `set`'s entities leads to (exact name). */
export function navigationTarget(set: EntitySet, name: string): NavigationTarget | undefined {
  const contained = CONTAINED_SETS.find((s) => s.container === set.name && s.segment === name);
  if (contained) return { kind: 'set', set: contained };
  const summary = Object.values(SUMMARIES).find((s) => s.name === name && summaryContainer(s) === set);
  return summary ? { kind: 'summary', summary } : undefined;
}

/** The set whose entities the action is bound to. */
export const actionSet = (action: ActionName): EntitySet =>
  Object.values(ENTITY_SETS).find((s) => s.actions?.includes(action))!;

/** The path of a top-level set from the service root, as segments: `['deviceAppManagement', 'mobileAppConfigurations']`. */
export const topLevelSegments = (set: EntitySet): readonly string[] =>
  set.singleton === undefined ? [set.segment] : [set.singleton, set.segment];

/**
 * Reference navigations: a set's entities linking to entities of another set, stored as pairs
 * (`/groups/{id}/members`, added and removed through `$ref`). The linked entities live in their own set.
 */
export type LinkName = 'members';

export interface LinkDef {
  readonly name: LinkName;
  /** The navigation property (URL segment) on the owner's type. */
  readonly segment: string;
  readonly owner: SetName;
  readonly member: SetName;
  readonly access: Access;
}

export const LINKS: Readonly<Record<LinkName, LinkDef>> = {
  members: { name: 'members', segment: 'members', owner: 'groups', member: 'users', access: 'groupMembers' },
};

/** The link that the navigation `name` of `set`'s entities is, if any. */
export const linkOf = (set: EntitySet, name: string): LinkDef | undefined =>
  Object.values(LINKS).find((l) => l.owner === set.name && l.segment === name);
