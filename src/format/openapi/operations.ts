/**
 * The operations of one version, named as Graph's own OpenAPI names them (its generator, OpenAPI.NET.OData:
 * `deviceAppManagement.ListMobileAppConfigurations`, `deviceAppManagement.mobileAppConfigurations.GetUserStatuses`,
 * `….userStatuses.GetCount-<first 4 hex of a SHA-256 of the path>`), each with every status the server answers.
 */
import { createHash } from 'node:crypto';
import type { EdmModel, StructuredType } from '../../model/model.js';
import { ENTITY_SETS, type EntitySet, ROOT_SINGLETON, SUMMARIES } from '../../model/resources.js';
import { DEFAULT_LIMITS } from '../../odata/limits.js';
import { entityInput, inputName, type Json, schemaRef } from './schemas.js';

/** Limits the api layer enforces, passed in because this layer cannot import it. */
export interface ApiFacts {
  readonly maxBulkItems: number;
  readonly maxBatchRequests: number;
  readonly maxBodyBytes: number;
  readonly maxBulkBodyBytes: number;
}

const upper = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
const ref = (kind: 'parameters' | 'responses' | 'headers', name: string): Json => ({
  $ref: `#/components/${kind}/${name}`,
});

/** Graph's de-duplicating suffix for `$count` operations: the path's segment identifiers, hashed. */
function countSuffix(segments: readonly string[]): string {
  const identifiers = [...new Set([...segments, '$count'])].join('/');
  return createHash('sha256').update(`$count${identifiers}`).digest('hex').slice(0, 4);
}

/** Error responses by status; every one carries Graph's error body. */
const ERROR_STATUSES = ['400', '401', '403', '404', '409', '412', '413', '415', '429'] as const;
type ErrorStatus = (typeof ERROR_STATUSES)[number];
const errorRef = (s: ErrorStatus): Json => ref('responses', `error${s}`);

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

