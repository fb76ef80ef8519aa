/**
 * Which clients the local token endpoint accepts. Without a clients file it accepts any client id
 * and secret and grants `defaultRoles`; a clients file restricts it to the clients listed. The file is JSON:
 *
 *   [
 *     { "clientId": "11111111-2222-3333-4444-555555555555", "clientSecret": "s3cret",
 *       "tenant": "00000000-0000-0000-0000-000000000001",          // optional: only this tenant
 *       "roles": ["DeviceManagementApps.Read.All"] }               // the app roles its tokens carry
 *   ]
 *
 * (or `{ "clients": [ ... ] }`). A client id may appear more than once, e.g. once per tenant.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { isObject } from '../util/json.js';
import { DEFAULT_ROLES, normalizeTenant } from './issuer.js';

export interface ClientEntry {
  readonly clientId: string;
  readonly clientSecret: string;
  /** When set, the client gets tokens for this tenant only. */
  readonly tenant?: string;
  readonly roles: readonly string[];
}

export type ClientDecision =
  | { readonly ok: true; readonly roles: readonly string[]; readonly tenant: string | undefined }
  | { readonly ok: false; readonly reason: 'unknown_client' | 'bad_secret' | 'wrong_tenant' };

export interface ClientRegistry {
  /** True when any client id is accepted (no clients file). */
  readonly open: boolean;
  /**
   * Checks a client's credentials for a tenant. `tenant` undefined means the request named none (`/common`): a
   * client bound to one tenant then gets that tenant.
   */
  authenticate(clientId: string, clientSecret: string, tenant: string | undefined): ClientDecision;
}

export interface ClientRegistryOptions {
  /** The clients file's entries; undefined accepts any client. */
  clients?: readonly ClientEntry[];
  /** Roles granted to any client when there is no clients file. Default: every permission served (`DEFAULT_ROLES`). */
  defaultRoles?: readonly string[];
}

/** Equal-length digests, so the comparison takes the same time whatever the secret's length or content. */
const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

export function createClientRegistry(opts: ClientRegistryOptions = {}): ClientRegistry {
  if (opts.clients === undefined) {
    const roles = Object.freeze([...(opts.defaultRoles ?? DEFAULT_ROLES)]);
    return { open: true, authenticate: () => ({ ok: true, roles, tenant: undefined }) };
  }
  const byId = new Map<string, { secret: Buffer; tenant: string | undefined; roles: readonly string[] }[]>();
  for (const c of opts.clients) {
    const id = c.clientId.toLowerCase();
    const list = byId.get(id) ?? [];
    list.push({
      secret: digest(c.clientSecret),
      tenant: c.tenant === undefined ? undefined : normalizeTenant(c.tenant),
      roles: Object.freeze([...c.roles]),
    });
    byId.set(id, list);
  }
  return {
    open: false,
    authenticate(clientId, clientSecret, tenant) {
      const entries = byId.get(clientId.toLowerCase());
      if (!entries) return { ok: false, reason: 'unknown_client' };
      const t = tenant === undefined ? undefined : normalizeTenant(tenant);
      const given = digest(clientSecret);
      let tenantMatched = false;
      for (const e of entries) {
        if (t !== undefined && e.tenant !== undefined && e.tenant !== t) continue;
        if (t === undefined && e.tenant === undefined) continue;
        tenantMatched = true;
        if (timingSafeEqual(given, e.secret)) return { ok: true, roles: e.roles, tenant: e.tenant ?? t };
      }
      return { ok: false, reason: tenantMatched ? 'bad_secret' : 'wrong_tenant' };
    },
  };
}

/** Parses and checks a clients file; errors name the entry and field. */
export function loadClients(text: string, source = 'clients file'): ClientEntry[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new Error(`${source} is not valid JSON: ${(e as Error).message}`);
  }
  const items = Array.isArray(doc) ? doc : isObject(doc) && Array.isArray(doc.clients) ? doc.clients : undefined;
  if (!items) throw new Error(`${source} must be a JSON array of clients (or an object with a "clients" array).`);
  return items.map((item: unknown, i: number): ClientEntry => {
    const where = `${source}[${i}]`;
    if (!isObject(item)) throw new Error(`${where} must be an object.`);
    const { clientId, clientSecret, tenant, roles } = item;
    if (typeof clientId !== 'string' || clientId === '')
      throw new Error(`${where}.clientId must be a non-empty string.`);
    if (typeof clientSecret !== 'string' || clientSecret === '') {
      throw new Error(`${where}.clientSecret must be a non-empty string.`);
    }
    if (tenant !== undefined && (typeof tenant !== 'string' || tenant === '')) {
      throw new Error(`${where}.tenant must be a non-empty string when present.`);
    }
    if (!Array.isArray(roles) || !roles.every((r) => typeof r === 'string' && r !== '' && !/\s/.test(r))) {
      throw new Error(`${where}.roles must be an array of permission names (strings without spaces).`);
    }
    return tenant === undefined ? { clientId, clientSecret, roles } : { clientId, clientSecret, tenant, roles };
  });
}

export async function loadClientsFile(path: string): Promise<ClientEntry[]> {
  return loadClients(await readFile(path, 'utf8'), path);
}
