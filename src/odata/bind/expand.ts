/**
 * `$expand` (odata.net's `SelectExpandBinder`, expand half): navigation names (or `*`) of the type → what each
 * expands to (a contained entity set or a computed summary) with its nested options bound. The nested options
 * are bound by the caller's `BindNested`, which applies them in the same documented order as the top level.
 */
import type { Version } from '../../model/edm.js';
import type { EdmModel, StructuredType } from '../../model/model.js';
import { type EntitySet, navigationTarget, type SetName, type SummaryName } from '../../model/resources.js';
import { badRequest } from '../../util/errors.js';
import { QueryBindError } from '../errors.js';
import type { QueryLimits } from '../limits.js';
import { parseExpand } from '../parser.js';
import type { ListQuery } from '../query.js';
import type { ExpandItemSyntax } from '../syntax.js';
import type { SelectResult } from './select.js';

/** What an expanded navigation's nested options come to. */
export interface NestedQuery {
  /** For a collection navigation: the rows to fetch per parent. */
  readonly query: ListQuery;
  readonly select: SelectResult | undefined;
  readonly expand: readonly ExpandItem[];
  /** Canonical text of what decides the rows and their order (see `QueryOptions.fingerprint`). */
  readonly fingerprint: string;
  /** The nested options as a query string (`$filter=...&$top=5`), to continue an expanded collection. */
  readonly continuation: string;
}

export interface ExpandItem extends NestedQuery {
  readonly navigation: string;
  readonly target:
    | { readonly kind: 'set'; readonly set: SetName }
    | { readonly kind: 'summary'; readonly summary: SummaryName };
  readonly type: StructuredType;
}

/** Where an expanded navigation leads: a contained set (a collection), or else a single entity of `type`. */
export interface NestedTarget {
  readonly navigation: string;
  readonly set: EntitySet | undefined;
  readonly type: StructuredType;
}

/** Binds the options nested in one expanded navigation; `prefix` names them in messages (`$expand/x/`). */
export type BindNested = (
  target: NestedTarget,
  options: ExpandItemSyntax['options'],
  prefix: string,
  depth: number,
) => NestedQuery;

export interface ExpandScope {
  readonly model: EdmModel;
  readonly version: Version;
  /** The entity set whose entities are expanded; undefined for a single entity reached by navigation. */
  readonly set: EntitySet | undefined;
  /** The type whose navigations are expanded. */
  readonly type: StructuredType;
  /** The option as written, with the path of enclosing expansions (`$expand`, `$expand/x/$expand`). */
  readonly option: string;
  readonly limits: QueryLimits;
  /** Levels of `$expand` already around this one. */
  readonly depth: number;
}

export function bindExpand(text: string, scope: ExpandScope, bindNested: BindNested): ExpandItem[] {
  const { option, limits } = scope;
  if (scope.depth >= limits.maxExpandDepth) {
    throw badRequest(`${option} goes deeper than ${limits.maxExpandDepth} levels of $expand.`, option);
  }
  const items = parseExpand(text, { option, limits });
  const navigations = scope.type.kind === 'entity' ? scope.type.navigations : [];
  const out: ExpandItem[] = [];
  const seen = new Set<string>();
  const add = (name: string, item: ExpandItemSyntax | undefined): void => {
    if (seen.has(name))
      throw new QueryBindError(option, `The navigation property '${name}' is expanded more than once.`, item?.pos);
    seen.add(name);
    out.push(expandItem(scope, name, item, bindNested));
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
      const isProperty = scope.type.propertyMap.has(name);
      throw new QueryBindError(
        option,
        `Could not find a navigation property named '${name}' on type '${scope.type.qualifiedName}'.` +
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
  scope: ExpandScope,
  name: string,
  item: ExpandItemSyntax | undefined,
  bindNested: BindNested,
): ExpandItem {
  const prefix = `${scope.option}/${name}/`;
  const nav = (scope.type.kind === 'entity' ? scope.type.navigations : []).find((n) => n.name === name)!;
  const type = scope.model.entityTypes.get(nav.target);
  if (!type) throw badRequest(`The navigation property '${name}' is not available in ${scope.version}.`, prefix);
  const to = scope.set ? navigationTarget(scope.set, name) : undefined;
  if (!to) throw badRequest(`The navigation property '${name}' cannot be expanded.`, prefix);
  const set = to.kind === 'set' ? to.set : undefined;
  const nested = bindNested({ navigation: name, set, type }, item?.options ?? [], prefix, scope.depth + 1);
  return {
    navigation: name,
    target: to.kind === 'set' ? { kind: 'set', set: to.set.name } : { kind: 'summary', summary: to.summary.name },
    type,
    ...nested,
  };
}
