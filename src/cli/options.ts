/**
 * Every option of every command, declared once: flag, value name, environment variable, default and help. The
 * commands pick theirs by flag; `--help` and the values a command sees are both made from this table. An option
 * with an environment variable is resolved flag → environment → default (so commander is given no default for
 * it, or the default would hide the environment); one without takes its default from commander.
 */
import { type Command, Option } from 'commander';

export const DEFAULT_DATA_DIR = './data';
export const DEFAULT_HTTPS_PORT = 8443;

interface OptionSpec {
  readonly flag: string;
  /** The value's name in `--help`; absent for a switch (`--simulate`), whose environment variable takes true/false. */
  readonly arg?: string;
  readonly env?: string;
  readonly def?: string;
  readonly help: string;
}

const OPTIONS = [
  { flag: 'port', arg: 'port', env: 'PORT', def: '8080', help: 'HTTP port (0 = any free port, -1 = no HTTP)' },
  {
    flag: 'https-port',
    arg: 'port',
    env: 'HTTPS_PORT',
    def: String(DEFAULT_HTTPS_PORT),
    help: 'HTTPS port (0 = any free port, -1 = no HTTPS)',
  },
  { flag: 'host', arg: 'address', env: 'HOST', def: '127.0.0.1', help: 'address to listen on' },
  {
    flag: 'data-dir',
    arg: 'dir',
    env: 'DATA_DIR',
    def: DEFAULT_DATA_DIR,
    help: 'where the SQLite database and the local CA live',
  },
  {
    flag: 'db',
    arg: 'path-or-url',
    env: 'DATABASE_URL',
    help: 'SQLite file, :memory:, or postgres://… (default <data-dir>/appconfig-graph.db)',
  },
  {
    flag: 'throttle',
    arg: 'mode',
    env: 'THROTTLE',
    def: 'intune',
    help: "Intune's throttling limits (intune) or none (off)",
  },
  {
    flag: 'throttle-limits',
    arg: 'limits',
    env: 'THROTTLE_LIMITS',
    def: 'window=20,writes-per-app=100,writes-per-tenant=200,all-per-app=1000,all-per-tenant=2000',
    help: 'the limits of --throttle intune (window in seconds; any subset of the keys)',
  },
  {
    flag: 'auth',
    arg: 'mode',
    env: 'AUTH',
    def: 'local',
    help: 'local issuer (local) or an external OpenID Connect issuer (oidc)',
  },
  { flag: 'page-size', arg: 'n', env: 'PAGE_SIZE', def: '1000', help: 'page size when $top is absent (1–1000)' },
  {
    flag: 'public-url',
    arg: 'url',
    env: 'PUBLIC_URL',
    help: 'scheme://host[:port] used in absolute URLs',
  },
  {
    flag: 'cert',
    arg: 'file',
    env: 'TLS_CERT',
    help: 'PEM certificate file for HTTPS (default: a local CA in <data-dir>)',
  },
  { flag: 'key', arg: 'file', env: 'TLS_KEY', help: 'PEM private key file for HTTPS' },
  {
    flag: 'redis-url',
    arg: 'url',
    env: 'REDIS_URL',
    help: 'share throttling counters between instances through Redis',
  },
  {
    flag: 'durability',
    arg: 'level',
    env: 'DURABILITY',
    def: 'normal',
    help: 'SQLite commit durability: normal (survives kill -9) or full (fsync, survives power loss)',
  },
  {
    flag: 'clients',
    arg: 'file',
    env: 'CLIENTS_FILE',
    help: 'JSON file of clients the token endpoint accepts (default: any)',
  },
  {
    flag: 'default-roles',
    arg: 'list',
    env: 'DEFAULT_ROLES',
    def: 'DeviceManagementApps.ReadWrite.All User.ReadWrite.All Group.ReadWrite.All DeviceManagementManagedDevices.ReadWrite.All',
    help: 'roles granted by the token endpoint when no clients file is given',
  },
  { flag: 'oidc-jwks-url', arg: 'url', env: 'OIDC_JWKS_URL', help: '--auth oidc: the issuer JWKS URL' },
  { flag: 'oidc-issuer', arg: 'list', env: 'OIDC_ISSUER', help: '--auth oidc: accepted issuer(s), comma-separated' },
  {
    flag: 'audience',
    arg: 'list',
    env: 'AUDIENCE',
    def: 'https://graph.microsoft.com,00000003-0000-0000-c000-000000000000',
    help: 'accepted token audiences, comma-separated',
  },
  {
    flag: 'clock-skew',
    arg: 'seconds',
    env: 'CLOCK_SKEW',
    def: '0',
    help: 'seconds of clock-skew leeway when checking token lifetimes',
  },
  {
    flag: 'log-level',
    arg: 'level',
    env: 'LOG_LEVEL',
    def: 'info',
    help: 'pino log level (silent to turn request logs off)',
  },
  {
    flag: 'admin',
    arg: 'mode',
    env: 'ADMIN',
    def: 'on',
    help: 'the control plane under /_admin (on) or none (off)',
  },
  {
    flag: 'console',
    arg: 'mode',
    env: 'CONSOLE',
    def: 'on',
    help: 'the web console under /console/ (on) or none (off)',
  },
  {
    flag: 'admin-key',
    arg: 'key',
    env: 'ADMIN_KEY',
    help: 'the control plane key (default: <data-dir>/admin.key, created on first start)',
  },
  {
    flag: 'journal-size',
    arg: 'n',
    env: 'JOURNAL_SIZE',
    def: '10000',
    help: 'requests the control plane journal keeps (0 = no journal)',
  },
  {
    flag: 'fault-seed',
    arg: 'n',
    env: 'FAULT_SEED',
    help: 'seed of the draws of fault rules with a probability and no seed of their own',
  },
  {
    flag: 'simulate',
    env: 'SIMULATE',
    help: 'run device check-ins on the simulation clock, so pending statuses resolve (docs/simulation.md)',
  },
  {
    flag: 'clock',
    arg: 'mode',
    env: 'SIM_CLOCK',
    def: 'real',
    help: '--simulate: the clock runs with real time × --clock-speed (real) or moves only through /_admin/clock (manual)',
  },
  {
    flag: 'clock-speed',
    arg: 'n',
    env: 'CLOCK_SPEED',
    def: '1',
    help: '--simulate: sim seconds per real second of the real clock (> 0)',
  },
  {
    flag: 'clock-start',
    arg: 'date-time',
    env: 'CLOCK_START',
    help: '--simulate: sim time of the first start (default now; a clock saved in the store wins)',
  },
  {
    flag: 'checkin-interval',
    arg: 'duration',
    env: 'CHECKIN_INTERVAL',
    def: 'PT8H',
    help: '--simulate: time between two check-ins of a device, ISO 8601 PnDTnHnMnS',
  },
  {
    flag: 'error-rate',
    arg: 'p',
    env: 'ERROR_RATE',
    def: '0.05',
    help: '--simulate: probability (0-1) that a pending status resolves to error',
  },
  {
    flag: 'offline-rate',
    arg: 'p',
    env: 'OFFLINE_RATE',
    def: '0',
    help: '--simulate: share (0-1) of devices offline until set online',
  },
  {
    flag: 'sim-seed',
    arg: 'seed',
    env: 'SIM_SEED',
    def: '0',
    help: '--simulate: seed of every outcome; the same seed, data and clock moves give the same statuses',
  },
  { flag: 'tenant', arg: 'id', help: 'tenant id' },
  { flag: 'app', arg: 'id', help: 'application id (appid)' },
  {
    flag: 'user',
    arg: 'upn',
    help: 'signed-in user: makes a delegated token (scp) instead of an application token (roles)',
  },
  {
    flag: 'scopes',
    arg: 'list',
    def: 'DeviceManagementApps.ReadWrite.All User.ReadWrite.All Group.ReadWrite.All DeviceManagementManagedDevices.ReadWrite.All',
    help: 'delegated scopes, space-separated',
  },
  {
    flag: 'roles',
    arg: 'list',
    def: 'DeviceManagementApps.ReadWrite.All User.ReadWrite.All Group.ReadWrite.All DeviceManagementManagedDevices.ReadWrite.All',
    help: 'application roles, space-separated',
  },
  { flag: 'aud', arg: 'aud', def: 'https://graph.microsoft.com', help: 'audience' },
  { flag: 'ttl', arg: 'seconds', def: '3600', help: 'lifetime in seconds' },
  { flag: 'configurations', arg: 'n', def: '10', help: 'configurations to create' },
  {
    flag: 'users',
    arg: 'n',
    def: '100',
    help: 'directory users (with groups and 1-3 devices each) and user statuses per configuration',
  },
  { flag: 'seed', arg: 'n', def: '42', help: 'seed of the generated data: the same seed makes the same data' },
] as const satisfies readonly OptionSpec[];

