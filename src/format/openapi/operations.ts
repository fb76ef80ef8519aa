/**
 * The operations of one version, named as Graph's own OpenAPI names them (its generator, OpenAPI.NET.OData:
 * `deviceAppManagement.ListMobileAppConfigurations`, `deviceAppManagement.mobileAppConfigurations.GetUserStatuses`,
 * `….userStatuses.GetCount-<first 4 hex of a SHA-256 of the path>`), each with every status the server answers.
 */
import { createHash } from 'node:crypto';
import type { EdmModel, StructuredType } from '../../model/model.js';
import {
  ENTITY_SETS,
  type EntitySet,
  LINKS,
  type LinkDef,
  SUMMARIES,
  setsUnder,
  summaryContainer,
  TOP_LEVEL_SETS,
  topLevelSegments,
} from '../../model/resources.js';
import { type ApiFacts, ERROR_STATUSES, type ErrorStatus, errorRef, jsonResponse, ref } from './components.js';
import { entityInput, inputName, type Json, schemaRef } from './schemas.js';

const upper = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** Graph's de-duplicating suffix for `$count` operations: the path's segment identifiers, hashed. */
function countSuffix(segments: readonly string[]): string {
  const identifiers = [...new Set([...segments, '$count'])].join('/');
  return createHash('sha256').update(`$count${identifiers}`).digest('hex').slice(0, 4);
}

interface OpSpec {
  readonly id: string;
  readonly summary: string;
  readonly tag: string;
  readonly params?: Json[];
  readonly body?: Json;
  readonly ok: Record<string, Json>;
  readonly errors: readonly ErrorStatus[];
}

function operation(o: OpSpec): Json {
  const responses: Json = { ...o.ok };
  for (const s of ERROR_STATUSES) if (o.errors.includes(s)) responses[s] = errorRef(s);
  return {
    operationId: o.id,
    summary: o.summary,
    tags: [o.tag],
    ...(o.params && o.params.length > 0 ? { parameters: o.params } : {}),
    ...(o.body ? { requestBody: { required: true, content: { 'application/json': { schema: o.body } } } } : {}),
    responses,
  };
}

const etag = { ETag: ref('headers', 'ETag') };
const minimal = (what: string, location = false): Json => ({
  description: `${what}; \`Prefer: return=minimal\` was sent, so no body.`,
  headers: {
    ...etag,
    'Preference-Applied': ref('headers', 'Preference-Applied'),
    ...(location ? { Location: ref('headers', 'Location') } : {}),
  },
});

/** Errors every authenticated operation can answer. */
const AUTH: readonly ErrorStatus[] = ['400', '401', '403', '429'];
/** Errors of a write with a JSON body. */
const BODY: readonly ErrorStatus[] = ['413', '415'];

export function versionPaths(model: EdmModel, facts: ApiFacts): Json {
  const paths: Json = {};
  for (const top of TOP_LEVEL_SETS) {
    const topType = model.entityTypes.get(top.entityType);
    if (!topType) continue;
    addTopLevel(paths, model, facts, top, topType);
  }
  return paths;
}

