/**
 * Bearer-token verification (API.md §7): the one path every token takes, local or external. A token passes when it
 * is a JWT signed (RS256/ES256, PS256 for external issuers) by a key of the configured issuer, is within its
 * lifetime (no leeway unless configured), is for Graph, names its issuer and tenant (`iss`, `tid`), and carries
 * `scp` or `roles`. Anything else is 401 `InvalidAuthenticationToken` with a `WWW-Authenticate` challenge
 * (RFC 6750 §3) whose description says what was wrong.
 *
 * Verified tokens are cached by their SHA-256 for at most `cacheTtlSeconds`, so the hot path hashes and looks up
 * instead of checking a signature; expiry is still checked on every hit, to the second.
 */
import * as nodeCrypto from 'node:crypto';
import { type CryptoKey, createRemoteJWKSet, decodeProtectedHeader, errors, type JWTPayload, jwtVerify } from 'jose';
import { ApiError } from '../util/errors.js';
import { GRAPH_APP_ID, GRAPH_AUDIENCES, issuerUrl, trimSlash } from './issuer.js';
import { KeyRing, type KeyStore } from './keys.js';
import type { Principal } from './principal.js';

export type VerifyAlg = 'RS256' | 'ES256' | 'PS256';

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

export const LOCAL_ALGORITHMS: readonly VerifyAlg[] = Object.freeze(['RS256', 'ES256']);
export const OIDC_ALGORITHMS: readonly VerifyAlg[] = Object.freeze(['RS256', 'ES256', 'PS256']);

interface CacheEntry {
  readonly principal: Principal;
  /** Milliseconds: re-verify after this. */
  readonly until: number;
}

type GetKey = (header: { alg?: string; kid?: string }) => Promise<CryptoKey>;

/** One-shot `crypto.hash` (Node ≥ 20.12) is the cheaper digest for short inputs; older 20.x lacks it. */
const sha256: (s: string) => string =
  typeof nodeCrypto.hash === 'function'
    ? (s) => nodeCrypto.hash('sha256', s, 'base64url')
    : (s) => nodeCrypto.createHash('sha256').update(s).digest('base64url');

/**
 * Graph's words, then the usual cause here: the Graph SDKs attach a token only to hosts they allow, so an SDK
 * pointed at this server without allowing its host sends no header at all (docs/clients.md).
 */
export const NO_HEADER =
  'Access token is empty. No Authorization header: if a Graph SDK sent this request, its allowed hosts ' +
  'probably exclude this host (customHosts in JavaScript, allowedHosts/validHosts in .NET and Go).';

const quote = (s: string): string => s.replace(/[\\"]/g, '\\$&').replace(/[\r\n]+/g, ' ');

export function createVerifier(options: VerifierOptions): Verifier {
  const clock = options.clock ?? Date.now;
  const tolerance = options.clockToleranceSeconds ?? 0;
  const audiences = [...(options.audiences ?? GRAPH_AUDIENCES)];
  const maxEntries = options.cacheSize ?? 10_000;
  const cacheTtlMs = Math.min(options.cacheTtlSeconds ?? 60, 60) * 1000;
  const cache = new Map<string, CacheEntry>();
  const algorithms = [...(options.mode === 'oidc' ? (options.algorithms ?? OIDC_ALGORITHMS) : LOCAL_ALGORITHMS)];

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

  let getKey: GetKey;
  let issuerOk: (iss: string, tid: string) => boolean;
  let expectedIssuer: (tid: string) => string;
  if (options.mode === 'local') {
    const keys = options.keys ?? (options.keyStore ? new KeyRing(options.keyStore) : undefined);
    if (!keys) throw new TypeError("createVerifier: mode 'local' needs 'keys' or 'keyStore'.");
    const base = trimSlash(options.issuerBase);
    getKey = async (header) => {
      const kid = header.kid;
      if (typeof kid !== 'string' || kid === '')
        throw invalid('Signature validation failed: the token header has no "kid".');
      const k = await keys.verificationKey(kid);
      if (!k) throw invalid(`Signature validation failed: this issuer has no signing key with kid '${kid}'.`);
      if (k.alg !== header.alg) {
        throw invalid(
          `Signature validation failed: the key '${kid}' is for ${k.alg}, but the token says ${header.alg}.`,
        );
      }
      return k.key;
    };
    issuerOk = (iss, tid) => iss === issuerUrl(base, tid);
    expectedIssuer = (tid) => `'${issuerUrl(base, tid)}'`;
  } else {
    const remote = createRemoteJWKSet(new URL(options.jwksUrl));
    getKey = async (header) => {
      try {
        return (await remote(header)) as CryptoKey;
      } catch (e) {
        if (e instanceof errors.JOSEError) {
          if (e instanceof errors.JWKSNoMatchingKey || e instanceof errors.JWKSMultipleMatchingKeys) throw e;
          throw new ApiError('ServiceUnavailable', `The issuer's signing keys could not be read: ${e.message}`);
        }
        // fetch failed: the issuer is unreachable, which is not the caller's fault.
        throw new ApiError(
          'ServiceUnavailable',
          `The issuer's signing keys could not be read: ${(e as Error).message}`,
        );
      }
    };
    const exact = new Set(options.issuers.filter((i) => !i.includes('{tenantid}')));
    const templates = options.issuers.filter((i) => i.includes('{tenantid}'));
    issuerOk = (iss, tid) => exact.has(iss) || templates.some((t) => t.replaceAll('{tenantid}', tid) === iss);
    expectedIssuer = (tid) => options.issuers.map((i) => `'${i.replaceAll('{tenantid}', tid)}'`).join(' or ');
  }

  function describe(e: unknown, token: string): string | undefined {
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

  function principalOf(p: JWTPayload): Principal {
    const tid = p.tid;
    if (typeof tid !== 'string' || tid === '') throw invalid("The token has no 'tid' (tenant) claim.");
    if (typeof p.iss !== 'string' || !issuerOk(p.iss, tid)) {
      throw invalid(`Invalid issuer ${JSON.stringify(p.iss ?? null)}; expected ${expectedIssuer(tid)}.`);
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

  async function verifySlow(token: string, now: number): Promise<Principal> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, getKey, {
        algorithms,
        audience: audiences,
        clockTolerance: tolerance,
        currentDate: new Date(now),
        requiredClaims: ['exp'],
      }));
    } catch (e) {
      if (e instanceof ApiError) throw e;
      const description = describe(e, token);
      if (description === undefined) throw e;
      throw invalid(description);
    }
    return principalOf(payload);
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
      if (maxEntries > 0) {
        const key = sha256(token);
        const hit = cache.get(key);
        if (hit !== undefined) {
          if (now < hit.until) {
            // Same comparison as jose: expired once exp <= now - leeway, whole seconds.
            if (hit.principal.expiresAt > Math.floor(now / 1000) - tolerance) return hit.principal;
            cache.delete(key);
            throw invalid('Lifetime validation failed, the token is expired.');
          }
          cache.delete(key);
        }
        const principal = await verifySlow(token, now);
        if (cache.size >= maxEntries) {
          // Oldest insertion first: Map iterates in insertion order.
          const oldest = cache.keys().next();
          if (!oldest.done) cache.delete(oldest.value);
        }
        cache.set(key, { principal, until: now + cacheTtlMs });
        return principal;
      }
      return verifySlow(token, now);
    },
    clearCache() {
      cache.clear();
    },
  };
}
