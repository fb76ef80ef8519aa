import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createClientRegistry, loadClients, loadClientsFile } from '../../src/auth/clients.js';
import { FULL_ACCESS } from '../../src/auth/permissions.js';

const T1 = '11111111-2222-3333-4444-555555555555';
const T2 = '99999999-8888-7777-6666-555555555555';

describe('client registry', () => {
  it('accepts any client by default and grants the default roles', () => {
    expect(createClientRegistry().authenticate('anything', 'whatever', T1)).toEqual({
      ok: true,
      roles: [...FULL_ACCESS],
      tenant: undefined,
    });
    expect(
      createClientRegistry({ defaultRoles: ['DeviceManagementApps.Read.All'] }).authenticate('x', 'y', T1),
    ).toMatchObject({
      roles: ['DeviceManagementApps.Read.All'],
    });
  });

  const registry = createClientRegistry({
    clients: [
      { clientId: 'reader', clientSecret: 'r-secret', roles: ['DeviceManagementApps.Read.All'] },
      {
        clientId: 'bound',
        clientSecret: 'b-secret',
        tenant: T1.toUpperCase(),
        roles: ['DeviceManagementApps.ReadWrite.All'],
      },
      { clientId: 'bound', clientSecret: 'b2-secret', tenant: T2, roles: [] },
    ],
  });

  it.each([
    ['reader', 'r-secret', T1, { ok: true, roles: ['DeviceManagementApps.Read.All'], tenant: T1 }],
    ['READER', 'r-secret', T2, { ok: true, roles: ['DeviceManagementApps.Read.All'], tenant: T2 }],
    ['reader', 'r-secreT', T1, { ok: false, reason: 'bad_secret' }],
    ['reader', '', T1, { ok: false, reason: 'bad_secret' }],
    ['nobody', 'r-secret', T1, { ok: false, reason: 'unknown_client' }],
    ['bound', 'b-secret', T1, { ok: true, roles: ['DeviceManagementApps.ReadWrite.All'], tenant: T1 }],
    ['bound', 'b-secret', T2, { ok: false, reason: 'bad_secret' }],
    ['bound', 'b2-secret', T2, { ok: true, roles: [], tenant: T2 }],
    ['bound', 'b-secret', '00000000-0000-0000-0000-000000000009', { ok: false, reason: 'wrong_tenant' }],
    ['bound', 'b-secret', undefined, { ok: true, roles: ['DeviceManagementApps.ReadWrite.All'], tenant: T1 }],
    ['reader', 'r-secret', undefined, { ok: false, reason: 'wrong_tenant' }],
  ] as const)('%s / %s in %s', (id, secret, tenant, expected) => {
    expect(registry.authenticate(id, secret, tenant)).toEqual(expected);
  });
});

describe('clients file', () => {
  it('reads an array or {"clients": [...]}', () => {
    const entry = { clientId: 'a', clientSecret: 'b', roles: ['R'] };
    expect(loadClients(JSON.stringify([entry]))).toEqual([entry]);
    expect(loadClients(JSON.stringify({ clients: [{ ...entry, tenant: T1 }] }))).toEqual([{ ...entry, tenant: T1 }]);
  });

  it.each([
    ['not json', /not valid JSON/],
    ['{"x":1}', /must be a JSON array of clients/],
    ['[1]', /\[0\] must be an object/],
    ['[{"clientSecret":"s","roles":[]}]', /\[0\]\.clientId must be a non-empty string/],
    ['[{"clientId":"c","roles":[]}]', /\[0\]\.clientSecret must be a non-empty string/],
    ['[{"clientId":"c","clientSecret":"s"}]', /\[0\]\.roles must be an array/],
    ['[{"clientId":"c","clientSecret":"s","roles":["A B"]}]', /\[0\]\.roles must be an array of permission names/],
    ['[{"clientId":"c","clientSecret":"s","tenant":5,"roles":[]}]', /\[0\]\.tenant must be a non-empty string/],
  ])('rejects %s', (text, message) => {
    expect(() => loadClients(text, 'clients.json')).toThrow(message);
  });

  it('loads from a path, naming it in errors', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clients-'));
    try {
      const path = join(dir, 'clients.json');
      writeFileSync(path, '[{"clientId":"c","clientSecret":"s","roles":["R"]}]');
      expect(await loadClientsFile(path)).toEqual([{ clientId: 'c', clientSecret: 's', roles: ['R'] }]);
      writeFileSync(path, '[{}]');
      await expect(loadClientsFile(path)).rejects.toThrow(`${path}[0].clientId`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
