/**
 * Bearer-token verification: the one path every token takes, local or external. A token passes when it
 * is a JWT signed (RS256/ES256, PS256 for external issuers) by a key of the configured issuer, is within its
 * lifetime (no leeway unless configured), is for Graph, names its issuer and tenant (`iss`, `tid`), and carries
 * `scp` or `roles`. Anything else is 401 `InvalidAuthenticationToken` with a `WWW-Authenticate` challenge
 * (RFC 6750 §3) whose description says what was wrong.
 *
 * Verified tokens are cached by their SHA-256 for at most `cacheTtlSeconds`, so the hot path hashes and looks up
 * instead of checking a signature; expiry is still checked on every hit, to the second.
 */
import * as nodeCrypto from 'node:crypto';
import { decodeProtectedHeader, errors, type JWTPayload, jwtVerify } from 'jose';
import { ApiError } from '../util/errors.js';
import { GRAPH_APP_ID, GRAPH_AUDIENCES } from './issuer.js';
import {
  KeyRejected,
  type KeySource,
  LOCAL_ALGORITHMS,
  localKeySource,
  OIDC_ALGORITHMS,
  remoteKeySource,
  type VerifyAlg,
} from './key-sources.js';
import { KeyRing, type KeyStore } from './keys.js';
import type { Principal } from './principal.js';

export { LOCAL_ALGORITHMS, OIDC_ALGORITHMS, type VerifyAlg };

interface CommonOptions {
  /** Accepted `aud` values. Default `https://graph.microsoft.com` and `00000003-0000-0000-c000-000000000000`. */
  audiences?: readonly string[];
  /** Clock-skew leeway for `exp` and `nbf`, seconds. Default 0. */
  clockToleranceSeconds?: number;
  /** Milliseconds since the epoch; default `Date.now`. */
  clock?: () => number;
  /** Most verified tokens kept; default 10,000. 0 turns the cache off. */
  cacheSize?: number;
  /** Longest a verified token is trusted without re-verifying, seconds; default 60. */
  cacheTtlSeconds?: number;
  /** Added to challenges as `authorization_uri`, where a client can get a token. */
  authorizationUri?: string;
}

export interface LocalVerifierOptions extends CommonOptions {
  readonly mode: 'local';
  /** The issuer's key ring (share the one the local issuer signs with); or give `keyStore` and one is made. */
  readonly keys?: KeyRing;
  readonly keyStore?: KeyStore;
  /** Must match the issuer's: `iss` must be `${issuerBase}/${tid}/v2.0`. */
  readonly issuerBase: string;
}

export interface OidcVerifierOptions extends CommonOptions {
  readonly mode: 'oidc';
  readonly jwksUrl: string | URL;
  /**
   * Accepted `iss` values. `{tenantid}` in an entry stands for the token's `tid` (Entra's multi-tenant form,
   * e.g. `https://login.microsoftonline.com/{tenantid}/v2.0`).
   */
  readonly issuers: readonly string[];
  /** Default RS256, ES256, PS256. */
  readonly algorithms?: readonly VerifyAlg[];
}

export type VerifierOptions = LocalVerifierOptions | OidcVerifierOptions;

export interface Verifier {
  /** The `Authorization` header value → the caller, or 401. */
  verify(authorization: string | undefined): Promise<Principal>;
  /** Drops every cached verification. */
  clearCache(): void;
}

/**
 * Graph's words, then the usual cause here: the Graph SDKs attach a token only to hosts they allow, so an SDK
 * pointed at this server without allowing its host sends no header at all (docs/clients.md).
 */
export const NO_HEADER =
  'Access token is empty. No Authorization header: if a Graph SDK sent this request, its allowed hosts ' +
  'probably exclude this host (customHosts in JavaScript, allowedHosts/validHosts in .NET and Go).';

interface CacheEntry {
  readonly principal: Principal;
  /** Milliseconds: re-verify after this. */
  readonly until: number;
}

