/**
 * `/openapi.json`: an OpenAPI 3.0 description of the served operations, generated from the model (beta
 * schemas, the superset; v1.0 differs as `$metadata` says).
 */
import { INT32_MAX, INT32_MIN, type TypeRef, VERSIONS } from '../model/edm.js';
import { modelFor, type StructuredType } from '../model/model.js';
import { ENTITY_SETS, SUMMARIES } from '../model/resources.js';

type Json = Record<string, unknown>;

const ref = (name: string): Json => ({ $ref: `#/components/schemas/microsoft.graph.${name}` });

function schemaOf(t: TypeRef, collection: boolean, nullable: boolean): Json {
  let s: Json;
  if (t.kind === 'primitive') {
    s = {
      'Edm.String': { type: 'string' },
      'Edm.Int32': { type: 'integer', format: 'int32', minimum: INT32_MIN, maximum: INT32_MAX },
      'Edm.Boolean': { type: 'boolean' },
      'Edm.DateTimeOffset': {
        type: 'string',
        format: 'date-time',
        pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,7})?(Z|[+-][0-9]{2}:[0-9]{2})$',
      },
      'Edm.Binary': { type: 'string', format: 'base64url' },
    }[t.name];
  } else {
    s = ref(t.name);
  }
  if (collection) return { type: 'array', items: s };
  return nullable && t.kind === 'primitive' ? { ...s, nullable: true } : s;
}

function structured(t: StructuredType): Json {
  const own: Json = {
    type: 'object',
    ...(t.description ? { description: t.description } : {}),
    properties: Object.fromEntries([
      ['@odata.type', { type: 'string' }],
      ...t.ownProperties.map((p) => [
        p.name,
        { ...schemaOf(p.type, p.collection, p.nullable), ...(p.description ? { description: p.description } : {}) },
      ]),
    ]),
  };
  return t.baseType ? { allOf: [ref(t.baseType), own] } : own;
}

const errorResponse = { description: 'error', content: { 'application/json': { schema: ref('ODataError') } } };

function op(
  summary: string,
  tag: string,
  opts: { body?: Json; ok?: Json; okStatus?: string; params?: Json[] } = {},
): Json {
  return {
    summary,
    tags: [tag],
    ...(opts.params ? { parameters: opts.params } : {}),
    ...(opts.body ? { requestBody: { required: true, content: { 'application/json': { schema: opts.body } } } } : {}),
    responses: {
      [opts.okStatus ?? '200']: opts.ok
        ? { description: 'success', content: { 'application/json': { schema: opts.ok } } }
        : { description: 'success' },
      '4XX': errorResponse,
    },
    security: [{ bearer: [] }],
  };
}

const queryParams: Json[] = [
  '$filter',
  '$select',
  '$orderby',
  '$top',
  '$skip',
  '$count',
  '$search',
  '$expand',
  '$skiptoken',
].map((name) => ({
  name,
  in: 'query',
  required: false,
  schema:
    name === '$top' || name === '$skip'
      ? { type: 'integer', minimum: name === '$top' ? 1 : 0 }
      : name === '$count'
        ? { type: 'boolean' }
        : { type: 'string' },
}));

