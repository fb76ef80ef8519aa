/** targeting/targets.ts: each rule by example, then the rules against a literal reference on random inputs. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ENTITY_TYPES } from '../../src/model/graph.js';
import { targetKindOf } from '../../src/targeting/kinds.js';
import {
  CONFIGURATION_PLATFORMS,
  familyOfOperatingSystem,
  PLATFORM_UNKNOWN,
  platformNumber,
} from '../../src/targeting/platform.js';
import { indexDirectory, targetAll, targetConfiguration } from '../../src/targeting/targets.js';
import type {
  AssignmentTargetInput,
  ConfigurationInput,
  ConfigurationTargets,
  Directory,
} from '../../src/targeting/types.js';
import { configurationsArb, directoryArb, shuffled } from './arbitraries.js';

const directory: Directory = {
  users: [
    { id: 'ana', userPrincipalName: 'ana@contoso.com', displayName: 'Ana' },
    { id: 'ben', userPrincipalName: 'ben@contoso.com', displayName: 'Ben' },
    { id: 'cy', userPrincipalName: 'cy@contoso.com', displayName: 'Cy' },
  ],
  memberships: new Map([
    ['sales', ['ana', 'ben']],
    ['contractors', ['ben']],
  ]),
  devices: [
    { id: 'ana-iphone', userId: 'ana', operatingSystem: 'iOS', deviceName: 'Ana iPhone', model: 'iPhone 15' },
    { id: 'ana-pixel', userId: 'ana', operatingSystem: 'Android', deviceName: 'Ana Pixel', model: 'Pixel 8' },
    { id: 'ben-ipad', userId: 'ben', operatingSystem: 'iPadOS', deviceName: 'Ben iPad', model: 'iPad Air' },
    { id: 'cy-iphone', userId: 'cy', operatingSystem: 'iOS', deviceName: 'Cy iPhone', model: 'iPhone 13' },
    { id: 'kiosk', userId: null, operatingSystem: 'ios', deviceName: 'Lobby kiosk', model: 'iPad' },
  ],
};
const index = indexDirectory(directory);

const ios = (...assignments: AssignmentTargetInput[]): ConfigurationInput => ({
  id: 'c1',
  type: 'iosMobileAppConfiguration',
  assignments,
});
const group = (groupId: string): AssignmentTargetInput => ({ kind: 'group', groupId });
const exclude = (groupId: string): AssignmentTargetInput => ({ kind: 'exclusionGroup', groupId });

/** Targets as sorted plain rows, comparable with toEqual. */
const rows = (t: ConfigurationTargets) => ({
  users: [...t.users.values()].sort((a, b) => a.userId.localeCompare(b.userId)),
  devices: [...t.devices.values()].sort((a, b) => a.deviceId.localeCompare(b.deviceId)),
});
const userIds = (t: ConfigurationTargets) => [...t.users.keys()].sort();
const deviceIds = (t: ConfigurationTargets) => [...t.devices.keys()].sort();