/** One-shot `crypto.hash` (Node ≥ 20.12) is the cheaper digest for short inputs; older 20.x lacks it. */
const sha256: (s: string) => string =
  typeof nodeCrypto.hash === 'function'
    ? (s) => nodeCrypto.hash('sha256', s, 'base64url')
    : (s) => nodeCrypto.createHash('sha256').update(s).digest('base64url');

const quote = (s: string): string => s.replace(/[\\"]/g, '\\$&').replace(/[\r\n]+/g, ' ');

/** The key source the options describe. */
function keySourceFor(options: VerifierOptions): KeySource {
  if (options.mode === 'oidc') return remoteKeySource(options.jwksUrl, options.issuers, options.algorithms);
  const keys = options.keys ?? (options.keyStore ? new KeyRing(options.keyStore) : undefined);
  if (!keys) throw new TypeError("createVerifier: mode 'local' needs 'keys' or 'keyStore'.");
  return localKeySource(keys, options.issuerBase);
}

/** What a jose verification error means to the caller, or undefined when it is not about the token. */
function describeJoseError(
  e: unknown,
  token: string,
  audiences: readonly string[],
  algorithms: readonly string[],
): string | undefined {
  if (e instanceof errors.JWTExpired) return 'Lifetime validation failed, the token is expired.';
  if (e instanceof errors.JWTClaimValidationFailed) {
    if (e.claim === 'nbf' && e.reason === 'check_failed')
      return 'Lifetime validation failed, the token is not yet valid.';
    if (e.claim === 'aud') {
      const aud = e.payload.aud;
      return `Invalid audience ${JSON.stringify(aud ?? null)}; this API accepts ${audiences.map((a) => `'${a}'`).join(' or ')}.`;
    }
    if (e.reason === 'missing') return `The token has no '${e.claim}' claim.`;
    return `The token's '${e.claim}' claim is not valid.`;
  }
  if (e instanceof errors.JOSEAlgNotAllowed) {
    let alg = 'unknown';
    try {
      alg = String(decodeProtectedHeader(token).alg);
    } catch {}
    return `The token's signing algorithm '${alg}' is not allowed; accepted: ${algorithms.join(', ')}.`;
  }
  if (e instanceof errors.JWSSignatureVerificationFailed) {
    return 'Signature validation failed: the token was not signed by a key of this issuer.';
  }
  if (e instanceof errors.JWKSMultipleMatchingKeys) {
    return 'Signature validation failed: the token names no "kid" and the issuer has several keys.';
  }
  if (e instanceof errors.JWKSNoMatchingKey) {
    return 'Signature validation failed: the issuer has no signing key matching the token header.';
  }
  if (e instanceof errors.JWSInvalid || e instanceof errors.JWTInvalid || e instanceof errors.JOSENotSupported) {
    return `The access token is not a well-formed JWT: ${e.message}.`;
  }
  return undefined;
}

/** The caller a verified token's claims describe; `invalid` makes the 401 for claims that do not qualify. */
function principalOf(p: JWTPayload, source: KeySource, invalid: (description: string) => ApiError): Principal {
  const tid = p.tid;
  if (typeof tid !== 'string' || tid === '') throw invalid("The token has no 'tid' (tenant) claim.");
  // iss must name the token's own tenant: a token whose tid and iss disagree is refused.
  if (typeof p.iss !== 'string' || !source.acceptsIssuer(p.iss, tid)) {
    throw invalid(`Invalid issuer ${JSON.stringify(p.iss ?? null)}; expected ${source.expectedIssuer(tid)}.`);
  }
  const app = [p.appid, p.azp, p.client_id].find((v): v is string => typeof v === 'string' && v !== '');
  if (app === undefined) throw invalid("The token names no client application ('appid', 'azp' or 'client_id').");
  const scp = p.scp;
  const roles = p.roles;
  if (scp !== undefined && typeof scp !== 'string') throw invalid("The token's 'scp' claim must be a string.");
  if (roles !== undefined && !(Array.isArray(roles) && roles.every((r) => typeof r === 'string'))) {
    throw invalid("The token's 'roles' claim must be an array of strings.");
  }
  const expiresAt = p.exp as number;
  if (scp !== undefined && scp.trim() !== '') {
    const oid = typeof p.oid === 'string' ? p.oid : typeof p.sub === 'string' ? p.sub : undefined;
    const base = {
      tenant: tid,
      app,
      kind: 'delegated' as const,
      permissions: new Set(scp.split(' ').filter(Boolean)),
      expiresAt,
    };
    return oid === undefined ? base : { ...base, user: oid };
  }
  if (Array.isArray(roles) && roles.length > 0) {
    return { tenant: tid, app, kind: 'application', permissions: new Set(roles as string[]), expiresAt };
  }
  throw invalid('Either scp or roles claim need to be present in the token.');
}

export function createVerifier(options: VerifierOptions): Verifier {
  const source = keySourceFor(options);
  const clock = options.clock ?? Date.now;
  const tolerance = options.clockToleranceSeconds ?? 0;
  const audiences = [...(options.audiences ?? GRAPH_AUDIENCES)];
  const algorithms = [...source.algorithms];
  const maxEntries = options.cacheSize ?? 10_000;
  const cacheTtlMs = Math.min(options.cacheTtlSeconds ?? 60, 60) * 1000;
  const cache = new Map<string, CacheEntry>();

  const challengeBase =
    `Bearer realm=""` +
    (options.authorizationUri ? `, authorization_uri="${quote(options.authorizationUri)}"` : '') +
    `, client_id="${GRAPH_APP_ID}"`;

  const invalid = (description: string): ApiError =>
    new ApiError('InvalidAuthenticationToken', description, {
      headers: {
        'WWW-Authenticate': `${challengeBase}, error="invalid_token", error_description="${quote(description)}"`,
      },
    });

  async function verifySlow(token: string, now: number): Promise<Principal> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, (header) => source.key(header), {
        algorithms,
        audience: audiences,
        clockTolerance: tolerance,
        currentDate: new Date(now),
        requiredClaims: ['exp'],
      }));
    } catch (e) {
      if (e instanceof ApiError) throw e;
      if (e instanceof KeyRejected) throw invalid(e.message);
      const description = describeJoseError(e, token, audiences, algorithms);
      if (description === undefined) throw e;
      throw invalid(description);
    }
    return principalOf(payload, source, invalid);
  }

  /** A cached verification, still within its trust window; a cached token that has since expired is a 401. */
  function cached(key: string, now: number): Principal | undefined {
    const hit = cache.get(key);
    if (hit === undefined) return undefined;
    if (now >= hit.until) {
      cache.delete(key);
      return undefined;
    }
    // Same comparison as jose: expired once exp <= now - leeway, whole seconds.
    if (hit.principal.expiresAt > Math.floor(now / 1000) - tolerance) return hit.principal;
    cache.delete(key);
    throw invalid('Lifetime validation failed, the token is expired.');
  }

  function remember(key: string, principal: Principal, now: number): void {
    if (cache.size >= maxEntries) {
      // Oldest insertion first: Map iterates in insertion order.
      const oldest = cache.keys().next();
      if (!oldest.done) cache.delete(oldest.value);
    }
    cache.set(key, { principal, until: now + cacheTtlMs });
  }

  return {
    async verify(authorization) {
      if (authorization === undefined || authorization === '') {
        throw new ApiError('InvalidAuthenticationToken', NO_HEADER, {
          headers: { 'WWW-Authenticate': challengeBase },
        });
      }
      // RFC 7235: the scheme is case-insensitive; RFC 6750 §2.1: one space, then the token.
      if (!authorization.startsWith('Bearer ') && authorization.slice(0, 7).toLowerCase() !== 'bearer ') {
        throw invalid('The Authorization header must use the Bearer scheme: "Authorization: Bearer <token>".');
      }
      const token = authorization.slice(7).trim();
      if (token === '') throw invalid('Access token is empty.');
      const now = clock();
      if (maxEntries <= 0) return verifySlow(token, now);
      const key = sha256(token);
      const hit = cached(key, now);
      if (hit !== undefined) return hit;
      const principal = await verifySlow(token, now);
      remember(key, principal, now);
      return principal;
    },
    clearCache() {
      cache.clear();
    },
  };
}
