/** The request journal (docs/admin.md#the-request-journal): query it newest first, clear it, or follow it live. */

import { notFound } from '../../util/errors.js';
import type { EventStreamResponse } from '../../util/exchange.js';
import { collection, idHeaders, json, noContent, nullable, ref } from '../answer.js';
import type { Field } from '../fields.js';
import { entryOf, type Journal, type JournalFilter, matcher } from '../journal.js';
import { ADMIN_PREFIX, type Route } from '../router.js';
import type { StreamTickets } from '../tickets.js';

/** How often an idle stream sends a comment, so proxies and clients keep the connection. */
export const KEEP_ALIVE_MS = 15_000;

const FILTERS: readonly Field[] = [
  { name: 'method', type: { kind: 'string', pattern: '^[A-Za-z]{1,20}$' }, description: 'HTTP method, any case.' },
  {
    name: 'path',
    type: { kind: 'string', maxLength: 2000, pattern: '^/' },
    description: 'A glob over the version-less path: `*` within a segment, `**` across segments, `?` one character.',
  },
  { name: 'tenant', type: { kind: 'string', maxLength: 200 }, description: 'Tenant id (tid).' },
  { name: 'app', type: { kind: 'string', maxLength: 200 }, description: 'Application id (appid).' },
  {
    name: 'status',
    type: { kind: 'string', pattern: '^([1-5][0-9][0-9]|[1-5]xx)$' },
    description: 'A status (`429`) or a class (`4xx`).',
  },
];

const queryFields = (capacity: number): readonly Field[] => [
  ...FILTERS,
  { name: 'since', type: { kind: 'string', format: 'date-time' }, description: 'Only entries at or after this time.' },
  {
    name: 'top',
    type: { kind: 'integer', minimum: 1, maximum: Math.max(1, capacity) },
    description: 'At most this many entries (default: all the journal holds).',
  },
];

const strings = { type: 'array', items: { type: 'string' } };
export const REQUEST_SCHEMAS = {
  JournalEntry: {
    type: 'object',
    additionalProperties: false,
    required: [
      'time',
      'method',
      'url',
      'status',
      'ms',
      'requestId',
      'parentRequestId',
      'tenant',
      'app',
      'scp',
      'roles',
      'throttled',
      'faulted',
      'faultId',
    ],
    properties: {
      time: { type: 'string', format: 'date-time', description: 'When the request arrived.' },
      method: { type: 'string' },
      url: { type: 'string', description: 'Path and query as sent.' },
      status: { type: 'integer' },
      ms: { type: 'number', description: 'Milliseconds from arrival to the answer.' },
      requestId: { type: 'string' },
      parentRequestId: nullable({ type: 'string', description: 'The $batch request an item came in.' }),
      tenant: nullable({ type: 'string' }),
      app: nullable({ type: 'string' }),
      scp: nullable({ ...strings, description: "A delegated token's scopes." }),
      roles: nullable({ ...strings, description: "An application token's roles." }),
      throttled: { type: 'boolean', description: 'Answered 429 by the throttle.' },
      faulted: { type: 'boolean', description: 'Answered by a fault rule.' },
      faultId: nullable({ type: 'string' }),
    },
  },
  StreamTicket: {
    type: 'object',
    additionalProperties: false,
    required: ['ticket', 'expiresAt'],
    properties: {
      ticket: { type: 'string', description: 'Opens GET /requests/stream once, as `?ticket=`.' },
      expiresAt: { type: 'string', format: 'date-time', description: 'Unused after this, it opens nothing.' },
    },
  },
} as const;

const TICKET: Field = {
  name: 'ticket',
  type: { kind: 'string', maxLength: 100 },
  description:
    'A one-time ticket from POST /requests/stream/tickets, in place of the admin key (an EventSource cannot send ' +
    'an Authorization header).',
};

const filterOf = (q: Readonly<Record<string, string | number>>): JournalFilter => ({
  ...(q.method !== undefined ? { method: String(q.method) } : {}),
  ...(q.path !== undefined ? { path: String(q.path) } : {}),
  ...(q.tenant !== undefined ? { tenant: String(q.tenant) } : {}),
  ...(q.app !== undefined ? { app: String(q.app) } : {}),
  ...(q.status !== undefined ? { status: String(q.status) } : {}),
  ...(q.since !== undefined ? { since: Date.parse(String(q.since)) } : {}),
});

export function requestRoutes(
  journal: Journal | undefined,
  tickets: StreamTickets,
  keepAliveMs = KEEP_ALIVE_MS,
): Route[] {
  const capacity = journal?.capacity ?? 0;
  const on = (): Journal => {
    if (!journal) throw notFound('The request journal is off on this server (--journal-size 0).');
    return journal;
  };
  return [
    {
      method: 'GET',
      path: '/requests',
      operationId: 'listRequests',
      summary: 'The journal of finished requests, newest first',
      query: queryFields(capacity),
      answer: {
        status: 200,
        description: 'The entries that pass the filters.',
        schema: collection(ref('JournalEntry')),
      },
      errors: [404],
      async handle({ req, query }) {
        const j = on();
        const top = typeof query.top === 'number' ? query.top : j.capacity;
        return json(req, 200, { value: j.query(filterOf(query), top).map(entryOf) });
      },
    },
    {
      method: 'DELETE',
      path: '/requests',
      operationId: 'clearRequests',
      summary: 'Empty the journal',
      answer: { status: 204, description: 'Emptied.' },
      errors: [404],
      async handle({ req }) {
        on().clear();
        return noContent(req);
      },
    },
    {
      method: 'GET',
      path: '/requests/stream',
      operationId: 'streamRequests',
      summary: 'Each new journal entry that passes the filters, as a Server-Sent Event',
      query: [...FILTERS, TICKET],
      ticket: true,
      answer: {
        status: 200,
        description:
          'A stream of `event: request` events whose `data` is a JournalEntry and whose `id` is its request id; ' +
          'comment lines keep an idle connection open.',
        eventStream: true,
      },
      errors: [404],
      async handle({ req, query }): Promise<EventStreamResponse> {
        const j = on();
        const keep = matcher(filterOf(query));
        return {
          status: 200,
          headers: {
            'Content-Type': 'text/event-stream; charset=utf-8',
            'Cache-Control': 'no-cache',
            'X-Accel-Buffering': 'no',
            ...idHeaders(req),
          },
          keepAliveMs,
          keepAlive: ': keep-alive\n\n',
          open(send) {
            send(': connected\n\n');
            return j.subscribe((r) => {
              if (keep(r)) send(`event: request\nid: ${r.requestId}\ndata: ${JSON.stringify(entryOf(r))}\n\n`);
            });
          },
        };
      },
    },
    {
      method: 'POST',
      path: '/requests/stream/tickets',
      operationId: 'createStreamTicket',
      summary: 'A one-time ticket that opens the event stream without the key in a header, for browsers',
      answer: {
        status: 201,
        description:
          'The ticket: good for one GET /requests/stream within a minute; `Location` is that stream with the ticket.',
        schema: { $ref: ref('StreamTicket') },
      },
      errors: [404],
      async handle({ req }) {
        on();
        const t = tickets.issue();
        return json(
          req,
          201,
          { ticket: t.ticket, expiresAt: new Date(t.expiresAt).toISOString() },
          { Location: `${ADMIN_PREFIX}/requests/stream?ticket=${t.ticket}` },
        );
      },
    },
  ];
}
