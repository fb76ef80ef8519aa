/**
 * What Graph does differently for Entra ID directory objects (users, groups, a group's members), in one place
 * (docs/api.md#the-directory). The generic handlers consult it for sets marked `directory` in the model:
 * - reads without `$select` return the type's default property set;
 * - pages hold 100 by default, `$top` is 1 to 999, `$skip` is refused;
 * - `$search` takes the form `"property:words"`;
 * - advanced queries (`ne`, `not`, `endsWith`, `$count`, `$search`, `$orderby` with `$filter`, the `$count`
 *   segment) need `ConsistencyLevel: eventual` and, except `$search`, `$count=true`;
 * - errors carry Entra's codes (`Request_BadRequest`, `Request_ResourceNotFound`, `Request_UnsupportedQuery`).
 */
import { ENTITY_SETS, LINKS, type SetName } from '../model/resources.js';
import { splitQuery, systemOptions, type TargetKind } from '../odata/options.js';
import type { PathTarget } from '../odata/path.js';
import type { ListQuery } from '../odata/query.js';
import type { Expr } from '../odata/semantic.js';
import { ApiError, isApiError } from '../util/errors.js';
import type { Ctx } from './context.js';

/** Page size without `$top`, and the largest `$top`, on directory collections. */
export const DIRECTORY_LIMITS = { defaultPageSize: 100, maxTop: 999 } as const;

/** The properties a read returns without `$select` (Graph's default property set). */
const DEFAULT_SELECT: Partial<Record<SetName, ReadonlySet<string>>> = {
  users: new Set([
    'businessPhones',
    'displayName',
    'givenName',
    'id',
    'jobTitle',
    'mail',
    'mobilePhone',
    'officeLocation',
    'preferredLanguage',
    'surname',
    'userPrincipalName',
  ]),
};

export const isDirectorySet = (set: SetName): boolean => ENTITY_SETS[set].directory === true;

/** Whether a resolved path is a directory object path, where Graph's directory conventions apply. */
export function isDirectoryTarget(target: PathTarget): boolean {
  switch (target.kind) {
    case 'collection':
    case 'entity':
    case 'count':
      return isDirectorySet(target.set);
    case 'links':
      return isDirectorySet(LINKS[target.link].owner);
    default:
      return false;
  }
}

export const defaultSelect = (set: SetName): ReadonlySet<string> | undefined => DEFAULT_SELECT[set];

const requestBad = (message: string, target?: string): ApiError =>
  new ApiError('Request_BadRequest', message, target === undefined ? {} : { target });

const literal = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/** One `"property:words"` clause of a directory `$search`. */
const CLAUSE = /^"([A-Za-z]+):([^"]*)"$/;

/** `"displayName:ada lov" AND "mail:contoso"` → the equivalent `$filter` text (every word a substring). */
function searchFilter(set: SetName, text: string, option: string): string {
  const tokens = text.trim().split(/\s+(AND|OR)\s+/);
  const parts: string[] = [];
  for (let i = 0; i < tokens.length; i += 2) {
    const m = CLAUSE.exec(tokens[i]!.trim());
    if (!m) {
      throw requestBad(
        `${option} on directory objects takes quoted clauses of the form "property:words" ` +
          `(e.g. "displayName:ada"), joined by AND or OR; got ${JSON.stringify(text)}.`,
        option,
      );
    }
    const [, property, words] = m as unknown as [string, string, string];
    const searchable = ENTITY_SETS[set].searchable;
    if (!searchable.includes(property)) {
      throw requestBad(
        `${option} cannot search '${property}' of ${ENTITY_SETS[set].entityType}; searchable: ${searchable.join(', ')}.`,
        option,
      );
    }
    const terms = words.split(/\s+/).filter((w) => w !== '');
    if (terms.length === 0) throw requestBad(`${option}: the clause for '${property}' has no words.`, option);
    const clause = terms.map((w) => `contains(${property},${literal(w)})`).join(' and ');
    if (i > 0) parts.push(tokens[i - 1] === 'OR' ? 'or' : 'and');
    parts.push(`(${clause})`);
  }
  return parts.join(' ');
}

/** What the raw options of a directory query say, for the checks after binding. */
export interface DirectoryQuery {
  /** The query string to bind: `$search` turned into `$filter`. */
  readonly text: string;
  readonly hasFilter: boolean;
  readonly hasSearch: boolean;
}

/**
 * The query string a directory collection binds: `$skip` is refused and `$top` checked against 1..999, both in Graph's
 * words and codes, and `$search="property:words"` turned into the equivalent `$filter` (and-ed with any `$filter`).
 */
