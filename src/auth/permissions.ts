/**
 * Permission decisions: which Graph permissions allow which operation on which kind of resource
 * (docs/api.md#identity-and-tenants). Delegated tokens carry them in `scp`, application tokens in `roles`; the
 * verifier has already put either into `principal.permissions`. Each set names its kind (`EntitySet.access`).
 */
import type { Access } from '../model/resources.js';
import { ApiError } from '../util/errors.js';
import type { Principal } from './principal.js';

export type Operation = 'read' | 'write';

export const WRITE_PERMISSIONS: readonly string[] = Object.freeze([
  'DeviceManagementApps.ReadWrite.All',
  'DeviceManagementConfiguration.ReadWrite.All',
]);

export const READ_PERMISSIONS: readonly string[] = Object.freeze([
  'DeviceManagementApps.Read.All',
  'DeviceManagementApps.ReadWrite.All',
  'DeviceManagementConfiguration.Read.All',
  'DeviceManagementConfiguration.ReadWrite.All',
]);

/** Any one of a list allows the operation; the lists follow Graph's permission tables for each API. */
const PERMISSIONS: Readonly<Record<Access, Readonly<Record<Operation, readonly string[]>>>> = {
  deviceAppManagement: { read: READ_PERMISSIONS, write: WRITE_PERMISSIONS },
  users: {
    read: ['User.Read.All', 'User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
    write: ['User.ReadWrite.All', 'Directory.ReadWrite.All'],
  },
  groups: {
    read: ['Group.Read.All', 'Group.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
    write: ['Group.ReadWrite.All', 'Directory.ReadWrite.All'],
  },
  groupMembers: {
    read: [
      'GroupMember.Read.All',
      'GroupMember.ReadWrite.All',
      'Group.Read.All',
      'Group.ReadWrite.All',
      'Directory.Read.All',
      'Directory.ReadWrite.All',
    ],
    write: ['GroupMember.ReadWrite.All', 'Group.ReadWrite.All', 'Directory.ReadWrite.All'],
  },
  managedDevices: {
    read: ['DeviceManagementManagedDevices.Read.All', 'DeviceManagementManagedDevices.ReadWrite.All'],
    write: ['DeviceManagementManagedDevices.ReadWrite.All'],
  },
};

/** The permissions any one of which allows `op` on `access`. */
export const permissionsFor = (op: Operation, access: Access = 'deviceAppManagement'): readonly string[] =>
  PERMISSIONS[access][op];

/** Every permission that allows reading and writing everything served: what local tokens carry by default. */
export const FULL_ACCESS: readonly string[] = Object.freeze([
  'DeviceManagementApps.ReadWrite.All',
  'User.ReadWrite.All',
  'Group.ReadWrite.All',
  'DeviceManagementManagedDevices.ReadWrite.All',
]);

export function isAllowed(principal: Principal, op: Operation, access: Access = 'deviceAppManagement'): boolean {
  const needed = permissionsFor(op, access);
  for (let i = 0; i < needed.length; i++) if (principal.permissions.has(needed[i] as string)) return true;
  return false;
}

/** Throws 403 `Forbidden`, naming the permissions that would do, unless the principal may perform `op`. */
export function authorize(principal: Principal, op: Operation, access: Access = 'deviceAppManagement'): void {
  if (isAllowed(principal, op, access)) return;
  const kind = principal.kind === 'delegated' ? 'delegated permissions (scp)' : 'application permissions (roles)';
  const has = principal.permissions.size === 0 ? 'none' : [...principal.permissions].join(', ');
  throw new ApiError(
    'Forbidden',
    `Application is not authorized to perform this operation. To ${op} it needs one of these ${kind}: ` +
      `${permissionsFor(op, access).join(', ')}. The token has: ${has}.`,
  );
}
