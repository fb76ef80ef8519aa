/**
 * System query options of a GET → the semantic `ListQuery` plus what the writer needs ($select, $expand,
 * `@odata.nextLink`). Parsing and binding are `odata/options.ts` and `odata/bind/`; this adds what needs the
 * request: the page size setting, and `$skiptoken` sealing, which needs the server secret and the caller's tenant.
 */
import { randomBytes } from 'node:crypto';
import { setPath } from '../format/context.js';
import type { StructuredType } from '../model/model.js';
import { ENTITY_SETS, type SetName } from '../model/resources.js';
import type { ExpandItem } from '../odata/bind/expand.js';
import type { SelectResult } from '../odata/bind/select.js';
import { parseQueryOptions, type TargetKind, withSkiptoken } from '../odata/options.js';
import type { ListQuery } from '../odata/query.js';
import { openSkiptoken, sealSkiptoken } from '../odata/skiptoken.js';
import type { Store } from '../store/port.js';
import type { Ctx } from './context.js';
import { checkAdvancedQuery, DIRECTORY_LIMITS, directoryQuery, isDirectorySet } from './directory.js';

export interface ListOptions {
  /** The semantic query, with the `$skiptoken` position opened and verified. */
  readonly query: ListQuery;
  readonly select: ReadonlySet<string> | undefined;
  /** The projection for the context URL, `(a,b,nav(c))`, when `$select` is given. */
  readonly selectList: readonly string[] | undefined;
  readonly expand: readonly ExpandItem[];
  /** The absolute link to the page after `position` (docs/api.md#queries). */
  nextLink(position: string): string;
}

const keys = new WeakMap<Store, Promise<Buffer>>();

/** The paging-token key: one server secret in the store, shared by every instance on that store. */
export function skiptokenKey(store: Store): Promise<Buffer> {
  let k = keys.get(store);
  if (!k) {
    k = store
      .secret('skiptoken-hmac', () => randomBytes(32).toString('base64url'))
      .then((s) => Buffer.from(s, 'base64url'));
    k.catch(() => keys.delete(store));
    keys.set(store, k);
  }
  return k;
}

/** What a token is bound to: the tenant, the version, the collection and the query's row sequence. */
export const tokenContext = (ctx: Ctx, set: SetName, configId: string | undefined, fingerprint: string): string =>
  [ctx.principal.tenant, ctx.version, set, configId ?? '', fingerprint].join('\n');

export const projection = (
  select: SelectResult | undefined,
  expand: readonly ExpandItem[],
): readonly string[] | undefined =>
  select
    ? [...select.projection, ...expand.map((e) => `${e.navigation}(${e.select?.projection.join(',') ?? ''})`)]
    : undefined;

export async function parseListOptions(
  ctx: Ctx,
  set: SetName,
  opts: {
    kind: TargetKind;
    cast?: StructuredType | undefined;
    /** What the rows hang under, when not the scope's configuration (a link's owner: `members:{groupId}`). */
    within?: string;
  },
): Promise<ListOptions> {
  const type = opts.cast ?? ctx.model.entityTypes.get(ENTITY_SETS[set].entityType)!;
  // Directory objects follow Graph's directory conventions (docs/api.md#the-directory).
  const directory = isDirectorySet(set) ? directoryQuery(ctx, set, opts.kind) : undefined;
  const parsed = parseQueryOptions(directory?.text ?? ctx.query, {
    model: ctx.model,
    version: ctx.version,
    set,
    type,
    kind: opts.kind,
    limits: directory ? DIRECTORY_LIMITS : { defaultPageSize: ctx.settings.pageSize },
  });
  if (directory) checkAdvancedQuery(ctx, opts.kind, parsed.list, directory);
  const context = tokenContext(ctx, set, opts.within ?? ctx.scope.configId, parsed.fingerprint);
  let query = parsed.list;
  if (parsed.skiptoken !== undefined) {
    const after = openSkiptoken(await skiptokenKey(ctx.store), context, parsed.skiptoken);
    query = { ...query, after };
  }
  const key = opts.kind === 'collection' ? await skiptokenKey(ctx.store) : undefined;
  return {
    query,
    select: parsed.select?.properties,
    selectList: projection(parsed.select, parsed.expand),
    expand: parsed.expand,
    nextLink(position) {
      if (!key) throw new Error('nextLink on a request that does not page');
      const token = sealSkiptoken(key, context, position);
      const path = ctx.req.url.split('?', 1)[0];
      return `${ctx.settings.publicUrl ?? ctx.req.baseUrl}${path}?${withSkiptoken(ctx.query, ctx.version, token)}`;
    },
  };
}

/** The link that continues an expanded collection under the entity `configId` after `position`. */
export async function expandedNextLink(
  ctx: Ctx,
  item: ExpandItem,
  configId: string,
  position: string,
): Promise<string | undefined> {
  if (item.target.kind !== 'set') return undefined;
  const secret = await skiptokenKey(ctx.store);
  const token = sealSkiptoken(secret, tokenContext(ctx, item.target.set, configId, item.fingerprint), position);
  const query = [item.continuation, `$skiptoken=${encodeURIComponent(token)}`].filter((s) => s !== '').join('&');
  return `${ctx.serviceRoot}/${setPath(item.target.set, configId, true)}?${query}`;
}
