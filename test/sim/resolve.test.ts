/** sim/resolve.ts: what one check-in does to the statuses it finds. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { draw } from '../../src/sim/draw.js';
import type { CheckinFacts, DeviceStatusFact } from '../../src/sim/port.js';
import { resolveCheckins, type Visit } from '../../src/sim/resolve.js';
import { simSettings } from '../../src/sim/settings.js';
import type { ComplianceStatus } from '../../src/targeting/aggregate.js';
import { dateTimeOffsetOf } from '../../src/util/datetime.js';

const T = Date.UTC(2026, 0, 1, 6);
const OLD = '2025-12-31T00:00:00.0000000Z';
const fact = (
  configurationId: string,
  deviceId: string,
  status: ComplianceStatus,
  more: Partial<DeviceStatusFact> = {},
) => ({
  configurationId,
  deviceId,
  userId: 'ana',
  applicable: true,
  status,
  version: 1,
  lastReportedDateTime: OLD,
  ...more,
});
const visit = (...ids: string[]) => new Map<string, Visit>(ids.map((id) => [id, { resolveAt: T, syncAt: T + 1000 }]));
const facts = (statuses: DeviceStatusFact[], apps: Record<string, string[]> = {}): CheckinFacts => ({
  statuses,
  targetedApps: new Map(Object.entries(apps)),
});
const outcome = (b: ReturnType<typeof resolveCheckins>) =>
  Object.fromEntries(b.deviceStatuses.map((o) => [`${o.configurationId}/${o.deviceId}`, o.status]));

describe('resolveCheckins', () => {
  it('resolves a pending status to compliant or error by the draw, reported at the check-in', () => {
    const f = facts([fact('c1', 'd1', 'unknown')], { c1: ['app'] });
    const ok = resolveCheckins(f, visit('d1'), simSettings({ errorRate: 0 }));
    expect(ok.deviceStatuses).toEqual([
      { configurationId: 'c1', deviceId: 'd1', status: 'compliant', lastReportedDateTime: dateTimeOffsetOf(T) },
    ]);
    expect(ok.deviceSyncs).toEqual([{ deviceId: 'd1', lastSyncDateTime: dateTimeOffsetOf(T + 1000) }]);
    expect(outcome(resolveCheckins(f, visit('d1'), simSettings({ errorRate: 1 })))).toEqual({ 'c1/d1': 'error' });
  });

  it('draws error exactly when draw(seed, "error", configuration, device, version) < errorRate', () => {
    fc.assert(
      fc.property(
        fc.integer(),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.nat({ max: 5 }),
        (seed, rate, version) => {
          const s = simSettings({ seed, errorRate: rate });
          const got = outcome(resolveCheckins(facts([fact('c', 'd', 'unknown', { version })]), visit('d'), s));
          expect(got['c/d']).toBe(draw(seed, 'error', 'c', 'd', version) < rate ? 'error' : 'compliant');
        },
      ),
    );
  });

  it('gives both sides a conflict when configurations on one device name a common app', () => {
    const f = facts([fact('c1', 'd1', 'unknown'), fact('c2', 'd1', 'unknown'), fact('c3', 'd1', 'unknown')], {
      c1: ['com.contoso.mail', 'x'],
      c2: ['COM.CONTOSO.MAIL'],
      c3: ['other'],
    });
    expect(outcome(resolveCheckins(f, visit('d1'), simSettings({ errorRate: 0 })))).toEqual({
      'c1/d1': 'conflict',
      'c2/d1': 'conflict',
      'c3/d1': 'compliant',
    });
  });

  it('a newly pending configuration puts an already resolved partner into conflict too', () => {
    const f = facts([fact('c1', 'd1', 'unknown'), fact('c2', 'd1', 'compliant')], { c1: ['a'], c2: ['a'] });
    const b = resolveCheckins(f, visit('d1'), simSettings());
    expect(outcome(b)).toEqual({ 'c1/d1': 'conflict', 'c2/d1': 'conflict' });
  });

  it('a partner of another platform or on another device is no conflict', () => {
    const f = facts(
      [
        fact('c1', 'd1', 'unknown'),
        fact('c2', 'd1', 'notApplicable', { applicable: false }),
        fact('c3', 'd2', 'compliant'),
      ],
      { c1: ['a'], c2: ['a'], c3: ['a'] },
    );
    expect(outcome(resolveCheckins(f, visit('d1'), simSettings({ errorRate: 0 })))).toEqual({ 'c1/d1': 'compliant' });
  });

  it('leaves statuses that are not pending alone and makes a pending one of another platform notApplicable', () => {
    const f = facts([
      fact('c1', 'd1', 'nonCompliant'),
      fact('c2', 'd1', 'error'),
      fact('c3', 'd1', 'unknown', { applicable: false }),
    ]);
    expect(outcome(resolveCheckins(f, visit('d1'), simSettings()))).toEqual({ 'c3/d1': 'notApplicable' });
  });

  it('aggregates the user status over all the user’s devices, visited or not', () => {
    const f = facts([
      fact('c1', 'd1', 'unknown'),
      fact('c1', 'd2', 'error', { lastReportedDateTime: '2026-02-01T00:00:00.0000000Z' }),
      fact('c1', 'd3', 'notApplicable', { applicable: false }),
      fact('c1', 'kiosk', 'unknown', { userId: null }),
    ]);
    const b = resolveCheckins(f, visit('d1', 'kiosk'), simSettings({ errorRate: 0 }));
    expect(b.userStatuses).toEqual([
      {
        configurationId: 'c1',
        userId: 'ana',
        status: 'error',
        devicesCount: 2,
        lastReportedDateTime: '2026-02-01T00:00:00.0000000Z',
      },
    ]);
    expect(outcome(b)).toEqual({ 'c1/d1': 'compliant', 'c1/kiosk': 'compliant' });
  });

  it('writes no user status when nothing changed', () => {
    const b = resolveCheckins(facts([fact('c1', 'd1', 'compliant')]), visit('d1'), simSettings());
    expect(b.userStatuses).toEqual([]);
    expect(b.deviceStatuses).toEqual([]);
    expect(b.deviceSyncs).toHaveLength(1);
  });
});
