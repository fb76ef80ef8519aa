/** Composes the layers into a running server (used by `serve` and by the end-to-end tests). */
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import pino, { type Logger } from 'pino';
import { createAdmin } from '../admin/app.js';
import { FaultRules } from '../admin/faults.js';
import { Journal } from '../admin/journal.js';
import { ensureAdminKey } from '../admin/key.js';
import { CLOCK_SCHEMAS, clockRoutes } from '../admin/routes/clock.js';
import type { MintGraphToken } from '../admin/routes/tokens.js';
import { createApi } from '../api/app.js';
import { MAX_BATCH_REQUESTS } from '../api/batch.js';
import { MAX_BULK_ITEMS } from '../api/handlers/write.js';
import { MAX_BODY, MAX_BULK_BODY } from '../api/request.js';
import { loadClients } from '../auth/clients.js';
import { createLocalIssuer, DEFAULT_TENANT, DEFAULT_TOKEN_TTL, databaseIssuerBase } from '../auth/issuer.js';
import { ensureActiveKey, KeyRing } from '../auth/keys.js';
import { createIssuerRoutes } from '../auth/token-endpoint.js';
import { createVerifier, type Verifier } from '../auth/verify.js';
import { type ApiFacts, openApiDocument } from '../format/openapi.js';
import { createMetrics } from '../http/metrics.js';
import { buildShell } from '../http/server.js';
import { ensureLocalTls } from '../http/tls.js';
import type { Version } from '../model/edm.js';
import { Simulation } from '../sim/simulation.js';
import { openStore } from '../store/open.js';
import type { Store } from '../store/port.js';
import { reconcile } from '../targeting/retarget.js';
import { createMemoryThrottle, createRedisThrottle, noThrottle, type Throttle } from '../throttle/index.js';
import { BatchedStream } from '../util/batched-stream.js';
import type { ServeConfig } from './config.js';

/** The api layer's limits, for the OpenAPI documents. */
const API_FACTS: ApiFacts = {
  maxBulkItems: MAX_BULK_ITEMS,
  maxBatchRequests: MAX_BATCH_REQUESTS,
  maxBodyBytes: MAX_BODY,
  maxBulkBodyBytes: MAX_BULK_BODY,
};

/**
 * Where `npm run build` puts the console: `dist/console` of the package. The same from `dist/cli/start.js` and
 * from `src/cli/start.ts` (tests run the sources), since both sit two levels under the package root.
 */
export const CONSOLE_DIR = fileURLToPath(new URL('../../dist/console/', import.meta.url));

export interface RunningServer {
  readonly httpUrl: string | undefined;
  readonly httpsUrl: string | undefined;
  /** The local CA certificate path, when HTTPS uses the local CA. */
  readonly caPath: string | undefined;
  readonly store: Store;
  /** The local issuer's name, a property of the database (`iss` is `${issuerBase}/${tid}/v2.0`). */
  readonly issuerBase: string;
  /** The console's address (on HTTPS when there is HTTPS), without the key; undefined with `--console off`. */
  readonly consoleUrl: string | undefined;
  /** The control plane's key and the file it lives in (undefined when given); undefined with `--admin off`. */
  readonly admin: { readonly key: string; readonly keyPath: string | undefined } | undefined;
  /** The check-in simulation; undefined without --simulate. */
  readonly simulation: Simulation | undefined;
  close(): Promise<void>;
}

export function createLogger(level: string): Logger {
  // An async destination keeps the per-request log line off the hot path (pino buffers and flushes); lines are
  // handed to it once per event-loop turn, not one by one.
  return pino(
    { level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime },
    new BatchedStream(pino.destination({ sync: false, minLength: 4096 })),
  );
}

