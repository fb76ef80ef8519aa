/**
 * Mobile app configurations, their statuses, summaries and assignments, as Graph's CSDL has them
 * (docs/graph-schema.md#user-status, #compliancestatus, #configurations-and-their-children). Property order
 * follows the documented JSON representation.
 */
import type { ComplexTypeDef, EntityTypeDef, EnumTypeDef, PropertyDef } from '../edm.js';
import { BETA, bin, bool, cpx, dto, enm, id, int32, str } from './refs.js';

export const APP_ENUMS: readonly EnumTypeDef[] = [
  {
    name: 'complianceStatus',
    members: [
      { name: 'unknown', value: 0 },
      { name: 'notApplicable', value: 1 },
      { name: 'compliant', value: 2 },
      { name: 'remediated', value: 3 },
      { name: 'nonCompliant', value: 4 },
      { name: 'error', value: 5 },
      { name: 'conflict', value: 6 },
      { name: 'notAssigned', value: 7 },
    ],
  },
  {
    name: 'mdmAppConfigKeyType',
    members: [
      { name: 'stringType', value: 0 },
      { name: 'integerType', value: 1 },
      { name: 'realType', value: 2 },
      { name: 'booleanType', value: 3 },
      { name: 'tokenType', value: 4 },
    ],
  },
  {
    name: 'deviceAndAppManagementAssignmentFilterType',
    versions: BETA,
    members: [
      { name: 'none', value: 0 },
      { name: 'include', value: 1 },
      { name: 'exclude', value: 2 },
    ],
  },
  {
    name: 'androidPermissionActionType',
    versions: BETA,
    members: [
      { name: 'prompt', value: 0 },
      { name: 'autoGrant', value: 1 },
      { name: 'autoDeny', value: 2 },
    ],
  },
  {
    name: 'androidProfileApplicability',
    versions: BETA,
    members: [
      { name: 'default', value: 0 },
      { name: 'androidWorkProfile', value: 1 },
      { name: 'androidDeviceOwner', value: 2 },
    ],
  },
  {
    name: 'androidAppCredentialProviderRoleState',
    versions: BETA,
    members: [
      { name: 'notConfigured', value: 0 },
      { name: 'allowed', value: 1 },
      { name: 'unknownFutureValue', value: 2 },
    ],
  },
];

export const APP_COMPLEX_TYPES: readonly ComplexTypeDef[] = [
  {
    name: 'appConfigurationSettingItem',
    description: 'Contains properties for App configuration setting item.',
    properties: [
      { name: 'appConfigKey', type: str, nullable: false, description: 'app configuration key.' },
      {
        name: 'appConfigKeyType',
        type: enm('mdmAppConfigKeyType'),
        nullable: false,
        description: 'app configuration key type.',
      },
      { name: 'appConfigKeyValue', type: str, nullable: false, description: 'app configuration key value.' },
    ],
  },
  {
    name: 'deviceAndAppManagementAssignmentTarget',
    abstract: true,
    description: 'Base type for assignment targets.',
    properties: [
      { name: 'deviceAndAppManagementAssignmentFilterId', type: str, versions: BETA },
      {
        name: 'deviceAndAppManagementAssignmentFilterType',
        type: enm('deviceAndAppManagementAssignmentFilterType'),
        nullable: false,
        versions: BETA,
      },
    ],
  },
  { name: 'allDevicesAssignmentTarget', baseType: 'deviceAndAppManagementAssignmentTarget', properties: [] },
  { name: 'allLicensedUsersAssignmentTarget', baseType: 'deviceAndAppManagementAssignmentTarget', properties: [] },
  {
    name: 'groupAssignmentTarget',
    baseType: 'deviceAndAppManagementAssignmentTarget',
    properties: [{ name: 'groupId', type: str, description: 'The group Id that is the target of the assignment.' }],
  },
  { name: 'exclusionGroupAssignmentTarget', baseType: 'groupAssignmentTarget', properties: [] },
  {
    name: 'configurationManagerCollectionAssignmentTarget',
    baseType: 'deviceAndAppManagementAssignmentTarget',
    properties: [
      { name: 'collectionId', type: str, description: 'The collection Id that is the target of the assignment.' },
    ],
  },
  {
    name: 'androidPermissionAction',
    versions: BETA,
    description:
      'Mapping between an Android app permission and the action Android should take when that permission is requested.',
    properties: [
      {
        name: 'permission',
        type: str,
        description:
          "Android permission string, defined in the official Android documentation. Example 'android.permission.READ_CONTACTS'.",
      },
      {
        name: 'action',
        type: enm('androidPermissionActionType'),
        nullable: false,
        description: 'Type of Android permission action.',
      },
    ],
  },
];

