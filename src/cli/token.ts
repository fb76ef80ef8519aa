/** `appconfig-graph token`: a token from the local issuer whose signing key lives in the given database. */
import { createLocalIssuer, databaseIssuerBase } from '../auth/issuer.js';
import { KeyRing } from '../auth/keys.js';
import { openCommandStore } from './store-option.js';

/** Space- or comma-separated names; none given → the issuer's default (every permission served, `DEFAULT_ROLES`). */
function words(s: string | undefined): string[] | undefined {
  const list = s?.split(/[\s,]+/).filter(Boolean);
  return list && list.length > 0 ? list : undefined;
}

export async function runToken(opts: Record<string, string | undefined>): Promise<string> {
  const store = await openCommandStore(opts);
  try {
    // The database names the issuer, so the token is good on every server on it, whatever its ports.
    const issuer = createLocalIssuer({ keys: new KeyRing(store), issuerBase: await databaseIssuerBase(store) });
    const ttl = Number(opts.ttl ?? 3600);
    if (!Number.isInteger(ttl) || ttl < 1)
      throw new Error(`--ttl must be a whole number of seconds; got '${opts.ttl}'`);
    const delegated = opts.user !== undefined;
    return await issuer.mintToken({
      ...(opts.tenant ? { tenant: opts.tenant } : {}),
      ...(opts.app ? { app: opts.app } : {}),
      ...(delegated ? { user: opts.user, scopes: words(opts.scopes) } : { roles: words(opts.roles) }),
      ...(opts.aud ? { aud: opts.aud } : {}),
      ttlSeconds: ttl,
    });
  } finally {
    await store.close();
  }
}
