/** Starts the real server on free ports for a test file, with a fresh in-memory or temporary store. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from 'undici';
import { createLocalIssuer, DEFAULT_TENANT } from '../../src/auth/issuer.js';
import { KeyRing } from '../../src/auth/keys.js';
import { resolveServeConfig, type ServeConfig } from '../../src/cli/config.js';
import { createLogger, type RunningServer, startServer } from '../../src/cli/start.js';

export interface TestServer {
  readonly server: RunningServer;
  readonly http: string;
  readonly https: string;
  readonly dataDir: string;
  /** A token for the tenant (default tenant) with the given roles (default ReadWrite). */
  token(opts?: {
    tenant?: string;
    app?: string;
    roles?: string[];
    scopes?: string[];
    user?: string;
    ttl?: number;
  }): Promise<string>;
  /** fetch against the HTTP base with a default ReadWrite token unless `auth` is given ('' = none). */
  call(
    method: string,
    path: string,
    opts?: { body?: unknown; raw?: string; headers?: Record<string, string>; auth?: string; tenant?: string },
  ): Promise<Response>;
  /** An undici dispatcher that trusts the local CA, for fetch over HTTPS. */
  readonly dispatcher: Agent;
  close(): Promise<void>;
}

export async function startTestServer(overrides: Partial<ServeConfig> = {}): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'appconfig-graph-test-'));
  const config: ServeConfig = {
    ...resolveServeConfig({}, {}),
    port: 0,
    httpsPort: 0,
    dataDir,
    db: ':memory:',
    throttle: 'off',
    logLevel: 'silent',
    ...overrides,
  };
  const server = await startServer(config, createLogger('silent'));
  const { readFileSync } = await import('node:fs');
  const dispatcher = new Agent({ connect: { ca: server.caPath ? readFileSync(server.caPath, 'utf8') : undefined } });
  const tokens = new Map<string, string>();
  const issuer = createLocalIssuer({ keys: new KeyRing(server.store), issuerBase: server.issuerBase });
  const token: TestServer['token'] = async (o = {}) => {
    const key = JSON.stringify(o);
    let t = tokens.get(key);
    if (!t) {
      t = await issuer.mintToken({
        tenant: o.tenant ?? DEFAULT_TENANT,
        app: o.app ?? 'test-app',
        ...(o.user ? { user: o.user } : {}),
        ...(o.scopes
          ? { scopes: o.scopes }
          : o.user
            ? {}
            : { roles: o.roles ?? ['DeviceManagementApps.ReadWrite.All'] }),
        ...(o.ttl ? { ttlSeconds: o.ttl } : {}),
      });
      tokens.set(key, t);
    }
    return t;
  };
  const http = server.httpUrl!;
  return {
    server,
    http,
    https: server.httpsUrl!,
    dataDir,
    token,
    dispatcher,
    async call(method, path, opts = {}) {
      const headers: Record<string, string> = { ...(opts.headers ?? {}) };
      const auth = opts.auth ?? `Bearer ${await token(opts.tenant ? { tenant: opts.tenant } : {})}`;
      if (auth !== '') headers.authorization = auth;
      let body: string | undefined = opts.raw;
      if (opts.body !== undefined) {
        body = JSON.stringify(opts.body);
        headers['content-type'] ??= 'application/json';
      }
      return fetch(`${http}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
    },
    async close() {
      await server.close();
      await dispatcher.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