/** A top-level set, the sets and summaries contained in its entities, and its bound actions. */
function addTopLevel(paths: Json, model: EdmModel, facts: ApiFacts, top: EntitySet, topType: StructuredType): void {
  const topSegments = topLevelSegments(top);
  const topKey = `${topType.name}-id`;
  const root = `/${topSegments.join('/')}`;
  const topPath = `${root}/{${topKey}}`;
  const topParam = pathParam(topKey, `The key of the ${topType.name}.`);
  // Graph's generator names a singleton's navigation `singleton.ListX`, an entity set's `set.type.ListType`.
  const prefix = top.singleton ?? `${top.segment}.${topType.name}`;
  const nav = topSegments.join('.');

  addSet(paths, facts, {
    set: top,
    type: topType,
    collectionPath: root,
    prefix,
    ...(top.singleton === undefined ? { opName: (verb: string) => `${prefix}.${verb}${upper(topType.name)}` } : {}),
    countPrefix: nav,
    segments: topSegments,
    parents: [],
    underParent: false,
  });

  for (const set of setsUnder(top)) {
    const type = model.entityTypes.get(set.entityType);
    if (!type) continue;
    addSet(paths, facts, {
      set,
      type,
      collectionPath: `${topPath}/${set.segment}`,
      prefix: nav,
      countPrefix: `${nav}.${set.segment}`,
      segments: [...topSegments, 'id', set.segment],
      parents: [topParam],
      underParent: true,
    });
  }

  for (const s of Object.values(SUMMARIES)) {
    if (summaryContainer(s) !== top) continue;
    const type = model.entityTypes.get(s.entityType)!;
    paths[`${topPath}/${s.name}`] = {
      parameters: [topParam],
      description: "Computed from the statuses at read time. Other methods answer 405 with 'Allow: GET'.",
      get: operation({
        id: `${nav}.Get${upper(s.name)}`,
        summary: `Get ${s.name} (computed)`,
        tag: `${nav}.${s.name}`,
        ok: { '200': jsonResponse(`The ${type.name}.`, schemaRef(type.qualifiedName)) },
        errors: [...AUTH, '404'],
      }),
    };
  }

  for (const link of Object.values(LINKS)) {
    if (link.owner === top.name) addLink(paths, model, link, `${topPath}/${link.segment}`, topParam, nav);
  }

  if (top.actions?.includes('assign')) {
    const assignment = model.entityTypes.get(ENTITY_SETS.assignments.entityType)!;
    paths[`${topPath}/assign`] = {
      parameters: [topParam],
      description: "Other methods answer 405 with 'Allow: POST'.",
      post: operation({
        id: `${nav}.${topType.name}.assign`,
        summary: 'Invoke action assign: replace the assignments',
        tag: `${nav}.Actions`,
        body: {
          type: 'object',
          required: ['assignments'],
          properties: { assignments: { type: 'array', items: schemaRef(inputName(assignment, 'create')) } },
          additionalProperties: false,
        },
        ok: { '204': { description: 'The assignments were replaced.' } },
        errors: [...AUTH, '404', '409', ...BODY],
      }),
    };
  }
}

interface SetSpec {
  readonly set: EntitySet;
  readonly type: StructuredType;
  readonly collectionPath: string;
  /** The operationId prefix of the collection's own operations. */
  readonly prefix: string;
  /** The operationId of a verb (`List`, `Create`, …) when not `prefix.VerbSegment`. */
  readonly opName?: (verb: string) => string;
  /** The operationId prefix of its `$count`. */
  readonly countPrefix: string;
  /** The path's segment identifiers, for the `$count` suffix. */
  readonly segments: readonly string[];
  readonly parents: readonly Json[];
  readonly underParent: boolean;
}

