/**
 * A configuration's new version under simulation (docs/simulation.md#a-new-version): its targeted device statuses
 * of the platform are pending again until their devices' next check-in, and its user statuses follow.
 */
import type { Store, UserStatusAggregate } from '../store/port.js';
import { aggregateUser, type ComplianceStatus, type DeviceStatusView } from './aggregate.js';

/** Puts the configuration's applicable statuses back to `unknown` and aggregates its user statuses again. */
export function pendConfiguration(store: Pick<Store, 'targeting'>, tenant: string, configurationId: string) {
  return store.targeting(tenant, async (session) => {
    await session.pendConfiguration(configurationId);
    const linked = await session.linkedStatuses({ configurationIds: [configurationId] });
    const byUser = new Map<string, DeviceStatusView[]>();
    for (const u of linked.users) byUser.set(u.userId, []);
    for (const d of linked.devices) {
      if (d.userId === null) continue;
      byUser.get(d.userId)?.push({
        status: d.status as ComplianceStatus,
        applicable: d.applicable,
        lastReportedDateTime: d.lastReportedDateTime,
      });
    }
    const aggregates: UserStatusAggregate[] = [...byUser].map(([userId, views]) => ({
      configurationId,
      userId,
      ...aggregateUser(views),
    }));
    await session.apply([], aggregates);
  });
}
