/** sim/engine.ts over the in-memory port: exact outcomes, the schedule, client writes, and determinism. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CheckinEngine } from '../../src/sim/engine.js';
import { checkinOffset, checkinsBetween } from '../../src/sim/schedule.js';
import { HOUR_MS, type SimSettings, simSettings } from '../../src/sim/settings.js';
import { MemorySimPort, singleTenant, UNSET, World } from './memory-port.js';
import { demoWorld, T0, worldInputArb } from './world.js';

const compact = (w: World) => ({
  devices: Object.fromEntries(
    w
      .snapshot()
      .deviceStatuses.map((r) => [
        `${r.configurationId}/${r.deviceId}`,
        `${r.status} ${r.lastReportedDateTime.slice(11, 19)}`,
      ]),
  ),
  users: Object.fromEntries(
    w
      .snapshot()
      .userStatuses.map((r) => [
        `${r.configurationId}/${r.userId}`,
        `${r.status} ${r.devicesCount} ${r.lastReportedDateTime.slice(11, 19)}`,
      ]),
  ),
});

const demo = { seed: 'demo', errorRate: 0.3 };

describe('CheckinEngine by example', () => {
  it('resolves the demo tenant exactly so with seed "demo" after 8 h', async () => {
    const w = demoWorld();
    const engine = new CheckinEngine(singleTenant(w), simSettings(demo), { ranThrough: T0 });
    expect(await engine.advance(T0 + 8 * HOUR_MS)).toEqual({ checkins: 5, resolved: 10 });
    expect(engine.ranThrough).toBe(T0 + 8 * HOUR_MS);
    expect(compact(w)).toEqual({
      devices: {
        'android-mail/ana-iphone': 'notApplicable 00:00:00',
        'android-mail/ana-pixel': 'compliant 01:15:45',
        'android-mail/ben-ipad': 'notApplicable 00:00:00',
        'android-mail/ben-iphone': 'notApplicable 00:00:00',
        'android-mail/cy-iphone': 'notApplicable 00:00:00',
        'browser/ana-iphone': 'compliant 07:44:06',
        'browser/ana-pixel': 'notApplicable 00:00:00',
        'browser/ben-ipad': 'compliant 02:44:56',
        'browser/ben-iphone': 'error 05:58:06',
        'browser/cy-iphone': 'compliant 01:27:01',
        'mail/ana-iphone': 'error 07:44:06',
        'mail/ana-pixel': 'notApplicable 00:00:00',
        'mail/ben-ipad': 'conflict 02:44:56',
        'mail/ben-iphone': 'conflict 05:58:06',
        'mail-sales/ben-ipad': 'conflict 02:44:56',
        'mail-sales/ben-iphone': 'conflict 05:58:06',
      },
      users: {
        'android-mail/ana': 'compliant 1 01:15:45',
        'android-mail/ben': 'notApplicable 0 00:00:00',
        'android-mail/cy': 'notApplicable 0 00:00:00',
        'browser/ana': 'compliant 1 07:44:06',
        'browser/ben': 'error 2 05:58:06',
        'browser/cy': 'compliant 1 01:27:01',
        'mail/ana': 'error 1 07:44:06',
        'mail/ben': 'conflict 2 05:58:06',
        'mail-sales/ben': 'conflict 2 05:58:06',
      },
    });
    // Every online device synced at its one check-in of the move.
    expect(w.devices.get('ben-ipad')!.lastSyncDateTime).toBe('2026-01-01T02:44:56.1180000Z');
  });

  it('runs only the check-ins due: half an interval resolves the devices whose offset falls in it', async () => {
    const w = demoWorld();
    const s = simSettings(demo);
    await new CheckinEngine(singleTenant(w), s, { ranThrough: T0 }).advance(T0 + 4 * HOUR_MS);
    for (const row of w.deviceStatuses.values()) {
      if (!row.applicable) continue;
      const due = checkinOffset(s, row.deviceId) <= 4 * HOUR_MS;
      expect([row.deviceId, row.status !== 'unknown']).toEqual([row.deviceId, due]);
    }
  });

  it('counts every check-in of a long move, syncing each device at its last one', async () => {
    const w = demoWorld();
    const s = simSettings(demo);
    const engine = new CheckinEngine(singleTenant(w), s, { ranThrough: T0 + 1 });
    expect((await engine.advance(T0 + 1 + 24 * HOUR_MS)).checkins).toBe(15);
    for (const d of w.devices.values()) {
      const span = checkinsBetween(checkinOffset(s, d.id), s.intervalMs, T0 + 1, T0 + 1 + 24 * HOUR_MS)!;
      expect(d.lastSyncDateTime).toBe(new Date(span.last).toISOString().replace('Z', '0000Z'));
    }
    expect(await engine.advance(T0)).toEqual({ checkins: 0, resolved: 0 });
  });

  it('leaves offline devices pending until they are set online, and checks in a device on demand', async () => {
    const w = demoWorld();
    const engine = new CheckinEngine(singleTenant(w), simSettings({ ...demo, offlineRate: 1 }), { ranThrough: T0 });
    expect(await engine.advance(T0 + 8 * HOUR_MS)).toEqual({ checkins: 0, resolved: 0 });
    expect(w.deviceStatuses.get('mail\u0000ana-iphone')!.status).toBe('unknown');
    w.devices.get('ana-iphone')!.onlineSet = true;
    expect((await engine.advance(T0 + 16 * HOUR_MS)).checkins).toBe(1);
    expect(w.deviceStatuses.get('mail\u0000ana-iphone')!.status).not.toBe('unknown');

    const at = T0 + 17 * HOUR_MS;
    expect(await engine.checkin('t', ['cy-iphone'], at)).toEqual({ checkins: 1, resolved: 1 });
    expect(w.devices.get('cy-iphone')!.lastSyncDateTime).toBe('2026-01-01T17:00:00.0000000Z');
    expect(w.deviceStatuses.get('browser\u0000cy-iphone')!.lastReportedDateTime).toBe('2026-01-01T17:00:00.0000000Z');
  });

  it("keeps a client's write until the status is pending again, then draws anew for the new version", async () => {
    const w = demoWorld();
    const s = simSettings({ ...demo, errorRate: 0.5 });
    const engine = new CheckinEngine(singleTenant(w), s, { ranThrough: T0 });
    await engine.advance(T0 + 8 * HOUR_MS);
    w.writeDeviceStatus('browser', 'cy-iphone', 'nonCompliant');
    await engine.advance(T0 + 16 * HOUR_MS);
    expect(w.deviceStatuses.get('browser\u0000cy-iphone')!.status).toBe('nonCompliant');

    // A new version makes every status pending; over many devices some outcomes change with the new draw.
    w.bumpVersion('browser');
    await engine.advance(T0 + 24 * HOUR_MS);
    expect(w.deviceStatuses.get('browser\u0000cy-iphone')!.status).toMatch(/^(compliant|error)$/);
    expect(w.deviceStatuses.get('browser\u0000cy-iphone')!.lastReportedDateTime > '2026-01-01T16').toBe(true);
  });

  it('talks to the port in batches, not per device or status', async () => {
    const devices = Array.from({ length: 12_000 }, (_, i) => ({
      id: `d${i}`,
      userId: `u${i % 6_000}`,
      operatingSystem: 'iOS',
      deviceName: null,
      model: null,
    }));
    const users = Array.from({ length: 6_000 }, (_, i) => ({
      id: `u${i}`,
      userPrincipalName: null,
      displayName: null,
    }));
    const w = new World(
      [
        {
          id: 'c',
          type: 'iosMobileAppConfiguration',
          targetedMobileApps: [],
          assignments: [{ kind: 'allLicensedUsers' }],
        },
      ],
      { users, devices, memberships: new Map() },
    );
    const port = singleTenant(w);
    const run = await new CheckinEngine(port, simSettings(demo), { ranThrough: T0 }).advance(T0 + 8 * HOUR_MS);
    expect(run).toEqual({ checkins: 12_000, resolved: 12_000 });
    expect(port.calls).toEqual({ dueDevices: 1, checkinFacts: 3, applyCheckins: 3 });
    expect([...w.userStatuses.values()].every((u) => u.status !== 'unknown' && u.devicesCount === 2)).toBe(true);
  });

  it('simulates every tenant the port names', async () => {
    const a = demoWorld();
    const b = demoWorld();
    const port = new MemorySimPort(
      new Map([
        ['a', a],
        ['b', b],
      ]),
    );
    expect(
      (await new CheckinEngine(port, simSettings(demo), { ranThrough: T0 }).advance(T0 + 8 * HOUR_MS)).checkins,
    ).toBe(10);
    expect(compact(a)).toEqual(compact(b));
  });
});

/** Runs a random tenant through a sequence of moves and returns its final statuses. */
async function run(
  input: {
    configurations: World extends never ? never : ConstructorParameters<typeof World>[0];
    directory: ConstructorParameters<typeof World>[1];
  },
  settings: SimSettings,
  stops: readonly number[],
  batchSize?: number,
) {
  const w = new World(input.configurations, input.directory);
  const engine = new CheckinEngine(singleTenant(w), settings, { ranThrough: T0, batchSize });
  for (const t of stops) await engine.advance(t);
  return w.snapshot();
}