function addSet(paths: Json, facts: ApiFacts, s: SetSpec): void {
  const { set, type } = s;
  const Seg = upper(set.segment);
  const tag = `${s.prefix}.${set.segment}`;
  const opId = s.opName ?? ((verb: string) => `${s.prefix}.${verb}${Seg}`);
  const missingParent: readonly ErrorStatus[] = s.underParent ? ['404'] : [];
  const entity = schemaRef(type.qualifiedName);
  const collection = schemaRef(`${type.qualifiedName}CollectionResponse`);
  const methods = (path: Json) =>
    ['get', 'post', 'patch', 'delete']
      .filter((m) => m in path)
      .map((m) => m.toUpperCase())
      .join(', ');

  const coll: Json = {
    parameters: [...s.parents],
    get: operation({
      id: opId('List'),
      summary: `List ${set.segment}`,
      tag,
      params: listParams(set, 'collection'),
      ok: { '200': jsonResponse(`A page of ${set.segment}.`, collection) },
      errors: [...AUTH, ...missingParent],
    }),
    post: operation({
      id: opId('Create'),
      summary: `Create new navigation property to ${set.segment}`,
      tag,
      params: [ref('parameters', 'Prefer')],
      body: entityInput(type, 'create'),
      ok: {
        '201': jsonResponse(`The created ${type.name}.`, entity, { ...etag, Location: ref('headers', 'Location') }),
        '204': minimal('Created', true),
      },
      errors: [...AUTH, ...missingParent, '409', ...BODY],
    }),
  };
  if (set.upsertByPrincipal && set.principalKey) {
    const item = {
      allOf: [
        schemaRef(inputName(type, 'update')),
        {
          anyOf: [
            { required: ['id'], properties: { id: { type: 'string' } } },
            { required: [set.principalKey], properties: { [set.principalKey]: { type: 'string' } } },
          ],
        },
      ],
    };
    coll.patch = operation({
      id: `${s.prefix}.Upsert${Seg}`,
      summary: `Update the ${type.name} named by id or ${set.principalKey}, creating a missing one; or up to ${facts.maxBulkItems} in one transaction`,
      tag,
      params: [ref('parameters', 'If-Match'), ref('parameters', 'Prefer')],
      body: {
        anyOf: [
          item,
          {
            type: 'object',
            required: ['value'],
            properties: { value: { type: 'array', maxItems: facts.maxBulkItems, items: item } },
            additionalProperties: false,
          },
        ],
      },
      ok: {
        '200': jsonResponse(
          `The updated ${type.name}, or for a {"value":[…]} body every item in order.`,
          { anyOf: [entity, collection] },
          etag,
        ),
        '201': jsonResponse(`No ${type.name} of that ${set.principalKey} existed: created.`, entity, {
          ...etag,
          Location: ref('headers', 'Location'),
        }),
        '204': minimal('Updated or created', true),
      },
      errors: [...AUTH, '404', '409', '412', ...BODY],
    });
  }
  coll.description = `Other methods answer 405 with 'Allow: ${methods(coll)}'.`;
  paths[s.collectionPath] = coll;

  const key = `${type.name}-id`;
  const item: Json = {
    parameters: [...s.parents, pathParam(key, `The key of the ${type.name}.`)],
    get: operation({
      id: opId('Get'),
      summary: `Get ${set.segment}`,
      tag,
      params: [...listParams(set, 'entity'), ref('parameters', 'If-None-Match')],
      ok: {
        '200': jsonResponse(`The ${type.name}.`, entity, etag),
        '304': { description: 'If-None-Match named the current ETag.', headers: etag },
      },
      errors: [...AUTH, '404'],
    }),
    patch: operation({
      id: opId('Update'),
      summary: `Update the navigation property ${set.segment}`,
      tag,
      params: [ref('parameters', 'If-Match'), ref('parameters', 'Prefer')],
      body: entityInput(type, 'update'),
      // Directory objects answer an update with 204 and no body, as Graph does.
      ok: set.directory
        ? { '204': { description: 'Updated.', headers: etag } }
        : { '200': jsonResponse(`The updated ${type.name}.`, entity, etag), '204': minimal('Updated') },
      errors: [...AUTH, '404', ...(set.principalKey ? (['409'] as const) : []), '412', ...BODY],
    }),
    delete: operation({
      id: opId('Delete'),
      summary: `Delete navigation property ${set.segment}`,
      tag,
      params: [ref('parameters', 'If-Match')],
      ok: { '204': { description: 'Deleted.' } },
      errors: [...AUTH, '404', '412'],
    }),
  };
  item.description = `Other methods answer 405 with 'Allow: ${methods(item)}'.`;
  paths[`${s.collectionPath}/{${key}}`] = item;

  paths[`${s.collectionPath}/$count`] = {
    parameters: [...s.parents],
    description: "Other methods answer 405 with 'Allow: GET'.",
    get: operation({
      id: `${s.countPrefix}.GetCount-${countSuffix(s.segments)}`,
      summary: 'Get the number of the resource',
      tag,
      params: listParams(set, 'count'),
      ok: {
        '200': {
          description: 'The count.',
          content: { 'text/plain': { schema: { type: 'integer', format: 'int32', minimum: 0 } } },
        },
      },
      errors: [...AUTH, ...missingParent],
    }),
  };
}

function pathParam(name: string, description: string): Json {
  return {
    name,
    in: 'path',
    required: true,
    description: `${description} Also accepted in parentheses: ('key').`,
    schema: { type: 'string' },
  };
}

