/** POST, PATCH and DELETE on configurations and their contained sets, the seed upsert and `assign`. */
import { collectionContext, entityContext, entityUrl } from '../../format/context.js';
import { entityObject } from '../../format/entity.js';
import type { StructuredType } from '../../model/model.js';
import { ENTITY_SETS, type SetName } from '../../model/resources.js';
import { completeForCreate, type EntityValues, validateEntity } from '../../model/validate.js';
import type { StoredEntity, UpsertItem } from '../../store/port.js';
import { nowDateTimeOffset } from '../../util/datetime.js';
import { ApiError, badRequest } from '../../util/errors.js';
import type { Ctx } from '../context.js';
import { ifMatch, jsonBody, MAX_BODY, MAX_BULK_BODY, prefersMinimal } from '../request.js';
import { json, noContent, written } from '../respond.js';
import { changeOfWrite, follow, followVersion } from '../targeting.js';
import type { ApiResponse } from '../types.js';
import { missing, visibleType } from './read.js';

/** The most items one bulk PATCH may carry (docs/api.md#the-seed-endpoint). */
export const MAX_BULK_ITEMS = 1000;

const declaredType = (ctx: Ctx, set: SetName): StructuredType =>
  ctx.model.entityTypes.get(ENTITY_SETS[set].entityType)!;

const createValues = (
  ctx: Ctx,
  type: StructuredType,
  values: EntityValues,
  prefix?: string,
  now = nowDateTimeOffset(),
): EntityValues => completeForCreate(ctx.model, type, values, now, prefix);

function entityBody(ctx: Ctx, set: SetName, type: StructuredType, e: StoredEntity): Record<string, unknown> {
  return {
    '@odata.context': entityContext(ctx.serviceRoot, set, ctx.scope.configId),
    ...entityObject(ctx.model, type, e),
  };
}

const location = (ctx: Ctx, set: SetName, id: string): string =>
  entityUrl(ctx.serviceRoot, set, ctx.scope.configId, id);

export async function createEntity(ctx: Ctx, set: SetName): Promise<ApiResponse> {
  const body = jsonBody(ctx.req, MAX_BODY);
  const { type, values } = validateEntity(ctx.model, declaredType(ctx, set), body, { mode: 'create' });
  const id = values.id as string | undefined;
  const e = await ctx.store.create(set, ctx.scope, {
    ...(id !== undefined ? { id } : {}),
    type: type.name,
    values: createValues(ctx, type, values),
  });
  await follow(ctx, changeOfWrite(ctx, set, 'create', e.id));
  return written(201, entityBody(ctx, set, type, e), {
    etag: e.etag,
    location: location(ctx, set, e.id),
    minimal: prefersMinimal(ctx.req),
  });
}

export async function updateEntity(ctx: Ctx, set: SetName, id: string, cast?: StructuredType): Promise<ApiResponse> {
  const body = jsonBody(ctx.req, MAX_BODY);
  const match = ifMatch(ctx.req);
  const declared = declaredType(ctx, set);
  // A set of one concrete type validates without reading the entity first; the store answers 404/412 itself.
  // Configurations are polymorphic: the stored type decides which properties the body may carry.
  let actual = declared;
  if (declared.polymorphic || cast) {
    const current = await ctx.store.get(set, ctx.scope, id);
    if (!current) {
      if (match) {
        throw new ApiError('PreconditionFailed', `If-Match was given, but no ${declared.name} with id '${id}' exists.`);
      }
      throw missing(ctx, set, id);
    }
    actual = visibleType(ctx, set, current, cast);
  }
  const { values } = validateEntity(ctx.model, declared, body, { mode: 'update', actual });
  if ('id' in values && values.id !== id) {
    throw badRequest(
      `The body's id '${String(values.id)}' differs from the id '${id}' in the URL; the key cannot be changed.`,
      'id',
    );
  }
  delete values.id;
  const e = await ctx.store.update(set, ctx.scope, id, values, match);
  await follow(ctx, changeOfWrite(ctx, set, 'update', id));
  await followVersion(ctx, set, id);
  return written(200, entityBody(ctx, set, actual, e), { etag: e.etag, minimal: prefersMinimal(ctx.req) });
}

export async function deleteEntity(ctx: Ctx, set: SetName, id: string, cast?: StructuredType): Promise<ApiResponse> {
  if (cast) {
    const current = await ctx.store.get(set, ctx.scope, id);
    if (!current) throw missing(ctx, set, id);
    visibleType(ctx, set, current, cast);
  }
  await ctx.store.delete(set, ctx.scope, id, ifMatch(ctx.req));
  await follow(ctx, changeOfWrite(ctx, set, 'delete', id));
  return noContent();
}

/**
 * The seed endpoint, `PATCH …/mobileAppConfigurations/{id}/userStatuses` (docs/api.md#the-seed-endpoint): one status
 * named by `id` or by `userPrincipalName` (case-insensitive, created on a miss), or `{"value":[…]}` with up to 1,000 of
 * them in one all-or-nothing transaction.
 */
