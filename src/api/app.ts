/**
 * The request pipeline (docs/lifecycle.md): resolve path → authenticate → authorize → throttle → handler
 * (parse options, validate body, execute, serialize). Framework-free: the HTTP shell, `$batch` items and
 * in-process tests all come through `handle`.
 */
import { randomUUID } from 'node:crypto';
import { authorize } from '../auth/permissions.js';
import type { Principal } from '../auth/principal.js';
import { errorBody } from '../format/errors.js';
import { ERROR_CONTENT_TYPE, XML_CONTENT_TYPE } from '../format/media.js';
import type { Version } from '../model/edm.js';
import { modelFor } from '../model/model.js';
import type { SetName } from '../model/resources.js';
import { type PathTarget, parsePath } from '../odata/path.js';
import type { Store } from '../store/port.js';
import { isWriteMethod, type Throttle } from '../throttle/throttle.js';
import { assertNever } from '../util/assert.js';
import { ApiError, isApiError } from '../util/errors.js';
import { handleBatch } from './batch.js';
import type { Ctx, Settings } from './context.js';
import { countEntities, getEntity, getSummary, listEntities } from './handlers/read.js';
import { assign, createEntity, deleteEntity, updateEntity, upsertStatuses } from './handlers/write.js';
import { metadataDocument } from './metadata.js';
import type { ApiRequest, ApiResponse } from './types.js';

export interface TokenVerifier {
  verify(authorization: string | undefined): Promise<Principal>;
}

export interface ApiDeps {
  readonly store: Store;
  readonly verifier: TokenVerifier;
  readonly throttle: Throttle;
  readonly settings: Settings;
  /** Answers the local issuer's endpoints (`/{tenant}/v2.0/...`), or undefined for other paths. */
  readonly issuer?: { handle(req: ApiRequest): Promise<ApiResponse | undefined> };
  /** Called with every 5xx, for the log. */
  readonly onInternalError?: (err: unknown, req: ApiRequest) => void;
}

/** What the shell logs and measures about a request. */
export interface Handled extends ApiResponse {
  route: string;
  tenant?: string;
}

type Op = 'read' | 'write';

/** Allowed methods per target kind (405 with `Allow` otherwise). */
function allowed(target: PathTarget): readonly string[] {
  switch (target.kind) {
    case 'metadata':
      return ['GET'];
    case 'batch':
      return ['POST'];
    case 'collection':
      return target.set === 'userStatuses' ? ['GET', 'POST', 'PATCH'] : ['GET', 'POST'];
    case 'entity':
      return ['GET', 'PATCH', 'DELETE'];
    case 'count':
    case 'summary':
      return ['GET'];
    case 'action':
      return ['POST'];
    default:
      return assertNever(target, 'target');
  }
}

/** A route label for metrics and logs: the shape of the path, never its ids. */
function routeOf(target: PathTarget): string {
  switch (target.kind) {
    case 'metadata':
      return '$metadata';
    case 'batch':
      return '$batch';
    case 'collection':
      return target.set === 'configurations' ? 'mobileAppConfigurations' : `mobileAppConfigurations/{id}/${target.set}`;
    case 'entity':
      return target.set === 'configurations'
        ? 'mobileAppConfigurations/{id}'
        : `mobileAppConfigurations/{id}/${target.set}/{id}`;
    case 'count':
      return target.set === 'configurations'
        ? 'mobileAppConfigurations/$count'
        : `mobileAppConfigurations/{id}/${target.set}/$count`;
    case 'summary':
      return `mobileAppConfigurations/{id}/${target.summary}`;
    case 'action':
      return `mobileAppConfigurations/{id}/${target.action}`;
    default:
      return assertNever(target, 'target');
  }
}

const VERSION_BY_LOWER: Record<string, Version> = { 'v1.0': 'v1.0', beta: 'beta' };

