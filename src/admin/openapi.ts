/** `/_admin/openapi.json`: the control plane's routes as OpenAPI 3.0, made from the route table itself. */
import { ERRORS } from '../util/errors.js';
import { ADMIN_JSON } from './answer.js';
import { fieldSchema, objectSchema } from './fields.js';
import { ADMIN_PREFIX, type Route } from './router.js';

const ERROR_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message', 'innerError'],
      properties: {
        code: { type: 'string', enum: Object.keys(ERRORS) },
        message: { type: 'string' },
        target: { type: 'string' },
        innerError: {
          type: 'object',
          required: ['date', 'request-id', 'client-request-id'],
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

const ERROR_TEXT: Record<number, string> = {
  400: 'Bad input: malformed JSON, an unknown member or parameter, or a value of the wrong type (named).',
  401: 'No admin key, a wrong one, or a Graph token (`WWW-Authenticate: Bearer`).',
  404: 'No such resource.',
  405: 'The method is not defined for the path (`Allow` lists those that are).',
  409: 'The name is taken; the simulation is off; a device id held by several tenants without `?tenant=`.',
  413: 'The body is over 1 MiB.',
  415: 'The body is not `application/json`.',
};

function operation(route: Route, open: boolean): Record<string, unknown> {
  const parameters = [
    ...Object.entries(route.params ?? {}).map(([name, description]) => ({
      name,
      in: 'path',
      required: true,
      description,
      schema: { type: 'string' },
    })),
    ...(route.query ?? []).map((f) => ({
      name: f.name,
      in: 'query',
      required: false,
      description: f.description,
      schema: { ...fieldSchema(f), description: undefined },
    })),
  ];
  const a = route.answer;
  const success: Record<string, unknown> = { description: a.description };
  if (a.eventStream) success.content = { 'text/event-stream': { schema: { type: 'string' } } };
  else if (a.schema) success.content = { [ADMIN_JSON]: { schema: a.schema } };
  if (route.method === 'POST' && a.status === 201)
    success.headers = { Location: { description: 'The new resource.', schema: { type: 'string' } } };
  const errors = [...new Set([400, ...(open ? [] : [401]), 405, ...(route.errors ?? [])])].sort((x, y) => x - y);
  return {
    operationId: route.operationId,
    summary: route.summary,
    ...(open ? { security: [] } : {}),
    ...(parameters.length ? { parameters: parameters.map((p) => JSON.parse(JSON.stringify(p))) } : {}),
    ...(route.body
      ? { requestBody: { required: true, content: { 'application/json': { schema: objectSchema(route.body) } } } }
      : {}),
    responses: {
      [a.status]: success,
      ...Object.fromEntries(errors.map((s) => [s, { $ref: `#/components/responses/E${s}` }])),
    },
  };
}

export function adminOpenApi(
  routes: readonly Route[],
  openPaths: ReadonlySet<string>,
  schemas: Record<string, unknown>,
) {
  const paths: Record<string, Record<string, unknown>> = {};
  const statuses = new Set<number>([400, 401, 405]);
  for (const r of routes) {
    const item = paths[r.path] ?? {};
    paths[r.path] = item;
    item[r.method.toLowerCase()] = operation(r, openPaths.has(r.path));
    for (const s of r.errors ?? []) statuses.add(s);
  }
  return {
    openapi: '3.0.3',
    info: {
      title: 'appconfig-graph control plane',
      version: '1',
      description:
        'Tenants, snapshots, the request journal and fault rules of a running server, for tests, CI and demos. ' +
        'Every path needs `Authorization: Bearer <admin key>` but this document.',
    },
    servers: [{ url: ADMIN_PREFIX, description: 'The control plane of this server.' }],
    security: [{ adminKey: [] }],
    paths,
    components: {
      securitySchemes: {
        adminKey: {
          type: 'http',
          scheme: 'bearer',
          description: 'The admin key: `--admin-key`, `ADMIN_KEY`, or the file `<data-dir>/admin.key`.',
        },
      },
      schemas: { Error: ERROR_SCHEMA, ...schemas },
      responses: Object.fromEntries(
        [...statuses]
          .sort((x, y) => x - y)
          .map((s) => [
            `E${s}`,
            {
              description: ERROR_TEXT[s] ?? 'An error.',
              content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
            },
          ]),
      ),
    },
  };
}
