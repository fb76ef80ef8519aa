/**
 * Permission decisions: which Graph permissions allow which operation. Delegated tokens carry them in
 * `scp`, application tokens in `roles`; the verifier has already put either into `principal.permissions`.
 */
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

/** The permissions any one of which allows `op`. */
export const permissionsFor = (op: Operation): readonly string[] =>
  op === 'write' ? WRITE_PERMISSIONS : READ_PERMISSIONS;

export function isAllowed(principal: Principal, op: Operation): boolean {
  const needed = permissionsFor(op);
  for (let i = 0; i < needed.length; i++) if (principal.permissions.has(needed[i] as string)) return true;
  return false;
}

/** Throws 403 `Forbidden`, naming the permissions that would do, unless the principal may perform `op`. */
export function authorize(principal: Principal, op: Operation): void {
  if (isAllowed(principal, op)) return;
  const kind = principal.kind === 'delegated' ? 'delegated permissions (scp)' : 'application permissions (roles)';
  const has = principal.permissions.size === 0 ? 'none' : [...principal.permissions].join(', ');
  throw new ApiError(
    'Forbidden',
    `Application is not authorized to perform this operation. To ${op} it needs one of these ${kind}: ` +
      `${permissionsFor(op).join(', ')}. The token has: ${has}.`,
  );
}
