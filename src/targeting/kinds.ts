/** The assignment target types Graph defines, as the kinds targeting acts on. */

import { bareTypeName } from './platform.js';
import type { AssignmentTargetKind } from './types.js';

const KINDS: Readonly<Record<string, AssignmentTargetKind>> = {
  groupAssignmentTarget: 'group',
  exclusionGroupAssignmentTarget: 'exclusionGroup',
  allLicensedUsersAssignmentTarget: 'allLicensedUsers',
  allDevicesAssignmentTarget: 'allDevices',
};

/**
 * The kind of an assignment target from its `@odata.type`. Targets that reach no user here (such as
 * `configurationManagerCollectionAssignmentTarget`) are `other` and target nobody.
 */
export const targetKindOf = (odataType: string): AssignmentTargetKind => KINDS[bareTypeName(odataType)] ?? 'other';
