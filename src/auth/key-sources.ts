/**
 * Where a verifier gets the keys and the issuer name a token must match: the local key ring (the server is its own
 * issuer, named by the database) or an external issuer's JWKS (`--auth oidc`). One interface, so the verifier does
 * not know which.
 */
import { type CryptoKey, createRemoteJWKSet, errors } from 'jose';
import { ApiError } from '../util/errors.js';
import { issuerUrl, trimSlash } from './issuer.js';
import type { KeyRing } from './keys.js';

export type VerifyAlg = 'RS256' | 'ES256' | 'PS256';

export const LOCAL_ALGORITHMS: readonly VerifyAlg[] = Object.freeze(['RS256', 'ES256']);
export const OIDC_ALGORITHMS: readonly VerifyAlg[] = Object.freeze(['RS256', 'ES256', 'PS256']);

export interface KeySource {
  /** Algorithms a token from this issuer may be signed with. */
  readonly algorithms: readonly VerifyAlg[];
  /**
   * The key that signed a token with this header. Throws `KeyRejected` when the header names no key of the issuer
   * (the caller's fault: 401), `ApiError` ServiceUnavailable when the keys cannot be read (not the caller's fault),
   * or jose's JWKS errors.
   */
  key(header: { alg?: string; kid?: string }): Promise<CryptoKey>;
  /** Whether `iss` names this issuer for the tenant `tid`. */
  acceptsIssuer(iss: string, tid: string): boolean;
  /** The accepted `iss` value(s) for `tid`, quoted, for the 401's message. */
  expectedIssuer(tid: string): string;
}

/** A token header that matches no key of the issuer; the message says how. */
export class KeyRejected extends Error {}

/** The local issuer's keys: `iss` must be exactly `${issuerBase}/${tid}/v2.0`. */
export function localKeySource(keys: KeyRing, issuerBase: string): KeySource {
  const base = trimSlash(issuerBase);
  return {
    algorithms: LOCAL_ALGORITHMS,
    async key(header) {
      const kid = header.kid;
      if (typeof kid !== 'string' || kid === '')
        throw new KeyRejected('Signature validation failed: the token header has no "kid".');
      const k = await keys.verificationKey(kid);
      if (!k) throw new KeyRejected(`Signature validation failed: this issuer has no signing key with kid '${kid}'.`);
      if (k.alg !== header.alg) {
        throw new KeyRejected(
          `Signature validation failed: the key '${kid}' is for ${k.alg}, but the token says ${header.alg}.`,
        );
      }
      return k.key;
    },
    acceptsIssuer: (iss, tid) => iss === issuerUrl(base, tid),
    expectedIssuer: (tid) => `'${issuerUrl(base, tid)}'`,
  };
}

/**
 * An external issuer's JWKS, fetched and cached by jose. `issuers` are matched exactly; `{tenantid}` in an entry
 * stands for the token's `tid` (Entra's multi-tenant form).
 */
export function remoteKeySource(
  jwksUrl: string | URL,
  issuers: readonly string[],
  algorithms: readonly VerifyAlg[] = OIDC_ALGORITHMS,
): KeySource {
  const remote = createRemoteJWKSet(new URL(jwksUrl));
  const exact = new Set(issuers.filter((i) => !i.includes('{tenantid}')));
  const templates = issuers.filter((i) => i.includes('{tenantid}'));
  return {
    algorithms,
    async key(header) {
      try {
        return (await remote(header)) as CryptoKey;
      } catch (e) {
        if (e instanceof errors.JWKSNoMatchingKey || e instanceof errors.JWKSMultipleMatchingKeys) throw e;
        // Unreachable or unreadable JWKS: the issuer's fault, not the caller's.
        throw new ApiError(
          'ServiceUnavailable',
          `The issuer's signing keys could not be read: ${(e as Error).message}`,
        );
      }
    },
    acceptsIssuer: (iss, tid) => exact.has(iss) || templates.some((t) => t.replaceAll('{tenantid}', tid) === iss),
    expectedIssuer: (tid) => issuers.map((i) => `'${i.replaceAll('{tenantid}', tid)}'`).join(' or '),
  };
}