describe('targeting rules', () => {
  it('a group target reaches its members and all their devices, other platforms as not applicable', () => {
    const t = targetConfiguration(ios(group('sales')), index);
    expect(rows(t)).toEqual({
      users: [
        { userId: 'ana', userPrincipalName: 'ana@contoso.com', userDisplayName: 'Ana', devicesCount: 1 },
        { userId: 'ben', userPrincipalName: 'ben@contoso.com', userDisplayName: 'Ben', devicesCount: 1 },
      ],
      devices: [
        {
          deviceId: 'ana-iphone',
          userId: 'ana',
          applicable: true,
          deviceDisplayName: 'Ana iPhone',
          userName: 'Ana',
          userPrincipalName: 'ana@contoso.com',
          deviceModel: 'iPhone 15',
          platform: 2,
        },
        {
          deviceId: 'ana-pixel',
          userId: 'ana',
          applicable: false,
          deviceDisplayName: 'Ana Pixel',
          userName: 'Ana',
          userPrincipalName: 'ana@contoso.com',
          deviceModel: 'Pixel 8',
          platform: 0,
        },
        {
          deviceId: 'ben-ipad',
          userId: 'ben',
          applicable: true,
          deviceDisplayName: 'Ben iPad',
          userName: 'Ben',
          userPrincipalName: 'ben@contoso.com',
          deviceModel: 'iPad Air',
          platform: 2,
        },
      ],
    });
  });

  it('an exclusion group removes its members and their devices, whatever the order of assignments', () => {
    for (const t of [ios(group('sales'), exclude('contractors')), ios(exclude('contractors'), group('sales'))]) {
      const r = targetConfiguration(t, index);
      expect(userIds(r)).toEqual(['ana']);
      expect(deviceIds(r)).toEqual(['ana-iphone', 'ana-pixel']);
    }
  });

  it('all licensed users reaches every user, exclusions still winning', () => {
    expect(userIds(targetConfiguration(ios({ kind: 'allLicensedUsers' }), index))).toEqual(['ana', 'ben', 'cy']);
    const r = targetConfiguration(ios({ kind: 'allLicensedUsers' }, exclude('contractors')), index);
    expect(userIds(r)).toEqual(['ana', 'cy']);
    expect(deviceIds(r)).toEqual(['ana-iphone', 'ana-pixel', 'cy-iphone']);
  });

  it('all devices reaches every device and thereby its user; a device without a user has no user status', () => {
    const r = targetConfiguration(ios({ kind: 'allDevices' }), index);
    expect(deviceIds(r)).toEqual(['ana-iphone', 'ana-pixel', 'ben-ipad', 'cy-iphone', 'kiosk']);
    expect(userIds(r)).toEqual(['ana', 'ben', 'cy']);
    expect(r.devices.get('kiosk')).toMatchObject({ userId: null, userName: null, applicable: true });
    expect(r.users.get('ana')!.devicesCount).toBe(1);
    const excluded = targetConfiguration(ios({ kind: 'allDevices' }, exclude('sales')), index);
    expect(deviceIds(excluded)).toEqual(['cy-iphone', 'kiosk']);
    expect(userIds(excluded)).toEqual(['cy']);
  });

  it('an Android configuration applies to Android devices only', () => {
    const r = targetConfiguration(
      { id: 'a', type: '#microsoft.graph.androidManagedStoreAppConfiguration', assignments: [group('sales')] },
      index,
    );
    expect(r.devices.get('ana-pixel')!.applicable).toBe(true);
    expect(r.devices.get('ana-iphone')!.applicable).toBe(false);
    expect(r.users.get('ben')).toMatchObject({ devicesCount: 0 });
  });

  it('other targets and unknown groups reach nobody', () => {
    const r = targetConfiguration(ios({ kind: 'other' }, group('no-such-group')), index);
    expect(r.users.size + r.devices.size).toBe(0);
  });

  it('refuses a configuration type with no known platform', () => {
    expect(() => targetConfiguration({ id: 'x', type: 'windowsConfiguration', assignments: [] }, index)).toThrow(
      /No platform is known for configuration type 'windowsConfiguration'/,
    );
  });

  it('reads assignment target kinds from @odata.type', () => {
    expect(targetKindOf('#microsoft.graph.groupAssignmentTarget')).toBe('group');
    expect(targetKindOf('#microsoft.graph.exclusionGroupAssignmentTarget')).toBe('exclusionGroup');
    expect(targetKindOf('microsoft.graph.allLicensedUsersAssignmentTarget')).toBe('allLicensedUsers');
    expect(targetKindOf('allDevicesAssignmentTarget')).toBe('allDevices');
    expect(targetKindOf('#microsoft.graph.configurationManagerCollectionAssignmentTarget')).toBe('other');
  });

  it('maps operating systems to families and Graph platform numbers', () => {
    expect(['iOS', 'IPADOS', 'android'].map(familyOfOperatingSystem)).toEqual(['ios', 'ios', 'android']);
    expect(familyOfOperatingSystem('Windows')).toBeNull();
    expect(['Android', 'iOS', 'iPadOS', 'macOS', 'Windows'].map(platformNumber)).toEqual([0, 2, 2, 3, 6]);
    expect([null, 'Linux'].map(platformNumber)).toEqual([PLATFORM_UNKNOWN, PLATFORM_UNKNOWN]);
  });

  it('knows the platform of every concrete configuration type of the model', () => {
    const concrete = ENTITY_TYPES.filter((t) => t.baseType === 'managedDeviceMobileAppConfiguration').map(
      (t) => t.name,
    );
    expect(Object.keys(CONFIGURATION_PLATFORMS).sort()).toEqual(concrete.sort());
  });
});

