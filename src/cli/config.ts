import { INTUNE_LIMITS, type ThrottleLimits } from '../throttle/index.js';

/**
 * `serve` options: every flag also has an environment variable (API.md §1). Flags win over the environment,
 * the environment over defaults.
 */
export interface ServeConfig {
  port: number;
  httpsPort: number;
  host: string;
  dataDir: string;
  db: string | undefined;
  throttle: 'intune' | 'off';
  throttleLimits: ThrottleLimits;
  auth: 'local' | 'oidc';
  pageSize: number;
  publicUrl: string | undefined;
  cert: string | undefined;
  key: string | undefined;
  redisUrl: string | undefined;
  durability: 'normal' | 'full';
  clientsFile: string | undefined;
  defaultRoles: string[];
  oidcJwksUrl: string | undefined;
  oidcIssuers: string[];
  audiences: string[];
  clockSkew: number;
  logLevel: string;
}

/** Flag name → environment variable, default, and how to read it. The one table `--help` is built from. */
export const SERVE_OPTIONS = [
  { flag: 'port', env: 'PORT', def: '8080', help: 'HTTP port (0 = any free port, -1 = no HTTP)' },
  { flag: 'https-port', env: 'HTTPS_PORT', def: '8443', help: 'HTTPS port (0 = any free port, -1 = no HTTPS)' },
  { flag: 'host', env: 'HOST', def: '127.0.0.1', help: 'address to listen on' },
  { flag: 'data-dir', env: 'DATA_DIR', def: './data', help: 'where the SQLite database and the local CA live' },
  {
    flag: 'db',
    env: 'DATABASE_URL',
    def: undefined,
    help: 'SQLite file, :memory:, or postgres://… (default <data-dir>/appconfig-graph.db)',
  },
  { flag: 'throttle', env: 'THROTTLE', def: 'intune', help: "Intune's throttling limits (intune) or none (off)" },
  {
    flag: 'throttle-limits',
    env: 'THROTTLE_LIMITS',
    def: 'window=20,writes-per-app=100,writes-per-tenant=200,all-per-app=1000,all-per-tenant=2000',
    help: 'the limits of --throttle intune (window in seconds; any subset of the keys)',
  },
  { flag: 'auth', env: 'AUTH', def: 'local', help: 'local issuer (local) or an external OpenID Connect issuer (oidc)' },
  { flag: 'page-size', env: 'PAGE_SIZE', def: '1000', help: 'page size when $top is absent (1–1000)' },
  {
    flag: 'public-url',
    env: 'PUBLIC_URL',
    def: undefined,
    help: 'scheme://host[:port] used in absolute URLs and as the token issuer',
  },
  {
    flag: 'cert',
    env: 'TLS_CERT',
    def: undefined,
    help: 'PEM certificate file for HTTPS (default: a local CA in <data-dir>)',
  },
  { flag: 'key', env: 'TLS_KEY', def: undefined, help: 'PEM private key file for HTTPS' },
  {
    flag: 'redis-url',
    env: 'REDIS_URL',
    def: undefined,
    help: 'share throttling counters between instances through Redis',
  },
  {
    flag: 'durability',
    env: 'DURABILITY',
    def: 'normal',
    help: 'SQLite commit durability: normal (survives kill -9) or full (fsync, survives power loss)',
  },
  {
    flag: 'clients',
    env: 'CLIENTS_FILE',
    def: undefined,
    help: 'JSON file of clients the token endpoint accepts (default: any)',
  },
  {
    flag: 'default-roles',
    env: 'DEFAULT_ROLES',
    def: 'DeviceManagementApps.ReadWrite.All',
    help: 'roles granted by the token endpoint when no clients file is given',
  },
  { flag: 'oidc-jwks-url', env: 'OIDC_JWKS_URL', def: undefined, help: '--auth oidc: the issuer JWKS URL' },
  { flag: 'oidc-issuer', env: 'OIDC_ISSUER', def: undefined, help: '--auth oidc: accepted issuer(s), comma-separated' },
  {
    flag: 'audience',
    env: 'AUDIENCE',
    def: 'https://graph.microsoft.com,00000003-0000-0000-c000-000000000000',
    help: 'accepted token audiences, comma-separated',
  },
  {
    flag: 'clock-skew',
    env: 'CLOCK_SKEW',
    def: '0',
    help: 'seconds of clock-skew leeway when checking token lifetimes',
  },
  { flag: 'log-level', env: 'LOG_LEVEL', def: 'info', help: 'pino log level (silent to turn request logs off)' },
] as const;

type Raw = Record<string, string | undefined>;

const list = (s: string | undefined): string[] =>
  s
    ? s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean)
    : [];

function int(name: string, v: string, min: number, max: number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new Error(`--${name} must be an integer from ${min} to ${max}; got '${v}'`);
  return n;
}

function oneOf<T extends string>(name: string, v: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(v))
    throw new Error(`--${name} must be one of ${allowed.join(', ')}; got '${v}'`);
  return v as T;
}

const LIMIT_KEYS: Record<string, keyof ThrottleLimits> = {
  window: 'windowMs',
  'writes-per-app': 'writesPerAppPerTenant',
  'writes-per-tenant': 'writesPerTenant',
  'all-per-app': 'allPerAppPerTenant',
  'all-per-tenant': 'allPerTenant',
};

/** `window=20,writes-per-app=100,…` → limits; keys left out keep Intune's values. */
export function parseLimits(text: string): ThrottleLimits {
  const out: ThrottleLimits = { ...INTUNE_LIMITS };
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [k, v] = part.split('=', 2).map((x) => x.trim());
    const key = LIMIT_KEYS[k ?? ''];
    if (!key || v === undefined) {
      throw new Error(
        `--throttle-limits: '${part}' is not one of ${Object.keys(LIMIT_KEYS)
          .map((x) => `${x}=N`)
          .join(', ')}`,
      );
    }
    const n = int('throttle-limits', v, 1, 1_000_000);
    out[key] = key === 'windowMs' ? n * 1000 : n;
  }
  return out;
}

/** Merges flags (camelCase keys as commander gives them), the environment and defaults. */
export function resolveServeConfig(flags: Raw, env: NodeJS.ProcessEnv = process.env): ServeConfig {
  const get = (flag: string): string | undefined => {
    const o = SERVE_OPTIONS.find((x) => x.flag === flag)!;
    const camel = flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    return flags[camel] ?? env[o.env] ?? o.def;
  };
  return {
    port: int('port', get('port')!, -1, 65535),
    httpsPort: int('https-port', get('https-port')!, -1, 65535),
    host: get('host')!,
    dataDir: get('data-dir')!,
    db: get('db'),
    throttle: oneOf('throttle', get('throttle')!, ['intune', 'off'] as const),
    throttleLimits: parseLimits(get('throttle-limits')!),
    auth: oneOf('auth', get('auth')!, ['local', 'oidc'] as const),
    pageSize: int('page-size', get('page-size')!, 1, 1000),
    publicUrl: get('public-url')?.replace(/\/+$/, ''),
    cert: get('cert'),
    key: get('key'),
    redisUrl: get('redis-url'),
    durability: oneOf('durability', get('durability')!, ['normal', 'full'] as const),
    clientsFile: get('clients'),
    defaultRoles: list(get('default-roles')),
    oidcJwksUrl: get('oidc-jwks-url'),
    oidcIssuers: list(get('oidc-issuer')),
    audiences: list(get('audience')),
    clockSkew: int('clock-skew', get('clock-skew')!, 0, 3600),
    logLevel: get('log-level')!,
  };
}
