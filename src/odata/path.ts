/**
 * Resource path → target (OData 4.01 URL conventions §4). Segment names match case-insensitively, as Graph
 * does; keys may be a segment (`/userStatuses/abc`) or parenthesised (`/userStatuses('abc')`).
 * An unknown segment is a 400 "Resource not found for the segment 'x'." (docs/graph-schema.md#quirks item 7).
 */
import { qualified } from '../model/edm.js';
import type { EdmModel, StructuredType } from '../model/model.js';
import {
  type ActionName,
  type EntitySet,
  type LinkName,
  linkOf,
  navigationTarget,
  type SetName,
  type SummaryName,
  TOP_LEVEL_SETS,
} from '../model/resources.js';
import { badRequest } from '../util/errors.js';

export type PathTarget =
  | { readonly kind: 'metadata' }
  | { readonly kind: 'batch' }
  | { readonly kind: 'collection'; readonly set: SetName; readonly configId?: string; readonly cast?: StructuredType }
  | {
      readonly kind: 'entity';
      readonly set: SetName;
      readonly configId?: string;
      readonly id: string;
      readonly cast?: StructuredType;
    }
  | { readonly kind: 'count'; readonly set: SetName; readonly configId?: string; readonly cast?: StructuredType }
  | { readonly kind: 'summary'; readonly summary: SummaryName; readonly configId: string }
  | { readonly kind: 'action'; readonly action: ActionName; readonly configId: string }
  /**
   * A reference navigation (`/groups/{id}/members`): its entities (`collection`), their number (`count`), the
   * collection of references to add to (`refs`, `…/members/$ref`) or one reference (`ref`, `…/members/{id}/$ref`).
   */
  | {
      readonly kind: 'links';
      readonly link: LinkName;
      readonly ownerId: string;
      readonly view: 'collection' | 'count' | 'refs' | 'ref';
      readonly memberId?: string;
    };

const notFoundSegment = (seg: string) => badRequest(`Resource not found for the segment '${seg}'.`, seg);

interface Segment {
  readonly raw: string;
  readonly name: string;
  readonly key?: string;
}

/** `name('key')`, `name(id='key')`, `name(key)` or a plain `name`. */
function splitSegment(raw: string): Segment {
  let text: string;
  try {
    text = decodeURIComponent(raw);
  } catch {
    throw badRequest(`The path segment '${raw}' is not correctly percent-encoded.`, raw);
  }
  const open = text.indexOf('(');
  if (open < 0 || !text.endsWith(')')) return { raw: text, name: text };
  const name = text.slice(0, open);
  let inner = text.slice(open + 1, -1);
  const eq = /^\s*id\s*=\s*/i.exec(inner);
  if (eq) inner = inner.slice(eq[0].length);
  let key: string;
  if (inner.startsWith("'")) {
    if (inner.length < 2 || !inner.endsWith("'"))
      throw badRequest(`The key in segment '${text}' has an unterminated string literal.`, text);
    const body = inner.slice(1, -1);
    if (/'(?!')/.test(body.replace(/''/g, '')))
      throw badRequest(`The key in segment '${text}' is not a valid string literal.`, text);
    key = body.replace(/''/g, "'");
  } else {
    key = inner;
  }
  if (key.length === 0) throw badRequest(`The key in segment '${text}' is empty.`, text);
  return { raw: text, name, key };
}

function castType(model: EdmModel, name: string, base: string): StructuredType | undefined {
  if (!name.includes('.')) return undefined;
  const t = model.structuredByQualifiedName(name);
  const b = model.entityTypes.get(base);
  if (!t || !b || t.kind !== 'entity') return undefined;
  return t === b || b.concreteTypes.includes(t) ? t : undefined;
}

/** Top-level sets by lower-cased singleton and segment; the singleton `''` stands for the service root. */
const TOP_LEVEL: ReadonlyMap<string, ReadonlyMap<string, EntitySet>> = (() => {
  const out = new Map<string, Map<string, EntitySet>>();
  for (const s of TOP_LEVEL_SETS) {
    const under = (s.singleton ?? '').toLowerCase();
    if (!out.has(under)) out.set(under, new Map());
    out.get(under)!.set(s.segment.toLowerCase(), s);
  }
  return out;
})();

/** The top-level set the path starts with (`deviceAppManagement/mobileAppConfigurations`, `users`), and its length. */
function topLevelSet(segs: readonly Segment[]): { set: EntitySet; length: number } {
  const first = segs[0]!;
  const underSingleton = TOP_LEVEL.get(first.name.toLowerCase());
  if (underSingleton) {
    if (first.key !== undefined) throw notFoundSegment(first.raw);
    const second = segs[1];
    if (!second) throw notFoundSegment(first.raw);
    const set = underSingleton.get(second.name.toLowerCase());
    if (!set) throw notFoundSegment(second.raw);
    return { set, length: 2 };
  }
  const set = TOP_LEVEL.get('')?.get(first.name.toLowerCase());
  if (!set) throw notFoundSegment(first.raw);
  return { set, length: 1 };
}

/** What a segment after an entity's key can be. */
type Next =
  | { readonly kind: 'action'; readonly action: ActionName }
  | { readonly kind: 'link'; readonly link: LinkName }
  | { readonly kind: 'summary'; readonly summary: SummaryName }
  | { readonly kind: 'set'; readonly set: EntitySet };

const nextByModel = new WeakMap<EdmModel, Map<SetName, ReadonlyMap<string, Next>>>();

/**
 * What may follow a key of `set`, by lower-cased name: its bound actions (`assign`, `microsoft.graph.assign`,
 * `graph.assign`), then the navigations of its entity type that lead to a summary or a contained set.
 */
