/**
 * The query string of a GET → bound query options (API.md §8, §12; OData 4.01 URL conventions §5.1). System
 * option names are case-insensitive; on beta the `$` may be left out. An unknown `$`-option, an option given
 * twice (in any spelling) or one that does not apply to the resource is a 400; other parameters are ignored, as
 * Graph does. Nothing here touches storage: `$skiptoken` is returned as text for the caller to open.
 */
import type { Version } from '../model/edm.js';
import type { EdmModel, StructuredType } from '../model/model.js';
import { CONTAINED_SETS, ENTITY_SETS, type SetName, SUMMARIES, type SummaryName } from '../model/resources.js';
import { badRequest } from '../util/errors.js';
import { bindFilter, bindOrderBy } from './bind.js';
import { QueryBindError, QuerySyntaxError, shown } from './errors.js';
import { DEFAULT_LIMITS, type QueryLimits } from './limits.js';
import { parseExpand, parseFilter, parseOrderBy, parseSearch, parseSelect } from './parser.js';
import { printExpression, printOrderBy } from './print.js';
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

/** Splits and decodes a query string; `+` is a space, as in HTML forms and `URLSearchParams`. */
export function splitQuery(query: string): { name: string; value: string }[] {
  const out: { name: string; value: string }[] = [];
  if (query === '') return out;
  for (const part of query.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const rawName = eq < 0 ? part : part.slice(0, eq);
    const rawValue = eq < 0 ? '' : part.slice(eq + 1);
    const decode = (s: string): string => {
      try {
        return decodeURIComponent(s.replace(/\+/g, ' '));
      } catch {
        throw badRequest(`The query parameter ${shown(s)} is not correctly percent-encoded.`);
      }
    };
    out.push({ name: decode(rawName), value: decode(rawValue) });
  }
  return out;
}