export function directoryQuery(ctx: Ctx, set: SetName, kind: TargetKind): DirectoryQuery {
  const opts = systemOptions(ctx.query, ctx.version, kind);
  const skip = opts.get('skip');
  if (skip) throw requestBad(`'${skip.written}' is not supported by the service.`, skip.written);
  const top = opts.get('top');
  if (top && /^\d+$/.test(top.value)) {
    const n = Number(top.value);
    if (n < 1 || n > DIRECTORY_LIMITS.maxTop) {
      throw new ApiError(
        'Request_UnsupportedQuery',
        `Invalid page size specified: '${top.value}'. Must be between 1 and ${DIRECTORY_LIMITS.maxTop} inclusive.`,
        { target: top.written },
      );
    }
  }
  const search = opts.get('search');
  const filter = opts.get('filter');
  if (!search) return { text: ctx.query, hasFilter: filter !== undefined, hasSearch: false };
  const fromSearch = searchFilter(set, search.value, search.written);
  const merged = filter ? `(${filter.value}) and ${fromSearch}` : fromSearch;
  const written = new Set([search.written, filter?.written].filter((w): w is string => w !== undefined));
  const kept = splitQuery(ctx.query)
    .filter((p) => !written.has(p.name))
    .map((p) => `${encodeURIComponent(p.name)}=${encodeURIComponent(p.value)}`);
  kept.push(`$filter=${encodeURIComponent(merged)}`);
  return { text: kept.join('&'), hasFilter: filter !== undefined, hasSearch: true };
}

/** The first advanced-query operator in a filter (`ne`, `not`, `endsWith`), if any. */
function advancedOperator(e: Expr | undefined): string | undefined {
  if (!e) return undefined;
  switch (e.kind) {
    case 'compare':
      return e.op === 'ne' ? 'ne' : (advancedOperator(e.left) ?? advancedOperator(e.right));
    case 'truth':
      return e.test.startsWith('not') ? 'ne' : advancedOperator(e.operand);
    case 'not':
      return 'not';
    case 'match':
      return e.fn === 'endswith' ? 'endsWith' : undefined;
    case 'and':
    case 'or':
      return advancedOperator(e.left) ?? advancedOperator(e.right);
    case 'lambda':
      return advancedOperator(e.body);
    default:
      return undefined;
  }
}

const unsupported = (what: string, needsCount: boolean): ApiError =>
  new ApiError(
    'Request_UnsupportedQuery',
    `${what} is an advanced query on directory objects: it needs the header 'ConsistencyLevel: eventual'` +
      `${needsCount ? ' and $count=true' : ''}.`,
  );

/** Refuses an advanced query sent without `ConsistencyLevel: eventual` (and `$count=true` where Graph needs it). */
export function checkAdvancedQuery(ctx: Ctx, kind: TargetKind, list: ListQuery, q: DirectoryQuery): void {
  const eventual = ctx.req.headers.consistencylevel?.trim().toLowerCase() === 'eventual';
  if (kind === 'count') {
    if (!eventual) throw unsupported('The $count segment', false);
    return;
  }
  const operator = q.hasFilter ? advancedOperator(list.filter) : undefined;
  const what =
    operator !== undefined
      ? `'${operator}' in $filter`
      : q.hasFilter && list.orderBy.length > 0
        ? '$orderby together with $filter'
        : undefined;
  if (what !== undefined && !(eventual && list.count)) throw unsupported(what, true);
  if (list.count && !eventual) throw unsupported('$count=true', false);
  if (q.hasSearch && !eventual) throw unsupported('$search', false);
}

/** Graph's words for a directory object that is not there. */
export const resourceNotFound = (id: string): ApiError =>
  new ApiError(
    'Request_ResourceNotFound',
    `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
    { target: id },
  );

/** The id a directory path names, for a 404's message. */
function pathId(target: PathTarget): string | undefined {
  if (target.kind === 'entity') return target.id;
  if (target.kind === 'links') return target.memberId ?? target.ownerId;
  return undefined;
}

/**
 * An error as a directory path answers it: Intune's generic codes become Entra's. A taken `userPrincipalName` is a
 * 400 in Graph, not a 409.
 */
export function directoryError(err: unknown, target: PathTarget): unknown {
  if (!isApiError(err)) return err;
  const keep = { headers: err.headers, ...(err.target !== undefined ? { target: err.target } : {}) };
  switch (err.code) {
    case 'BadRequest':
      return new ApiError('Request_BadRequest', err.message, keep);
    case 'ResourceNotFound':
      return resourceNotFound(err.target ?? pathId(target) ?? '');
    case 'Conflict':
      return err.message.includes("userPrincipalName '")
        ? new ApiError(
            'Request_BadRequest',
            'Another object with the same value for property userPrincipalName already exists.',
            { target: 'userPrincipalName' },
          )
        : new ApiError('Request_BadRequest', err.message, keep);
    default:
      return err;
  }
}
