/**
 * The request pipeline (docs/lifecycle.md): resolve path → method → authenticate → authorize → throttle →
 * execute (the handler parses options, validates the body, calls the store and serializes). Framework-free: the
 * HTTP shell, `$batch` items and in-process tests all come through `handle`.
 */
import { randomUUID } from 'node:crypto';
import { authorize, type Operation } from '../auth/permissions.js';
import type { Principal } from '../auth/principal.js';
import { apiErrorAnswer, type ErrorIds, errorIds, internalErrorAnswer } from '../format/errors.js';
import { XML_CONTENT_TYPE } from '../format/media.js';
import { type Access, actionSet, ENTITY_SETS, LINKS, SUMMARIES, summaryContainer } from '../model/resources.js';
import type { PathTarget } from '../odata/path.js';
import type { Store } from '../store/port.js';
import { isWriteMethod, type Throttle } from '../throttle/throttle.js';
import { ApiError, isApiError } from '../util/errors.js';
import { handleBatch } from './batch.js';
import type { Ctx, Settings } from './context.js';
import { dispatch } from './dispatch.js';
import { metadataDocument } from './metadata.js';
import { checkMethod, invalidVersion, type Resolved, resolve, routeOf } from './resolve.js';
import type { ApiRequest, ApiResponse, Handled } from './types.js';

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

/** What the pipeline learns on the way, for the shell's log line and metrics. */
interface Outcome {
  route: string;
  tenant?: string;
}

/** Which permissions guard a target: its set's, a link's own, or those of the set a summary or action hangs under. */
function accessOf(target: PathTarget): Access {
  switch (target.kind) {
    case 'collection':
    case 'entity':
    case 'count':
      return ENTITY_SETS[target.set].access;
    case 'summary':
      return summaryContainer(SUMMARIES[target.summary]).access;
    case 'action':
      return actionSet(target.action).access;
    case 'links':
      return LINKS[target.link].access;
    default:
      throw new Error(`${target.kind} needs no permission`);
  }
}

export function createApi(deps: ApiDeps) {
  const { store, verifier, throttle, settings } = deps;

  function errorResponse(req: ApiRequest, err: unknown, ids: ErrorIds): ApiResponse {
    if (isApiError(err)) return apiErrorAnswer(err, ids);
    deps.onInternalError?.(err, req);
    return internalErrorAnswer(ids);
  }

  /** Paths outside any version: the local issuer's, or 404. */
  async function unversioned(req: ApiRequest, versionText: string, out: Outcome): Promise<ApiResponse> {
    if (!req.batchItem && deps.issuer) {
      const r = await deps.issuer.handle(req);
      if (r) {
        out.route = 'issuer';
        return r;
      }
    }
    throw invalidVersion(versionText);
  }

  /** Authorize and throttle: 403 unless the principal may do `op` on `access`, 429 when over its budget. */
  async function admit(principal: Principal, op: Operation, access: Access): Promise<void> {
    authorize(principal, op, access);
    const decision = await throttle.check(principal.tenant, principal.app, op === 'write');
    if (decision.ok) return;
    throw new ApiError(
      'TooManyRequests',
      `Too many requests for this application and tenant; retry after ${decision.retryAfterSeconds} s.`,
      { headers: { 'Retry-After': String(decision.retryAfterSeconds) } },
    );
  }

  function contextFor(req: ApiRequest, r: Resolved, principal: Principal): Ctx {
    const configId = 'configId' in r.target ? r.target.configId : undefined;
    return {
      req,
      version: r.version,
      model: r.model,
      target: r.target,
      principal,
      scope: configId === undefined ? { tenant: principal.tenant } : { tenant: principal.tenant, configId },
      store,
      settings,
      serviceRoot: `${settings.publicUrl ?? req.baseUrl}/${r.version}`,
      query: r.query,
    };
  }

  async function run(req: ApiRequest, out: Outcome): Promise<ApiResponse> {
    const r = resolve(req.url);
    if ('unversioned' in r) return unversioned(req, r.unversioned, out);
    out.route = routeOf(r.target);
    checkMethod(req.method, r.target);
    switch (r.target.kind) {
      case 'metadata':
        return { status: 200, headers: { 'Content-Type': XML_CONTENT_TYPE }, body: await metadataDocument(r.version) };
      case 'batch':
        if (req.batchItem) throw new ApiError('BadRequest', 'A $batch request cannot contain another $batch.');
        // The outer batch is authenticated so a bad token fails fast; items are authorised and throttled on their own.
        await verifier.verify(req.headers.authorization);
        return handleBatch(req, r.version, (item) => handle(item), randomUUID);
    }
    const principal = await verifier.verify(req.headers.authorization);
    out.tenant = principal.tenant;
    await admit(principal, isWriteMethod(req.method) ? 'write' : 'read', accessOf(r.target));
    return dispatch(contextFor(req, r, principal));
  }

  async function handle(req: ApiRequest): Promise<Handled> {
    const out: Outcome = { route: 'unknown' };
    const ids = errorIds(req.requestId, req.headers['client-request-id']);
    let res: ApiResponse;
    try {
      res = await run(req, out);
    } catch (err) {
      res = errorResponse(req, err, ids);
    }
    res.headers['request-id'] = ids.requestId;
    res.headers['client-request-id'] = ids.clientRequestId;
    res.headers['OData-Version'] = '4.0';
    return { ...res, route: out.route, ...(out.tenant !== undefined ? { tenant: out.tenant } : {}) };
  }

  return { handle, settings };
}

export type Api = ReturnType<typeof createApi>;