function nextSegments(model: EdmModel, set: EntitySet): ReadonlyMap<string, Next> {
  let perSet = nextByModel.get(model);
  if (!perSet) {
    perSet = new Map();
    nextByModel.set(model, perSet);
  }
  let next = perSet.get(set.name);
  if (!next) {
    const out = new Map<string, Next>();
    for (const action of set.actions ?? []) {
      for (const spelling of [action, qualified(action), `graph.${action}`]) {
        out.set(spelling.toLowerCase(), { kind: 'action', action });
      }
    }
    for (const n of model.entityTypes.get(set.entityType)?.navigations ?? []) {
      const key = n.name.toLowerCase();
      if (out.has(key)) continue;
      const link = linkOf(set, n.name);
      if (link) {
        out.set(key, { kind: 'link', link: link.name });
        continue;
      }
      const target = navigationTarget(set, n.name);
      if (target) out.set(key, target.kind === 'summary' ? { kind: 'summary', summary: target.summary.name } : target);
    }
    next = out;
    perSet.set(set.name, next);
  }
  return next;
}

/** Resolves the path that follows the version segment (e.g. `/deviceAppManagement/mobileAppConfigurations`). */
export function parsePath(model: EdmModel, path: string): PathTarget {
  const parts = path.split('/').filter((p, i, a) => p !== '' || (i > 0 && i < a.length - 1));
  if (parts.length === 0) throw badRequest('The request URL names no resource after the version.', '');
  if (parts.some((p) => p === '')) throw badRequest('The request URL has an empty path segment.', path);
  const segs = parts.map(splitSegment);
  const first = segs[0]!;
  if (segs.length === 1 && first.key === undefined) {
    if (first.name === '$metadata') return { kind: 'metadata' };
    if (first.name === '$batch') return { kind: 'batch' };
  }
  const top = topLevelSet(segs);
  const { set: root } = top;
  const setSeg = segs[top.length - 1]!;

  let i = top.length;
  // The top-level entity's key; what is contained in it is scoped by it (`configId`).
  let key = setSeg.key;
  let cast: StructuredType | undefined;
  const base = root.entityType;
  if (key === undefined) {
    const next = segs[i];
    if (!next) return { kind: 'collection', set: root.name };
    if (next.key === undefined) {
      const t = castType(model, next.name, base);
      if (t) {
        cast = t;
        i++;
      }
    }
    const after = segs[i];
    if (!after) return { kind: 'collection', set: root.name, ...(cast ? { cast } : {}) };
    if (after.name === '$count' && after.key === undefined) {
      if (segs.length > i + 1) throw notFoundSegment(segs[i + 1]!.raw);
      return { kind: 'count', set: root.name, ...(cast ? { cast } : {}) };
    }
    if (cast && after.key === undefined) {
      throw notFoundSegment(after.raw);
    }
    key = after.key ?? after.name;
    i++;
  }
  // Past the entity's key: an optional type cast, then a bound action or a navigation of the entity's type.
  let entityCast: StructuredType | undefined = cast;
  const maybeCast = segs[i];
  if (maybeCast && maybeCast.key === undefined && maybeCast.name.includes('.')) {
    const t = castType(model, maybeCast.name, base);
    if (t) {
      entityCast = t;
      i++;
    }
  }
  const nav = segs[i];
  if (!nav) return { kind: 'entity', set: root.name, id: key, ...(entityCast ? { cast: entityCast } : {}) };
  i++;
  const next = nextSegments(model, root).get(nav.name.toLowerCase());
  if (next?.kind === 'action') {
    if (nav.key !== undefined || segs.length > i) throw notFoundSegment(nav.raw);
    return { kind: 'action', action: next.action, configId: key };
  }
  if (next?.kind === 'summary') {
    if (nav.key !== undefined || segs.length > i) throw notFoundSegment(segs[i]?.raw ?? nav.raw);
    return { kind: 'summary', summary: next.summary, configId: key };
  }
  if (!next) throw notFoundSegment(nav.raw);
  if (next.kind === 'link') return linkTarget(next.link, key, nav, segs.slice(i));
  const set = next.set;
  let id = nav.key;
  const rest = segs[i];
  if (id === undefined && rest) {
    if (rest.name === '$count' && rest.key === undefined) {
      if (segs.length > i + 1) throw notFoundSegment(segs[i + 1]!.raw);
      return { kind: 'count', set: set.name, configId: key };
    }
    id = rest.key ?? rest.name;
    i++;
  }
  if (segs.length > i) throw notFoundSegment(segs[i]!.raw);
  if (id === undefined) return { kind: 'collection', set: set.name, configId: key };
  return { kind: 'entity', set: set.name, configId: key, id };
}

/** What follows a reference navigation: nothing, `$count`, `$ref`, or a member's key and `$ref`. */
function linkTarget(link: LinkName, ownerId: string, nav: Segment, rest: readonly Segment[]): PathTarget {
  const base = { kind: 'links', link, ownerId } as const;
  const plain = (s: Segment | undefined, name: string): boolean =>
    s !== undefined && s.key === undefined && s.name === name;
  if (nav.key !== undefined) {
    // `members('id')/$ref`
    if (rest.length === 1 && plain(rest[0], '$ref')) return { ...base, view: 'ref', memberId: nav.key };
    throw notFoundSegment(rest[0]?.raw ?? nav.raw);
  }
  if (rest.length === 0) return { ...base, view: 'collection' };
  const [first, second] = rest;
  if (rest.length === 1 && plain(first, '$count')) return { ...base, view: 'count' };
  if (rest.length === 1 && plain(first, '$ref')) return { ...base, view: 'refs' };
  if (rest.length === 2 && plain(second, '$ref')) return { ...base, view: 'ref', memberId: first!.key ?? first!.name };
  throw notFoundSegment(rest[rest.length === 1 ? 0 : 1]!.raw);
}
