/**
 * JSON batching (docs/graph-schema.md#json-batching; docs/api.md#batching-and-throttling): `POST /{v}/$batch` with up
 * to 20 requests. Each item re-enters the whole pipeline through `handle` (so it is authenticated, authorised and
 * throttled on its own); the outer answer is 200 with every item's result, or 400 when the batch itself is malformed.
 *
 * Decisions where Graph is silent:
 * - An item URL may carry the batch's own version prefix (`/v1.0/...`, as the SDK sends it) or none. A different
 *   version (`/beta/...` in a v1.0 batch) fails that item alone with 400: it is the item's target that is wrong,
 *   and the other items' results stay independent.
 * - Items run at most BATCH_CONCURRENCY at a time; an item starts once everything it depends on has finished.
 *   Any acyclic `dependsOn` graph is accepted, not only the SDK's parallel / serial / same shapes.
 * - Responses come in request order (Graph allows any order).
 * - `body` may be a JSON object (passed on as parsed JSON; Content-Type defaults to application/json) or a
 *   base64 string (passed on as bytes with the item's Content-Type); `null` counts as no body.
 */
import { errorAnswer, errorIds } from '../format/errors.js';
import { JSON_CONTENT_TYPE } from '../format/media.js';
import { versionNamed } from '../model/edm.js';
import { type ErrorCode, isApiError } from '../util/errors.js';
import { checkJsonInput, isObject, preview, utf8Text } from '../util/json.js';
import type { ApiRequest, ApiResponse } from './types.js';

export const MAX_BATCH_REQUESTS = 20;
export const BATCH_CONCURRENCY = 4;

/**
 * Outer headers that describe the batch request itself, or would make no sense on every item (preconditions,
 * preferences); the rest (Authorization, client-request-id, Accept-Language, ...) carry over unless the item
 * sets its own.
 */
const NOT_INHERITED = new Set([
  'content-type',
  'content-length',
  'content-encoding',
  'content-md5',
  'transfer-encoding',
  'expect',
  'accept',
  'accept-encoding',
  'if-match',
  'if-none-match',
  'if-modified-since',
  'if-unmodified-since',
  'if-range',
  'range',
  'prefer',
]);

/** Response headers that belong to the outer HTTP message, not to an item. */
const NOT_REPORTED = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive']);

const METHOD = /^[A-Za-z]+$/;
const BASE64 = /^(?:[A-Za-z0-9+/]*={0,2}|[A-Za-z0-9_-]*={0,2})$/;
const JSON_MEDIA = /^application\/(?:[\w.+-]*\+)?json$/i;

interface BatchItem {
  readonly index: number;
  readonly id: string;
  readonly method: string;
  /** `/{version}/...`, ready for the pipeline. */
  readonly url: string;
  /** Set when the item names another version: it answers 400 without running. */
  readonly versionError?: string;
  /** Lower-case names. */
  readonly headers: Record<string, string>;
  readonly body: ApiRequest['body'];
  /** Indices of the items this one waits for. */
  readonly dependsOn: number[];
}

export interface BatchItemResponse {
  id: string;
  status: number;
  headers: Record<string, string>;
  body?: unknown;
}

class MalformedBatch extends Error {}

const quote = (s: string): string => JSON.stringify(s);

