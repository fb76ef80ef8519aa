/**
 * The Graph routes (`/v1.0/…`, `/beta/…`) straight from Node's HTTP server to `api.handle`, beside Fastify
 * rather than through it. Fastify still serves everything else (health, metrics, OpenAPI, the console, the
 * control plane, the issuer) and what Node refuses before a request exists (client-errors.ts).
 *
 * Why: these routes need none of Fastify's routing, hooks, parsers or reply handling (the api does all of it), and
 * going through them cost about 20 µs of server CPU per request, a tenth of a keyed GET (BENCHMARKS.md). The
 * behaviour is Fastify's as the shell configured it: the body read as bytes up to the bulk limit and a 413 for
 * more (answered, then drained), no body for GET and HEAD, a Graph-shaped 503 while closing and 414 for a long URL.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Api } from '../api/app.js';
import type { ApiRequest } from '../api/types.js';
import { type ErrorAnswer, errorAnswer, internalErrorAnswer } from '../format/errors.js';
import { MAX_URL_LENGTH, newIds, uriTooLong } from './client-errors.js';
import type { Metrics } from './metrics.js';
import { answerAndDrain } from './raw.js';

export interface ApiRouteDeps {
  readonly api: Api;
  readonly metrics: Metrics;
  readonly log: Logger;
  readonly scheme: 'http' | 'https';
  /** Bodies over this many bytes get 413. */
  readonly bodyLimit: number;
  /** The largest body the api accepts; named in the 413. */
  readonly maxBody: number;
  /** True once the server is closing: new requests get 503. */
  readonly closing: () => boolean;
}

/** `/v1.0`, `/beta` and anything under them, but the OpenAPI documents, which are Fastify's. */
export function isApiPath(url: string): boolean {
  const path = originForm(url);
  const v = path.startsWith('/v1.0') ? 5 : path.startsWith('/beta') ? 5 : 0;
  if (v === 0) return false;
  const next = path.charCodeAt(v);
  // end, '/', '?', '#', or '(' … ; `/v1.0x` is not a version.
  if (!(Number.isNaN(next) || next === 47 || next === 63 || next === 35)) return false;
  const rest = path.slice(v);
  return rest !== '/openapi.json' && !rest.startsWith('/openapi.json?');
}

/** `http://host/v1.0/x` (absolute-form, which servers must accept) → `/v1.0/x`; other targets unchanged. */
export function originForm(url: string): string {
  if (url.charCodeAt(0) === 47) return url;
  const m = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*/.exec(url);
  if (!m) return url;
  const rest = url.slice(m[0].length);
  return rest.startsWith('/') ? rest : `/${rest}`;
}

/** The methods whose body is read (Fastify's standard ones); any other method's answer does not wait for a body. */
const BODY_METHODS = new Set(['DELETE', 'OPTIONS', 'PATCH', 'PUT', 'POST']);

/** Whether a request carries a body to read, as Fastify decides it. */
function hasBody(req: IncomingMessage): boolean {
  if (!BODY_METHODS.has(req.method ?? '')) return false;
  const h = req.headers;
  return (
    h['content-type'] !== undefined ||
    h['transfer-encoding'] !== undefined ||
    (h['content-length'] !== undefined && h['content-length'] !== '0')
  );
}

function send(res: ServerResponse, status: number, headers: Record<string, string>, body: string | undefined): void {
  if (body === undefined || status === 204 || status === 304) {
    res.writeHead(status, headers);
    res.end();
    return;
  }
  const out: Record<string, string | number> = headers;
  if (out['Content-Type'] === undefined && out['content-type'] === undefined)
    out['Content-Type'] = 'text/plain; charset=utf-8';
  out['Content-Length'] = Buffer.byteLength(body);
  res.writeHead(status, out);
  res.end(body);
}

export function createApiRoute(deps: ApiRouteDeps) {
  const { api, metrics, log, scheme, bodyLimit } = deps;

  const answer = (res: ServerResponse, a: ErrorAnswer, close = false): void =>
    send(res, a.status, close ? { ...a.headers, Connection: 'close' } : { ...a.headers }, a.body);

  async function run(req: IncomingMessage, res: ServerResponse, body: Buffer | undefined): Promise<void> {
    const start = process.hrtime.bigint();
    const requestId = randomUUID();
    const apiReq: ApiRequest = {
      method: req.method ?? 'GET',
      url: originForm(req.url ?? '/'),
      headers: req.headers as Record<string, string | undefined>,
      ...(body !== undefined ? { body } : {}),
      baseUrl: `${scheme}://${req.headers.host ?? 'localhost'}`,
      requestId,
    };
    let route = 'unknown';
    let status: number;
    let tenant: string | undefined;
    try {
      const r = await api.handle(apiReq);
      route = r.route;
      status = r.status;
      tenant = r.tenant;
      send(res, r.status, r.headers, r.body);
    } catch (err) {
      // The api answers its own errors; anything reaching here is a bug, and still Graph-shaped.
      log.error({ err, requestId }, 'unhandled error in the HTTP shell');
      const a = internalErrorAnswer(newIds(req.headers));
      status = a.status;
      if (!res.headersSent) answer(res, a);
    }
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    metrics.observe(route, apiReq.method, status, ms / 1000);
    log.info({ requestId, tenant, method: apiReq.method, route, status, ms: Math.round(ms * 100) / 100 }, 'request');
  }

  /** Answers a Graph route; `closing()` and the URL length are checked before the body is read. */
  return function handle(req: IncomingMessage, res: ServerResponse): void {
    if (deps.closing()) {
      answer(
        res,
        errorAnswer('ServiceUnavailable', 'The server is shutting down; send the request again.', newIds(req.headers)),
        true,
      );
      return;
    }
    if ((req.url ?? '').length > MAX_URL_LENGTH) {
      answer(res, uriTooLong(newIds(req.headers)));
      return;
    }
    if (!hasBody(req)) {
      void run(req, res, undefined);
      return;
    }
    const tooLarge = (): void => {
      metrics.observe('unknown', req.method ?? 'GET', 413, 0);
      answerAndDrain(
        req.socket,
        req,
        errorAnswer(
          'RequestEntityTooLarge',
          `The request body is over the ${deps.maxBody}-byte limit.`,
          newIds(req.headers),
        ),
      );
    };
    const declared = Number(req.headers['content-length']);
    if (declared > bodyLimit) {
      tooLarge();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= bodyLimit) {
        chunks.push(chunk);
        return;
      }
      req.removeListener('data', onData);
      req.removeListener('end', onEnd);
      chunks.length = 0;
      tooLarge();
    };
    const onEnd = (): void => {
      void run(req, res, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    // A client that goes away mid-body: nothing to answer.
    req.on('error', () => req.socket.destroy());
  };
}
