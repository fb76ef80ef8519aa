/**
 * System query options of a GET → the semantic `ListQuery` plus what the writer needs ($select, nextLink).
 */
import type { StructuredType } from '../model/model.js';
import { ENTITY_SETS, type SetName } from '../model/resources.js';
import { DEFAULT_PAGE_SIZE, type ListQuery } from '../odata/query.js';
import { badRequest } from '../util/errors.js';
import type { Ctx } from './context.js';

export interface ListOptions {
  readonly query: ListQuery;
  readonly select: ReadonlySet<string> | undefined;
  readonly selectList: readonly string[] | undefined;
  nextLink(position: string): string;
}

const MAX_TOP = DEFAULT_PAGE_SIZE;

export function parseListOptions(
  ctx: Ctx,
  set: SetName,
  opts: { entity?: boolean; cast?: StructuredType | undefined; count?: boolean },
): ListOptions {
  const params = new URLSearchParams(ctx.query);
  const type = opts.cast ?? ctx.model.entityTypes.get(ENTITY_SETS[set].entityType)!;
  let top = ctx.settings.pageSize;
  let after: string | undefined;
  let count = false;
  let selectList: string[] | undefined;
  for (const [rawName, value] of params) {
    const name = rawName.startsWith('$') ? rawName : ctx.version === 'beta' ? `$${rawName}` : rawName;
    switch (name) {
      case '$top': {
        const n = Number(value);
        if (!/^\d+$/.test(value) || n < 1 || n > MAX_TOP)
          throw badRequest(`$top must be an integer from 1 to ${MAX_TOP}; got '${value}'.`, '$top');
        top = n;
        break;
      }
      case '$skiptoken':
        after = value;
        break;
      case '$count':
        if (value !== 'true' && value !== 'false')
          throw badRequest(`$count must be true or false; got '${value}'.`, '$count');
        count = value === 'true';
        break;
      case '$select':
        selectList = value.split(',').map((s) => s.trim());
        for (const p of selectList) {
          if (!type.propertyMap.has(p))
            throw badRequest(`Could not find a property named '${p}' on type '${type.qualifiedName}'.`, '$select');
        }
        break;
      default:
        if (rawName.startsWith('$')) throw badRequest(`The query option '${rawName}' is not supported here.`, rawName);
    }
  }
  const query: ListQuery = { orderBy: [], top, skip: 0, count, ...(after !== undefined ? { after } : {}) };
  return {
    query,
    select: selectList ? new Set(selectList) : undefined,
    selectList,
    nextLink(position) {
      const next = new URLSearchParams(ctx.query);
      next.delete('$skiptoken');
      next.set('$skiptoken', position);
      const path = ctx.req.url.split('?', 1)[0];
      return `${ctx.settings.publicUrl ?? ctx.req.baseUrl}${path}?${next.toString()}`;
    },
  };
}