export type Flag = (typeof OPTIONS)[number]['flag'];

/** An option a command takes, with its own wording of the help where the command gives the option a narrower job. */
type Use = Flag | readonly [Flag, string];

const SERVE: readonly Use[] = [
  'port',
  'https-port',
  'host',
  'data-dir',
  'db',
  'throttle',
  'throttle-limits',
  'auth',
  'page-size',
  'public-url',
  'cert',
  'key',
  'redis-url',
  'durability',
  'clients',
  'default-roles',
  'oidc-jwks-url',
  'oidc-issuer',
  'audience',
  'clock-skew',
  'log-level',
  'admin',
  'console',
  'admin-key',
  'journal-size',
  'fault-seed',
  'simulate',
  'clock',
  'clock-speed',
  'clock-start',
  'checkin-interval',
  'error-rate',
  'offline-rate',
  'sim-seed',
];

const DATA_DIR: Use = ['data-dir', 'data directory when --db is not given'];

/** Where a one-shot command finds its store. */
const STORE: readonly Use[] = [['db', 'database'], DATA_DIR];

export const COMMAND_OPTIONS = {
  serve: SERVE,
  token: [
    ['tenant', 'tenant id (tid)'],
    'app',
    'user',
    'scopes',
    'roles',
    'aud',
    'ttl',
    ['db', 'the database whose signing key to use'],
    DATA_DIR,
  ],
  seed: ['tenant', 'configurations', 'users', 'seed', ...STORE],
  import: [['tenant', 'tenant id (default: the one in the file)'], ...STORE],
  export: ['tenant', ...STORE],
} as const satisfies Record<string, readonly Use[]>;

