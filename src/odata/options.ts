/**
 * The query string of a GET → bound query options (docs/queries.md; OData 4.01 URL conventions §5.1). This module
 * reads the query string (splitting, decoding, which parameters are system options and where they apply) and
 * applies the options in their documented order; each option is bound by its own binder in `bind/`. System
 * option names are case-insensitive; on beta the `$` may be left out. An unknown `$`-option, an option given
 * twice (in any spelling) or one that does not apply to the resource is a 400; other parameters are ignored, as
 * Graph does. Nothing here touches storage: `$skiptoken` is returned as text for the caller to open.
 */
import type { Version } from '../model/edm.js';
import type { EdmModel, StructuredType } from '../model/model.js';
import { ENTITY_SETS, type EntitySet, type SetName } from '../model/resources.js';
import { badRequest } from '../util/errors.js';
import { bindExpand, type ExpandItem, type NestedQuery, type NestedTarget } from './bind/expand.js';
import { filterOption } from './bind/filter.js';
import { orderByOption } from './bind/orderby.js';
import { searchOption } from './bind/search.js';
import { bindSelect, type SelectResult } from './bind/select.js';
import { checkFormat, countOption, skipOption, topOption } from './bind/values.js';
import { QuerySyntaxError, shown } from './errors.js';
import { DEFAULT_LIMITS, type QueryLimits } from './limits.js';
import type { ListQuery } from './query.js';
import type { ExpandItemSyntax } from './syntax.js';

export type OptionName =
  | 'filter'
  | 'select'
  | 'expand'
  | 'orderby'
  | 'top'
  | 'skip'
  | 'count'
  | 'search'
  | 'skiptoken'
  | 'format';

const SUPPORTED: ReadonlySet<string> = new Set<OptionName>([
  'filter',
  'select',
  'expand',
  'orderby',
  'top',
  'skip',
  'count',
  'search',
  'skiptoken',
  'format',
]);
/** Defined by OData but not offered here: named in the 400 so the client knows why. */
const NOT_SUPPORTED: ReadonlySet<string> = new Set([
  'apply',
  'compute',
  'index',
  'schemaversion',
  'levels',
  'deltatoken',
  'id',
  'root',
]);

/** What kind of resource the options are for: they differ in which options apply (§5.1). */
export type TargetKind = 'collection' | 'entity' | 'count';

const APPLICABLE: Readonly<Record<TargetKind, ReadonlySet<OptionName>>> = {
  collection: SUPPORTED as ReadonlySet<OptionName>,
  entity: new Set<OptionName>(['select', 'expand', 'format']),
  count: new Set<OptionName>(['filter', 'search']),
};

export interface RawOption {
  readonly name: OptionName;
  /** As written in the URL (for messages): `$top`, `top`, `$TOP`. */
  readonly written: string;
  readonly value: string;
}

interface Parameter {
  /** The `name=value` part as it stands in the query string. */
  readonly raw: string;
  readonly name: string;
  readonly value: string;
}

/** Decodes a name or value of the query string; `+` is a space, as in HTML forms and `URLSearchParams`. */
function decodeComponent(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    throw badRequest(`The query parameter ${shown(s)} is not correctly percent-encoded.`);
  }
}

function parameters(query: string): Parameter[] {
  const out: Parameter[] = [];
  if (query === '') return out;
  for (const raw of query.split('&')) {
    if (raw === '') continue;
    const eq = raw.indexOf('=');
    const name = decodeComponent(eq < 0 ? raw : raw.slice(0, eq));
    const value = decodeComponent(eq < 0 ? '' : raw.slice(eq + 1));
    out.push({ raw, name, value });
  }
  return out;
}

/** Splits and decodes a query string. */
export const splitQuery = (query: string): { name: string; value: string }[] =>
  parameters(query).map(({ name, value }) => ({ name, value }));

/**
 * The lower-cased option a parameter name spells (`$TOP` → `top`; `top` too on beta), which may be one this
 * service does not know; undefined for a custom parameter, which is ignored.
 */
function optionSpelled(name: string, version: Version): string | undefined {
  const dollar = name.startsWith('$');
  const bare = (dollar ? name.slice(1) : name).toLowerCase();
  return dollar || (version === 'beta' && SUPPORTED.has(bare)) ? bare : undefined;
}

