/**
 * The HTTP shell: Fastify for sockets, TLS, body limits, request ids, the per-request log line, health and
 * metrics. Everything Graph-shaped is `api.handle`; this file only adapts, and makes sure that what is decided
 * before the api runs (parser errors, oversized bodies or URLs, methods Fastify does not route) is Graph-shaped too.
 */
import { randomUUID } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, METHODS, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { Api } from '../api/app.js';
import { MAX_BULK_BODY } from '../api/request.js';
import type { ApiRequest } from '../api/types.js';
import { type ErrorAnswer, errorAnswer, internalErrorAnswer } from '../format/errors.js';
import type { Store } from '../store/port.js';
import { type EventStreamResponse, isEventStream, type PlainResponse } from '../util/exchange.js';
import { createApiRoute, isApiPath, originForm } from './api-route.js';
import { answerProtocolEvents, createClientErrorHandler, MAX_URL_LENGTH, newIds, uriTooLong } from './client-errors.js';
import { CONSOLE_PREFIX, registerConsole } from './console.js';
import type { Metrics } from './metrics.js';
import { answerAndDrain } from './raw.js';

export interface ShellDeps {
  readonly api: Api;
  readonly store: Store;
  readonly metrics: Metrics;
  readonly log: Logger;
  readonly openapi: (version: 'v1.0' | 'beta') => string;
  readonly https?: { key: string; cert: string };
  /** The control plane, mounted under its prefix; absent (`--admin off`) its paths are the api's, which 404s them. */
  readonly admin?: {
    readonly prefix: string;
    handle(req: ApiRequest): Promise<PlainResponse | EventStreamResponse>;
  };
  /** The console, from the directory it was built into; absent (`--console off`) `/console/` answers 404. */
  readonly console?: { readonly dir: string };
}

/** One byte over the bulk limit, so the api layer sees oversized bodies and answers 413 itself. */
const BODY_LIMIT = MAX_BULK_BODY + 1;

/** Where `GET /` sends a person. */
export const CONSOLE_PATH = `${CONSOLE_PREFIX}/`;

const idsOf = (req: FastifyRequest) => newIds(req.headers);

/** Node's keep-alive timeout as Fastify sets it (and the `Keep-Alive: timeout=72` clients see). */
const KEEP_ALIVE_MS = 72_000;

const sendAnswer = (reply: FastifyReply, a: ErrorAnswer): FastifyReply =>
  reply.code(a.status).headers(a.headers).send(a.body);

