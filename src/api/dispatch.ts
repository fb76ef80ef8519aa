/**
 * The execute phase: a resolved, authorised request goes to the handler for its target and method. Writes on the
 * directory (users, groups, managed devices, group members) go through one handler module; errors on directory
 * object paths carry Entra's codes (docs/api.md#the-directory).
 */
import { assertNever } from '../util/assert.js';
import { ApiError } from '../util/errors.js';
import type { Ctx } from './context.js';
import { directoryError, isDirectoryTarget } from './directory.js';
import { countLinked, DIRECTORY_SETS, directoryWrite, entityIdOf, listLinked } from './handlers/directory.js';
import { countEntities, getEntity, getSummary, listEntities } from './handlers/read.js';
import { assign, createEntity, deleteEntity, updateEntity, upsertStatuses } from './handlers/write.js';
import type { ApiResponse } from './types.js';

export async function dispatch(ctx: Ctx): Promise<ApiResponse> {
  if (!isDirectoryTarget(ctx.target)) return execute(ctx);
  try {
    return await execute(ctx);
  } catch (err) {
    throw directoryError(err, ctx.target);
  }
}

async function execute(ctx: Ctx): Promise<ApiResponse> {
  const { target } = ctx;
  const m = ctx.req.method;
  switch (target.kind) {
    case 'collection':
      if (m === 'GET') return listEntities(ctx, target.set, target.cast);
      if (m === 'POST') {
        if (target.cast)
          throw new ApiError(
            'MethodNotAllowed',
            'POST to a type-cast segment is not supported; POST to the collection with @odata.type.',
            { headers: { Allow: 'GET' } },
          );
        return DIRECTORY_SETS.has(target.set) ? directoryWrite(ctx, target) : createEntity(ctx, target.set);
      }
      return upsertStatuses(ctx, target.set);
    case 'entity':
      if (m === 'GET') return getEntity(ctx, target.set, await entityIdOf(ctx, target.set, target.id), target.cast);
      if (DIRECTORY_SETS.has(target.set)) return directoryWrite(ctx, target);
      if (m === 'PATCH') return updateEntity(ctx, target.set, target.id, target.cast);
      return deleteEntity(ctx, target.set, target.id, target.cast);
    case 'count':
      return countEntities(ctx, target.set, target.cast);
    case 'summary':
      return getSummary(ctx, target.summary);
    case 'action':
      return assign(ctx);
    case 'links':
      if (target.view === 'collection') return listLinked(ctx, target.link, target.ownerId);
      if (target.view === 'count') return countLinked(ctx, target.link, target.ownerId);
      return directoryWrite(ctx, target);
    case 'metadata':
    case 'batch':
      throw new Error(`${target.kind} is answered before dispatch`);
    default:
      return assertNever(target, 'target');
  }
}
