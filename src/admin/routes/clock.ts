/**
 * The simulation (docs/admin.md#simulation): its clock, moving it, a device's check-in on demand, and a device
 * set on- or offline. Without `--simulate` the routes are there and answer 409, so a client learns why.
 */
import type { Simulation } from '../../sim/simulation.js';
import { DURATION_PATTERN, parseDuration } from '../../util/duration.js';
import { ApiError, badRequest } from '../../util/errors.js';
import { json, ref } from '../answer.js';
import type { Field } from '../fields.js';
import type { Route } from '../router.js';

const MOVE: readonly Field[] = [
  {
    name: 'advance',
    type: { kind: 'string', pattern: DURATION_PATTERN, maxLength: 40 },
    description: 'How far to move the clock: an ISO 8601 duration PnDTnHnMnS (`PT8H`). Give this or `to`.',
  },
  {
    name: 'to',
    type: { kind: 'string', format: 'date-time', maxLength: 40 },
    description: 'The time to move the clock to, not before its time now. Give this or `advance`.',
  },
];

const TENANT: readonly Field[] = [
  {
    name: 'tenant',
    type: { kind: 'string', maxLength: 200 },
    description: 'The tenant of the device; needed only when several tenants hold a device of this id.',
  },
];

const ONLINE: readonly Field[] = [
  {
    name: 'online',
    type: { kind: 'boolean', nullable: true },
    required: true,
    description: 'true: online; false: offline (no scheduled check-ins); null: back to its default.',
  },
];

const time = { type: 'string', format: 'date-time' } as const;
const count = (description: string) => ({ type: 'integer', minimum: 0, description });

export const CLOCK_SCHEMAS = {
  Clock: {
    type: 'object',
    additionalProperties: false,
    required: ['mode', 'now', 'speed', 'ranThrough', 'intervalMs', 'interval', 'errorRate', 'offlineRate', 'seed'],
    properties: {
      mode: { type: 'string', enum: ['manual', 'real'] },
      now: { ...time, description: 'Sim time now.' },
      speed: { type: 'number', minimum: 0, description: 'Sim ms per real ms on the real clock; 0 on the manual one.' },
      ranThrough: { ...time, description: 'Every check-in up to this sim time has run.' },
      intervalMs: { type: 'integer', minimum: 1, description: 'Time between two check-ins of a device, in ms.' },
      interval: { type: 'string', description: 'The same as an ISO 8601 duration.' },
      errorRate: { type: 'number', minimum: 0, maximum: 1 },
      offlineRate: { type: 'number', minimum: 0, maximum: 1 },
      seed: { type: 'string', description: 'Every outcome follows from it, the data and the clock moves.' },
    },
  },
  ClockMove: {
    type: 'object',
    additionalProperties: false,
    required: ['now', 'checkins', 'resolved'],
    properties: {
      now: { ...time, description: 'Sim time after the move.' },
      checkins: count('Check-ins that ran.'),
      resolved: count('Device statuses that changed.'),
    },
  },
  Checkin: {
    type: 'object',
    additionalProperties: false,
    required: ['checkins', 'resolved'],
    properties: { checkins: count('Check-ins that ran (1).'), resolved: count('Device statuses that changed.') },
  },
  DeviceOnline: {
    type: 'object',
    additionalProperties: false,
    required: ['id', 'online'],
    properties: {
      id: { type: 'string' },
      online: { type: 'boolean', nullable: true, description: 'As set; null: the default from the seed.' },
    },
  },
} as const;

const OFF = 'The simulation is off; start the server with --simulate.';

export function clockRoutes(sim: Simulation | undefined): Route[] {
  const running = (): Simulation => {
    if (!sim) throw new ApiError('Conflict', OFF);
    return sim;
  };
  const tenantOf = (query: Readonly<Record<string, string | number>>) =>
    query.tenant === undefined ? undefined : String(query.tenant);
  const DEVICE = { id: 'The managed device id.' };
  return [
    {
      method: 'GET',
      path: '/clock',
      operationId: 'getClock',
      summary: "The simulation's clock and settings",
      answer: { status: 200, description: 'The clock.', schema: { $ref: ref('Clock') } },
      errors: [409],
      async handle({ req }) {
        return json(req, 200, running().view);
      },
    },
    {
      method: 'POST',
      path: '/clock',
      operationId: 'moveClock',
      summary: 'Move the clock ahead and run every check-in due by then, in time order',
      body: MOVE,
      answer: { status: 200, description: 'The time now and what ran.', schema: { $ref: ref('ClockMove') } },
      errors: [409, 413, 415],
      async handle({ req, body }) {
        const s = running();
        const b = body as { advance?: string; to?: string };
        if ((b.advance === undefined) === (b.to === undefined))
          throw badRequest("Give exactly one of 'advance' (a duration such as PT8H) and 'to' (a date-time).");
        if (b.advance !== undefined) {
          const ms = parseDuration(b.advance);
          if (ms === undefined) throw badRequest(`Property 'advance' is too large: '${b.advance}'.`, 'advance');
          return json(req, 200, await s.advance(ms));
        }
        return json(req, 200, await s.advanceTo(Date.parse(b.to!)));
      },
    },
    {
      method: 'POST',
      path: '/devices/{id}/checkin',
      operationId: 'checkinDevice',
      summary: 'One check-in of the device now, online or not',
      params: DEVICE,
      query: TENANT,
      answer: { status: 200, description: 'What the check-in did.', schema: { $ref: ref('Checkin') } },
      errors: [404, 409],
      async handle({ req, params, query }) {
        return json(req, 200, await running().checkin(params.id!, tenantOf(query)));
      },
    },
    {
      method: 'PATCH',
      path: '/devices/{id}',
      operationId: 'setDeviceOnline',
      summary: 'Set the device on- or offline, or back to its default',
      params: DEVICE,
      query: TENANT,
      body: ONLINE,
      answer: { status: 200, description: 'The device and its online value.', schema: { $ref: ref('DeviceOnline') } },
      errors: [404, 409, 413, 415],
      async handle({ req, params, query, body }) {
        const online = body.online as boolean | null;
        await running().setOnline(params.id!, online, tenantOf(query));
        return json(req, 200, { id: params.id!, online });
      },
    },
  ];
}