const spec = (flag: Flag): OptionSpec => OPTIONS.find((o) => o.flag === flag)!;

/** Adds a command's options from the table. */
export function addOptions(command: Command, uses: readonly Use[]): Command {
  for (const use of uses) {
    const [flag, help] = typeof use === 'string' ? [use, undefined] : use;
    const o = spec(flag);
    const text = help ?? o.help;
    const usage = o.arg === undefined ? `--${o.flag}` : `--${o.flag} <${o.arg}>`;
    if (o.env !== undefined) {
      command.addOption(new Option(usage, `${text} [env ${o.env}${o.def !== undefined ? `, default ${o.def}` : ''}]`));
    } else {
      const option = new Option(usage, text);
      command.addOption(o.def !== undefined ? option.default(o.def) : option);
    }
  }
  return command;
}

type Raw = Record<string, string | boolean | undefined>;

/** An option's value (a switch given on the command line reads as 'true'): the flag (camelCase keys, as commander gives them), else its environment variable, else its default. */
export function optionValue(flag: Flag, flags: Raw, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const o = spec(flag);
  const camel = flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
  const given = flags[camel];
  return (
    (given === true ? 'true' : given === false ? undefined : given) ??
    (o.env !== undefined ? env[o.env] : undefined) ??
    o.def
  );
}