export async function handleBatch(
  outer: ApiRequest,
  version: 'v1.0' | 'beta',
  handle: (req: ApiRequest) => Promise<ApiResponse>,
  newRequestId: () => string,
): Promise<ApiResponse> {
  const outerIds = errorIds(outer.requestId, outer.headers['client-request-id']);
  let items: BatchItem[];
  try {
    items = parseBatch(outer.body, version);
  } catch (e) {
    if (!(e instanceof MalformedBatch)) throw e;
    return errorAnswer('BadRequest', e.message, outerIds);
  }

  const inherited: Record<string, string> = {};
  for (const [k, v] of Object.entries(outer.headers)) {
    if (v !== undefined && !NOT_INHERITED.has(k)) inherited[k] = v;
  }

  const itemError = (item: BatchItem, code: ErrorCode, message: string): BatchItemResponse => {
    const answer = errorAnswer(
      code,
      message,
      errorIds(newRequestId(), item.headers['client-request-id'] ?? outerIds.clientRequestId),
    );
    return { id: item.id, status: answer.status, headers: answer.headers, body: JSON.parse(answer.body) };
  };

  const execute = async (item: BatchItem): Promise<BatchItemResponse> => {
    if (item.versionError !== undefined) return itemError(item, 'BadRequest', item.versionError);
    const req: ApiRequest = {
      method: item.method,
      url: item.url,
      headers: { ...inherited, ...item.headers },
      ...(item.body === undefined ? {} : { body: item.body }),
      baseUrl: outer.baseUrl,
      requestId: newRequestId(),
      batchItem: true,
    };
    try {
      return toItemResponse(item.id, await handle(req));
    } catch (e) {
      // The pipeline answers its own errors; an ApiError escaping it still has a defined answer. Anything else
      // is a bug and fails the whole batch, so that it is logged as one.
      if (!isApiError(e)) throw e;
      return itemError(item, e.code, e.message);
    }
  };

  const results = await schedule(items, execute, (item, dep, depStatus) =>
    itemError(
      item,
      'FailedDependency',
      `Request ${quote(item.id)} was not run because request ${quote(dep.id)}, which it depends on, ` +
        `failed with status ${depStatus}.`,
    ),
  );

  return {
    status: 200,
    headers: { 'Content-Type': JSON_CONTENT_TYPE },
    body: JSON.stringify({ responses: results }),
  };
}

/**
 * Runs the items respecting `dependsOn`, at most BATCH_CONCURRENCY at once, and answers in request order. An item
 * whose dependency failed (status ≥ 400, including its own 424) is answered by `failed` without running.
 */
function schedule(
  items: readonly BatchItem[],
  execute: (item: BatchItem) => Promise<BatchItemResponse>,
  failed: (item: BatchItem, dep: BatchItem, depStatus: number) => BatchItemResponse,
): Promise<BatchItemResponse[]> {
  const results: (BatchItemResponse | undefined)[] = new Array(items.length);
  const waiting = items.map((it) => it.dependsOn.length);
  const dependents: number[][] = items.map(() => []);
  for (const it of items) for (const d of it.dependsOn) dependents[d]!.push(it.index);
  const ready = items.filter((it) => it.dependsOn.length === 0).map((it) => it.index);
  let running = 0;
  let fatal: { error: unknown } | undefined;

  return new Promise((resolve, reject) => {
    const settle = (i: number, res: BatchItemResponse): void => {
      results[i] = res;
      for (const d of dependents[i]!) {
        if (--waiting[d]! > 0) continue;
        const item = items[d]!;
        const bad = item.dependsOn.find((x) => results[x]!.status >= 400);
        if (bad === undefined) ready.push(d);
        else settle(d, failed(item, items[bad]!, results[bad]!.status));
      }
    };

    const pump = (): void => {
      while (fatal === undefined && running < BATCH_CONCURRENCY && ready.length > 0) {
        const i = ready.shift()!;
        running++;
        execute(items[i]!).then(
          (res) => {
            running--;
            settle(i, res);
            pump();
          },
          (error: unknown) => {
            running--;
            fatal ??= { error };
            pump();
          },
        );
      }
      if (running > 0) return;
      if (fatal !== undefined) reject(fatal.error);
      else resolve(results as BatchItemResponse[]);
    };

    pump();
  });
}

function toItemResponse(id: string, res: ApiResponse): BatchItemResponse {
  let contentType: string | undefined;
  const rest: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers)) {
    const lk = k.toLowerCase();
    if (lk === 'content-type') contentType = v;
    else if (!NOT_REPORTED.has(lk)) rest[k] = v;
  }
  // The SDK's BatchResponseContent looks the header up as exactly `Content-Type`.
  const headers = contentType === undefined ? rest : { 'Content-Type': contentType, ...rest };
  const out: BatchItemResponse = { id, status: res.status, headers };
  if (res.body === undefined || res.body === '') return out;
  const media = contentType?.split(';', 1)[0]?.trim() ?? '';
  if (JSON_MEDIA.test(media)) {
    try {
      out.body = JSON.parse(res.body);
      return out;
    } catch {
      // not JSON after all: report the text
    }
  }
  out.body = res.body;
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Parsing and validation: anything wrong here fails the whole batch with 400.