export async function startServer(
  config: ServeConfig,
  log: Logger = createLogger(config.logLevel),
): Promise<RunningServer> {
  const store = await openStore({ db: config.db, dataDir: config.dataDir, durability: config.durability });
  // Statuses follow every write before its answer; a crash between the two is mended here, before serving.
  const mended = await reconcile(store);
  if (Object.values(mended).some((n) => n > 0))
    log.info({ targeting: mended }, 'statuses brought in step with targeting');
  // The simulation continues from the clock saved in the store; on the real clock its timer starts here.
  const simulation = config.simulation
    ? await Simulation.open(store, {
        settings: config.simulation.settings,
        clock: config.simulation.clock,
        speed: config.simulation.speed,
        ...(config.simulation.start !== undefined ? { start: config.simulation.start } : {}),
        onError: (err) => log.error({ err }, 'simulation: a clock move failed'),
      })
    : undefined;
  // The database names the local issuer, not this server's URL: tokens outlive port changes and restarts.
  const issuerBase = await databaseIssuerBase(store);
  let throttle: Throttle = noThrottle;
  if (config.throttle === 'intune')
    throttle = config.redisUrl
      ? createRedisThrottle(config.redisUrl, config.throttleLimits, { logger: log })
      : createMemoryThrottle(config.throttleLimits);
  let verifier: Verifier;
  let issuer: ReturnType<typeof createIssuerRoutes> | undefined;
  /** Graph tokens for the admin key's holder (the console): the local issuer's, with the default roles. */
  let mintToken: MintGraphToken | undefined;
  if (config.auth === 'oidc') {
    if (!config.oidcJwksUrl || config.oidcIssuers.length === 0)
      throw new Error('--auth oidc needs --oidc-jwks-url and --oidc-issuer');
    verifier = createVerifier({
      mode: 'oidc',
      jwksUrl: config.oidcJwksUrl,
      issuers: config.oidcIssuers,
      audiences: config.audiences,
      clockToleranceSeconds: config.clockSkew,
    });
  } else {
    // One key ring for signing and verifying: both see a rotation by any instance on the same store.
    await ensureActiveKey(store);
    const keys = new KeyRing(store);
    verifier = createVerifier({
      mode: 'local',
      keys,
      issuerBase,
      audiences: config.audiences,
      clockToleranceSeconds: config.clockSkew,
    });
    const clients = config.clientsFile
      ? loadClients(readFileSync(config.clientsFile, 'utf8'), config.clientsFile)
      : undefined;
    const local = createLocalIssuer({ keys, issuerBase });
    mintToken = async (tenant) => ({
      accessToken: await local.mintToken({ tenant, roles: config.defaultRoles, ttlSeconds: DEFAULT_TOKEN_TTL }),
      expiresIn: DEFAULT_TOKEN_TTL,
      roles: config.defaultRoles,
    });
    issuer = createIssuerRoutes({
      issuer: local,
      defaultRoles: config.defaultRoles,
      ...(clients ? { clients } : {}),
    });
  }
  // The control plane: its journal and fault rules are consulted by the api; off, the api pays one check each.
  const adminOn = config.admin === 'on';
  const journal = adminOn && config.journalSize > 0 ? new Journal(config.journalSize) : undefined;
  const faults = adminOn ? new FaultRules(config.faultSeed) : undefined;
  const adminKey = adminOn ? ensureAdminKey(config.dataDir, config.adminKey) : undefined;
  const api = createApi({
    store,
    verifier,
    throttle,
    ...(journal ? { journal } : {}),
    ...(faults ? { faults } : {}),
    settings: { pageSize: config.pageSize, publicUrl: config.publicUrl, simulate: simulation !== undefined },
    ...(issuer ? { issuer } : {}),
    onInternalError: (err, req) =>
      log.error({ err, requestId: req.requestId, method: req.method, url: req.url }, 'internal error'),
  });
  const admin =
    adminKey && faults
      ? createAdmin({
          store: store.control,
          key: adminKey.key,
          journal,
          faults,
          ...(mintToken ? { mintToken } : {}),
          modules: [{ routes: clockRoutes(simulation), schemas: CLOCK_SCHEMAS }],
          onInternalError: (err, req) =>
            log.error({ err, requestId: req.requestId, method: req.method, url: req.url }, 'internal error'),
        })
      : undefined;
  const metrics = createMetrics();
  const openapiTexts = new Map<Version, string>();
  const openapi = (v: Version): string => {
    const text = openapiTexts.get(v) ?? JSON.stringify(openApiDocument(v, API_FACTS, DEFAULT_TENANT));
    openapiTexts.set(v, text);
    return text;
  };

  const consoleOn = config.console === 'on';
  // Both listeners serve the same control plane and console.
  const shared = { ...(admin ? { admin } : {}), ...(consoleOn ? { console: { dir: CONSOLE_DIR } } : {}) };
  const shells: { close(): Promise<void> }[] = [];
  let httpUrl: string | undefined;
  let httpsUrl: string | undefined;
  let caPath: string | undefined;
  const hostForUrl =
    config.host === '0.0.0.0' || config.host === '::'
      ? 'localhost'
      : config.host.includes(':')
        ? `[${config.host}]`
        : config.host;
  if (config.port >= 0) {
    const app = buildShell({ api, store, metrics, log, openapi, ...shared });
    await app.listen({ port: config.port, host: config.host });
    httpUrl = `http://${hostForUrl}:${(app.server.address() as AddressInfo).port}`;
    shells.push(app);
  }
  if (config.httpsPort >= 0) {
    let tls: { key: string; cert: string };
    if (config.cert && config.key) {
      tls = { key: readFileSync(config.key, 'utf8'), cert: readFileSync(config.cert, 'utf8') };
    } else {
      const local = await ensureLocalTls(config.dataDir, config.host === '127.0.0.1' ? [] : [config.host]);
      tls = local;
      caPath = local.caPath;
    }
    const app = buildShell({ api, store, metrics, log, openapi, https: tls, ...shared });
    await app.listen({ port: config.httpsPort, host: config.host });
    httpsUrl = `https://${hostForUrl === '127.0.0.1' ? 'localhost' : hostForUrl}:${(app.server.address() as AddressInfo).port}`;
    shells.push(app);
  }
  let closed = false;
  return {
    httpUrl,
    httpsUrl,
    caPath,
    store,
    issuerBase,
    consoleUrl: consoleOn && (httpsUrl ?? httpUrl) ? `${httpsUrl ?? httpUrl}/console/` : undefined,
    admin: adminKey ? { key: adminKey.key, keyPath: adminKey.path } : undefined,
    simulation,
    async close() {
      if (closed) return;
      closed = true;
      // Stop accepting, let requests in flight finish, then close the store (docs/api.md#running-the-server).
      await Promise.all(shells.map((s) => s.close()));
      await simulation?.close();
      await throttle.close();
      await store.close();
      await new Promise<void>((resolve) => log.flush(() => resolve()));
    },
  };
}
