/**
 * The HTTP shell: Fastify for sockets, TLS, body limits, request ids, the per-request log line, health and
 * metrics. Everything Graph-shaped is `api.handle`; this file only adapts.
 */
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { Api } from '../api/app.js';
import { MAX_BULK_BODY } from '../api/request.js';
import type { ApiRequest } from '../api/types.js';
import { errorBody } from '../format/errors.js';
import { ERROR_CONTENT_TYPE } from '../format/media.js';
import type { Store } from '../store/port.js';
import type { Metrics } from './metrics.js';

export interface ShellDeps {
  readonly api: Api;
  readonly store: Store;
  readonly metrics: Metrics;
  readonly log: Logger;
  readonly openapi: (version: 'v1.0' | 'beta') => string;
  readonly https?: { key: string; cert: string };
}

/** One byte over the bulk limit, so the api layer sees oversized bodies and answers 413 itself. */
const BODY_LIMIT = MAX_BULK_BODY + 1;

export function buildShell(deps: ShellDeps): FastifyInstance {
  const { api, metrics, log } = deps;
  const app = Fastify({
    logger: false,
    bodyLimit: BODY_LIMIT,
    routerOptions: { maxParamLength: 8192 },
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    ...(deps.https ? { https: deps.https } : {}),
  }) as unknown as FastifyInstance;

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: BODY_LIMIT }, (_req, body, done) => done(null, body));

  const ids = (req: FastifyRequest) => {
    const requestId = randomUUID();
    const c = req.headers['client-request-id'];
    return { requestId, clientRequestId: typeof c === 'string' ? c : requestId };
  };

  // Errors Fastify raises before our handler runs (body too large, broken framing) still get Graph's shape.
  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, req, reply) => {
    const i = ids(req);
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    const code =
      status === 413
        ? 'RequestEntityTooLarge'
        : status === 415
          ? 'UnsupportedMediaType'
          : status === 500
            ? 'InternalError'
            : 'BadRequest';
    const message =
      status === 413
        ? `The request body is over the ${MAX_BULK_BODY}-byte limit.`
        : status === 500
          ? `An internal error occurred; request-id ${i.requestId}.`
          : err.message;
    if (status === 500) log.error({ err, requestId: i.requestId }, 'unhandled error in the HTTP shell');
    void reply
      .code(status)
      .headers({
        'Content-Type': ERROR_CONTENT_TYPE,
        'request-id': i.requestId,
        'client-request-id': i.clientRequestId,
        'OData-Version': '4.0',
      })
      .send(errorBody(code, message, i));
  });

  app.get('/healthz', async (_req, reply) => reply.type('application/json').send('{"status":"ok"}'));
  app.get('/readyz', async (_req, reply) => {
    try {
      await deps.store.ping();
      return reply.type('application/json').send('{"status":"ready"}');
    } catch (err) {
      log.warn({ err }, 'store not reachable');
      return reply.code(503).type('application/json').send('{"status":"store unreachable"}');
    }
  });
  app.get('/metrics', async (_req, reply) =>
    reply.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics()),
  );
  for (const [path, v] of [
    ['/openapi.json', 'v1.0'],
    ['/v1.0/openapi.json', 'v1.0'],
    ['/beta/openapi.json', 'beta'],
  ] as const)
    app.get(path, async (_req, reply) => reply.type('application/json').send(deps.openapi(v)));

  const handler = async (req: FastifyRequest, reply: FastifyReply) => {
    const start = process.hrtime.bigint();
    const requestId = randomUUID();
    const host = req.headers.host ?? 'localhost';
    const apiReq: ApiRequest = {
      method: req.method,
      url: req.url,
      headers: req.headers as Record<string, string | undefined>,
      ...(req.body !== undefined && req.body !== null ? { body: req.body as Buffer } : {}),
      baseUrl: `${deps.https ? 'https' : 'http'}://${host}`,
      requestId,
    };
    const res = await api.handle(apiReq);
    reply.code(res.status).headers(res.headers);
    if (res.body === undefined || res.status === 204 || res.status === 304) void reply.send();
    else void reply.send(res.body);
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    metrics.observe(res.route, req.method, res.status, ms / 1000);
    log.info(
      {
        requestId,
        tenant: res.tenant,
        method: req.method,
        route: res.route,
        status: res.status,
        ms: Math.round(ms * 100) / 100,
      },
      'request',
    );
    return reply;
  };
  app.all('/*', handler);
  app.all('/', handler);
  return app;
}
