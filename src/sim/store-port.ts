/**
 * The engine's port over a store (docs/simulation.md#check-ins-in-the-store): each call runs in the tenant's
 * targeting session, so check-ins and retargeting of one tenant never interleave; a `turn` keeps one session open
 * for a batch's read and write. The store's shapes are the engine's but for the status, which the store carries
 * as a member name.
 */

import type { CheckinSession, Store } from '../store/port.js';
import type { ComplianceStatus } from '../targeting/aggregate.js';
import type { CheckinFacts, SimPort } from './port.js';

export type SimStore = Pick<Store, 'targeting' | 'simTenants'>;

export function storeSimPort(store: SimStore): SimPort {
  /** The session of a tenant's turn in progress (the engine runs one move at a time). */
  const open = new Map<string, CheckinSession>();
  const session = <T>(tenant: string, work: (s: CheckinSession) => Promise<T>): Promise<T> => {
    const s = open.get(tenant);
    return s ? work(s) : store.targeting(tenant, work);
  };
  return {
    tenants: () => store.simTenants(),
    turn: (tenant, work) =>
      store.targeting(tenant, async (s) => {
        open.set(tenant, s);
        try {
          return await work();
        } finally {
          open.delete(tenant);
        }
      }),
    unscheduledDevices: (tenant, key, limit) => session(tenant, (s) => s.unscheduledDevices(key, limit)),
    saveSchedules: (tenant, key, schedules) => session(tenant, (s) => s.saveSchedules(key, schedules)),
    dueDevices: (tenant, window) => session(tenant, (s) => s.dueDevices(window)),
    checkinFacts: (tenant, deviceIds) =>
      session(tenant, async (s): Promise<CheckinFacts> => {
        const read = await s.checkinStatuses(deviceIds);
        return {
          statuses: read.statuses.map((f) => ({ ...f, status: f.status as ComplianceStatus })),
          targetedApps: read.targetedApps,
        };
      }),
    applyCheckins: (tenant, batch) => session(tenant, (s) => s.applyCheckins(batch)),
  };
}
