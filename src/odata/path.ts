/**
 * Resource path → target (OData 4.01 URL conventions §4). Segment names match case-insensitively, as Graph
 * does; keys may be a segment (`/userStatuses/abc`) or parenthesised (`/userStatuses('abc')`).
 * An unknown segment is a 400 "Resource not found for the segment 'x'." (graph-reference.md §5 item 7).
 */
import type { EdmModel, StructuredType } from '../model/model.js';
import {
  CONTAINED_SETS,
  ENTITY_SETS,
  ROOT_SINGLETON,
  type SetName,
  SUMMARIES,
  type SummaryName,
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
  | { readonly kind: 'action'; readonly action: 'assign'; readonly configId: string };

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

const eqi = (a: string, b: string): boolean => a.length === b.length && a.toLowerCase() === b.toLowerCase();

function castType(model: EdmModel, name: string, base: string): StructuredType | undefined {
  if (!name.includes('.')) return undefined;
  const t = model.structuredByQualifiedName(name);
  const b = model.entityTypes.get(base);
  if (!t || !b || t.kind !== 'entity') return undefined;
  return t === b || b.concreteTypes.includes(t) ? t : undefined;
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
  if (!eqi(first.name, ROOT_SINGLETON) || first.key !== undefined) throw notFoundSegment(first.raw);
  const second = segs[1];
  if (!second) throw notFoundSegment(first.raw);
  if (!eqi(second.name, ENTITY_SETS.configurations.segment)) throw notFoundSegment(second.raw);

  let i = 2;
  let configId = second.key;
  let cast: StructuredType | undefined;
  const base = ENTITY_SETS.configurations.entityType;
  if (configId === undefined) {
    const next = segs[i];
    if (!next) return { kind: 'collection', set: 'configurations' };
    if (next.key === undefined) {
      const t = castType(model, next.name, base);
      if (t) {
        cast = t;
        i++;
      }
    }
    const after = segs[i];
    if (!after) return { kind: 'collection', set: 'configurations', ...(cast ? { cast } : {}) };
    if (after.name === '$count' && after.key === undefined) {
      if (segs.length > i + 1) throw notFoundSegment(segs[i + 1]!.raw);
      return { kind: 'count', set: 'configurations', ...(cast ? { cast } : {}) };
    }
    if (cast && after.key === undefined) {
      throw notFoundSegment(after.raw);
    }
    configId = after.key ?? after.name;
    i++;
  }
  // Past the configuration's key: an optional type cast, then a navigation or the assign action.
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
  if (!nav) return { kind: 'entity', set: 'configurations', id: configId, ...(entityCast ? { cast: entityCast } : {}) };
  i++;
  const navName = nav.name;
  if (eqi(navName, 'assign') || eqi(navName, 'microsoft.graph.assign') || eqi(navName, 'graph.assign')) {
    if (nav.key !== undefined || segs.length > i) throw notFoundSegment(nav.raw);
    return { kind: 'action', action: 'assign', configId };
  }
  for (const s of Object.values(SUMMARIES)) {
    if (eqi(navName, s.name)) {
      if (nav.key !== undefined || segs.length > i) throw notFoundSegment(segs[i]?.raw ?? nav.raw);
      return { kind: 'summary', summary: s.name, configId };
    }
  }
  const set = CONTAINED_SETS.find((s) => eqi(s.segment, navName));
  if (!set) throw notFoundSegment(nav.raw);
  let id = nav.key;
  const rest = segs[i];
  if (id === undefined && rest) {
    if (rest.name === '$count' && rest.key === undefined) {
      if (segs.length > i + 1) throw notFoundSegment(segs[i + 1]!.raw);
      return { kind: 'count', set: set.name, configId };
    }
    id = rest.key ?? rest.name;
    i++;
  }
  if (segs.length > i) throw notFoundSegment(segs[i]!.raw);
  if (id === undefined) return { kind: 'collection', set: set.name, configId };
  return { kind: 'entity', set: set.name, configId, id };
}