/** Picks the system query options out of the parameters, enforcing uniqueness and applicability. */
export function systemOptions(query: string, version: Version, kind: TargetKind): Map<OptionName, RawOption> {
  const found = new Map<OptionName, RawOption>();
  for (const { name, value } of splitQuery(query)) {
    const dollar = name.startsWith('$');
    const bare = (dollar ? name.slice(1) : name).toLowerCase();
    if (!dollar && (version !== 'beta' || !SUPPORTED.has(bare))) continue; // a custom option: ignored, as Graph does
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

export interface SelectResult {
  /** Property names to write (a property absent from an entity's type is simply not written). */
  readonly properties: ReadonlySet<string>;
  /** The projection for the context URL, as the items were written: `(a,b)`. */
  readonly projection: readonly string[];
}

export interface ExpandItem {
  readonly navigation: string;
  readonly target:
    | { readonly kind: 'set'; readonly set: SetName }
    | { readonly kind: 'summary'; readonly summary: SummaryName };
  readonly type: StructuredType;
  /** For a collection navigation: the rows to fetch per parent. */
  readonly query: ListQuery;
  readonly select: SelectResult | undefined;
  readonly expand: readonly ExpandItem[];
  /** Canonical text of what decides the rows and their order (see `QueryOptions.fingerprint`). */
  readonly fingerprint: string;
  /** The nested options as a query string (`$filter=...&$top=5`), to continue an expanded collection. */
  readonly continuation: string;
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

const ONE_OR_MORE_DIGITS = /^\d+$/;

function integerOption(o: RawOption, label: string, min: number, max: number, what: string): number {
  const v = o.value.trim();
  const n = Number(v);
  if (!ONE_OR_MORE_DIGITS.test(v) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw badRequest(`The value of ${label} must be ${what} from ${min} to ${max}; got ${shown(o.value)}.`, label);
  }
  return n;
}

function boolOption(o: RawOption, label: string): boolean {
  const v = o.value.trim().toLowerCase();
  if (v !== 'true' && v !== 'false')
    throw badRequest(`The value of ${label} must be true or false; got ${shown(o.value)}.`, label);
  return v === 'true';
}

/** Concrete types a set's rows may have in this version, when the set holds more than one type. */
function typeRestriction(model: EdmModel, set: SetName, type: StructuredType): readonly string[] | undefined {
  const declared = model.entityTypes.get(ENTITY_SETS[set].entityType);
  if (!declared || (declared.concreteTypes.length <= 1 && !declared.abstract && type === declared)) return undefined;
  return type.concreteTypes.map((c) => c.name);
}

function bindSelect(text: string, option: string, type: StructuredType, limits: QueryLimits): SelectResult | undefined {
  const items = parseSelect(text, { option, limits });
  const properties = new Set<string>();
  const projection: string[] = [];
  for (const item of items) {
    if (item.path.length === 1 && item.path[0] === '*') return undefined;
    let owner = type;
    let name = item.path[0]!;
    if (item.path.length === 2 && name.includes('.')) {
      const cast = type.concreteTypes.find((c) => c.qualifiedName === name || `graph.${c.name}` === name);
      if (!cast)
        throw new QueryBindError(
          option,
          `The type '${name}' is not ${type.qualifiedName} or a type derived from it.`,
          item.pos,
        );
      owner = cast;
      name = item.path[1]!;
    } else if (item.path.length !== 1) {
      throw new QueryBindError(option, `${option} takes property names; '${item.path.join('/')}' is a path.`, item.pos);
    }
    // A property of a derived type may be selected on the base set: entities of other types just lack it.
    const declaring = owner.propertyMap.has(name) ? owner : owner.concreteTypes.find((c) => c.propertyMap.has(name));
    if (!declaring) {
      const nav = owner.navigations.some((n) => n.name === name);
      throw new QueryBindError(
        option,
        `Could not find a property named '${name}' on type '${owner.qualifiedName}'.${nav ? ` '${name}' is a navigation property; use $expand=${name}.` : ''}`,
        item.pos,
      );
    }
    properties.add(name);
    projection.push(item.path.join('/'));
  }
  return { properties, projection };
}

interface Built {
  readonly list: ListQuery;
  readonly select: SelectResult | undefined;
  readonly expand: readonly ExpandItem[];
  readonly fingerprint: string;
}

function build(
  ctx: Omit<QueryContext, 'set'> & { readonly set: SetName | undefined },
  opts: ReadonlyMap<OptionName, RawOption>,
  limits: QueryLimits,
  prefix: string,
  expandDepth: number,
): Built {
  const label = (o: RawOption): string => `${prefix}${o.written}`;
  const scope = (o: RawOption) => ({ model: ctx.model, type: ctx.type, option: label(o) });
  const parseLimits = { maxDepth: limits.maxDepth, maxNodes: limits.maxNodes, maxOptionLength: limits.maxOptionLength };

  const fingerprint: string[] = [];
  const typeNames = ctx.set ? typeRestriction(ctx.model, ctx.set, ctx.type) : undefined;
  if (typeNames) fingerprint.push(`type:${typeNames.join(',')}`);

  let filter: ListQuery['filter'];
  const f = opts.get('filter');
  if (f) {
    const syntax = parseFilter(f.value, { option: label(f), limits: parseLimits });
    filter = bindFilter(syntax, scope(f));
    fingerprint.push(`filter:${printExpression(syntax)}`);
  }

  let search: string[] | undefined;
  const s = opts.get('search');
  if (s) {
    if (!ctx.set || ENTITY_SETS[ctx.set].searchable.length === 0) {
      const where = ctx.set ? ENTITY_SETS[ctx.set].segment : ctx.type.name;
      throw badRequest(`${label(s)} is not supported on ${where}: it has no searchable properties.`, label(s));
    }
    search = parseSearch(s.value, { option: label(s), limits: parseLimits, maxWords: limits.maxSearchWords });
    fingerprint.push(`search:${JSON.stringify(search)}`);
  }

  let orderBy: ListQuery['orderBy'] = [];
  const o = opts.get('orderby');
  if (o) {
    const syntax = parseOrderBy(o.value, { option: label(o), limits: parseLimits });
    if (syntax.length > limits.maxOrderByKeys) {
      throw badRequest(`${label(o)} has more than ${limits.maxOrderByKeys} keys.`, label(o));
    }
    orderBy = bindOrderBy(syntax, scope(o));
    fingerprint.push(`orderby:${printOrderBy(syntax)}`);
  }

  const t = opts.get('top');
  const top = t ? integerOption(t, label(t), 1, limits.maxTop, 'an integer page size') : limits.defaultPageSize;
  const k = opts.get('skip');
  const skip = k ? integerOption(k, label(k), 0, limits.maxSkip, 'an integer') : 0;
  const c = opts.get('count');
  const count = c ? boolOption(c, label(c)) : false;

  const fm = opts.get('format');
  if (fm) {
    const media = fm.value.split(';', 1)[0]!.trim().toLowerCase();
    if (media !== 'json' && media !== 'application/json') {
      throw badRequest(
        `${label(fm)} must be 'json'; this service answers only in JSON (got ${shown(fm.value)}).`,
        label(fm),
      );
    }
  }

  const sel = opts.get('select');
  const select = sel ? bindSelect(sel.value, label(sel), ctx.type, limits) : undefined;

  const ex = opts.get('expand');
  const expand = ex ? bindExpand(ctx, ex, limits, prefix, expandDepth) : [];

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

function bindExpand(
  ctx: Pick<QueryContext, 'model' | 'version' | 'type'>,
  ex: RawOption,
  limits: QueryLimits,
  prefix: string,
  depth: number,
): ExpandItem[] {
  const option = `${prefix}${ex.written}`;
  if (depth >= limits.maxExpandDepth) {
    throw badRequest(`${option} goes deeper than ${limits.maxExpandDepth} levels of $expand.`, option);
  }
  const items = parseExpand(ex.value, { option, limits });
  const navigations = ctx.type.kind === 'entity' ? ctx.type.navigations : [];
  const out: ExpandItem[] = [];
  const seen = new Set<string>();
  const add = (name: string, item: ExpandItemSyntax | undefined): void => {
    if (seen.has(name))
      throw new QueryBindError(option, `The navigation property '${name}' is expanded more than once.`, item?.pos);
    seen.add(name);
    out.push(expandItem(ctx, name, item, limits, `${prefix}${ex.written}/${name}/`, depth + 1));
  };
  for (const item of items) {
    if (item.path.length === 1 && item.path[0] === '*') {
      if (item.options.length > 0)
        throw new QueryBindError(option, "Options after '*' are not supported in $expand.", item.pos);
      for (const n of navigations) if (!seen.has(n.name)) add(n.name, undefined);
      continue;
    }
    if (item.path.length !== 1) {
      throw new QueryBindError(
        option,
        `${option} takes navigation property names; '${item.path.join('/')}' is a path.`,
        item.pos,
      );
    }
    const name = item.path[0]!;
    if (!navigations.some((n) => n.name === name)) {
      const isProperty = ctx.type.propertyMap.has(name);
      throw new QueryBindError(
        option,
        `Could not find a navigation property named '${name}' on type '${ctx.type.qualifiedName}'.` +
          (isProperty ? ` '${name}' is a structural property; it is always returned.` : '') +
          (navigations.length > 0 ? ` Navigation properties: ${navigations.map((n) => n.name).join(', ')}.` : ''),
        item.pos,
      );
    }
    add(name, item);
  }
  return out;
}

function expandItem(
  ctx: Pick<QueryContext, 'model' | 'version' | 'type'>,
  name: string,
  item: ExpandItemSyntax | undefined,
  limits: QueryLimits,
  prefix: string,
  depth: number,
): ExpandItem {
  const nav = (ctx.type.kind === 'entity' ? ctx.type.navigations : []).find((n) => n.name === name)!;
  const type = ctx.model.entityTypes.get(nav.target);
  if (!type) throw badRequest(`The navigation property '${name}' is not available in ${ctx.version}.`, prefix);
  const set = CONTAINED_SETS.find((s) => s.segment === name);
  const summary = Object.values(SUMMARIES).find((s) => s.name === name);
  const nested = new Map<OptionName, RawOption>();
  const parts: string[] = [];
  for (const o of item?.options ?? []) {
    const dollar = o.name.startsWith('$');
    const bare = (dollar ? o.name.slice(1) : o.name).toLowerCase();
    if ((!dollar && ctx.version !== 'beta') || !SUPPORTED.has(bare) || bare === 'skiptoken' || bare === 'format') {
      throw new QuerySyntaxError(
        prefix.slice(0, -1),
        o.pos,
        `'${o.name}' is not an option that can be nested in $expand.`,
      );
    }
    const opt = bare as OptionName;
    if (nested.has(opt))
      throw badRequest(`The option '$${opt}' is given more than once in ${prefix.slice(0, -1)}.`, prefix);
    if (!set && opt !== 'select' && opt !== 'expand') {
      throw badRequest(
        `${name} is a single entity; only $select (and $expand) can be nested in it.`,
        `${prefix}$${opt}`,
      );
    }
    nested.set(opt, { name: opt, written: `$${opt}`, value: o.value });
    if (opt !== 'expand' && opt !== 'select') parts.push(`$${opt}=${encodeURIComponent(o.value)}`);
  }
  const built = build(
    { model: ctx.model, version: ctx.version, set: set?.name, type, kind: set ? 'collection' : 'entity' },
    nested,
    limits,
    prefix,
    depth,
  );
  const sel = nested.get('select');
  if (sel) parts.push(`$select=${encodeURIComponent(sel.value)}`);
  return {
    navigation: name,
    target: set ? { kind: 'set', set: set.name } : { kind: 'summary', summary: summary!.name },
    type,
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
  const built = build(ctx, opts, limits, '', 0);
  return { ...built, skiptoken: opts.get('skiptoken')?.value };
}
