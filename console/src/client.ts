/**
 * The console's client of the server: the control plane with the admin key, and the public Graph API with tokens
 * of the local issuer, which the control plane mints for the chosen tenant (`POST /_admin/tenants/{tid}/token`).
 * Signed in with a Graph token instead (control plane off), it uses that token for its own tenant.
 */
import { type Answer, errorOf, HttpError, jsonOf, type SendOptions, send } from './http';
import type { Session } from './session';

/** Every Graph read goes to beta: it serves every property and type v1.0 does, and more (`conflictCount`). */
export const GRAPH = '/beta';
export const CONFIGS = `${GRAPH}/deviceAppManagement/mobileAppConfigurations`;
/** `$batch` takes at most this many requests. */
const BATCH_MAX = 20;

interface CachedToken {
  readonly token: string;
  /** Epoch ms after which a new one is asked for (a minute before it expires). */
  readonly renewAt: number;
}

export interface BatchItem {
  readonly method?: string;
  /** Relative to the version: `/deviceAppManagement/…`. */
  readonly url: string;
  readonly headers?: Record<string, string>;
}

export interface BatchAnswer {
  readonly status: number;
  // biome-ignore lint/suspicious/noExplicitAny: JSON bodies of any shape
  readonly body: any;
}

export class Client {
  private readonly tokens = new Map<string, CachedToken>();

  constructor(readonly session: Session) {}

  /** A control-plane call: `path` under `/_admin`. */
  async admin(method: string, path: string, body?: unknown): Promise<Answer> {
    if (this.session.kind !== 'admin') throw new HttpError(401, '', 'Signed in without the admin key.');
    return send(method, `/_admin${path}`, {
      headers: {
        Authorization: `Bearer ${this.session.key}`,
        ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  }

  async adminJson<T>(method: string, path: string, body?: unknown): Promise<T> {
    return jsonOf<T>(await this.admin(method, path, body));
  }

  /** A token for the tenant's Graph API, renewed a minute before it expires. */
  async token(tenant: string, renew = false): Promise<string> {
    if (this.session.kind === 'token') {
      if (tenant.toLowerCase() !== this.session.tenant.toLowerCase())
        throw new HttpError(403, '', `The token you signed in with is for tenant ${this.session.tenant} only.`);
      return this.session.token;
    }
    const cached = this.tokens.get(tenant);
    if (cached && !renew && cached.renewAt > Date.now()) return cached.token;
    const t = await this.adminJson<{ access_token: string; expires_in: number }>(
      'POST',
      `/tenants/${encodeURIComponent(tenant)}/token`,
    );
    this.tokens.set(tenant, { token: t.access_token, renewAt: Date.now() + (t.expires_in - 60) * 1000 });
    return t.access_token;
  }

  /** A Graph request with the tenant's token; a 401 is tried once more with a fresh token. */
  async graph(tenant: string, method: string, url: string, opts: SendOptions = {}): Promise<Answer> {
    const go = async (renew: boolean) =>
      send(method, url, {
        ...opts,
        headers: { ...(opts.headers ?? {}), Authorization: `Bearer ${await this.token(tenant, renew)}` },
      });
    const a = await go(false);
    return a.status === 401 && this.session.kind === 'admin' ? go(true) : a;
  }

  async graphJson<T>(tenant: string, url: string, headers?: Record<string, string>): Promise<T> {
    return jsonOf<T>(await this.graph(tenant, 'GET', url, headers ? { headers } : {}));
  }

  /** Several GETs in as few `$batch` round trips as the limit allows; answers in the order asked. */
  async batch(tenant: string, items: readonly BatchItem[]): Promise<BatchAnswer[]> {
    const out: BatchAnswer[] = [];
    for (let i = 0; i < items.length; i += BATCH_MAX) {
      const chunk = items.slice(i, i + BATCH_MAX);
      const a = await this.graph(tenant, 'POST', `${GRAPH}/$batch`, {
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          requests: chunk.map((r, k) => ({
            id: String(k + 1),
            method: r.method ?? 'GET',
            url: r.url,
            ...(r.headers ? { headers: r.headers } : {}),
          })),
        }),
      });
      if (a.status !== 200) throw errorOf(a);
      const responses = (JSON.parse(a.text) as { responses: { id: string; status: number; body?: unknown }[] })
        .responses;
      const byId = new Map(responses.map((r) => [r.id, r]));
      chunk.forEach((_, k) => {
        const r = byId.get(String(k + 1));
        out.push({ status: r?.status ?? 0, body: r?.body });
      });
    }
    return out;
  }
}

/** A batch answer's body, or its error thrown. */
export function bodyOf<T>(a: BatchAnswer): T {
  if (a.status < 200 || a.status > 299) {
    const e = (a.body as { error?: { code?: string; message?: string } } | undefined)?.error;
    throw new HttpError(a.status, e?.code ?? '', e?.message ?? `Status ${a.status}`);
  }
  return a.body as T;
}

/** A query string of OData options, spaces as `%20` (a `+` would be read as itself in `$filter`). */
export const query = (options: Record<string, string>): string =>
  new URLSearchParams(options).toString().replace(/\+/g, '%20');