export function buildShell(deps: ShellDeps): FastifyInstance {
  const { api, metrics, log } = deps;
  const scheme = deps.https ? 'https' : 'http';
  let closing = false;
  // Graph routes go from Node's server to the api directly (api-route.ts); the rest is Fastify's.
  const apiRoute = createApiRoute({
    api,
    metrics,
    log,
    scheme,
    bodyLimit: BODY_LIMIT,
    maxBody: MAX_BULK_BODY,
    closing: () => closing,
  });
  const serverFactory = (fastifyHandler: (req: IncomingMessage, res: ServerResponse) => void) => {
    const route = (req: IncomingMessage, res: ServerResponse): void =>
      isApiPath(req.url ?? '') ? apiRoute(req, res) : fastifyHandler(req, res);
    const server = deps.https ? createHttpsServer(deps.https, route) : createHttpServer(route);
    server.keepAliveTimeout = KEEP_ALIVE_MS;
    server.requestTimeout = 0;
    server.setTimeout(0);
    return server;
  };
  const app = Fastify({
    serverFactory,
    logger: false,
    bodyLimit: BODY_LIMIT,
    routerOptions: { maxParamLength: MAX_URL_LENGTH },
    // Requests arriving while the server closes get Graph's 503 from the onRequest hook below, not Fastify's.
    return503OnClosing: false,
    forceCloseConnections: 'idle',
    clientErrorHandler: createClientErrorHandler(api, scheme),
    // A URL the router cannot decode (`%zz`) gets Graph's 400, not Fastify's own body.
    frameworkErrors: (err, req, reply) =>
      sendAnswer(reply, errorAnswer('BadRequest', `The request URL is not valid: ${err.message}.`, idsOf(req))),
  }) as unknown as FastifyInstance;

  // Every method Node's parser knows reaches the api, which answers 405 with `Allow` for the ones a path does
  // not define. None of them takes a body here, so QUERY needs no Content-Type to be refused.
  for (const m of METHODS) {
    if (m === 'CONNECT' || (app.supportedMethods.includes(m) && m !== 'QUERY')) continue;
    app.addHttpMethod(m, { hasBody: false, overrideExisting: true });
  }
  answerProtocolEvents(app.server);

  /** Open event streams, ended when the server closes (they would otherwise hold the close forever). */
  const streams = new Set<() => void>();
  app.addHook('preClose', (done) => {
    closing = true;
    for (const end of streams) end();
    done();
  });
  app.addHook('onRequest', (req, reply, done) => {
    if (!closing) return done();
    void sendAnswer(
      reply.header('Connection', 'close'),
      errorAnswer('ServiceUnavailable', 'The server is shutting down; send the request again.', idsOf(req)),
    );
  });

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: BODY_LIMIT }, (_req, body, done) => done(null, body));

  // Errors Fastify raises before our handler runs (body too large, broken framing) still get Graph's shape.
  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, req, reply) => {
    const ids = idsOf(req);
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 413) {
      // Answer now, but keep reading (and discarding) a while: closing at once resets a client still sending.
      reply.hijack();
      answerAndDrain(
        req.raw.socket,
        req.raw,
        errorAnswer('RequestEntityTooLarge', `The request body is over the ${MAX_BULK_BODY}-byte limit.`, ids),
      );
      metrics.observe('unknown', req.method, 413, 0);
      return;
    }
    if (status === 500) {
      log.error({ err, requestId: ids.requestId }, 'unhandled error in the HTTP shell');
      return sendAnswer(reply, internalErrorAnswer(ids));
    }
    return sendAnswer(reply, errorAnswer(status === 415 ? 'UnsupportedMediaType' : 'BadRequest', err.message, ids));
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
  registerConsole(app, { dir: deps.console?.dir });
  // The root is for a person with a browser: the console lives under /console/.
  if (deps.console) app.get('/', async (_req, reply) => reply.redirect(CONSOLE_PATH, 302));

  const handler = async (req: FastifyRequest, reply: FastifyReply) => {
    const start = process.hrtime.bigint();
    if (req.url.length > MAX_URL_LENGTH) return sendAnswer(reply, uriTooLong(idsOf(req)));
    const requestId = randomUUID();
    const host = req.headers.host ?? 'localhost';
    const apiReq: ApiRequest = {
      method: req.method,
      url: originForm(req.url),
      headers: req.headers as Record<string, string | undefined>,
      ...(req.body !== undefined && req.body !== null ? { body: req.body as Buffer } : {}),
      baseUrl: `${scheme}://${host}`,
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
  if (deps.admin) {
    const admin = deps.admin;
    const adminHandler = async (req: FastifyRequest, reply: FastifyReply) => {
      const res = await admin.handle({
        method: req.method,
        url: originForm(req.url),
        headers: req.headers as Record<string, string | undefined>,
        ...(req.body !== undefined && req.body !== null ? { body: req.body as Buffer } : {}),
        baseUrl: `${scheme}://${req.headers.host ?? 'localhost'}`,
        requestId: randomUUID(),
      });
      if (isEventStream(res)) return openStream(req, reply, res);
      reply.code(res.status).headers(res.headers);
      return res.body === undefined || res.status === 204 ? reply.send() : reply.send(res.body);
    };
    app.all(admin.prefix, adminHandler);
    app.all(`${admin.prefix}/*`, adminHandler);
  }

  /** Server-Sent Events: headers now, then each event as it comes, a comment while idle, until either side goes. */
  function openStream(req: FastifyRequest, reply: FastifyReply, res: EventStreamResponse): void {
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(res.status, res.headers);
    const stop = res.open((text) => raw.write(text));
    const timer = setInterval(() => raw.write(res.keepAlive), res.keepAliveMs);
    const end = () => {
      if (!streams.delete(end)) return;
      clearInterval(timer);
      stop();
      raw.end();
    };
    streams.add(end);
    req.raw.socket.on('close', end);
    raw.on('close', end);
  }
  app.route({
    method: app.supportedMethods.filter((m) => !deps.console || (m !== 'GET' && m !== 'HEAD')),
    url: '/',
    handler,
  });
  // Anything the router still does not match (it should not happen) is the api's to answer, never Fastify's 404.
  app.setNotFoundHandler(handler);
  return app;
}
