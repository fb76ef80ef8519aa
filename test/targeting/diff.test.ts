/** targeting/diff.ts: what a store applies to follow a targeting change. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyDiff, diffTargets, isEmptyDiff } from '../../src/targeting/diff.js';
import { indexDirectory, targetConfiguration } from '../../src/targeting/targets.js';
import type { ConfigurationInput, ConfigurationTargets, Directory } from '../../src/targeting/types.js';
import { configurationArb, directoryArb } from './arbitraries.js';

const rows = (t: ConfigurationTargets) => ({
  id: t.configurationId,
  users: [...t.users.values()].sort((a, b) => a.userId.localeCompare(b.userId)),
  devices: [...t.devices.values()].sort((a, b) => a.deviceId.localeCompare(b.deviceId)),
});

/** Two states of one configuration: its targets under two directories and two assignment lists. */
const pairArb = fc
  .tuple(configurationArb('c'), configurationArb('c'), directoryArb, directoryArb)
  .map(([ca, cb, da, db]) => [
    targetConfiguration(ca, indexDirectory(da)),
    targetConfiguration(cb, indexDirectory(db)),
  ]);

const dir = (devices: Directory['devices'], names = 'Ana'): Directory => ({
  users: [{ id: 'ana', userPrincipalName: 'ana@contoso.com', displayName: names }],
  memberships: new Map([['g', ['ana']]]),
  devices,
});
const config: ConfigurationInput = {
  id: 'c',
  type: 'iosMobileAppConfiguration',
  assignments: [{ kind: 'group', groupId: 'g' }],
};
const phone = { id: 'p', userId: 'ana', operatingSystem: 'iOS', deviceName: 'Phone', model: 'iPhone' };
const tablet = { id: 't', userId: 'ana', operatingSystem: 'Android', deviceName: 'Tab', model: 'Tab S9' };
const at = (d: Directory, c = config) => targetConfiguration(c, indexDirectory(d));
const nobody = (): ConfigurationTargets => ({ configurationId: 'c', users: new Map(), devices: new Map() });

describe('diffTargets by example', () => {
  it('creates pending statuses with names, not applicable ones for other platforms', () => {
    const d = diffTargets(nobody(), at(dir([phone, tablet])));
    expect(d.create.users).toEqual([
      {
        userId: 'ana',
        userPrincipalName: 'ana@contoso.com',
        userDisplayName: 'Ana',
        devicesCount: 1,
        status: 'unknown',
      },
    ]);
    expect(d.create.devices.map((x) => [x.deviceId, x.status, x.deviceDisplayName, x.userName])).toEqual([
      ['p', 'unknown', 'Phone', 'Ana'],
      ['t', 'notApplicable', 'Tab', 'Ana'],
    ]);
    expect(d.reaggregate).toEqual(['ana']);
  });

  it('a user with no device of the platform starts not applicable', () => {
    const d = diffTargets(nobody(), at(dir([tablet])));
    expect(d.create.users[0]).toMatchObject({ devicesCount: 0, status: 'notApplicable' });
  });

  it('marks what is no longer targeted notAssigned', () => {
    const d = diffTargets(at(dir([phone, tablet])), at(dir([phone, tablet]), { ...config, assignments: [] }));
    expect(d.notAssigned).toEqual({ users: ['ana'], devices: ['p', 't'] });
    expect(d.reaggregate).toEqual([]);
  });

  it('renames in place, keeping statuses', () => {
    const d = diffTargets(at(dir([phone])), at(dir([{ ...phone, deviceName: 'New name' }], 'Ana B.')));
    expect(d.update.users).toEqual([
      { userId: 'ana', userPrincipalName: 'ana@contoso.com', userDisplayName: 'Ana B.', devicesCount: 1 },
    ]);
    expect(d.update.devices.map((x) => [x.deviceDisplayName, x.userName])).toEqual([['New name', 'Ana B.']]);
    expect(d.create.devices).toEqual([]);
    expect(d.restart).toEqual([]);
  });

  it('restarts a device whose platform changed and recounts its user', () => {
    const d = diffTargets(at(dir([phone, tablet])), at(dir([phone, { ...tablet, operatingSystem: 'iPadOS' }])));
    expect(d.restart.map((x) => [x.deviceId, x.status, x.platform])).toEqual([['t', 'unknown', 2]]);
    expect(d.update.users.map((u) => u.devicesCount)).toEqual([2]);
    expect(d.reaggregate).toEqual(['ana']);
  });

  it('a device removed from the directory is unassigned and its user aggregated again', () => {
    const d = diffTargets(at(dir([phone, tablet])), at(dir([phone])));
    expect(d.notAssigned.devices).toEqual(['t']);
    expect(d.reaggregate).toEqual(['ana']);
  });
});

describe('diffTargets properties', () => {
  it('diff(x, x) is empty', () => {
    fc.assert(
      fc.property(pairArb, ([a]) => {
        expect(isEmptyDiff(diffTargets(a!, a!))).toBe(true);
      }),
    );
  });

  it('applying diff(a, b) to a gives b', () => {
    fc.assert(
      fc.property(pairArb, ([a, b]) => {
        expect(rows(applyDiff(a!, diffTargets(a!, b!)))).toEqual(rows(b!));
      }),
    );
  });

  it('each id appears in at most one part, and reaggregated users are targeted', () => {
    fc.assert(
      fc.property(pairArb, ([a, b]) => {
        const d = diffTargets(a!, b!);
        const devices = [...d.create.devices, ...d.update.devices, ...d.restart].map((x) => x.deviceId);
        devices.push(...d.notAssigned.devices);
        expect(new Set(devices).size).toBe(devices.length);
        const users = [...d.create.users, ...d.update.users].map((x) => x.userId).concat(d.notAssigned.users);
        expect(new Set(users).size).toBe(users.length);
        for (const u of d.reaggregate) expect(b!.users.has(u)).toBe(true);
      }),
    );
  });
});
