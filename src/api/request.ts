/**
 * Reading what a request says: its JSON body, `If-Match`, `If-None-Match`, `Prefer` (docs/api.md#representation,
 * #errors, #decisions-on-finer-points).
 */
import type { IfMatch } from '../store/port.js';
import { ApiError, badRequest } from '../util/errors.js';
import { checkJsonInput, utf8Text } from '../util/json.js';
import type { ApiRequest } from './types.js';

export const MAX_BODY = 1024 * 1024;
export const MAX_BULK_BODY = 8 * 1024 * 1024;

/**
 * Parses the JSON body: 400 when absent, malformed, nested too deep or holding ill-formed strings; 415 when not
 * JSON; 413 over `limit` bytes.
 */
export function jsonBody(req: ApiRequest, limit: number): unknown {
  const body = req.body;
  if (body !== undefined && typeof body === 'object' && !Buffer.isBuffer(body)) {
    checkJsonInput(body.json);
    return body.json;
  }
  const size = body === undefined ? 0 : typeof body === 'string' ? Buffer.byteLength(body) : body.length;
  if (size > limit) {
    throw new ApiError(
      'RequestEntityTooLarge',
      `The request body is ${size} bytes; the limit for this request is ${limit} bytes (${limit / 1024 / 1024} MiB).`,
    );
  }
  if (size === 0) throw badRequest('This request needs a JSON body, and none was sent.');
  const ct = req.headers['content-type'];
  const media = ct?.split(';', 1)[0]?.trim().toLowerCase();
  if (media !== 'application/json') {
    throw new ApiError(
      'UnsupportedMediaType',
      `The body must be sent as Content-Type: application/json; got ${ct === undefined ? 'no Content-Type' : `'${ct}'`}.`,
    );
  }
  const text = typeof body === 'string' ? body : utf8Text(body!);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw badRequest(`The request body is not valid JSON: ${(e as Error).message}.`);
  }
  checkJsonInput(value);
  return value;
}

/** `If-Match`: `*` or a list of strong entity tags; weak tags never match (RFC 9110 §13.1.1). */
export function ifMatch(req: ApiRequest): IfMatch | undefined {
  const h = req.headers['if-match'];
  if (h === undefined) return undefined;
  return parseTagList(h, 'If-Match');
}

export function parseTagList(h: string, name: string): IfMatch {
  const v = h.trim();
  if (v === '*') return '*';
  const tags: string[] = [];
  for (const part of v.split(',')) {
    const p = part.trim();
    if (p === '') continue;
    const weak = p.startsWith('W/');
    const q = weak ? p.slice(2) : p;
    if (q.length < 2 || !q.startsWith('"') || !q.endsWith('"')) {
      throw badRequest(
        `The ${name} header is malformed: ETags must be quoted strings (got ${JSON.stringify(p)}).`,
        name,
      );
    }
    if (!weak) tags.push(q.slice(1, -1));
  }
  return tags;
}

/** True when `If-None-Match` matches the entity's current tag (→ 304 on GET). */
export function noneMatch(req: ApiRequest, etag: string): boolean {
  const h = req.headers['if-none-match'];
  if (h === undefined) return false;
  const tags = parseTagList(h, 'If-None-Match');
  return tags === '*' || tags.includes(etag);
}

export function prefersMinimal(req: ApiRequest): boolean {
  const p = req.headers.prefer;
  return p !== undefined && /(^|[,;\s])return\s*=\s*"?minimal"?/i.test(p);
}

export const etagHeader = (etag: string): string => `"${etag}"`;