const androidCommon = (flavour: string): PropertyDef[] => [
  { name: 'packageId', type: str, description: `${flavour} app configuration package id.` },
  { name: 'payloadJson', type: str, description: `${flavour} app configuration JSON payload.` },
  {
    name: 'permissionActions',
    type: cpx('androidPermissionAction'),
    collection: true,
    description: 'List of Android app permissions and corresponding permission actions.',
  },
  {
    name: 'profileApplicability',
    type: enm('androidProfileApplicability'),
    nullable: false,
    description:
      'Android Enterprise profile applicability (AndroidWorkProfile, DeviceOwner, or default (applies to both)).',
  },
  {
    name: 'connectedAppsEnabled',
    type: bool,
    nullable: false,
    description: 'Setting to specify whether to allow ConnectedApps experience for this app.',
  },
  {
    name: 'credentialProviderRoleState',
    type: enm('androidAppCredentialProviderRoleState'),
    nullable: false,
    description: 'The credential provider role state of the app.',
  },
];

export const APP_ENTITY_TYPES: readonly EntityTypeDef[] = [
  {
    name: 'managedDeviceMobileAppConfiguration',
    abstract: true,
    description: 'An abstract class for Mobile app configuration for enrolled devices.',
    properties: [
      id,
      { name: 'targetedMobileApps', type: str, collection: true, description: 'the associated app.' },
      {
        name: 'roleScopeTagIds',
        type: str,
        collection: true,
        versions: BETA,
        description: 'List of Scope Tags for this App configuration entity.',
      },
      {
        name: 'createdDateTime',
        type: dto,
        nullable: false,
        serverManaged: true,
        description: 'DateTime the object was created.',
      },
      { name: 'description', type: str, description: 'Admin provided description of the Device Configuration.' },
      {
        name: 'lastModifiedDateTime',
        type: dto,
        nullable: false,
        serverManaged: true,
        description: 'DateTime the object was last modified.',
      },
      {
        name: 'displayName',
        type: str,
        nullable: false,
        description: 'Admin provided name of the device configuration.',
      },
      {
        name: 'version',
        type: int32,
        nullable: false,
        serverManaged: true,
        description: 'Version of the device configuration.',
      },
    ],
    navigations: [
      {
        name: 'assignments',
        target: 'managedDeviceMobileAppConfigurationAssignment',
        collection: true,
        description: 'The list of group assignemenets for app configration.',
      },
      {
        name: 'deviceStatuses',
        target: 'managedDeviceMobileAppConfigurationDeviceStatus',
        collection: true,
        description: 'List of ManagedDeviceMobileAppConfigurationDeviceStatus.',
      },
      {
        name: 'deviceStatusSummary',
        target: 'managedDeviceMobileAppConfigurationDeviceSummary',
        collection: false,
        description: 'App configuration device status summary.',
      },
      {
        name: 'userStatuses',
        target: 'managedDeviceMobileAppConfigurationUserStatus',
        collection: true,
        description: 'List of ManagedDeviceMobileAppConfigurationUserStatus.',
      },
      {
        name: 'userStatusSummary',
        target: 'managedDeviceMobileAppConfigurationUserSummary',
        collection: false,
        description: 'App configuration user status summary.',
      },
    ],
  },
  {
    name: 'iosMobileAppConfiguration',
    baseType: 'managedDeviceMobileAppConfiguration',
    description: 'Contains properties, inherited properties and actions for iOS mobile app configurations.',
    properties: [
      { name: 'encodedSettingXml', type: bin, description: 'mdm app configuration Base64 binary.' },
      {
        name: 'settings',
        type: cpx('appConfigurationSettingItem'),
        collection: true,
        description: 'app configuration setting items.',
      },
    ],
  },
  {
    name: 'androidManagedStoreAppConfiguration',
    baseType: 'managedDeviceMobileAppConfiguration',
    versions: BETA,
    description:
      'Contains properties, inherited properties and actions for Android Enterprise mobile app configurations.',
    properties: [
      ...androidCommon('Android Enterprise'),
      {
        name: 'appSupportsOemConfig',
        type: bool,
        nullable: false,
        description: 'Whether or not this AppConfig is an OEMConfig policy.',
      },
    ],
  },
  {
    name: 'androidForWorkMobileAppConfiguration',
    baseType: 'managedDeviceMobileAppConfiguration',
    versions: BETA,
    description:
      'Contains properties, inherited properties and actions for Android For Work (AFW) mobile app configurations.',
    properties: androidCommon('Android For Work'),
  },
  {
    name: 'managedDeviceMobileAppConfigurationUserStatus',
    description:
      'Contains properties, inherited properties and actions for an MDM mobile app configuration status for a user.',
    properties: [
      id,
      { name: 'userDisplayName', type: str, description: 'User name of the DevicePolicyStatus.' },
      { name: 'devicesCount', type: int32, nullable: false, description: 'Devices count for that user.' },
      {
        name: 'status',
        type: enm('complianceStatus'),
        nullable: false,
        description: 'Compliance status of the policy report.',
      },
      {
        name: 'lastReportedDateTime',
        type: dto,
        nullable: false,
        description: 'Last modified date time of the policy report.',
      },
      { name: 'userPrincipalName', type: str, description: 'UserPrincipalName.' },
    ],
  },
  {
    name: 'managedDeviceMobileAppConfigurationDeviceStatus',
    description:
      'Contains properties, inherited properties and actions for an MDM mobile app configuration status for a device.',
    properties: [
      id,
      { name: 'deviceDisplayName', type: str, description: 'Device name of the DevicePolicyStatus.' },
      { name: 'userName', type: str, description: 'The User Name that is being reported' },
      { name: 'deviceModel', type: str, description: 'The device model that is being reported' },
      {
        name: 'platform',
        type: int32,
        nullable: false,
        versions: BETA,
        description: 'Platform of the device that is being reported',
      },
      {
        name: 'complianceGracePeriodExpirationDateTime',
        type: dto,
        nullable: false,
        description: 'The DateTime when device compliance grace period expires',
      },
      {
        name: 'status',
        type: enm('complianceStatus'),
        nullable: false,
        description: 'Compliance status of the policy report.',
      },
      {
        name: 'lastReportedDateTime',
        type: dto,
        nullable: false,
        description: 'Last modified date time of the policy report.',
      },
      { name: 'userPrincipalName', type: str, description: 'UserPrincipalName.' },
    ],
  },
  {
    name: 'managedDeviceMobileAppConfigurationUserSummary',
    description:
      'Contains properties, inherited properties and actions for an MDM mobile app configuration user status summary.',
    properties: [
      id,
      { name: 'pendingCount', type: int32, nullable: false, description: 'Number of pending Users' },
      { name: 'notApplicableCount', type: int32, nullable: false, description: 'Number of not applicable users' },
      { name: 'successCount', type: int32, nullable: false, description: 'Number of succeeded Users' },
      { name: 'errorCount', type: int32, nullable: false, description: 'Number of error Users' },
      { name: 'failedCount', type: int32, nullable: false, description: 'Number of failed Users' },
      {
        name: 'conflictCount',
        type: int32,
        nullable: false,
        versions: BETA,
        description: 'Number of users in conflict',
      },
      { name: 'lastUpdateDateTime', type: dto, nullable: false, description: 'Last update time' },
      {
        name: 'configurationVersion',
        type: int32,
        nullable: false,
        description: 'Version of the policy for that overview',
      },
    ],
  },
  {
    name: 'managedDeviceMobileAppConfigurationDeviceSummary',
    description:
      'Contains properties, inherited properties and actions for an MDM mobile app configuration device status summary.',
    properties: [
      id,
      { name: 'pendingCount', type: int32, nullable: false, description: 'Number of pending devices' },
      { name: 'notApplicableCount', type: int32, nullable: false, description: 'Number of not applicable devices' },
      {
        name: 'notApplicablePlatformCount',
        type: int32,
        nullable: false,
        versions: BETA,
        description: 'Number of not applicable devices due to mismatch platform and policy',
      },
      { name: 'successCount', type: int32, nullable: false, description: 'Number of succeeded devices' },
      { name: 'errorCount', type: int32, nullable: false, description: 'Number of error devices' },
      { name: 'failedCount', type: int32, nullable: false, description: 'Number of failed devices' },
      {
        name: 'conflictCount',
        type: int32,
        nullable: false,
        versions: BETA,
        description: 'Number of devices in conflict',
      },
      { name: 'lastUpdateDateTime', type: dto, nullable: false, description: 'Last update time' },
      {
        name: 'configurationVersion',
        type: int32,
        nullable: false,
        description: 'Version of the policy for that overview',
      },
    ],
  },
  {
    name: 'managedDeviceMobileAppConfigurationAssignment',
    description: 'Contains the properties used to assign an MDM app configuration to a group.',
    properties: [
      id,
      {
        name: 'target',
        type: cpx('deviceAndAppManagementAssignmentTarget'),
        description: 'Assignment target that the T&C policy is assigned to.',
      },
    ],
  },
];
