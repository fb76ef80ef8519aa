/** Random directories and configurations over small id pools, so groups, exclusions and devices overlap. */
import fc from 'fast-check';
import type {
  AssignmentTargetInput,
  ConfigurationInput,
  Directory,
  DirectoryDevice,
  DirectoryUser,
} from '../../src/targeting/types.js';

export const CONFIG_TYPES = [
  'iosMobileAppConfiguration',
  '#microsoft.graph.iosMobileAppConfiguration',
  'androidManagedStoreAppConfiguration',
  '#microsoft.graph.androidForWorkMobileAppConfiguration',
] as const;
const SYSTEMS = ['iOS', 'iPadOS', 'IOS', 'ipados', 'Android', 'ANDROID', 'Windows', 'macOS', 'Linux', null];
const GROUPS = ['g0', 'g1', 'g2', 'g3'];

const user = (i: number, name: string): DirectoryUser => ({
  id: `u${i}`,
  userPrincipalName: `${name}${i}@contoso.com`,
  displayName: `${name} ${i}`,
});

export const directoryArb: fc.Arbitrary<Directory> = fc
  .record({
    userCount: fc.nat({ max: 10 }),
    name: fc.constantFrom('Ada', 'Bo'),
    // Member ids over a pool a little larger than the users, so some members are unknown.
    memberships: fc.array(fc.uniqueArray(fc.nat({ max: 12 }), { maxLength: 8 }), {
      minLength: GROUPS.length,
      maxLength: GROUPS.length,
    }),
    devices: fc.array(
      fc.record({
        owner: fc.option(fc.nat({ max: 12 }), { nil: null }),
        os: fc.constantFrom(...SYSTEMS),
        model: fc.constantFrom('iPhone 15', 'Pixel 8', null),
      }),
      { maxLength: 16 },
    ),
  })
  .map(({ userCount, name, memberships, devices }) => ({
    users: Array.from({ length: userCount }, (_, i) => user(i, name)),
    memberships: new Map(GROUPS.map((g, i) => [g, memberships[i]!.map((m) => `u${m}`)] as const)),
    devices: devices.map(
      (d, i): DirectoryDevice => ({
        id: `d${i}`,
        userId: d.owner === null ? null : `u${d.owner}`,
        operatingSystem: d.os,
        deviceName: `device ${i}`,
        model: d.model,
      }),
    ),
  }));

export const targetArb: fc.Arbitrary<AssignmentTargetInput> = fc.oneof(
  fc.record({ kind: fc.constant('group' as const), groupId: fc.constantFrom(...GROUPS, 'gone') }),
  fc.record({ kind: fc.constant('exclusionGroup' as const), groupId: fc.constantFrom(...GROUPS) }),
  fc.constant({ kind: 'allLicensedUsers' as const }),
  fc.constant({ kind: 'allDevices' as const }),
  fc.constant({ kind: 'other' as const }),
);

export const configurationArb = (id: string): fc.Arbitrary<ConfigurationInput> =>
  fc.record({
    id: fc.constant(id),
    type: fc.constantFrom(...CONFIG_TYPES),
    assignments: fc.array(targetArb, { maxLength: 5 }),
  });

export const configurationsArb: fc.Arbitrary<ConfigurationInput[]> = fc
  .integer({ min: 1, max: 3 })
  .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => configurationArb(`c${i}`))));

/** A deterministic shuffle driven by a seed (fast-check shrinks the seed, not the permutation). */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let s = seed >>> 0 || 1;
  for (let i = out.length - 1; i > 0; i--) {
    s = Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
