/**
 * The request and response shapes of the issuer's HTTP endpoints: plain data, so the endpoints run without a web
 * framework (the api layer's requests and responses have these shapes).
 */
import type { PlainRequest, PlainResponse } from '../util/exchange.js';

/** The issuer's endpoints take and give the same plain shapes as the api layer. */
export type EndpointRequest = PlainRequest;
export type EndpointResponse = PlainResponse;

export const JSON_TYPE = 'application/json; charset=utf-8';
/** Token responses and errors must not be cached (RFC 6749 §5.1). */
export const NO_STORE = { 'Cache-Control': 'no-store, no-cache', Pragma: 'no-cache' } as const;

/** A 200 JSON answer; HEAD gets the headers only. */
export function jsonResponse(req: EndpointRequest, value: unknown, cacheControl: string): EndpointResponse {
  return {
    status: 200,
    headers: { 'Content-Type': JSON_TYPE, 'Cache-Control': cacheControl },
    ...(req.method === 'HEAD' ? {} : { body: JSON.stringify(value) }),
  };
}
