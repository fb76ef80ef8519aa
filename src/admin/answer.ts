/** The control plane's JSON answers: the request-id headers every answer carries, and its schemas' shared parts. */
import type { ApiRequest } from '../api/types.js';
import type { PlainResponse } from '../util/exchange.js';

export const ADMIN_JSON = 'application/json; charset=utf-8';

export function idHeaders(req: ApiRequest): Record<string, string> {
  return { 'request-id': req.requestId, 'client-request-id': req.headers['client-request-id'] ?? req.requestId };
}

export const json = (
  req: ApiRequest,
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): PlainResponse => ({
  status,
  headers: { 'Content-Type': ADMIN_JSON, ...headers, ...idHeaders(req) },
  body: JSON.stringify(value),
});

export const noContent = (req: ApiRequest): PlainResponse => ({ status: 204, headers: idHeaders(req) });

/** `{ "value": [ … ] }`, as Graph wraps a collection. */
export const collection = (itemRef: string): Record<string, unknown> => ({
  type: 'object',
  additionalProperties: false,
  required: ['value'],
  properties: { value: { type: 'array', items: { $ref: itemRef } } },
});

export const ref = (name: string): string => `#/components/schemas/${name}`;

export const nullable = (schema: Record<string, unknown>): Record<string, unknown> => ({ ...schema, nullable: true });
