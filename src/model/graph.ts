/**
 * The Microsoft Graph schema served, as data. Names, types, nullability and descriptions are copied from
 * the Graph CSDL (msgraph-metadata `schemas/v1.0-Prod.csdl` and `beta-Prod.csdl`); see
 * docs/graph-schema.md#user-status, #compliancestatus, #configurations-and-their-children, and #the-directory for the
 * users, groups and managed devices (a documented subset of each type's properties). Property order follows the
 * documented JSON representation.
 */
import type { ComplexTypeDef, EntityTypeDef, EnumTypeDef, PropertyDef, TypeRef } from './edm.js';

const str: TypeRef = { kind: 'primitive', name: 'Edm.String' };
const int32: TypeRef = { kind: 'primitive', name: 'Edm.Int32' };
const bool: TypeRef = { kind: 'primitive', name: 'Edm.Boolean' };
const dto: TypeRef = { kind: 'primitive', name: 'Edm.DateTimeOffset' };
const bin: TypeRef = { kind: 'primitive', name: 'Edm.Binary' };
const enm = (name: string): TypeRef => ({ kind: 'enum', name });
const cpx = (name: string): TypeRef => ({ kind: 'complex', name });
const BETA = ['beta'] as const;
const V1 = ['v1.0'] as const;

const id: PropertyDef = { name: 'id', type: str, nullable: false, description: 'Key of the entity.' };

/** managementAgentType's members in both versions; beta adds three (docs/graph-schema.md#the-directory). */
const MANAGEMENT_AGENTS = [
  { name: 'eas', value: 1 },
  { name: 'mdm', value: 2 },
  { name: 'easMdm', value: 3 },
  { name: 'intuneClient', value: 4 },
  { name: 'easIntuneClient', value: 5 },
  { name: 'configurationManagerClient', value: 8 },
  { name: 'configurationManagerClientMdm', value: 10 },
  { name: 'configurationManagerClientMdmEas', value: 11 },
  { name: 'unknown', value: 16 },
  { name: 'jamf', value: 32 },
  { name: 'googleCloudDevicePolicyController', value: 64 },
  { name: 'microsoft365ManagedMdm', value: 258 },
  { name: 'msSense', value: 1024 },
];

