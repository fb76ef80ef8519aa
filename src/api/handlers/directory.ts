/**
 * The directory's writes and its reference navigation: users, groups and managed devices created, changed and
 * deleted through the generic handlers, and a group's members listed, counted, added and removed
 * (docs/api.md#the-directory, #group-membership). Every directory write that can change what a configuration
 * targets (a user, group or device created, changed or deleted; a member added or removed) passes through
 * `directoryWrite`; the statuses follow it before the answer (the entity writes in write.ts, the members here,
 * through `../targeting.ts`).
 */
import { entityObject, typeOf } from '../../format/entity.js';
import { TEXT_CONTENT_TYPE } from '../../format/media.js';
import { ENTITY_SETS, LINKS, type LinkName, type SetName } from '../../model/resources.js';
import type { PathTarget } from '../../odata/path.js';
import { badRequest } from '../../util/errors.js';
import type { Ctx } from '../context.js';
import { defaultSelect, resourceNotFound } from '../directory.js';
import { parseListOptions } from '../list-options.js';
import { jsonBody, MAX_BODY } from '../request.js';
import { json, noContent } from '../respond.js';
import { changeOfLink, follow } from '../targeting.js';
import type { ApiResponse } from '../types.js';
import { createEntity, deleteEntity, updateEntity } from './write.js';

/** Sets whose writes change who configurations target: the directory and its devices. */
export const DIRECTORY_SETS: ReadonlySet<SetName> = new Set<SetName>(['users', 'groups', 'managedDevices']);

/**
 * The id an entity path names. A set with a principal key (users) is also addressed by it (`/users/{upn}`, told
 * apart by its `@`), as Graph allows; an unknown name is a 404.
 */
export async function entityIdOf(ctx: Ctx, set: SetName, key: string): Promise<string> {
  const s = ENTITY_SETS[set];
  if (!s.directory || !s.principalKey || !key.includes('@')) return key;
  const e = await ctx.store.findByPrincipal(set, ctx.scope, key);
  if (!e) throw resourceNotFound(key);
  return e.id;
}

/** A write on a directory path or a managed device: the one place directory changes go through. */
export async function directoryWrite(ctx: Ctx, target: PathTarget): Promise<ApiResponse> {
  const m = ctx.req.method;
  switch (target.kind) {
    case 'collection':
      return createEntity(ctx, target.set);
    case 'entity': {
      const id = await entityIdOf(ctx, target.set, target.id);
      if (m === 'DELETE') return deleteEntity(ctx, target.set, id, target.cast);
      const r = await updateEntity(ctx, target.set, id, target.cast);
      // Directory objects answer an update with 204 No Content; Intune's managed devices with the entity.
      if (!ENTITY_SETS[target.set].directory) return r;
      return noContent(r.headers.ETag ? { ETag: r.headers.ETag } : {});
    }
    case 'links':
      if (target.view === 'refs') return addReference(ctx, target.link, target.ownerId);
      return removeReference(ctx, target.link, target.ownerId, target.memberId ?? '');
    default:
      throw new Error(`${target.kind} is not a directory write`);
  }
}

/** `GET /groups/{id}/members`: the members as directory objects, each with its `@odata.type`. */
export async function listLinked(ctx: Ctx, link: LinkName, ownerId: string): Promise<ApiResponse> {
  const l = LINKS[link];
  const opts = await parseListOptions(ctx, l.member, { kind: 'collection', within: `${link}:${ownerId}` });
  const page = await ctx.store.listLinked(link, ctx.scope, ownerId, opts.query);
  const select = opts.select ?? defaultSelect(l.member);
  const body: Record<string, unknown> = {
    '@odata.context': `${ctx.serviceRoot}/$metadata#directoryObjects${opts.selectList ? `(${opts.selectList.join(',')})` : ''}`,
  };
  if (page.count !== undefined) body['@odata.count'] = page.count;
  body.value = page.items.flatMap((e) => {
    const type = typeOf(ctx.model, e);
    return type ? [entityObject(ctx.model, type, e, select)] : [];
  });
  if (page.next !== undefined) body['@odata.nextLink'] = opts.nextLink(page.next);
  return json(200, body);
}

/** `GET /groups/{id}/members/$count`. */
export async function countLinked(ctx: Ctx, link: LinkName, ownerId: string): Promise<ApiResponse> {
  const opts = await parseListOptions(ctx, LINKS[link].member, { kind: 'count', within: `${link}:${ownerId}` });
  const n = await ctx.store.countLinked(link, ctx.scope, ownerId, opts.query);
  return { status: 200, headers: { 'Content-Type': TEXT_CONTENT_TYPE }, body: String(n) };
}

/**
 * The id an `@odata.id` names: `…/directoryObjects/{id}`, `…/users/{id}` (absolute or relative), or the same with
 * the key in parentheses (`directoryObjects('{id}')`).
 */
export function referencedId(body: unknown, memberSegment: string): string {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest("The body must be a JSON object with an '@odata.id' naming the object to add.");
  }
  const extra = Object.keys(body).find((k) => k !== '@odata.id');
  if (extra !== undefined) throw badRequest(`A reference body holds only '@odata.id'; it also has '${extra}'.`, extra);
  const ref = (body as Record<string, unknown>)['@odata.id'];
  if (typeof ref !== 'string')
    throw badRequest("'@odata.id' must be a string: the URL of the object to add.", '@odata.id');
  const path = ref.replace(/^[a-z]+:\/\/[^/]+/i, '').split(/[?#]/, 1)[0]!;
  const collections = ['directoryobjects', memberSegment.toLowerCase()];
  const segs = path.split('/').filter((s) => s !== '');
  const last = segs[segs.length - 1] ?? '';
  const paren = /^([A-Za-z]+)\('([^']+)'\)$/.exec(last);
  let id: string | undefined;
  if (paren && collections.includes(paren[1]!.toLowerCase())) id = paren[2];
  else if (segs.length >= 2 && collections.includes(segs[segs.length - 2]!.toLowerCase())) {
    try {
      id = decodeURIComponent(last);
    } catch {
      id = undefined;
    }
  }
  if (!id) {
    throw badRequest(
      `'@odata.id' must name a directory object, as https://graph.microsoft.com/v1.0/directoryObjects/{id} or …/${memberSegment}/{id}; got ${JSON.stringify(ref)}.`,
      '@odata.id',
    );
  }
  return id;
}

/** `POST /groups/{id}/members/$ref` → 204. */
async function addReference(ctx: Ctx, link: LinkName, ownerId: string): Promise<ApiResponse> {
  const memberId = referencedId(jsonBody(ctx.req, MAX_BODY), ENTITY_SETS[LINKS[link].member].segment);
  await ctx.store.addLink(link, ctx.scope, ownerId, memberId);
  await follow(ctx, changeOfLink(link, memberId));
  return noContent();
}

/** `DELETE /groups/{id}/members/{memberId}/$ref` → 204. */
async function removeReference(ctx: Ctx, link: LinkName, ownerId: string, memberId: string): Promise<ApiResponse> {
  await ctx.store.removeLink(link, ctx.scope, ownerId, memberId);
  await follow(ctx, changeOfLink(link, memberId));
  return noContent();
}
