/**
 * Who the console is signed in as, kept in this tab's session storage (gone when the tab closes): the admin key,
 * or — when the server's control plane is off — a Graph access token for one tenant. The start banner's link
 * carries the key in the URL fragment, which a browser never sends; it is moved to storage and wiped from the
 * address bar at once, so it stays out of history and bookmarks.
 */

const KEY = 'appconfig-graph.adminKey';
const TOKEN = 'appconfig-graph.graphToken';

export type Session =
  | { readonly kind: 'admin'; readonly key: string }
  | { readonly kind: 'token'; readonly token: string; readonly tenant: string; readonly expires: number };

/** The `tid` and `exp` of a JWT, unverified: the server verifies; the console only needs to know the tenant. */
export function tokenClaims(token: string): { tenant: string; expires: number } | undefined {
  const part = token.split('.')[1];
  if (!part) return undefined;
  try {
    const json = atob(
      part
        .replace(/-/g, '+')
        .replace(/_/g, '/')
        .padEnd(Math.ceil(part.length / 4) * 4, '='),
    );
    const claims = JSON.parse(json) as { tid?: unknown; exp?: unknown };
    if (typeof claims.tid !== 'string') return undefined;
    return {
      tenant: claims.tid,
      expires: typeof claims.exp === 'number' ? claims.exp * 1000 : Number.POSITIVE_INFINITY,
    };
  } catch {
    return undefined;
  }
}

/** Takes `#key=…` out of the address bar into session storage; answers whether there was one. */
export function adoptKeyFromFragment(): boolean {
  const m = /^#key=([^&]+)/.exec(location.hash);
  if (!m?.[1]) return false;
  sessionStorage.setItem(KEY, decodeURIComponent(m[1]));
  sessionStorage.removeItem(TOKEN);
  history.replaceState(null, '', `${location.pathname}${location.search}#/`);
  return true;
}

export function currentSession(): Session | undefined {
  const key = sessionStorage.getItem(KEY);
  if (key) return { kind: 'admin', key };
  const token = sessionStorage.getItem(TOKEN);
  const claims = token ? tokenClaims(token) : undefined;
  if (token && claims) return { kind: 'token', token, ...claims };
  return undefined;
}

export function saveSession(s: Session): void {
  signOut();
  if (s.kind === 'admin') sessionStorage.setItem(KEY, s.key);
  else sessionStorage.setItem(TOKEN, s.token);
}

export function signOut(): void {
  sessionStorage.removeItem(KEY);
  sessionStorage.removeItem(TOKEN);
}
