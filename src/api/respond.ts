/** Building responses: JSON entities with their ETag, `Location` for creates, `Prefer: return=minimal`. */
import { JSON_CONTENT_TYPE } from '../format/media.js';
import { etagHeader } from './request.js';
import type { ApiResponse } from './types.js';

export function json(status: number, body: unknown, headers: Record<string, string> = {}): ApiResponse {
  return { status, headers: { 'Content-Type': JSON_CONTENT_TYPE, ...headers }, body: JSON.stringify(body) };
}

export const noContent = (headers: Record<string, string> = {}): ApiResponse => ({ status: 204, headers });

/** A write's answer: the entity (200/201) or, with `Prefer: return=minimal`, 204 with `Preference-Applied`. */
export function written(
  status: 200 | 201,
  body: unknown,
  opts: { etag?: string; location?: string; minimal: boolean },
): ApiResponse {
  const headers: Record<string, string> = {};
  if (opts.etag) headers.ETag = etagHeader(opts.etag);
  if (opts.location) headers.Location = opts.location;
  if (opts.minimal) return noContent({ ...headers, 'Preference-Applied': 'return=minimal' });
  return json(status, body, headers);
}
