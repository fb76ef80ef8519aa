/**
 * A user status from that user's device statuses for one configuration (docs/simulation.md#user-statuses).
 */

/** The `complianceStatus` members (a test keeps them in step with the model's enum). */
export type ComplianceStatus =
  | 'unknown'
  | 'notApplicable'
  | 'compliant'
  | 'remediated'
  | 'nonCompliant'
  | 'error'
  | 'conflict'
  | 'notAssigned';

/** Worst first: the user status is the first of these that any of the user's device statuses has. */
export const SEVERITY: readonly ComplianceStatus[] = [
  'error',
  'conflict',
  'nonCompliant',
  'unknown',
  'remediated',
  'compliant',
  'notApplicable',
];

const RANK: ReadonlyMap<ComplianceStatus, number> = new Map(SEVERITY.map((s, i) => [s, i] as const));

export interface DeviceStatusView {
  readonly status: ComplianceStatus;
  /** The device is of the configuration's platform. */
  readonly applicable: boolean;
  /** Canonical Edm.DateTimeOffset text (fixed width, so it compares as text). */
  readonly lastReportedDateTime: string;
}

export interface UserAggregate {
  readonly status: ComplianceStatus;
  readonly devicesCount: number;
  /** The newest device report, or null when the user has no targeted device (the store keeps its value). */
  readonly lastReportedDateTime: string | null;
}

/**
 * The user status from its device statuses. `notAssigned` device statuses are no longer targeted and do not
 * count. A targeted user with no applicable device has nothing to apply: `notApplicable`, 0 devices, whatever
 * its other devices' statuses say.
 */
export function aggregateUser(devices: Iterable<DeviceStatusView>): UserAggregate {
  let worst = RANK.get('notApplicable')!;
  let devicesCount = 0;
  let newest: string | null = null;
  for (const d of devices) {
    if (d.status === 'notAssigned') continue;
    if (d.applicable) devicesCount++;
    const rank = RANK.get(d.status)!;
    if (rank < worst) worst = rank;
    if (newest === null || d.lastReportedDateTime > newest) newest = d.lastReportedDateTime;
  }
  const status = devicesCount === 0 ? 'notApplicable' : SEVERITY[worst]!;
  return { status, devicesCount, lastReportedDateTime: newest };
}
