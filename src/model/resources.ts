/**
 * The resource surface: which entity sets exist, where they hang in the URL tree and which entity type they
 * hold. Adding a sibling collection is an entry here plus its type in `graph.ts`.
 */

/** The singleton the configurations hang under (`/deviceAppManagement/mobileAppConfigurations`). */
export const ROOT_SINGLETON = 'deviceAppManagement';

/** Actions bound to an entity (`…/mobileAppConfigurations/{id}/assign`). */
export type ActionName = 'assign';

export type SetName = 'configurations' | 'userStatuses' | 'deviceStatuses' | 'assignments';

export interface EntitySet {
  readonly name: SetName;
  /** The URL segment (navigation property name). */
  readonly segment: string;
  readonly entityType: string;
  /** Contained under a configuration (`…/mobileAppConfigurations/{id}/<segment>`). */
  readonly contained: boolean;
  /**
   * A set that is not contained is reached through this singleton (`/deviceAppManagement/<segment>`), or from
   * the service root (`/<segment>`) when there is none.
   */
  readonly singleton?: string;
  /** The actions bound to the set's entities. */
  readonly actions?: readonly ActionName[];
  /** The property matched case-insensitively by the key-less upsert PATCH (the seed endpoint), if any. */
  readonly principalKey?: 'userPrincipalName';
  /** Properties `$search` looks in. */
  readonly searchable: readonly string[];
}

export const ENTITY_SETS: Readonly<Record<SetName, EntitySet>> = {
  configurations: {
    name: 'configurations',
    segment: 'mobileAppConfigurations',
    entityType: 'managedDeviceMobileAppConfiguration',
    contained: false,
    singleton: ROOT_SINGLETON,
    actions: ['assign'],
    searchable: ['displayName', 'description'],
  },
  userStatuses: {
    name: 'userStatuses',
    segment: 'userStatuses',
    entityType: 'managedDeviceMobileAppConfigurationUserStatus',
    contained: true,
    principalKey: 'userPrincipalName',
    searchable: ['userDisplayName', 'userPrincipalName'],
  },
  deviceStatuses: {
    name: 'deviceStatuses',
    segment: 'deviceStatuses',
    entityType: 'managedDeviceMobileAppConfigurationDeviceStatus',
    contained: true,
    searchable: ['deviceDisplayName', 'userName', 'userPrincipalName'],
  },
  assignments: {
    name: 'assignments',
    segment: 'assignments',
    entityType: 'managedDeviceMobileAppConfigurationAssignment',
    contained: true,
    searchable: [],
  },
};

export type SummaryName = 'userStatusSummary' | 'deviceStatusSummary';

export interface SummaryDef {
  readonly name: SummaryName;
  readonly entityType: string;
  /** The statuses it is computed from. */
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

export const CONTAINED_SETS: readonly EntitySet[] = Object.values(ENTITY_SETS).filter((s) => s.contained);
