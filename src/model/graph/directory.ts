/**
 * The directory as Graph's CSDL has it: users and groups (directory objects) and Intune's managed devices, a
 * documented subset of each type's properties (docs/graph-schema.md#the-directory).
 */
import type { ComplexTypeDef, EntityTypeDef, EnumTypeDef } from '../edm.js';
import { BETA, bool, cpx, dto, enm, id, str, V1 } from './refs.js';

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

export const DIRECTORY_ENUMS: readonly EnumTypeDef[] = [
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
];

export const DIRECTORY_COMPLEX_TYPES: readonly ComplexTypeDef[] = [
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
];

export const DIRECTORY_ENTITY_TYPES: readonly EntityTypeDef[] = [
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
