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
import { ApiError, codeForStatus, isApiError } from '../util/errors.js';
import { handleBatch } from './batch.js';
import type { Ctx, Settings } from './context.js';
import { dispatch } from './dispatch.js';
import { metadataDocument } from './metadata.js';
import type { FaultAnswer, FaultGate, RequestJournal } from './observe.js';
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
  /** Told of every finished request (the control plane's journal); absent = off. */
  readonly journal?: RequestJournal;
  /** Asked before a request is executed whether a fault rule answers it instead; absent = off. */
  readonly faults?: FaultGate;
  /** Called with every 5xx, for the log. */
  readonly onInternalError?: (err: unknown, req: ApiRequest) => void;
}

/** What the pipeline learns on the way, for the shell's log line and metrics. */
interface Outcome {
  route: string;
  tenant?: string;
  principal?: Principal;
  throttled?: boolean;
  fault?: string;
}

/** Graph's error for the status a fault rule names, after its latency; nothing is executed. */
async function faultError(f: FaultAnswer): Promise<never> {
  if (f.latencyMs) await new Promise((resolve) => setTimeout(resolve, f.latencyMs));
  throw new ApiError(
    codeForStatus(f.status) ?? 'InternalError',
    `This request was answered with ${f.status} by the control plane's fault rule '${f.rule}'.`,
    f.retryAfter === undefined ? {} : { headers: { 'Retry-After': String(f.retryAfter) } },
  );
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
  async function admit(principal: Principal, op: Operation, access: Access, out: Outcome): Promise<void> {
    authorize(principal, op, access);
    const decision = await throttle.check(principal.tenant, principal.app, op === 'write');
    if (decision.ok) return;
    out.throttled = true;
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

  /** Authenticates, and lets a fault rule answer before anything runs (docs/admin.md#faults). */
  async function caller(req: ApiRequest, out: Outcome): Promise<Principal> {
    const principal = await verifier.verify(req.headers.authorization);
    out.tenant = principal.tenant;
    out.principal = principal;
    if (deps.faults !== undefined) {
      const f = deps.faults.match({ method: req.method, url: req.url, tenant: principal.tenant, app: principal.app });
      if (f !== undefined) {
        out.fault = f.rule;
        await faultError(f);
      }
    }
    return principal;
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
        await caller(req, out);
        return handleBatch(req, r.version, (item) => handle({ ...item, parentRequestId: req.requestId }), randomUUID);
    }
    const principal = await caller(req, out);
    await admit(principal, isWriteMethod(req.method) ? 'write' : 'read', accessOf(r.target), out);
    return dispatch(contextFor(req, r, principal));
  }

  const { journal } = deps;

  function record(req: ApiRequest, res: ApiResponse, out: Outcome, started: number): void {
    const p = out.principal;
    const elapsed = performance.now() - started;
    journal!.record({
      time: Math.round(Date.now() - elapsed),
      method: req.method,
      url: req.url,
      status: res.status,
      ms: Math.round(elapsed * 100) / 100,
      requestId: req.requestId,
      parentRequestId: req.parentRequestId,
      tenant: out.tenant,
      app: p?.app,
      scp: p?.kind === 'delegated' ? [...p.permissions] : undefined,
      roles: p?.kind === 'application' ? [...p.permissions] : undefined,
      throttled: out.throttled === true,
      fault: out.fault,
    });
  }

  async function handle(req: ApiRequest): Promise<Handled> {
    const started = journal === undefined ? 0 : performance.now();
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
    if (journal !== undefined) record(req, res, out, started);
    return { ...res, route: out.route, ...(out.tenant !== undefined ? { tenant: out.tenant } : {}) };
  }

  return { handle, settings };
}

export type Api = ReturnType<typeof createApi>;
