/**
 * The targeting hook of the write handlers: after a write that can change what configurations target, the
 * statuses follow before the answer is sent (docs/simulation.md#targeting-in-the-store). Which writes those
 * are follows from the model: the sets that statuses report on (`SUBJECTS`: users, managed devices), the link
 * that makes group members, deleting a group, and a configuration's assignments.
 */
import { ENTITY_SETS, LINKS, type LinkName, type SetName, SUBJECTS } from '../model/resources.js';
import { pendConfiguration } from '../targeting/pend.js';
import { retarget, type TargetingChange } from '../targeting/retarget.js';
import type { Ctx } from './context.js';

/** The set whose entities are a configuration's assignments, and the action that replaces them. */
const ASSIGNMENTS: SetName = 'assignments';

type Write = 'create' | 'update' | 'delete';

/** What a write of entity `id` of `set` changed for targeting, if anything. */
export function changeOfWrite(ctx: Ctx, set: SetName, write: Write, id: string): TargetingChange | undefined {
  if (set === SUBJECTS.user.set) return { kind: 'users', ids: [id] };
  if (set === SUBJECTS.device.set) return { kind: 'devices', ids: [id] };
  if (write === 'delete' && Object.values(LINKS).some((l) => l.owner === set && l.member === SUBJECTS.user.set))
    return { kind: 'groups', ids: [id] };
  if (set === ASSIGNMENTS && ctx.scope.configId !== undefined)
    return { kind: 'configurations', ids: [ctx.scope.configId] };
  if (write === 'create' && ENTITY_SETS[set].actions?.includes('assign')) return { kind: 'configurations', ids: [id] };
  return undefined;
}

/** What adding or removing a link pair changed: a group member's targeting. */
export function changeOfLink(link: LinkName, memberId: string): TargetingChange | undefined {
  return LINKS[link].member === SUBJECTS.user.set ? { kind: 'users', ids: [memberId] } : undefined;
}

/** Brings the statuses in step with `change` in the caller's tenant. */
export async function follow(ctx: Ctx, change: TargetingChange | undefined): Promise<void> {
  if (change) await retarget(ctx.store, ctx.scope.tenant, change);
}

/**
 * A configuration updated has a new `version` (the store bumps it on every update): under simulation its targeted
 * statuses are pending again until their devices check in (docs/simulation.md#a-new-version). Without simulation
 * nothing would ever resolve them, so they stay as they are.
 */
export async function followVersion(ctx: Ctx, set: SetName, id: string): Promise<void> {
  if (ctx.settings.simulate && ENTITY_SETS[set].actions?.includes('assign'))
    await pendConfiguration(ctx.store, ctx.scope.tenant, id);
}
