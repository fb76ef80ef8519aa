/** Who is calling, as established by token verification. */
export interface Principal {
  /** The token's `tid`: scopes every read and write. */
  readonly tenant: string;
  /** The calling application (`appid`, else `azp`). */
  readonly app: string;
  /** The signed-in user's object id (`oid`) for delegated tokens; undefined for application tokens. */
  readonly user?: string;
  /** `delegated` when the token carries `scp`, `application` when it carries `roles`. */
  readonly kind: 'delegated' | 'application';
  /** Scopes (`scp`, split on spaces) or app roles (`roles`). */
  readonly permissions: ReadonlySet<string>;
  /** Token expiry, seconds since the epoch. */
  readonly expiresAt: number;
}
