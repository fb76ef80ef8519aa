/** GET of one entity, a collection, `$count` and the computed summaries. */
import { collectionContext, entityContext, summaryContext } from '../../format/context.js';
import { entityObject, typeOf } from '../../format/entity.js';
import { TEXT_CONTENT_TYPE } from '../../format/media.js';
import type { StructuredType } from '../../model/model.js';
import {
  containerOf,
  ENTITY_SETS,
  type SetName,
  SUMMARIES,
  type SummaryName,
  summaryContainer,
} from '../../model/resources.js';
import type { ExpandItem } from '../../odata/bind/expand.js';
import type { StoredEntity } from '../../store/port.js';
import { notFound } from '../../util/errors.js';
import type { Ctx } from '../context.js';
import { defaultSelect } from '../directory.js';
import { expandedNextLink, parseListOptions } from '../list-options.js';
import { etagHeader, noneMatch } from '../request.js';
import { json } from '../respond.js';
import type { ApiResponse } from '../types.js';

export function missing(ctx: Ctx, set: SetName, id: string): Error {
  const t = ENTITY_SETS[set].entityType;
  const container = containerOf(ENTITY_SETS[set]);
  return notFound(
    container
      ? `No ${t} with id '${id}' exists in ${container.entityType} '${ctx.scope.configId}'.`
      : `No ${t} with id '${id}' exists in this tenant.`,
  );
}

/** The entity's type in this version, honouring a type-cast segment; 404 when it is not visible here. */
export function visibleType(ctx: Ctx, set: SetName, e: StoredEntity, cast?: StructuredType): StructuredType {
  const type = typeOf(ctx.model, e);
  if (!type || (cast && type !== cast && !cast.concreteTypes.includes(type))) throw missing(ctx, set, e.id);
  return type;
}

/** An entity GET without query options: nothing to parse (the common, hot case). */
const NO_OPTIONS = { select: undefined, selectList: undefined, expand: [] } as const;

export async function getEntity(ctx: Ctx, set: SetName, id: string, cast?: StructuredType): Promise<ApiResponse> {
  // A bad query option is a 400 whether or not the entity exists.
  const { select, selectList, expand } =
    ctx.query === '' ? NO_OPTIONS : await parseListOptions(ctx, set, { kind: 'entity', cast });
  const e = await ctx.store.get(set, ctx.scope, id);
  if (!e) throw missing(ctx, set, id);
  const type = visibleType(ctx, set, e, cast);
  const headers = { ETag: etagHeader(e.etag) };
  if (noneMatch(ctx.req, e.etag)) return { status: 304, headers };
  return json(
    200,
    {
      '@odata.context': entityContext(ctx.serviceRoot, set, ctx.scope.configId, selectList),
      ...entityObject(ctx.model, type, e, select ?? defaultSelect(set)),
      ...(await expanded(ctx, e, expand)),
    },
    headers,
  );
}

export async function listEntities(ctx: Ctx, set: SetName, cast?: StructuredType): Promise<ApiResponse> {
  const opts = await parseListOptions(ctx, set, { kind: 'collection', cast });
  const page = await ctx.store.list(set, ctx.scope, opts.query);
  const body: Record<string, unknown> = {
    '@odata.context': collectionContext(ctx.serviceRoot, set, ctx.scope.configId, opts.selectList),
  };
  if (page.count !== undefined) body['@odata.count'] = page.count;
  const value: unknown[] = [];
  const select = opts.select ?? defaultSelect(set);
  for (const e of page.items) {
    const type = typeOf(ctx.model, e);
    if (type) value.push({ ...entityObject(ctx.model, type, e, select), ...(await expanded(ctx, e, opts.expand)) });
  }
  body.value = value;
  if (page.next !== undefined) body['@odata.nextLink'] = opts.nextLink(page.next);
  return json(200, body);
}

export async function countEntities(ctx: Ctx, set: SetName, cast?: StructuredType): Promise<ApiResponse> {
  const opts = await parseListOptions(ctx, set, { kind: 'count', cast });
  const n = await ctx.store.count(set, ctx.scope, opts.query);
  return { status: 200, headers: { 'Content-Type': TEXT_CONTENT_TYPE }, body: String(n) };
}

const NO_REPORT = '0001-01-01T00:00:00.0000000Z';

/** Summaries are computed from the statuses at read time, never stored (docs/api.md#computed-summaries). */
export async function getSummary(ctx: Ctx, which: SummaryName): Promise<ApiResponse> {
  const owner = summaryContainer(SUMMARIES[which]).name;
  const config = await ctx.store.get(owner, { tenant: ctx.scope.tenant }, ctx.scope.configId ?? '');
  if (!config || !typeOf(ctx.model, config)) throw missing(ctx, owner, ctx.scope.configId ?? '');
  return json(200, {
    '@odata.context': summaryContext(ctx.serviceRoot, config.id, which),
    ...(await summaryObject(ctx, which, config)),
  });
}

/** A configuration's computed summary as a JSON object. */
async function summaryObject(
  ctx: Ctx,
  which: SummaryName,
  config: StoredEntity,
  select?: ReadonlySet<string>,
): Promise<Record<string, unknown>> {
  const def = SUMMARIES[which];
  const counts = await ctx.store.statusCounts(def.source, { tenant: ctx.scope.tenant, configId: config.id });
  const n = (...members: number[]): number => members.reduce((s, m) => s + (counts.byStatus.get(m) ?? 0), 0);
  // complianceStatus: unknown 0, notApplicable 1, compliant 2, remediated 3, nonCompliant 4, error 5, conflict 6.
  const values: Record<string, unknown> = {
    pendingCount: n(0),
    notApplicableCount: n(1),
    notApplicablePlatformCount: 0,
    successCount: n(2, 3),
    errorCount: n(5),
    failedCount: n(4),
    conflictCount: n(6),
    lastUpdateDateTime: counts.lastReported ?? NO_REPORT,
    configurationVersion: config.values.version,
  };
  const type = ctx.model.entityTypes.get(def.entityType)!;
  const id = `${config.id}_${which}`;
  return entityObject(ctx.model, type, { id, type: def.entityType, values }, select);
}

/**
 * `$expand` on a configuration: each navigation's rows (with its nested options), count and continuation link,
 * or the computed summary (docs/api.md#queries).
 */
async function expanded(
  ctx: Ctx,
  parent: StoredEntity,
  items: readonly ExpandItem[],
): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const item of items) {
    if (item.target.kind === 'summary') {
      out[item.navigation] = await summaryObject(ctx, item.target.summary, parent, item.select?.properties);
      continue;
    }
    const page = await ctx.store.list(item.target.set, { tenant: ctx.scope.tenant, configId: parent.id }, item.query);
    if (page.count !== undefined) out[`${item.navigation}@odata.count`] = page.count;
    out[item.navigation] = page.items.flatMap((e) => {
      const type = typeOf(ctx.model, e);
      return type ? [entityObject(ctx.model, type, e, item.select?.properties)] : [];
    });
    if (page.next !== undefined)
      out[`${item.navigation}@odata.nextLink`] = await expandedNextLink(ctx, item, parent.id, page.next);
  }
  return out;
}
