/** A real server per store for the control-plane tests, with the admin key at hand. */

import type { ServeConfig } from '../../../src/cli/config.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { freshSchema, postgresAvailable, type TestSchema } from '../../store/stores.js';

export interface AdminServer extends TestServer {
  /** fetch `/_admin{path}` with the admin key (or `auth` when given; '' = none). */
  admin(
    method: string,
    path: string,
    opts?: { body?: unknown; raw?: string; auth?: string; headers?: Record<string, string> },
  ): Promise<Response>;
  readonly key: string;
}

export const STORE_KINDS = [
  { name: 'sqlite', available: true },
  { name: 'postgres', available: postgresAvailable },
] as const;

export async function startAdminServer(
  kind: 'sqlite' | 'postgres',
  overrides: Partial<ServeConfig> = {},
): Promise<AdminServer> {
  let schema: TestSchema | undefined;
  if (kind === 'postgres') schema = await freshSchema();
  const t = await startTestServer({ ...(schema ? { db: schema.url } : {}), ...overrides });
  const key = t.server.admin?.key ?? '';
  return {
    ...t,
    key,
    admin(method, path, opts = {}) {
      const headers: Record<string, string> = { ...(opts.headers ?? {}) };
      const auth = opts.auth ?? `Bearer ${key}`;
      if (auth !== '') headers.authorization = auth;
      let body = opts.raw;
      if (opts.body !== undefined) {
        body = JSON.stringify(opts.body);
        headers['content-type'] ??= 'application/json';
      }
      return fetch(`${t.http}/_admin${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
    },
    async close() {
      await t.close();
      await schema?.drop();
    },
  };
}
