/**
 * The control plane (docs/admin.md): `/_admin/...` requests in, `{status, headers, body}` or an event stream
 * out, framework-free as the api layer is. Every path needs the admin key but the OpenAPI document; errors are
 * Graph-shaped, from the one error table. Features are route modules: the table is their concatenation.
 */
import { jsonBody, MAX_BODY } from '../api/request.js';
import type { ApiRequest } from '../api/types.js';
import { apiErrorAnswer, errorIds, internalErrorAnswer } from '../format/errors.js';
import type { ControlStore } from '../store/port.js';
import { ApiError, isApiError } from '../util/errors.js';
import { json } from './answer.js';
import type { FaultRules } from './faults.js';
import { readBody, readQuery } from './fields.js';
import type { Journal } from './journal.js';
import { keyMatches, looksLikeJwt } from './key.js';
import { adminOpenApi } from './openapi.js';
import { ADMIN_PREFIX, type AdminResponse, createRouter, type Route } from './router.js';
import { FAULT_SCHEMAS, faultRoutes } from './routes/faults.js';
import { REQUEST_SCHEMAS, requestRoutes } from './routes/requests.js';
import { SNAPSHOT_SCHEMAS, snapshotRoutes } from './routes/snapshots.js';
import { TENANT_SCHEMAS, tenantRoutes } from './routes/tenants.js';
import { type MintGraphToken, TOKEN_SCHEMAS, tokenRoutes } from './routes/tokens.js';
import { StreamTickets } from './tickets.js';

export interface AdminDeps {
  readonly store: ControlStore;
  readonly key: string;
  /** Undefined when the journal is off. */
  readonly journal: Journal | undefined;
  readonly faults: FaultRules;
  /** Graph tokens for the key's holder (the console); undefined when the issuer is external (--auth oidc). */
  readonly mintToken?: MintGraphToken;
  /** One-time tickets of the event stream; a fresh set by default. */
  readonly tickets?: StreamTickets;
  /** More route modules (the simulation's), with the schemas their answers refer to. */
  readonly modules?: readonly { readonly routes: readonly Route[]; readonly schemas?: Record<string, unknown> }[];
  /** Keep-alive interval of event streams (tests shorten it). */
  readonly keepAliveMs?: number;
  /** Called with every 5xx, for the log. */
  readonly onInternalError?: (err: unknown, req: ApiRequest) => void;
}

const OPENAPI_PATH = '/openapi.json';

const HOW = "send 'Authorization: Bearer <admin key>' (--admin-key, ADMIN_KEY, or the file <data-dir>/admin.key)";

function unauthorized(authorization: string | undefined): ApiError {
  const message =
    authorization === undefined || authorization.trim() === ''
      ? `The control plane needs the admin key: ${HOW}.`
      : looksLikeJwt(authorization)
        ? `A Graph access token does not open the control plane; ${HOW}.`
        : `The admin key is not right; ${HOW}.`;
  return new ApiError('InvalidAuthenticationToken', message, {
    headers: { 'WWW-Authenticate': 'Bearer realm="appconfig-graph control plane"' },
  });
}

export function createAdmin(deps: AdminDeps) {
  const tickets = deps.tickets ?? new StreamTickets();
  const modules = [
    { routes: tenantRoutes(deps.store), schemas: TENANT_SCHEMAS },
    { routes: tokenRoutes(deps.mintToken), schemas: TOKEN_SCHEMAS },
    { routes: snapshotRoutes(deps.store), schemas: SNAPSHOT_SCHEMAS },
    { routes: requestRoutes(deps.journal, tickets, deps.keepAliveMs), schemas: REQUEST_SCHEMAS },
    { routes: faultRoutes(deps.faults), schemas: FAULT_SCHEMAS },
    ...(deps.modules ?? []),
  ];
  let document: string | undefined;
  const openapiRoute: Route = {
    method: 'GET',
    path: OPENAPI_PATH,
    operationId: 'getOpenApi',
    summary: 'This document',
    answer: { status: 200, description: 'The OpenAPI document of the control plane.', schema: { type: 'object' } },
    async handle({ req }) {
      document ??= JSON.stringify(
        adminOpenApi(router.routes, new Set([OPENAPI_PATH]), Object.assign({}, ...modules.map((m) => m.schemas ?? {}))),
      );
      return { ...json(req, 200, null), body: document };
    },
  };
  const router = createRouter([openapiRoute, ...modules.flatMap((m) => m.routes)]);

  function ticketOpens(method: string, path: string, search: URLSearchParams): boolean {
    const ticket = search.get('ticket');
    if (ticket === null || search.getAll('ticket').length !== 1) return false;
    let takesTicket = false;
    try {
      takesTicket = router.find(method, path).route.ticket === true;
    } catch {
      return false;
    }
    return takesTicket && tickets.redeem(ticket);
  }

  async function run(req: ApiRequest): Promise<AdminResponse> {
    const q = req.url.indexOf('?');
    const path = q < 0 ? req.url : req.url.slice(0, q);
    const search = new URLSearchParams(q < 0 ? '' : req.url.slice(q + 1));
    // The key first: without it, not even which paths exist is told. The OpenAPI document is open, and an event
    // stream opens with a one-time ticket too (tickets.ts), spent only on a route that takes one.
    if (
      path !== `${ADMIN_PREFIX}${OPENAPI_PATH}` &&
      !keyMatches(deps.key, req.headers.authorization) &&
      !ticketOpens(req.method, path, search)
    )
      throw search.has('ticket') && req.headers.authorization === undefined
        ? new ApiError(
            'InvalidAuthenticationToken',
            `The ticket is unknown, spent or expired: a ticket opens one stream once, within a minute; ask POST ${ADMIN_PREFIX}/requests/stream/tickets for another.`,
            { headers: { 'WWW-Authenticate': 'Bearer realm="appconfig-graph control plane"' } },
          )
        : unauthorized(req.headers.authorization);
    const { route, params } = router.find(req.method, path);
    const query = readQuery(search, route.query ?? []);
    const body = route.body ? readBody(jsonBody(req, MAX_BODY), route.body) : {};
    return route.handle({ req, params, query, body });
  }

  return {
    prefix: ADMIN_PREFIX,
    routes: router.routes,
    async handle(req: ApiRequest): Promise<AdminResponse> {
      try {
        return await run(req);
      } catch (err) {
        const ids = errorIds(req.requestId, req.headers['client-request-id']);
        if (isApiError(err)) return apiErrorAnswer(err, ids);
        deps.onInternalError?.(err, req);
        return internalErrorAnswer(ids);
      }
    },
  };
}

export type Admin = ReturnType<typeof createAdmin>;
