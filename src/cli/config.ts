import { type SimSettings, simSettings } from '../sim/settings.js';
import { INTUNE_LIMITS, type ThrottleLimits } from '../throttle/index.js';
import { parseDateTimeOffset } from '../util/datetime.js';
import { parseDuration } from '../util/duration.js';
import { type Flag, optionValue } from './options.js';

/**
 * `serve` options: every flag also has an environment variable (options.ts holds them). Flags win over the
 * environment, the environment over defaults.
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
  admin: 'on' | 'off';
  console: 'on' | 'off';
  adminKey: string | undefined;
  journalSize: number;
  faultSeed: number | undefined;
  /** The check-in simulation (`--simulate` and its options); undefined when off. */
  simulation: SimulationConfig | undefined;
}

export interface SimulationConfig {
  settings: SimSettings;
  clock: 'real' | 'manual';
  speed: number;
  /** Epoch ms of a first start; undefined: now. */
  start: number | undefined;
}

type Raw = Record<string, string | boolean | undefined>;

/** A list option: names separated by commas or spaces (the permission defaults are space-separated, as in `scp`). */
const list = (s: string | undefined): string[] =>
  s
    ? s
        .split(/[\s,]+/)
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

function bool(name: string, v: string): boolean {
  if (/^(true|1|on|yes)$/i.test(v)) return true;
  if (/^(false|0|off|no)$/i.test(v)) return false;
  throw new Error(`--${name} (env) must be true or false; got '${v}'`);
}

function fraction(name: string, v: string): number {
  const n = v.trim() === '' ? Number.NaN : Number(v);
  if (!(n >= 0 && n <= 1)) throw new Error(`--${name} must be a number from 0 to 1; got '${v}'`);
  return n;
}

/** The simulation's options, checked; undefined without --simulate. */
function simulationConfig(get: (flag: Flag) => string | undefined): SimulationConfig | undefined {
  const on = get('simulate');
  if (on === undefined || !bool('simulate', on)) return undefined;
  const interval = get('checkin-interval')!;
  const intervalMs = parseDuration(interval);
  if (intervalMs === undefined || intervalMs <= 0)
    throw new Error(
      `--checkin-interval must be an ISO 8601 duration PnDTnHnMnS longer than 0 (e.g. PT8H, P1D, PT30M); got '${interval}'`,
    );
  const speedText = get('clock-speed')!;
  const speed = speedText.trim() === '' ? Number.NaN : Number(speedText);
  if (!(Number.isFinite(speed) && speed > 0 && speed <= 1_000_000))
    throw new Error(`--clock-speed must be a number > 0 and at most 1000000; got '${speedText}'`);
  const seed = get('sim-seed')!;
  if (seed.length === 0 || seed.length > 100) throw new Error(`--sim-seed must be 1 to 100 characters; got '${seed}'`);
  const startText = get('clock-start');
  let start: number | undefined;
  if (startText !== undefined) {
    const parsed = parseDateTimeOffset(startText);
    if (!parsed.ok) throw new Error(`--clock-start must be an ISO 8601 date-time: '${startText}': ${parsed.reason}`);
    start = Date.parse(parsed.value);
  }
  return {
    settings: simSettings({
      seed,
      intervalMs,
      errorRate: fraction('error-rate', get('error-rate')!),
      offlineRate: fraction('offline-rate', get('offline-rate')!),
    }),
    clock: oneOf('clock', get('clock')!, ['real', 'manual'] as const),
    speed,
    start,
  };
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
  const get = (flag: Flag): string | undefined => optionValue(flag, flags, env);
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
    admin: oneOf('admin', get('admin')!, ['on', 'off'] as const),
    console: oneOf('console', get('console')!, ['on', 'off'] as const),
    adminKey: get('admin-key'),
    journalSize: int('journal-size', get('journal-size')!, 0, 1_000_000),
    faultSeed: get('fault-seed') === undefined ? undefined : int('fault-seed', get('fault-seed')!, 0, 2_147_483_647),
    simulation: simulationConfig(get),
  };
}