function parseBatch(body: ApiRequest['body'], version: string): BatchItem[] {
  let doc: unknown;
  if (body === undefined || body === '' || (Buffer.isBuffer(body) && body.length === 0)) {
    throw new MalformedBatch('The batch request has no body; send {"requests": [...]} as application/json.');
  }
  if (typeof body === 'string' || Buffer.isBuffer(body)) {
    let text: string;
    try {
      text = (typeof body === 'string' ? body : utf8Text(body, 'The batch request body')).replace(/^\uFEFF/, '');
    } catch (e) {
      throw new MalformedBatch((e as Error).message);
    }
    try {
      doc = JSON.parse(text);
    } catch (e) {
      throw new MalformedBatch(`The batch request body is not valid JSON: ${(e as Error).message}.`);
    }
  } else {
    doc = body.json;
  }
  if (!isObject(doc)) {
    throw new MalformedBatch('The batch request body must be a JSON object of the form {"requests": [...]}.');
  }
  checkEnvelope(doc);
  const requests = doc.requests;
  if (!Array.isArray(requests)) {
    throw new MalformedBatch(
      requests === undefined
        ? 'The batch request body has no "requests" array.'
        : 'The "requests" member of the batch request body must be an array.',
    );
  }
  if (requests.length === 0) throw new MalformedBatch('The batch request holds no requests; send 1 to 20.');
  if (requests.length > MAX_BATCH_REQUESTS) {
    throw new MalformedBatch(
      `A batch may hold at most ${MAX_BATCH_REQUESTS} requests; this one holds ${requests.length}.`,
    );
  }

  const byId = new Map<string, number>();
  const raw = requests.map((r, i) => {
    const where = `requests[${i}]`;
    if (!isObject(r)) throw new MalformedBatch(`${where} must be a JSON object.`);
    const id = r.id;
    if (id === undefined) throw new MalformedBatch(`${where} has no "id".`);
    if (typeof id !== 'string' || id === '') {
      throw new MalformedBatch(`The "id" of ${where} must be a non-empty string; got ${preview(id)}.`);
    }
    const key = id.toLowerCase();
    const prior = byId.get(key);
    if (prior !== undefined) {
      throw new MalformedBatch(
        `The id ${quote(id)} of ${where} is already used by requests[${prior}]; ids must be unique (compared case-insensitively).`,
      );
    }
    byId.set(key, i);
    const named = `${where} (id ${quote(id)})`;
    const method = r.method;
    if (method === undefined) throw new MalformedBatch(`${named} has no "method".`);
    if (typeof method !== 'string' || !METHOD.test(method)) {
      throw new MalformedBatch(
        `The "method" of ${named} must be an HTTP method such as "GET"; got ${preview(method)}.`,
      );
    }
    const url = r.url;
    if (url === undefined) throw new MalformedBatch(`${named} has no "url".`);
    if (typeof url !== 'string' || url.trim() === '') {
      throw new MalformedBatch(`The "url" of ${named} must be a non-empty string.`);
    }
    return { r, id, method: method.toUpperCase(), url, named, index: i };
  });

  const items = raw.map(({ r, id, method, url, named, index }): BatchItem => {
    const target = resolveUrl(url, version, named);
    const headers = parseHeaders(r.headers, named);
    const body = parseBody(r.body, headers, named);
    const dependsOn = parseDependsOn(r.dependsOn, byId, id, named);
    return {
      index,
      id,
      method,
      url: target.url,
      ...(target.versionError === undefined ? {} : { versionError: target.versionError }),
      headers,
      body,
      dependsOn,
    };
  });
  checkAcyclic(items);
  return items;
}

/**
 * Depth and string checks for the envelope, as for any body; each item's own body is checked when the item runs,
 * so that a bad one fails that item alone.
 */
function checkEnvelope(doc: Record<string, unknown>): void {
  try {
    for (const [k, v] of Object.entries(doc)) {
      if (k !== 'requests' || !Array.isArray(v)) {
        checkJsonInput({ [k]: v });
        continue;
      }
      v.forEach((r, i) => {
        if (!isObject(r)) checkJsonInput(r, `requests[${i}]`, 3);
        else
          for (const [rk, rv] of Object.entries(r)) {
            if (rk !== 'body' || !isObject(rv)) checkJsonInput({ [rk]: rv }, `requests[${i}]`, 3);
          }
      });
    }
  } catch (e) {
    if (isApiError(e)) throw new MalformedBatch(e.message);
    throw e;
  }
}

