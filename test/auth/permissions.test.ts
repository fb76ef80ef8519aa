import { describe, expect, it } from 'vitest';
import { authorize, isAllowed, READ_PERMISSIONS, WRITE_PERMISSIONS } from '../../src/auth/permissions.js';
import type { Principal } from '../../src/auth/principal.js';
import { ApiError } from '../../src/util/errors.js';

const principal = (kind: Principal['kind'], permissions: string[]): Principal => ({
  tenant: 't',
  app: 'a',
  kind,
  permissions: new Set(permissions),
  expiresAt: 0,
});

describe('authorize', () => {
  const table: [permissions: string[], read: boolean, write: boolean][] = [
    [['DeviceManagementApps.Read.All'], true, false],
    [['DeviceManagementApps.ReadWrite.All'], true, true],
    [['DeviceManagementConfiguration.Read.All'], true, false],
    [['DeviceManagementConfiguration.ReadWrite.All'], true, true],
    [['DeviceManagementApps.Read.All', 'DeviceManagementConfiguration.ReadWrite.All'], true, true],
    [['User.Read', 'Directory.ReadWrite.All'], false, false],
    [['devicemanagementapps.readwrite.all'], false, false], // names are exact, as Entra issues them
    [['DeviceManagementManagedDevices.ReadWrite.All'], false, false],
    [[], false, false],
  ];

  for (const kind of ['delegated', 'application'] as const) {
    it.each(table)(`${kind} %j → read %s, write %s`, (permissions, read, write) => {
      const p = principal(kind, permissions);
      expect(isAllowed(p, 'read')).toBe(read);
      expect(isAllowed(p, 'write')).toBe(write);
      if (read) expect(() => authorize(p, 'read')).not.toThrow();
      if (write) expect(() => authorize(p, 'write')).not.toThrow();
    });
  }

  it('answers 403 Forbidden naming the permissions that would do', () => {
    let err: unknown;
    try {
      authorize(principal('application', ['DeviceManagementApps.Read.All']), 'write');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ApiError);
    const e = err as ApiError;
    expect(e.status).toBe(403);
    expect(e.code).toBe('Forbidden');
    for (const name of WRITE_PERMISSIONS) expect(e.message).toContain(name);
    expect(e.message).toContain('application permissions (roles)');
    expect(e.message).toContain('The token has: DeviceManagementApps.Read.All.');
  });

  it('names the scopes for a delegated caller that has none', () => {
    expect(() => authorize(principal('delegated', []), 'read')).toThrow(
      `Application is not authorized to perform this operation. To read it needs one of these delegated permissions (scp): ${READ_PERMISSIONS.join(', ')}. The token has: none.`,
    );
  });
});