describe('CheckinEngine determinism', () => {
  const settingsArb = fc.record({
    seed: fc.oneof(fc.integer(), fc.string()),
    errorRate: fc.double({ min: 0, max: 1, noNaN: true }),
    offlineRate: fc.constantFrom(0, 0.3),
    intervalMs: fc.constantFrom(HOUR_MS, 8 * HOUR_MS),
  });

  it('one long move equals the same span in smaller steps, and any batch size', async () => {
    await fc.assert(
      fc.asyncProperty(
        worldInputArb,
        settingsArb,
        fc.uniqueArray(fc.integer({ min: 1, max: 24 * HOUR_MS - 1 }), { maxLength: 6 }),
        async (input, raw, cuts) => {
          const s = simSettings(raw);
          const end = T0 + 24 * HOUR_MS;
          const once = await run(input, s, [end]);
          const steps = await run(input, s, [...cuts.sort((x, y) => x - y).map((c) => T0 + c), end], 1);
          expect(steps).toEqual(once);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('two runs with one seed are identical', async () => {
    await fc.assert(
      fc.asyncProperty(worldInputArb, settingsArb, async (input, raw) => {
        const s = simSettings(raw);
        expect(await run(input, s, [T0 + 8 * HOUR_MS])).toEqual(await run(input, s, [T0 + 8 * HOUR_MS]));
      }),
      { numRuns: 40 },
    );
  });

  it('different seeds give different outcomes over a large enough population', async () => {
    const users = Array.from({ length: 500 }, (_, i) => ({
      id: `u${i}`,
      userPrincipalName: `u${i}@x`,
      displayName: null,
    }));
    const devices = users.map((u, i) => ({
      id: `d${i}`,
      userId: u.id,
      operatingSystem: 'iOS',
      deviceName: null,
      model: null,
    }));
    const input = {
      configurations: [
        {
          id: 'c',
          type: 'iosMobileAppConfiguration',
          targetedMobileApps: [],
          assignments: [{ kind: 'allLicensedUsers' as const }],
        },
      ],
      directory: { users, devices, memberships: new Map() },
    };
    const outcomes = async (seed: number) =>
      (await run(input, simSettings({ seed, errorRate: 0.5 }), [T0 + 8 * HOUR_MS])).deviceStatuses.map((r) => r.status);
    const a = await outcomes(1);
    expect(a.filter((s) => s === 'error').length).toBeGreaterThan(200);
    expect(await outcomes(2)).not.toEqual(a);
    expect(await outcomes(1)).toEqual(a);
  });

  it('no pending applicable status of an online device survives a full interval', async () => {
    await fc.assert(
      fc.asyncProperty(worldInputArb, settingsArb, async (input, raw) => {
        const s = simSettings({ ...raw, offlineRate: 0 });
        const snap = await run(input, s, [T0 + s.intervalMs]);
        for (const r of snap.deviceStatuses) {
          expect(r.status === 'unknown').toBe(false);
          if (r.applicable) expect(r.lastReportedDateTime).not.toBe(UNSET);
        }
      }),
      { numRuns: 40 },
    );
  });
});
