/**
 * The plain shapes targeting works on: ids and the few fields it needs, so any store can feed it and the rules
 * stay a pure function (docs/simulation.md#targeting).
 */

/** What an assignment's target does, read from its `@odata.type` (see `targetKindOf`). */
export type AssignmentTargetKind = 'group' | 'exclusionGroup' | 'allLicensedUsers' | 'allDevices' | 'other';

export interface AssignmentTargetInput {
  readonly kind: AssignmentTargetKind;
  /** The group of a `group` or `exclusionGroup` target. */
  readonly groupId?: string | null;
}

export interface ConfigurationInput {
  readonly id: string;
  /** The configuration's concrete type, with or without the `#microsoft.graph.` prefix. */
  readonly type: string;
  readonly assignments: readonly AssignmentTargetInput[];
}

export interface DirectoryUser {
  readonly id: string;
  readonly userPrincipalName: string | null;
  readonly displayName: string | null;
}

export interface DirectoryDevice {
  readonly id: string;
  /** The primary user, or null for a device without one. */
  readonly userId: string | null;
  readonly operatingSystem: string | null;
  readonly deviceName: string | null;
  readonly model: string | null;
}

export interface Directory {
  readonly users: readonly DirectoryUser[];
  /** Group id → the ids of its member users. */
  readonly memberships: ReadonlyMap<string, readonly string[]>;
  readonly devices: readonly DirectoryDevice[];
}

/** A targeted user: one user status of the configuration. */
export interface UserTarget {
  readonly userId: string;
  readonly userPrincipalName: string | null;
  readonly userDisplayName: string | null;
  /** The user's targeted devices of the configuration's platform. */
  readonly devicesCount: number;
}

/** A targeted device: one device status of the configuration, with the names the status carries. */
export interface DeviceTarget {
  readonly deviceId: string;
  readonly userId: string | null;
  /** False for a device of another platform than the configuration's: its status is `notApplicable`. */
  readonly applicable: boolean;
  readonly deviceDisplayName: string | null;
  /** The user's display name (the status's `userName`). */
  readonly userName: string | null;
  readonly userPrincipalName: string | null;
  readonly deviceModel: string | null;
  /** Graph's `devicePlatformType` number of the device's operating system. */
  readonly platform: number;
}

/** Every target of one configuration, keyed by user id and by device id. */
export interface ConfigurationTargets {
  readonly configurationId: string;
  readonly users: ReadonlyMap<string, UserTarget>;
  readonly devices: ReadonlyMap<string, DeviceTarget>;
}