/** Picks the system query options out of the parameters, enforcing uniqueness and applicability. */
export function systemOptions(query: string, version: Version, kind: TargetKind): Map<OptionName, RawOption> {
  const found = new Map<OptionName, RawOption>();
  for (const { name, value } of parameters(query)) {
    const bare = optionSpelled(name, version);
    if (bare === undefined) continue; // a custom option: ignored, as Graph does
    if (!SUPPORTED.has(bare)) {
      const why = NOT_SUPPORTED.has(bare) ? 'is not supported by this service' : 'is not a known system query option';
      throw badRequest(
        `The query option '${name}' ${why}; the supported options are $${[...SUPPORTED].join(', $')}.`,
        name,
      );
    }
    const opt = bare as OptionName;
    const prior = found.get(opt);
    if (prior)
      throw badRequest(`The query option '$${opt}' is given more than once ('${prior.written}' and '${name}').`, name);
    if (!APPLICABLE[kind].has(opt)) {
      const allowed = [...APPLICABLE[kind]].map((o) => `$${o}`).join(', ');
      const where = kind === 'count' ? 'a /$count request' : kind === 'entity' ? 'a single entity' : 'this collection';
      throw badRequest(`The query option '${name}' cannot be used on ${where}; only ${allowed} can.`, name);
    }
    found.set(opt, { name: opt, written: name, value });
  }
  return found;
}

/** `query` with its `$skiptoken` (in any spelling `version` reads) replaced by `token`, all else as written. */
export function withSkiptoken(query: string, version: Version, token: string): string {
  const kept = parameters(query)
    .filter((p) => optionSpelled(p.name, version) !== 'skiptoken')
    .map((p) => p.raw);
  kept.push(`$skiptoken=${encodeURIComponent(token)}`);
  return kept.join('&');
}

export interface QueryOptions {
  /** For collections and `/$count`: the semantic query (without `after`; the caller opens `skiptoken`). */
  readonly list: ListQuery;
  readonly skiptoken: string | undefined;
  readonly select: SelectResult | undefined;
  readonly expand: readonly ExpandItem[];
  /**
   * Canonical text of everything that decides which rows come back in which order (type restriction, filter,
   * search, orderby): a `$skiptoken` is only valid for the same fingerprint.
   */
  readonly fingerprint: string;
}

export interface QueryContext {
  readonly model: EdmModel;
  readonly version: Version;
  readonly set: SetName;
  /** The type the resource holds: the set's entity type, or a type-cast segment's type. */
  readonly type: StructuredType;
  readonly kind: TargetKind;
  readonly limits?: Partial<QueryLimits>;
}

/** What one level of options is bound against: the top-level resource or an expanded navigation. */
interface Target {
  readonly model: EdmModel;
  readonly version: Version;
  /** The entity set the rows come from; undefined for a single entity reached by navigation. */
  readonly set: EntitySet | undefined;
  readonly type: StructuredType;
}

/** Concrete types a set's rows may have in this version, when the set holds more than one type. */
function typeRestriction(model: EdmModel, set: EntitySet, type: StructuredType): readonly string[] | undefined {
  const declared = model.entityTypes.get(set.entityType);
  if (!declared || (!declared.polymorphic && type === declared)) return undefined;
  return type.concreteTypes.map((c) => c.name);
}

interface Built {
  readonly list: ListQuery;
  readonly select: SelectResult | undefined;
  readonly expand: readonly ExpandItem[];
  readonly fingerprint: string;
}

/**
 * Binds one level of options in the documented order (docs/queries.md): type restriction, filter, search,
 * orderby, then top, skip, count; then $format, $select and $expand, which shape what is written.
 */
