/**
 * The local token issuer: mints access tokens shaped like the ones Entra ID issues for Microsoft Graph, signed
 * with the store's active key. Its issuer is `${issuerBase}/${tenant}/v2.0`, the value the discovery document
 * reports and the verifier requires.
 */

import { createHash, randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import type { KeyRing } from './keys.js';
import { FULL_ACCESS } from './permissions.js';

/** The tenant used when none is named: a fixed, documented local default. */
export const DEFAULT_TENANT = '00000000-0000-0000-0000-000000000001';
/** The client id used when none is named (the `token` command). */
export const DEFAULT_APP = '00000000-0000-0000-0000-00000000c11e';
/** Microsoft Graph's resource URI and application id: the two audiences Graph accepts. */
export const GRAPH_RESOURCE = 'https://graph.microsoft.com';
export const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';
export const DEFAULT_AUDIENCE = GRAPH_RESOURCE;
export const GRAPH_AUDIENCES: readonly string[] = Object.freeze([GRAPH_RESOURCE, GRAPH_APP_ID]);
/** What a token grants when the caller names no scopes or roles. */
/** What local tokens carry when no permissions are named: everything served, reads and writes. */
export const DEFAULT_ROLES: readonly string[] = FULL_ACCESS;
export const DEFAULT_TOKEN_TTL = 3_600;
/**
 * `iat`/`nbf` are set this far in the past, as Entra does, so that a verifier whose clock is a little behind the
 * issuer's accepts a fresh token even with no leeway.
 */
export const BACKDATE_SECONDS = 300;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The issuer names a database, not a server: every server on one database, whatever its host and ports, and the
 * `token` command agree on it, and it survives restarts. `.localhost` can never be a real, reachable issuer
 * (RFC 6761), so the name cannot be mistaken for one; nothing is ever fetched from it.
 */
export const LOCAL_ISSUER_HOST = 'https://appconfig-graph.localhost';
const ISSUER_SECRET = 'local-issuer-id';

/** The part of the store the issuer's name lives in (beside the signing keys). */
export interface IssuerIdStore {
  secret(name: string, create: () => string): Promise<string>;
}

/** The issuer base of the database behind `store`, created on first use and kept there. */
export async function databaseIssuerBase(store: IssuerIdStore): Promise<string> {
  const id = await store.secret(ISSUER_SECRET, () => randomBytes(12).toString('hex'));
  return `${LOCAL_ISSUER_HOST}/${id}`;
}

/** The issuer URL for a tenant; the template `{tenantid}` is what multi-tenant discovery documents report. */
export function issuerUrl(issuerBase: string, tenant: string): string {
  return `${trimSlash(issuerBase)}/${tenant}/v2.0`;
}

export const trimSlash = (url: string): string => (url.endsWith('/') ? url.replace(/\/+$/, '') : url);

/** A stable GUID derived from a name (for object ids of service principals and users named by UPN). */
export function guidFrom(name: string): string {
  const h = createHash('sha256').update(name).digest();
  h[6] = ((h[6] ?? 0) & 0x0f) | 0x50; // version 5-style: name-based
  h[8] = ((h[8] ?? 0) & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

export interface MintOptions {
  /** Default `DEFAULT_TENANT`. GUIDs are lower-cased, as Entra writes `tid`. */
  tenant?: string;
  /** The client application id (`appid`, `azp`). Default `DEFAULT_APP`. */
  app?: string;
  /** A user's object id (GUID) or UPN: makes a delegated token. */
  user?: string;
  /** Delegated permissions (`scp`); default `DEFAULT_ROLES` when `user` is set and neither is given. */
  scopes?: readonly string[] | string;
  /** Application permissions (`roles`); default `DEFAULT_ROLES` for an app-only token when neither is given. */
  roles?: readonly string[] | string;
  /** Default `https://graph.microsoft.com`. */
  aud?: string;
  /** Default `DEFAULT_TOKEN_TTL`; at most the key ring's `maxTokenTtl`. */
  ttlSeconds?: number;
}

export interface LocalIssuerOptions {
  keys: KeyRing;
  /** What the issuer names itself by, before `/{tenant}/v2.0`: the database's (`databaseIssuerBase`). */
  issuerBase: string;
  /** Milliseconds since the epoch; default `Date.now`. */
  clock?: () => number;
}

export interface LocalIssuer {
  readonly issuerBase: string;
  readonly keys: KeyRing;
  issuer(tenant: string): string;
  mintToken(opts?: MintOptions): Promise<string>;
}

const list = (v: readonly string[] | string | undefined): string[] | undefined =>
  v === undefined ? undefined : typeof v === 'string' ? v.split(/\s+/).filter(Boolean) : [...v];

export function normalizeTenant(tenant: string): string {
  return GUID.test(tenant) ? tenant.toLowerCase() : tenant;
}

export function createLocalIssuer(opts: LocalIssuerOptions): LocalIssuer {
  const issuerBase = trimSlash(opts.issuerBase);
  const clock = opts.clock ?? Date.now;
  const keys = opts.keys;

  async function mintToken(o: MintOptions = {}): Promise<string> {
    const ttl = o.ttlSeconds ?? DEFAULT_TOKEN_TTL;
    if (!Number.isInteger(ttl) || ttl < 1 || ttl > keys.maxTokenTtl) {
      throw new RangeError(
        `The token lifetime must be a whole number of seconds from 1 to ${keys.maxTokenTtl}; got ${ttl}.`,
      );
    }
    const tenant = normalizeTenant(o.tenant ?? DEFAULT_TENANT);
    const app = o.app ?? DEFAULT_APP;
    let scopes = list(o.scopes);
    let roles = list(o.roles);
    if (scopes === undefined && roles === undefined) {
      if (o.user === undefined) roles = [...DEFAULT_ROLES];
      else scopes = [...DEFAULT_ROLES];
    }
    const user = o.user;
    const delegated = user !== undefined;
    // Object ids: a GUID user is taken as is; a UPN and the calling app get stable ids derived from their names.
    const oid = !delegated
      ? guidFrom(`servicePrincipal:${tenant}:${app.toLowerCase()}`)
      : GUID.test(user)
        ? user.toLowerCase()
        : guidFrom(`user:${tenant}:${user.toLowerCase()}`);
    const iss = issuerUrl(issuerBase, tenant);
    const now = Math.floor(clock() / 1000);
    const claims: Record<string, unknown> = {
      aud: o.aud ?? DEFAULT_AUDIENCE,
      iss,
      iat: now - BACKDATE_SECONDS,
      nbf: now - BACKDATE_SECONDS,
      exp: now + ttl,
      appid: app,
      appidacr: '1',
      azp: app,
      azpacr: '1',
      idp: iss,
      idtyp: delegated ? 'user' : 'app',
      oid,
      sub: oid,
      tid: tenant,
      uti: randomBytes(16).toString('base64url'),
      ver: '2.0',
    };
    if (user?.includes('@')) {
      claims.upn = user;
      claims.unique_name = user;
      claims.preferred_username = user;
    }
    if (scopes && scopes.length > 0) claims.scp = scopes.join(' ');
    if (roles && roles.length > 0) claims.roles = roles;
    const key = await keys.signingKey();
    return new SignJWT(claims).setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' }).sign(key.key);
  }

  return { issuerBase, keys, issuer: (tenant) => issuerUrl(issuerBase, tenant), mintToken };
}