/**
 * The query options `odata/options.ts` accepts for each kind of target, with its limits; directory collections
 * take no `$skip`, a `$top` up to 999, the `"property:words"` `$search` and the `ConsistencyLevel` header.
 */
function listParams(set: EntitySet, kind: 'collection' | 'entity' | 'count'): Json[] {
  const expandable = setsUnder(set).length > 0;
  const searchable = set.searchable.length > 0;
  const names =
    kind === 'collection'
      ? ['$top', '$skip', '$search', '$filter', '$count', '$orderby', '$select', '$expand', '$skiptoken']
      : kind === 'entity'
        ? ['$select', '$expand']
        : ['$search', '$filter'];
  const params = names
    .filter((n) => (n !== '$expand' || expandable) && (n !== '$search' || searchable))
    .filter((n) => !(set.directory && n === '$skip'));
  if (!set.directory) return params.map((n) => ref('parameters', n.slice(1)));
  const directory: Record<string, string> = { $top: 'directoryTop', $search: 'directorySearch' };
  const out = params.map((n) => ref('parameters', directory[n] ?? n.slice(1)));
  return kind === 'entity' ? out : [...out, ref('parameters', 'ConsistencyLevel')];
}

/** A reference navigation (`/groups/{id}/members`): list, count, add (`$ref`) and remove (`{id}/$ref`). */
function addLink(paths: Json, model: EdmModel, link: LinkDef, path: string, ownerParam: Json, nav: string): void {
  const member = ENTITY_SETS[link.member];
  const memberType = model.entityTypes.get(member.entityType)!;
  const Seg = upper(link.segment);
  const tag = `${nav}.${link.segment}`;
  const collection = schemaRef(`${memberType.qualifiedName}CollectionResponse`);
  const missing: readonly ErrorStatus[] = ['404'];
  paths[path] = {
    parameters: [ownerParam],
    description: "Other methods answer 405 with 'Allow: GET'.",
    get: operation({
      id: `${nav}.List${Seg}`,
      summary: `List ${link.segment}: directory objects, each with its @odata.type`,
      tag,
      params: listParams(member, 'collection'),
      ok: { '200': jsonResponse(`A page of ${link.segment}.`, collection) },
      errors: [...AUTH, ...missing],
    }),
  };
  paths[`${path}/$count`] = {
    parameters: [ownerParam],
    description: "Needs ConsistencyLevel: eventual. Other methods answer 405 with 'Allow: GET'.",
    get: operation({
      id: `${nav}.${link.segment}.GetCount-${countSuffix([...nav.split('.'), 'id', link.segment])}`,
      summary: 'Get the number of the resource',
      tag,
      params: listParams(member, 'count'),
      ok: {
        '200': {
          description: 'The count.',
          content: { 'text/plain': { schema: { type: 'integer', format: 'int32', minimum: 0 } } },
        },
      },
      errors: [...AUTH, ...missing],
    }),
  };
  paths[`${path}/$ref`] = {
    parameters: [ownerParam],
    description: "Other methods answer 405 with 'Allow: POST'.",
    post: operation({
      id: `${nav}.CreateRef${Seg}`,
      summary: `Add a ${memberType.name} to ${link.segment} by reference`,
      tag,
      body: {
        type: 'object',
        required: ['@odata.id'],
        properties: {
          '@odata.id': {
            type: 'string',
            description: `The URL of the object: https://graph.microsoft.com/v1.0/directoryObjects/{id} or …/${member.segment}/{id}.`,
          },
        },
        additionalProperties: false,
      },
      ok: { '204': { description: 'Added.' } },
      errors: [...AUTH, ...missing, ...BODY],
    }),
  };
  paths[`${path}/{directoryObject-id}/$ref`] = {
    parameters: [ownerParam, pathParam('directoryObject-id', `The key of the ${memberType.name} to remove.`)],
    description: "Other methods answer 405 with 'Allow: DELETE'.",
    delete: operation({
      id: `${nav}.${link.segment}.DeleteRefDirectoryObject`,
      summary: `Remove a ${memberType.name} from ${link.segment}`,
      tag,
      ok: { '204': { description: 'Removed.' } },
      errors: [...AUTH, ...missing],
    }),
  };
}