export const ENUMS: readonly EnumTypeDef[] = [
  {
    name: 'complianceState',
    members: [
      { name: 'unknown', value: 0 },
      { name: 'compliant', value: 1 },
      { name: 'noncompliant', value: 2 },
      { name: 'conflict', value: 3 },
      { name: 'error', value: 4 },
      { name: 'inGracePeriod', value: 254 },
      { name: 'configManager', value: 255 },
    ],
  },
  { name: 'managementAgentType', versions: V1, members: MANAGEMENT_AGENTS },
  {
    name: 'managementAgentType',
    versions: BETA,
    members: [
      ...MANAGEMENT_AGENTS,
      { name: 'intuneAosp', value: 2048 },
      { name: 'google', value: 8192 },
      { name: 'unknownFutureValue', value: 8193 },
    ],
  },
  {
    name: 'managedDeviceOwnerType',
    members: [
      { name: 'unknown', value: 0 },
      { name: 'company', value: 1 },
      { name: 'personal', value: 2 },
      { name: 'unknownFutureValue', value: 3 },
    ],
  },
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

export const COMPLEX_TYPES: readonly ComplexTypeDef[] = [
  {
    name: 'passwordProfile',
    description: 'Contains the password profile associated with a user.',
    properties: [
      {
        name: 'forceChangePasswordNextSignIn',
        type: bool,
        description: 'true if the user must change their password on the next sign-in; otherwise false.',
      },
      {
        name: 'forceChangePasswordNextSignInWithMfa',
        type: bool,
        description:
          'If true, at next sign-in, the user must perform a multifactor authentication before changing the password.',
      },
      { name: 'password', type: str, description: 'The password for the user.' },
    ],
  },
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

export const ENTITY_TYPES: readonly EntityTypeDef[] = [
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
  // ---- The directory (docs/graph-schema.md#the-directory) ----
  {
    name: 'directoryObject',
    description: 'Represents a Microsoft Entra object. The base type of users and groups.',
    properties: [id],
  },
  {
    name: 'user',
    baseType: 'directoryObject',
    description: 'Represents a Microsoft Entra user account.',
    properties: [
      {
        name: 'businessPhones',
        type: str,
        collection: true,
        nullable: false,
        description: 'The telephone numbers for the user.',
      },
      {
        name: 'displayName',
        type: str,
        requiredOnCreate: true,
        description: 'The name displayed in the address book for the user.',
      },
      { name: 'givenName', type: str, description: 'The given name (first name) of the user.' },
      { name: 'jobTitle', type: str, description: "The user's job title." },
      { name: 'mail', type: str, description: 'The SMTP address for the user.' },
      { name: 'mobilePhone', type: str, description: 'The primary cellular telephone number for the user.' },
      { name: 'officeLocation', type: str, description: "The office location in the user's place of business." },
      { name: 'preferredLanguage', type: str, description: 'The preferred language for the user (ISO 639-1 code).' },
      { name: 'surname', type: str, description: "The user's surname (family name or last name)." },
      {
        name: 'userPrincipalName',
        type: str,
        requiredOnCreate: true,
        description: 'The user principal name (UPN) of the user, unique in the tenant.',
      },
      {
        name: 'accountEnabled',
        type: bool,
        requiredOnCreate: true,
        description: 'true if the account is enabled; otherwise, false.',
      },
      {
        name: 'createdDateTime',
        type: dto,
        serverManaged: true,
        description: 'The date and time the user was created. Read-only.',
      },
      { name: 'department', type: str, description: 'The name of the department in which the user works.' },
      {
        name: 'mailNickname',
        type: str,
        requiredOnCreate: true,
        description: 'The mail alias for the user.',
      },
      {
        name: 'passwordProfile',
        type: cpx('passwordProfile'),
        requiredOnCreate: true,
        writeOnly: true,
        description: 'The password profile for the user. Write-only: reads return null.',
      },
      {
        name: 'usageLocation',
        type: str,
        description: 'A two-letter country code (ISO 3166), required for users assigned licenses.',
      },
    ],
  },
  {
    name: 'group',
    baseType: 'directoryObject',
    description: 'Represents a Microsoft Entra group.',
    properties: [
      {
        name: 'createdDateTime',
        type: dto,
        serverManaged: true,
        description: 'Timestamp of when the group was created. Read-only.',
      },
      { name: 'description', type: str, description: 'An optional description for the group.' },
      {
        name: 'displayName',
        type: str,
        requiredOnCreate: true,
        description: 'The display name for the group.',
      },
      {
        name: 'groupTypes',
        type: str,
        collection: true,
        nullable: false,
        description: "Specifies the group type: 'Unified' for a Microsoft 365 group, empty for a security group.",
      },
      { name: 'mail', type: str, description: 'The SMTP address for the group.' },
      {
        name: 'mailEnabled',
        type: bool,
        requiredOnCreate: true,
        description: 'Specifies whether the group is mail-enabled.',
      },
      {
        name: 'mailNickname',
        type: str,
        requiredOnCreate: true,
        description: 'The mail alias for the group, unique for Microsoft 365 groups in the organization.',
      },
      {
        name: 'securityEnabled',
        type: bool,
        requiredOnCreate: true,
        description: 'Specifies whether the group is a security group.',
      },
    ],
    navigations: [
      {
        name: 'members',
        target: 'directoryObject',
        collection: true,
        reference: true,
        description: 'Direct members of this group: users (docs/api.md#group-membership).',
      },
    ],
  },
  {
    name: 'managedDevice',
    description: 'Devices that are managed or pre-enrolled through Intune.',
    properties: [
      id,
      { name: 'userId', type: str, description: 'Unique Identifier for the user associated with the device.' },
      { name: 'deviceName', type: str, description: 'Name of the device.' },
      {
        name: 'managedDeviceOwnerType',
        type: enm('managedDeviceOwnerType'),
        nullable: false,
        description: 'Ownership of the device: company or personal.',
      },
      {
        name: 'enrolledDateTime',
        type: dto,
        nullable: false,
        description: 'Enrollment time of the device.',
      },
      {
        name: 'lastSyncDateTime',
        type: dto,
        nullable: false,
        description: 'The date and time the device last completed a sync with Intune.',
      },
      { name: 'operatingSystem', type: str, description: 'Operating system of the device: Windows, iOS, etc.' },
      {
        name: 'complianceState',
        type: enm('complianceState'),
        nullable: false,
        description: 'Compliance state of the device.',
      },
      {
        name: 'managementAgent',
        type: enm('managementAgentType'),
        nullable: false,
        description: 'Management channel of the device: Intune, EAS, etc.',
      },
      { name: 'osVersion', type: str, description: 'Operating system version of the device.' },
      { name: 'azureADDeviceId', type: str, description: 'The unique identifier for the Microsoft Entra device.' },
      { name: 'model', type: str, description: 'Model of the device.' },
      { name: 'manufacturer', type: str, description: 'Manufacturer of the device.' },
      { name: 'serialNumber', type: str, description: 'Serial number of the device.' },
      { name: 'userPrincipalName', type: str, description: 'Device user principal name.' },
      { name: 'userDisplayName', type: str, description: 'User display name.' },
    ],
  },
];