export async function upsertStatuses(ctx: Ctx, set: SetName): Promise<ApiResponse> {
  const body = jsonBody(ctx.req, MAX_BULK_BODY);
  const type = declaredType(ctx, set);
  const bulk = typeof body === 'object' && body !== null && !Array.isArray(body) && 'value' in body;
  let raw: unknown[];
  if (bulk) {
    const value = (body as { value: unknown }).value;
    const extra = Object.keys(body as object).filter((k) => k !== 'value' && !k.startsWith('@'));
    if (extra.length > 0) throw badRequest(`A bulk body holds only 'value'; it also has '${extra[0]}'.`, extra[0]);
    if (!Array.isArray(value)) throw badRequest(`'value' must be a JSON array of ${type.qualifiedName}.`, 'value');
    if (value.length > MAX_BULK_ITEMS) {
      throw badRequest(`A bulk PATCH carries at most ${MAX_BULK_ITEMS} items; this one has ${value.length}.`, 'value');
    }
    raw = value;
  } else {
    if (jsonSize(ctx) > MAX_BODY) {
      throw new ApiError(
        'RequestEntityTooLarge',
        `The request body is over the ${MAX_BODY}-byte limit for a single entity.`,
      );
    }
    raw = [body];
  }
  const match = ifMatch(ctx.req);
  if (bulk && match)
    throw badRequest('If-Match applies to one entity; it cannot be used with a bulk {"value":[…]} body.', 'If-Match');
  const principalKey = ENTITY_SETS[set].principalKey!;
  const now = nowDateTimeOffset();
  // A loop and plain object literals: this runs for every item of a bulk body (spreads cost more than the rest).
  const items = new Array<UpsertItem>(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const label = bulk ? `value[${i}]` : undefined;
    const opts = label ? { mode: 'update' as const, prefix: label } : { mode: 'update' as const };
    const { values } = validateEntity(ctx.model, type, raw[i], opts);
    const id = values.id as string | undefined;
    const principal = values[principalKey];
    if (id === undefined && typeof principal !== 'string') {
      throw badRequest(
        `${label ? `${label}: ` : ''}The body must name its target: give 'id' (update that status) or '${principalKey}' ` +
          `(update or create that user's status).`,
        label ?? principalKey,
      );
    }
    let item: UpsertItem;
    if (id !== undefined) {
      delete values.id;
      item = label ? { id, changes: values, create: {}, label } : { id, changes: values, create: {} };
    } else {
      const create = createValues(ctx, type, values, label, now);
      item = label
        ? { principal: principal as string, changes: values, create, label }
        : { principal: principal as string, changes: values, create };
    }
    items[i] = item;
  }
  const results = await ctx.store.upsert(set, ctx.scope, items, match);
  const minimal = prefersMinimal(ctx.req);
  if (bulk) {
    if (minimal) return noContent({ 'Preference-Applied': 'return=minimal' });
    return json(200, {
      '@odata.context': collectionContext(ctx.serviceRoot, set, ctx.scope.configId),
      value: results.map((r) => entityObject(ctx.model, type, r.entity)),
    });
  }
  const r = results[0]!;
  return written(r.created ? 201 : 200, entityBody(ctx, set, type, r.entity), {
    etag: r.entity.etag,
    ...(r.created ? { location: location(ctx, set, r.entity.id) } : {}),
    minimal,
  });
}

function jsonSize(ctx: Ctx): number {
  const b = ctx.req.body;
  if (b === undefined) return 0;
  if (typeof b === 'string') return Buffer.byteLength(b);
  if (Buffer.isBuffer(b)) return b.length;
  return 0;
}

/** `POST …/{id}/assign` with `{"assignments":[…]}`: replaces the configuration's assignments, 204. */
export async function assign(ctx: Ctx): Promise<ApiResponse> {
  const body = jsonBody(ctx.req, MAX_BODY);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest("The body must be a JSON object with an 'assignments' array.");
  }
  const extra = Object.keys(body).filter((k) => k !== 'assignments' && !k.startsWith('@'));
  if (extra.length > 0) throw badRequest(`The action 'assign' has no parameter named '${extra[0]}'.`, extra[0]);
  const list = (body as { assignments?: unknown }).assignments;
  if (!Array.isArray(list)) throw badRequest("The parameter 'assignments' must be a JSON array.", 'assignments');
  const type = declaredType(ctx, 'assignments');
  const seen = new Set<string>();
  const items = list.map((a, i) => {
    const { values } = validateEntity(ctx.model, type, a, { mode: 'create', prefix: `assignments[${i}]` });
    const id = values.id as string | undefined;
    if (id !== undefined) {
      if (seen.has(id)) throw new ApiError('Conflict', `assignments[${i}]: the id '${id}' appears twice.`);
      seen.add(id);
    }
    return {
      ...(id !== undefined ? { id } : {}),
      type: type.name,
      values: createValues(ctx, type, values, `assignments[${i}]`),
    };
  });
  await ctx.store.replaceAssignments(ctx.scope, items);
  await follow(ctx, { kind: 'configurations', ids: [ctx.scope.configId!] });
  return noContent();
}