function build(
  target: Target,
  opts: ReadonlyMap<OptionName, RawOption>,
  limits: QueryLimits,
  prefix: string,
  expandDepth: number,
): Built {
  const label = (o: RawOption): string => `${prefix}${o.written}`;
  const scope = (o: RawOption) => ({ model: target.model, type: target.type, option: label(o) });

  const fingerprint: string[] = [];
  const typeNames = target.set ? typeRestriction(target.model, target.set, target.type) : undefined;
  if (typeNames) fingerprint.push(`type:${typeNames.join(',')}`);

  let filter: ListQuery['filter'];
  const f = opts.get('filter');
  if (f) {
    const bound = filterOption(f.value, scope(f), limits);
    filter = bound.filter;
    fingerprint.push(`filter:${bound.canonical}`);
  }

  let search: string[] | undefined;
  const s = opts.get('search');
  if (s) {
    search = searchOption(s.value, label(s), target, limits);
    fingerprint.push(`search:${JSON.stringify(search)}`);
  }

  let orderBy: ListQuery['orderBy'] = [];
  const o = opts.get('orderby');
  if (o) {
    const bound = orderByOption(o.value, scope(o), limits);
    orderBy = bound.orderBy;
    fingerprint.push(`orderby:${bound.canonical}`);
  }

  const t = opts.get('top');
  const top = t ? topOption(t.value, label(t), limits) : limits.defaultPageSize;
  const k = opts.get('skip');
  const skip = k ? skipOption(k.value, label(k), limits) : 0;
  const c = opts.get('count');
  const count = c ? countOption(c.value, label(c)) : false;

  const fm = opts.get('format');
  if (fm) checkFormat(fm.value, label(fm));

  const sel = opts.get('select');
  const select = sel ? bindSelect(sel.value, label(sel), target.type, limits) : undefined;

  const ex = opts.get('expand');
  const expand = ex
    ? bindExpand(
        ex.value,
        {
          model: target.model,
          version: target.version,
          set: target.set,
          type: target.type,
          option: label(ex),
          limits,
          depth: expandDepth,
        },
        (nestedTarget, options, nestedPrefix, depth) =>
          buildNested(target, nestedTarget, options, limits, nestedPrefix, depth),
      )
    : [];

  return {
    list: {
      ...(typeNames ? { typeNames } : {}),
      ...(filter ? { filter } : {}),
      ...(search ? { search } : {}),
      orderBy,
      top,
      skip,
      count,
    },
    select,
    expand,
    fingerprint: fingerprint.join('\n'),
  };
}

/** The options nested in an expanded navigation (`userStatuses($filter=...;$top=5)`), bound like a top level. */
function buildNested(
  parent: Target,
  target: NestedTarget,
  options: ExpandItemSyntax['options'],
  limits: QueryLimits,
  prefix: string,
  depth: number,
): NestedQuery {
  const nested = new Map<OptionName, RawOption>();
  const parts: string[] = [];
  for (const o of options) {
    const bare = optionSpelled(o.name, parent.version);
    if (bare === undefined || !SUPPORTED.has(bare) || bare === 'skiptoken' || bare === 'format') {
      throw new QuerySyntaxError(
        prefix.slice(0, -1),
        o.pos,
        `'${o.name}' is not an option that can be nested in $expand.`,
      );
    }
    const opt = bare as OptionName;
    if (nested.has(opt))
      throw badRequest(`The option '$${opt}' is given more than once in ${prefix.slice(0, -1)}.`, prefix);
    if (!target.set && opt !== 'select' && opt !== 'expand') {
      throw badRequest(
        `${target.navigation} is a single entity; only $select (and $expand) can be nested in it.`,
        `${prefix}$${opt}`,
      );
    }
    nested.set(opt, { name: opt, written: `$${opt}`, value: o.value });
    if (opt !== 'expand' && opt !== 'select') parts.push(`$${opt}=${encodeURIComponent(o.value)}`);
  }
  const built = build(
    { model: parent.model, version: parent.version, set: target.set, type: target.type },
    nested,
    limits,
    prefix,
    depth,
  );
  const sel = nested.get('select');
  if (sel) parts.push(`$select=${encodeURIComponent(sel.value)}`);
  return {
    query: built.list,
    select: built.select,
    expand: built.expand,
    fingerprint: built.fingerprint,
    continuation: parts.join('&'),
  };
}

/** Parses and binds every system query option of a GET on `ctx`'s resource. */
export function parseQueryOptions(query: string, ctx: QueryContext): QueryOptions {
  const limits: QueryLimits = { ...DEFAULT_LIMITS, ...ctx.limits };
  const opts = systemOptions(query, ctx.version, ctx.kind);
  const built = build({ ...ctx, set: ENTITY_SETS[ctx.set] }, opts, limits, '', 0);
  return { ...built, skiptoken: opts.get('skiptoken')?.value };
}