/** The rules read literally, with scans instead of indexes. */
function reference(config: ConfigurationInput, dir: Directory) {
  const members = (g: string | null | undefined) => dir.memberships.get(g ?? '') ?? [];
  const isUser = (id: string | null) => dir.users.some((u) => u.id === id);
  const excluded = (id: string | null) =>
    config.assignments.some((a) => a.kind === 'exclusionGroup' && members(a.groupId).includes(id ?? ''));
  const direct = (id: string) =>
    isUser(id) &&
    !excluded(id) &&
    config.assignments.some(
      (a) => a.kind === 'allLicensedUsers' || (a.kind === 'group' && members(a.groupId).includes(id)),
    );
  const allDevices = config.assignments.some((a) => a.kind === 'allDevices');
  const devices = dir.devices.filter(
    (d) => (d.userId !== null && direct(d.userId)) || (allDevices && !excluded(d.userId)),
  );
  const users = dir.users.filter((u) => direct(u.id) || devices.some((d) => d.userId === u.id));
  const family = config.type.includes('ios') ? 'ios' : 'android';
  return { users: users.map((u) => u.id).sort(), devices: devices.map((d) => d.id).sort(), family };
}

describe('targeting properties', () => {
  it('agrees with the literal reading of the rules', () => {
    fc.assert(
      fc.property(configurationsArb, directoryArb, (configs, dir) => {
        for (const [id, t] of targetAll(configs, dir)) {
          const ref = reference(configs.find((c) => c.id === id)!, dir);
          expect(userIds(t)).toEqual(ref.users);
          expect(deviceIds(t)).toEqual(ref.devices);
          for (const d of t.devices.values()) {
            const os = dir.devices.find((x) => x.id === d.deviceId)!.operatingSystem;
            expect(d.applicable).toBe(familyOfOperatingSystem(os) === ref.family);
          }
        }
      }),
    );
  });

  it('exclusion always wins', () => {
    fc.assert(
      fc.property(configurationsArb, directoryArb, (configs, dir) => {
        for (const c of configs) {
          const t = targetConfiguration(c, indexDirectory(dir));
          const out = new Set(
            c.assignments.flatMap((a) => (a.kind === 'exclusionGroup' ? (dir.memberships.get(a.groupId!) ?? []) : [])),
          );
          for (const u of out) expect(t.users.has(u)).toBe(false);
          for (const d of t.devices.values()) expect(d.userId !== null && out.has(d.userId)).toBe(false);
        }
      }),
    );
  });

  it("every targeted device's known user is targeted, and devicesCount counts its applicable devices", () => {
    fc.assert(
      fc.property(configurationsArb, directoryArb, (configs, dir) => {
        const known = new Set(dir.users.map((u) => u.id));
        for (const t of targetAll(configs, dir).values()) {
          for (const d of t.devices.values())
            if (d.userId !== null && known.has(d.userId)) expect(t.users.has(d.userId)).toBe(true);
          for (const u of t.users.values()) {
            const applicable = [...t.devices.values()].filter((d) => d.userId === u.userId && d.applicable);
            expect(u.devicesCount).toBe(applicable.length);
          }
        }
      }),
    );
  });

  it('does not depend on the order of users, devices, members or assignments', () => {
    fc.assert(
      fc.property(configurationsArb, directoryArb, fc.integer(), (configs, dir, seed) => {
        const shuffledDir: Directory = {
          users: shuffled(dir.users, seed),
          devices: shuffled(dir.devices, seed + 1),
          memberships: new Map(
            shuffled(
              [...dir.memberships].map(([g, m]) => [g, shuffled(m, seed + 2)] as const),
              seed,
            ),
          ),
        };
        const shuffledConfigs = shuffled(configs, seed).map((c) => ({
          ...c,
          assignments: shuffled(c.assignments, seed + 3),
        }));
        const a = targetAll(configs, dir);
        const b = targetAll(shuffledConfigs, shuffledDir);
        for (const [id, t] of a) expect(rows(b.get(id)!)).toEqual(rows(t));
      }),
    );
  });
});
