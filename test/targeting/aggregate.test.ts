/** sim/aggregate.ts: a user status is the worst of its device statuses. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ENUMS } from '../../src/model/graph.js';
import {
  aggregateUser,
  type ComplianceStatus,
  type DeviceStatusView,
  SEVERITY,
} from '../../src/targeting/aggregate.js';

const at = (h: number) => `2026-01-01T${String(h).padStart(2, '0')}:00:00.0000000Z`;
const view = (status: ComplianceStatus, applicable = true, h = 0): DeviceStatusView => ({
  status,
  applicable,
  lastReportedDateTime: at(h),
});
const ALL: ComplianceStatus[] = [...SEVERITY, 'notAssigned'];

describe('aggregateUser', () => {
  it('takes the worst status, counts applicable devices and the newest report', () => {
    expect(
      aggregateUser([view('compliant', true, 3), view('error', true, 1), view('notApplicable', false, 9)]),
    ).toEqual({
      status: 'error',
      devicesCount: 2,
      lastReportedDateTime: at(9),
    });
    expect(aggregateUser([view('compliant'), view('unknown')]).status).toBe('unknown');
    expect(aggregateUser([view('remediated'), view('compliant')]).status).toBe('remediated');
  });

  it('ignores device statuses that are no longer assigned', () => {
    expect(aggregateUser([view('compliant', true, 1), view('notAssigned', true, 5)])).toEqual({
      status: 'compliant',
      devicesCount: 1,
      lastReportedDateTime: at(1),
    });
  });

  it('makes a user with no applicable device notApplicable with 0 devices', () => {
    expect(aggregateUser([view('notApplicable', false, 2)])).toEqual({
      status: 'notApplicable',
      devicesCount: 0,
      lastReportedDateTime: at(2),
    });
    expect(aggregateUser([view('error', false, 2)]).status).toBe('notApplicable');
    expect(aggregateUser([])).toEqual({ status: 'notApplicable', devicesCount: 0, lastReportedDateTime: null });
  });

  it('covers every complianceStatus member of the model', () => {
    const members = ENUMS.find((e) => e.name === 'complianceStatus')!.members.map((m) => m.name);
    expect([...ALL].sort()).toEqual([...members].sort());
  });

  it('is the first status in severity order present among the targeted devices, whatever their order', () => {
    const views = fc.array(
      fc.record({
        status: fc.constantFrom(...ALL),
        applicable: fc.boolean(),
        lastReportedDateTime: fc.integer({ min: 0, max: 23 }).map(at),
      }),
    );
    fc.assert(
      fc.property(views, (vs) => {
        const got = aggregateUser(vs);
        expect(aggregateUser([...vs].reverse())).toEqual(got);
        const targeted = vs.filter((v) => v.status !== 'notAssigned');
        const count = targeted.filter((v) => v.applicable).length;
        expect(got.devicesCount).toBe(count);
        const worst = SEVERITY.find((s) => targeted.some((v) => v.status === s));
        expect(got.status).toBe(count === 0 ? 'notApplicable' : worst);
        expect(got.lastReportedDateTime).toBe(
          targeted
            .map((v) => v.lastReportedDateTime)
            .sort()
            .at(-1) ?? null,
        );
      }),
    );
  });
});