const JSON_MEDIA = 'application/json';
const jsonResponse = (description: string, schema: Json, headers?: Json): Json => ({
  description,
  ...(headers ? { headers } : {}),
  content: { [JSON_MEDIA]: { schema } },
});
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
  const cfgSet = ENTITY_SETS.configurations;
  const cfgType = model.entityTypes.get(cfgSet.entityType)!;
  const cfgKey = `${cfgType.name}-id`;
  const root = `/${ROOT_SINGLETON}/${cfgSet.segment}`;
  const cfgPath = `${root}/{${cfgKey}}`;
  const cfgParam = pathParam(cfgKey, `The key of the ${cfgType.name}.`);
  const nav = `${ROOT_SINGLETON}.${cfgSet.segment}`;

  addSet(paths, facts, {
    set: cfgSet,
    type: cfgType,
    collectionPath: root,
    prefix: ROOT_SINGLETON,
    countPrefix: nav,
    segments: [ROOT_SINGLETON, cfgSet.segment],
    parents: [],
    underParent: false,
  });

  for (const set of [ENTITY_SETS.userStatuses, ENTITY_SETS.deviceStatuses, ENTITY_SETS.assignments]) {
    const type = model.entityTypes.get(set.entityType)!;
    addSet(paths, facts, {
      set,
      type,
      collectionPath: `${cfgPath}/${set.segment}`,
      prefix: nav,
      countPrefix: `${nav}.${set.segment}`,
      segments: [ROOT_SINGLETON, cfgSet.segment, 'id', set.segment],
      parents: [cfgParam],
      underParent: true,
    });
  }

  for (const s of Object.values(SUMMARIES)) {
    const type = model.entityTypes.get(s.entityType)!;
    paths[`${cfgPath}/${s.name}`] = {
      parameters: [cfgParam],
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

  const assignment = model.entityTypes.get(ENTITY_SETS.assignments.entityType)!;
  paths[`${cfgPath}/assign`] = {
    parameters: [cfgParam],
    description: "Other methods answer 405 with 'Allow: POST'.",
    post: operation({
      id: `${nav}.${cfgType.name}.assign`,
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
  return paths;
}

interface SetSpec {
  readonly set: EntitySet;
  readonly type: StructuredType;
  readonly collectionPath: string;
  /** The operationId prefix of the collection's own operations. */
  readonly prefix: string;
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
      id: `${s.prefix}.List${Seg}`,
      summary: `List ${set.segment}`,
      tag,
      params: listParams(set, 'collection'),
      ok: { '200': jsonResponse(`A page of ${set.segment}.`, collection) },
      errors: [...AUTH, ...missingParent],
    }),
    post: operation({
      id: `${s.prefix}.Create${Seg}`,
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
  if (set.principalKey) {
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
      id: `${s.prefix}.Get${Seg}`,
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
      id: `${s.prefix}.Update${Seg}`,
      summary: `Update the navigation property ${set.segment}`,
      tag,
      params: [ref('parameters', 'If-Match'), ref('parameters', 'Prefer')],
      body: entityInput(type, 'update'),
      ok: { '200': jsonResponse(`The updated ${type.name}.`, entity, etag), '204': minimal('Updated') },
      errors: [...AUTH, '404', ...(set.principalKey ? (['409'] as const) : []), '412', ...BODY],
    }),
    delete: operation({
      id: `${s.prefix}.Delete${Seg}`,
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

/** The query options `odata/options.ts` accepts for each kind of target, with its limits. */
function listParams(set: EntitySet, kind: 'collection' | 'entity' | 'count'): Json[] {
  const expandable = set.name === 'configurations';
  const searchable = set.searchable.length > 0;
  const names =
    kind === 'collection'
      ? ['$top', '$skip', '$search', '$filter', '$count', '$orderby', '$select', '$expand', '$skiptoken']
      : kind === 'entity'
        ? ['$select', '$expand']
        : ['$search', '$filter'];
  return names
    .filter((n) => (n !== '$expand' || expandable) && (n !== '$search' || searchable))
    .map((n) => ref('parameters', n.slice(1)));
}

/** Shared parameters, headers and error responses. */
export function sharedComponents(facts: ApiFacts): { parameters: Json; headers: Json; responses: Json } {
  const L = DEFAULT_LIMITS;
  const text = (description: string): Json => ({ type: 'string', maxLength: L.maxOptionLength, description });
  const query = (name: string, description: string, schema: Json): Json => ({
    name,
    in: 'query',
    description,
    style: 'form',
    explode: false,
    schema,
  });
  const header = (name: string, description: string): Json => ({
    name,
    in: 'header',
    required: false,
    description,
    schema: { type: 'string' },
  });
  const parameters: Json = {
    top: query('$top', 'Page size.', { type: 'integer', minimum: 1, maximum: L.maxTop }),
    skip: query('$skip', 'Skip the first n items.', { type: 'integer', minimum: 0, maximum: L.maxSkip }),
    search: query('$search', 'Words that must all appear (case-insensitively) in the display or principal name.', {
      type: 'string',
      maxLength: L.maxOptionLength,
    }),
    filter: query('$filter', 'Filter items by property values.', text('An OData $filter expression.')),
    count: query('$count', 'Include the count of items.', { type: 'boolean' }),
    orderby: query('$orderby', `Order items by property values (at most ${L.maxOrderByKeys} keys).`, {
      type: 'string',
      maxLength: L.maxOptionLength,
    }),
    select: query('$select', 'Select properties to be returned.', text('Comma-separated property names.')),
    expand: query(
      '$expand',
      `Expand related entities (at most ${L.maxExpandDepth} levels).`,
      text('Navigation properties, with nested options in parentheses.'),
    ),
    skiptoken: query('$skiptoken', 'The opaque token of an @odata.nextLink.', { type: 'string' }),
    'If-Match': header('If-Match', "'*' or strong ETags; no match (or no entity) answers 412."),
    'If-None-Match': header('If-None-Match', "'*' or ETags; a match answers 304."),
    Prefer: header('Prefer', "'return=minimal' answers a successful write with 204 and Preference-Applied."),
  };
  const headers: Json = {
    ETag: { description: 'The strong entity tag.', schema: { type: 'string' } },
    Location: { description: 'The URL of the created entity.', schema: { type: 'string', format: 'uri' } },
    'Preference-Applied': { description: 'return=minimal', schema: { type: 'string', enum: ['return=minimal'] } },
    'Retry-After': { description: 'Whole seconds to wait.', schema: { type: 'integer', minimum: 1 } },
    'WWW-Authenticate': { description: 'Bearer challenge.', schema: { type: 'string' } },
  };
  const descriptions: Record<ErrorStatus, string> = {
    '400': 'BadRequest: malformed JSON, wrong type, unknown property, bad query option (named with its position).',
    '401': 'InvalidAuthenticationToken: no, malformed, badly signed, expired or wrong-audience token.',
    '403': 'Forbidden: the token lacks the permission; the message names what is needed.',
    '404': 'ResourceNotFound: no such entity in this tenant.',
    '409': 'Conflict: a duplicate id or userPrincipalName.',
    '412': 'PreconditionFailed: If-Match does not match, or the entity does not exist.',
    '413': `RequestEntityTooLarge: the body is over ${facts.maxBodyBytes} bytes (${facts.maxBulkBodyBytes} for a {"value":[…]} PATCH).`,
    '415': 'UnsupportedMediaType: the body is not application/json.',
    '429': 'TooManyRequests: throttled.',
  };
  const responses: Json = {};
  for (const s of ERROR_STATUSES) {
    responses[`error${s}`] = {
      description: descriptions[s],
      ...(s === '429' ? { headers: { 'Retry-After': ref('headers', 'Retry-After') } } : {}),
      ...(s === '401' ? { headers: { 'WWW-Authenticate': ref('headers', 'WWW-Authenticate') } } : {}),
      content: { [JSON_MEDIA]: { schema: schemaRef('microsoft.graph.ODataErrors.ODataError') } },
    };
  }
  return { parameters, headers, responses };
}

/** `$batch`, `$metadata` and the local issuer's token endpoint. */
export function servicePaths(facts: ApiFacts, tokenServer: string): Json {
  const batchRequest = {
    type: 'object',
    required: ['id', 'method', 'url'],
    properties: {
      id: { type: 'string', minLength: 1 },
      method: { type: 'string', pattern: '^[A-Za-z]+$' },
      url: { type: 'string', minLength: 1, description: 'Relative, with or without the version prefix.' },
      headers: { type: 'object', additionalProperties: { type: 'string' } },
      body: {
        description: 'A JSON object, or a base64 string sent with the item’s Content-Type.',
        anyOf: [
          { type: 'object', nullable: true },
          { type: 'string', format: 'byte' },
        ],
      },
      dependsOn: { type: 'array', items: { type: 'string' } },
    },
  };
  const batchResponse = {
    type: 'object',
    required: ['responses'],
    properties: {
      responses: {
        type: 'array',
        items: {
          type: 'object',
          required: ['id', 'status', 'headers'],
          properties: {
            id: { type: 'string' },
            status: { type: 'integer' },
            headers: { type: 'object', additionalProperties: { type: 'string' } },
            body: { description: 'The item’s JSON body (an object, or text).' },
          },
        },
      },
    },
  };
  return {
    '/$batch': {
      description: "Other methods answer 405 with 'Allow: POST'.",
      post: {
        operationId: 'batch.SendBatch',
        summary: `JSON batching: up to ${facts.maxBatchRequests} requests, each authorised and throttled on its own`,
        tags: ['batch'],
        requestBody: {
          required: true,
          content: {
            [JSON_MEDIA]: {
              schema: {
                type: 'object',
                required: ['requests'],
                properties: {
                  requests: { type: 'array', minItems: 1, maxItems: facts.maxBatchRequests, items: batchRequest },
                },
              },
            },
          },
        },
        responses: {
          '200': jsonResponse('Every item’s answer (each has its own status).', batchResponse),
          '400': errorRef('400'),
          '401': errorRef('401'),
          '413': errorRef('413'),
        },
      },
    },
    '/$metadata': {
      description: "Other methods answer 405 with 'Allow: GET'.",
      get: {
        operationId: 'metadata.GetMetadata',
        summary: 'The CSDL of this version',
        tags: ['metadata'],
        security: [],
        responses: {
          '200': { description: 'CSDL XML.', content: { 'application/xml': { schema: { type: 'string' } } } },
          '431': {
            description: 'The request headers are too large (as for every request).',
            content: { [JSON_MEDIA]: { schema: schemaRef('microsoft.graph.ODataErrors.ODataError') } },
          },
        },
      },
    },
    '/{tenant}/oauth2/v2.0/token': {
      servers: [{ url: tokenServer, description: 'The local issuer (not under the version prefix).' }],
      post: {
        operationId: 'identity.GetToken',
        summary: 'OAuth 2.0 client-credentials grant of the local issuer',
        tags: ['identity'],
        security: [],
        parameters: [{ name: 'tenant', in: 'path', required: true, schema: { type: 'string' } }],
        requestBody: {
          required: true,
          content: {
            'application/x-www-form-urlencoded': {
              schema: {
                type: 'object',
                required: ['grant_type', 'client_id', 'client_secret', 'scope'],
                properties: {
                  grant_type: { type: 'string', enum: ['client_credentials'] },
                  client_id: { type: 'string' },
                  client_secret: { type: 'string' },
                  scope: { type: 'string', example: 'https://graph.microsoft.com/.default' },
                },
              },
            },
          },
        },
        responses: {
          '200': jsonResponse('An access token.', {
            type: 'object',
            required: ['access_token', 'token_type', 'expires_in'],
            properties: {
              access_token: { type: 'string' },
              token_type: { type: 'string', enum: ['Bearer'] },
              expires_in: { type: 'integer' },
            },
          }),
          '400': { description: 'An OAuth 2.0 error (invalid_request, unsupported_grant_type, invalid_scope).' },
          '401': { description: 'An OAuth 2.0 invalid_client error.' },
        },
      },
    },
  };
}