function resolveUrl(url: string, version: string, named: string): { url: string; versionError?: string } {
  // `//host/...` and `scheme:...` both leave the batch's host; Graph requires relative URLs.
  if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(url) || url.startsWith('//') || url.startsWith('\\')) {
    throw new MalformedBatch(
      `The "url" of ${named} must be relative, e.g. "/deviceAppManagement/mobileAppConfigurations"; got ${quote(url)}.`,
    );
  }
  let rest = url.startsWith('/') ? url.slice(1) : url;
  const first = /^[^/?#]*/.exec(rest)![0];
  let versionError: string | undefined;
  if (versionNamed(first) !== undefined) {
    rest = rest.slice(first.length).replace(/^\//, '');
    if (first.toLowerCase() !== version) {
      versionError =
        `${named} targets version ${quote(first)} inside a ${quote(version)} batch; ` +
        `leave the version out of its url or send it in a /${first.toLowerCase()}/$batch.`;
    }
  }
  const path = /^[^?#]*/.exec(rest)![0].replace(/\/+$/, '');
  if (path.toLowerCase() === '$batch') {
    throw new MalformedBatch(`${named} targets $batch; batches cannot be nested.`);
  }
  return versionError === undefined ? { url: `/${version}/${rest}` } : { url: `/${version}/${rest}`, versionError };
}

function parseHeaders(h: unknown, named: string): Record<string, string> {
  if (h === undefined || h === null) return {};
  if (!isObject(h)) throw new MalformedBatch(`The "headers" of ${named} must be a JSON object of strings.`);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) {
    if (typeof v !== 'string') {
      throw new MalformedBatch(`The header ${quote(k)} of ${named} must be a string; got ${preview(v)}.`);
    }
    out[k.toLowerCase()] = v;
  }
  return out;
}

function parseBody(body: unknown, headers: Record<string, string>, named: string): ApiRequest['body'] {
  if (body === undefined || body === null) return undefined;
  if (isObject(body)) {
    headers['content-type'] ??= 'application/json';
    return { json: body };
  }
  if (typeof body === 'string') {
    const b64 = body.replace(/\s+/g, '');
    if (!BASE64.test(b64)) {
      throw new MalformedBatch(`The "body" of ${named} is a string but not base64; send JSON bodies as objects.`);
    }
    return Buffer.from(b64, /[-_]/.test(b64) ? 'base64url' : 'base64');
  }
  throw new MalformedBatch(
    `The "body" of ${named} must be a JSON object or a base64 string; got ${Array.isArray(body) ? 'an array' : JSON.stringify(body)}.`,
  );
}

function parseDependsOn(deps: unknown, byId: Map<string, number>, id: string, named: string): number[] {
  if (deps === undefined || deps === null) return [];
  if (!Array.isArray(deps)) throw new MalformedBatch(`The "dependsOn" of ${named} must be an array of request ids.`);
  const out = new Set<number>();
  for (const d of deps) {
    if (typeof d !== 'string') {
      throw new MalformedBatch(`The "dependsOn" of ${named} must hold request ids (strings); got ${preview(d)}.`);
    }
    const i = byId.get(d.toLowerCase());
    if (i === undefined) throw new MalformedBatch(`${named} depends on ${quote(d)}, which is not in this batch.`);
    if (d.toLowerCase() === id.toLowerCase()) throw new MalformedBatch(`${named} depends on itself.`);
    out.add(i);
  }
  return [...out];
}

/** Kahn's algorithm: whatever cannot be ordered is on (or behind) a cycle. */
function checkAcyclic(items: readonly BatchItem[]): void {
  const waiting = items.map((it) => it.dependsOn.length);
  const dependents: number[][] = items.map(() => []);
  for (const it of items) for (const d of it.dependsOn) dependents[d]!.push(it.index);
  const queue = items.filter((it) => it.dependsOn.length === 0).map((it) => it.index);
  let done = 0;
  while (queue.length > 0) {
    const i = queue.pop()!;
    done++;
    for (const d of dependents[i]!) if (--waiting[d]! === 0) queue.push(d);
  }
  if (done === items.length) return;
  const stuck = items.filter((it) => waiting[it.index]! > 0).map((it) => quote(it.id));
  throw new MalformedBatch(
    `The "dependsOn" of requests ${stuck.join(', ')} form a cycle (or wait on one); none of them could ever run.`,
  );
}