export function openApiDocument(): Json {
  const model = modelFor('beta');
  const schemas: Json = {};
  for (const t of [...model.entityTypes.values(), ...model.complexTypes.values()])
    schemas[t.qualifiedName] = structured(t);
  for (const e of model.enums.values())
    schemas[e.qualifiedName] = { type: 'string', enum: e.members.map((m) => m.name) };
  schemas['microsoft.graph.ODataError'] = {
    type: 'object',
    required: ['error'],
    properties: {
      error: {
        type: 'object',
        required: ['code', 'message'],
        properties: {
          code: { type: 'string' },
          message: { type: 'string' },
          target: { type: 'string' },
          innerError: {
            type: 'object',
            properties: {
              date: { type: 'string' },
              'request-id': { type: 'string' },
              'client-request-id': { type: 'string' },
            },
          },
        },
      },
    },
  };
  const collectionOf = (name: string): Json => ({
    type: 'object',
    properties: {
      value: { type: 'array', items: ref(name) },
      '@odata.nextLink': { type: 'string' },
      '@odata.count': { type: 'integer' },
    },
  });
  const cfg = ENTITY_SETS.configurations;
  const base = '/{version}/deviceAppManagement/mobileAppConfigurations';
  const version: Json = {
    name: 'version',
    in: 'path',
    required: true,
    schema: { type: 'string', enum: [...VERSIONS] },
  };
  const idParam = (name: string): Json => ({ name, in: 'path', required: true, schema: { type: 'string' } });
  const paths: Json = {
    [base]: {
      parameters: [version],
      get: op('List mobileAppConfigurations', cfg.segment, { ok: collectionOf(cfg.entityType), params: queryParams }),
      post: op('Create a mobileAppConfiguration (give @odata.type of a concrete type)', cfg.segment, {
        body: ref(cfg.entityType),
        ok: ref(cfg.entityType),
        okStatus: '201',
      }),
    },
    [`${base}/{configId}`]: {
      parameters: [version, idParam('configId')],
      get: op('Get a mobileAppConfiguration', cfg.segment, { ok: ref(cfg.entityType) }),
      patch: op('Update a mobileAppConfiguration', cfg.segment, { body: ref(cfg.entityType), ok: ref(cfg.entityType) }),
      delete: op('Delete a mobileAppConfiguration and everything under it', cfg.segment, { okStatus: '204' }),
    },
    [`${base}/{configId}/assign`]: {
      parameters: [version, idParam('configId')],
      post: op('Replace the assignments', cfg.segment, {
        body: {
          type: 'object',
          properties: { assignments: { type: 'array', items: ref(ENTITY_SETS.assignments.entityType) } },
        },
        okStatus: '204',
      }),
    },
  };
  for (const set of [ENTITY_SETS.userStatuses, ENTITY_SETS.deviceStatuses, ENTITY_SETS.assignments]) {
    const p = `${base}/{configId}/${set.segment}`;
    paths[p] = {
      parameters: [version, idParam('configId')],
      get: op(`List ${set.segment}`, set.segment, { ok: collectionOf(set.entityType), params: queryParams }),
      post: op(`Create a ${set.entityType}`, set.segment, {
        body: ref(set.entityType),
        ok: ref(set.entityType),
        okStatus: '201',
      }),
      ...(set.principalKey
        ? {
            patch: op(
              `Update or create a status named by id or ${set.principalKey}; or up to 1,000 as {"value":[...]}`,
              set.segment,
              {
                body: {
                  // anyOf, not oneOf: the entity schema is open, so a bulk body would match both branches.
                  anyOf: [
                    ref(set.entityType),
                    {
                      type: 'object',
                      required: ['value'],
                      properties: { value: { type: 'array', maxItems: 1000, items: ref(set.entityType) } },
                    },
                  ],
                },
                ok: ref(set.entityType),
              },
            ),
          }
        : {}),
    };
    paths[`${p}/{id}`] = {
      parameters: [version, idParam('configId'), idParam('id')],
      get: op(`Get a ${set.entityType}`, set.segment, { ok: ref(set.entityType) }),
      patch: op(`Update a ${set.entityType}`, set.segment, { body: ref(set.entityType), ok: ref(set.entityType) }),
      delete: op(`Delete a ${set.entityType}`, set.segment, { okStatus: '204' }),
    };
    paths[`${p}/$count`] = {
      parameters: [version, idParam('configId')],
      get: {
        ...op(`Count ${set.segment}`, set.segment),
        responses: { '200': { description: 'the count', content: { 'text/plain': { schema: { type: 'integer' } } } } },
      },
    };
  }
  for (const s of Object.values(SUMMARIES)) {
    paths[`${base}/{configId}/${s.name}`] = {
      parameters: [version, idParam('configId')],
      get: op(`Get the ${s.name} (computed)`, s.name, { ok: ref(s.entityType) }),
    };
  }
  return {
    openapi: '3.0.3',
    info: {
      title: 'appconfig-graph',
      version: '1.0',
      description: 'Microsoft Graph (Intune) mobile app configurations and their statuses.',
    },
    servers: [{ url: '/' }],
    paths,
    components: { schemas, securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
  };
}