export function createApi(deps: ApiDeps) {
  const { store, verifier, throttle, settings } = deps;

  function errorResponse(req: ApiRequest, err: unknown): ApiResponse {
    const clientRequestId = req.headers['client-request-id'] ?? req.requestId;
    const ids = { requestId: req.requestId, clientRequestId };
    if (isApiError(err)) {
      return {
        status: err.status,
        headers: { 'Content-Type': ERROR_CONTENT_TYPE, ...err.headers },
        body: errorBody(err.code, err.message, ids, err),
      };
    }
    deps.onInternalError?.(err, req);
    return {
      status: 500,
      headers: { 'Content-Type': ERROR_CONTENT_TYPE },
      body: errorBody(
        'InternalError',
        `An internal error occurred; quote request-id ${req.requestId} when reporting it.`,
        ids,
      ),
    };
  }

  async function dispatch(ctx: Ctx): Promise<ApiResponse> {
    const { target } = ctx;
    const m = ctx.req.method;
    switch (target.kind) {
      case 'collection':
        if (m === 'GET') return listEntities(ctx, target.set, target.cast);
        if (m === 'POST') {
          if (target.cast)
            throw new ApiError(
              'MethodNotAllowed',
              'POST to a type-cast segment is not supported; POST to the collection with @odata.type.',
              { headers: { Allow: 'GET' } },
            );
          return createEntity(ctx, target.set);
        }
        return upsertStatuses(ctx, target.set);
      case 'entity':
        if (m === 'GET') return getEntity(ctx, target.set, target.id, target.cast);
        if (m === 'PATCH') return updateEntity(ctx, target.set, target.id, target.cast);
        return deleteEntity(ctx, target.set, target.id, target.cast);
      case 'count':
        return countEntities(ctx, target.set, target.cast);
      case 'summary':
        return getSummary(ctx, target.summary);
      case 'action':
        return assign(ctx);
      case 'metadata':
      case 'batch':
        throw new Error(`${target.kind} is answered before dispatch`);
      default:
        return assertNever(target, 'target');
    }
  }

  async function run(req: ApiRequest, out: { route: string; tenant?: string }): Promise<ApiResponse> {
    const q = req.url.indexOf('?');
    const path = q < 0 ? req.url : req.url.slice(0, q);
    const query = q < 0 ? '' : req.url.slice(q + 1);
    const slash = path.indexOf('/', 1);
    const versionText = slash < 0 ? path.slice(1) : path.slice(1, slash);
    const version = VERSION_BY_LOWER[versionText.toLowerCase()];
    if (!version) {
      if (!req.batchItem && deps.issuer) {
        const r = await deps.issuer.handle(req);
        if (r) {
          out.route = 'issuer';
          return r;
        }
      }
      throw new ApiError('ResourceNotFound', `Invalid version: ${decodeURIComponent(versionText)}`);
    }
    const model = modelFor(version);
    const target = parsePath(model, slash < 0 ? '' : path.slice(slash));
    out.route = routeOf(target);
    const methods = allowed(target);
    if (!methods.includes(req.method)) {
      throw new ApiError(
        'MethodNotAllowed',
        target.kind === 'summary'
          ? `The ${target.summary} is computed from the statuses and cannot be changed; only GET is allowed.`
          : `The HTTP method '${req.method}' is not allowed on this resource; allowed: ${methods.join(', ')}.`,
        { headers: { Allow: methods.join(', ') } },
      );
    }
    if (target.kind === 'metadata') {
      return { status: 200, headers: { 'Content-Type': XML_CONTENT_TYPE }, body: await metadataDocument(version) };
    }
    if (target.kind === 'batch') {
      if (req.batchItem) throw new ApiError('BadRequest', 'A $batch request cannot contain another $batch.');
      // The outer batch is authenticated so a bad token fails fast; items are authorised and throttled on their own.
      await verifier.verify(req.headers.authorization);
      return handleBatch(req, version, (item) => handle(item), randomUUID);
    }
    const principal = await verifier.verify(req.headers.authorization);
    out.tenant = principal.tenant;
    const op: Op = isWriteMethod(req.method) ? 'write' : 'read';
    authorize(principal, op);
    const decision = await throttle.check(principal.tenant, principal.app, op === 'write');
    if (!decision.ok) {
      throw new ApiError(
        'TooManyRequests',
        `Too many requests for this application and tenant; retry after ${decision.retryAfterSeconds} s.`,
        {
          headers: { 'Retry-After': String(decision.retryAfterSeconds) },
        },
      );
    }
    const configId = 'configId' in target ? target.configId : undefined;
    const ctx: Ctx = {
      req,
      version,
      model,
      target,
      principal,
      scope: configId === undefined ? { tenant: principal.tenant } : { tenant: principal.tenant, configId },
      store,
      settings,
      serviceRoot: `${settings.publicUrl ?? req.baseUrl}/${version}`,
      query,
    };
    return dispatch(ctx);
  }

  async function handle(req: ApiRequest): Promise<Handled> {
    const out: { route: string; tenant?: string } = { route: 'unknown' };
    let res: ApiResponse;
    try {
      res = await run(req, out);
    } catch (err) {
      res = errorResponse(req, err);
    }
    res.headers['request-id'] = req.requestId;
    res.headers['client-request-id'] = req.headers['client-request-id'] ?? req.requestId;
    res.headers['OData-Version'] = '4.0';
    return { ...res, route: out.route, ...(out.tenant !== undefined ? { tenant: out.tenant } : {}) };
  }

  return { handle, settings };
}

export type Api = ReturnType<typeof createApi>;
export type { SetName };
