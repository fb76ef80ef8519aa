/** Fault rules (docs/admin.md#faults): add, list, read, delete one or all. */
import { badRequest, ERRORS, notFound } from '../../util/errors.js';
import { collection, json, noContent, nullable, ref } from '../answer.js';
import type { FaultRuleInput, FaultRules } from '../faults.js';
import type { Field } from '../fields.js';
import { ADMIN_PREFIX, type Route } from '../router.js';

/** Statuses a rule may answer: those of the error table, so each has Graph's code and message shape. */
export const FAULT_STATUSES: readonly number[] = [...new Set(Object.values(ERRORS).map((e) => e.status))].sort(
  (a, b) => a - b,
);

const ADD: readonly Field[] = [
  {
    name: 'method',
    type: { kind: 'string', pattern: '^(GET|POST|PUT|PATCH|DELETE)$' },
    description: 'Only requests with this method; any when left out.',
  },
  {
    name: 'path',
    type: { kind: 'string', maxLength: 2000, pattern: '^/' },
    required: true,
    description:
      'A glob over the version-less Graph path (`/deviceAppManagement/mobileAppConfigurations/*/userStatuses`): ' +
      '`*` within a segment, `**` across segments, `?` one character; case-insensitive.',
  },
  { name: 'tenant', type: { kind: 'string', maxLength: 200 }, description: 'Only this tenant (tid).' },
  { name: 'app', type: { kind: 'string', maxLength: 200 }, description: 'Only this application (appid).' },
  {
    name: 'status',
    type: { kind: 'integer', minimum: 400, maximum: 599 },
    required: true,
    description: `The status to answer, with Graph's error for it: one of ${FAULT_STATUSES.join(', ')}.`,
  },
  {
    name: 'retryAfter',
    type: { kind: 'integer', minimum: 0, maximum: 86_400 },
    description: 'Seconds for a `Retry-After` header.',
  },
  {
    name: 'latencyMs',
    type: { kind: 'integer', minimum: 0, maximum: 60_000 },
    description: 'Wait this long before answering.',
  },
  {
    name: 'times',
    type: { kind: 'integer', minimum: 1, maximum: 1_000_000 },
    description: 'Answer the next N matching requests, then stop; every one when left out.',
  },
  {
    name: 'probability',
    type: { kind: 'number', minimum: 0, maximum: 1 },
    description: 'Take a matching request with this probability, by a seeded draw.',
  },
  {
    name: 'seed',
    type: { kind: 'integer', minimum: 0, maximum: 2_147_483_647 },
    description: "The draw's seed (default `--fault-seed`, else a random one, shown in the rule).",
  },
];

const int = nullable({ type: 'integer' });
const str = nullable({ type: 'string' });
export const FAULT_SCHEMAS = {
  FaultRule: {
    type: 'object',
    additionalProperties: false,
    required: [
      'id',
      'method',
      'path',
      'tenant',
      'app',
      'status',
      'retryAfter',
      'latencyMs',
      'times',
      'probability',
      'seed',
      'matched',
      'spent',
      'created',
    ],
    properties: {
      id: { type: 'string' },
      method: str,
      path: { type: 'string' },
      tenant: str,
      app: str,
      status: { type: 'integer' },
      retryAfter: int,
      latencyMs: int,
      times: int,
      probability: nullable({ type: 'number' }),
      seed: int,
      matched: { type: 'integer', description: 'Requests it has answered.' },
      spent: { type: 'boolean', description: 'Whether `times` is used up.' },
      created: { type: 'string', format: 'date-time' },
    },
  },
} as const;

export function faultRoutes(rules: FaultRules): Route[] {
  const ID = { id: 'The rule id.' };
  const find = (id: string) => {
    const r = rules.get(id);
    if (!r) throw notFound(`No fault rule with id '${id}' exists.`);
    return r;
  };
  return [
    {
      method: 'POST',
      path: '/faults',
      operationId: 'addFault',
      summary: 'Add a rule that answers matching Graph requests with an error instead of running them',
      body: ADD,
      answer: { status: 201, description: 'The rule added.', schema: { $ref: ref('FaultRule') } },
      errors: [413, 415],
      async handle({ req, body }) {
        const input = body as unknown as FaultRuleInput;
        if (!FAULT_STATUSES.includes(input.status))
          throw badRequest(
            `Property 'status' must be one of ${FAULT_STATUSES.join(', ')}; got ${input.status}.`,
            'status',
          );
        const rule = rules.add(input);
        return json(req, 201, rule, { Location: `${ADMIN_PREFIX}/faults/${rule.id}` });
      },
    },
    {
      method: 'GET',
      path: '/faults',
      operationId: 'listFaults',
      summary: 'Every fault rule, in the order they are tried',
      answer: { status: 200, description: 'The rules.', schema: collection(ref('FaultRule')) },
      async handle({ req }) {
        return json(req, 200, { value: rules.list() });
      },
    },
    {
      method: 'DELETE',
      path: '/faults',
      operationId: 'clearFaults',
      summary: 'Delete every fault rule',
      answer: { status: 204, description: 'Deleted.' },
      async handle({ req }) {
        rules.clear();
        return noContent(req);
      },
    },
    {
      method: 'GET',
      path: '/faults/{id}',
      operationId: 'getFault',
      summary: 'One fault rule',
      params: ID,
      answer: { status: 200, description: 'The rule.', schema: { $ref: ref('FaultRule') } },
      errors: [404],
      async handle({ req, params }) {
        return json(req, 200, find(params.id!));
      },
    },
    {
      method: 'DELETE',
      path: '/faults/{id}',
      operationId: 'deleteFault',
      summary: 'Delete one fault rule',
      params: ID,
      answer: { status: 204, description: 'Deleted.' },
      errors: [404],
      async handle({ req, params }) {
        if (!rules.delete(params.id!)) throw notFound(`No fault rule with id '${params.id}' exists.`);
        return noContent(req);
      },
    },
  ];
}
