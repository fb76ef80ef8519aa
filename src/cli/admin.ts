/**
 * `appconfig-graph admin <verb>`: the control plane from a shell script or CI, against a running server
 * (docs/admin.md#the-command-line). Each verb is a row of `VERBS` — words, arguments, options, and the request
 * it sends — so a feature adds its verbs as rows. The answer's JSON is printed; an error answer goes to standard
 * error and the exit code is 1.
 */
import { type Command, Option } from 'commander';
import { readAdminKey } from '../admin/key.js';
import { DEFAULT_DATA_DIR } from './options.js';

type Values = Record<string, string | undefined>;

export interface AdminVerb {
  /** `['snapshot', 'take']` is `admin snapshot take`. */
  readonly words: readonly string[];
  readonly description: string;
  /** Positional arguments, in order. */
  readonly args?: readonly string[];
  /** Options of the verb: flag, value name, help; the request reads them by flag. */
  readonly options?: readonly (readonly [flag: string, arg: string, help: string])[];
  request(args: readonly string[], opts: Values): { method: string; path: string; body?: Record<string, unknown> };
}

const seg = encodeURIComponent;

/** A number when the text is one, else the text, so the server names what is wrong with it. */
const numeric = (v: string): number | string => (v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : v);

/** The given options as an object: `--retry-after 1` → `{retryAfter: 1}` for the numeric ones. */
function pick(opts: Values, names: readonly string[], numbers: readonly string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const n of names) {
    const v = opts[n];
    if (v !== undefined) out[n] = numbers.includes(n) ? numeric(v) : v;
  }
  return out;
}

const tenantQuery = (o: Values): string =>
  o.tenant !== undefined ? `?${new URLSearchParams({ tenant: o.tenant })}` : '';

const FILTERS = [
  ['method', 'method', 'only this HTTP method'],
  ['path', 'glob', 'only paths matching this glob (version-less: /deviceAppManagement/**)'],
  ['tenant', 'id', 'only this tenant'],
  ['app', 'id', 'only this application'],
  ['status', 'status', 'only this status (429) or class (4xx)'],
] as const;

export const VERBS: readonly AdminVerb[] = [
  {
    words: ['tenants'],
    description: 'list the tenants with their rows per table',
    request: () => ({ method: 'GET', path: '/tenants' }),
  },
  {
    words: ['tenant-delete'],
    description: "delete all of one tenant's data",
    args: ['tid'],
    request: ([tid]) => ({ method: 'DELETE', path: `/tenants/${seg(tid!)}` }),
  },
  {
    words: ['tenant-token'],
    description: "a Graph token of the local issuer for the tenant, with the server's default roles",
    args: ['tid'],
    request: ([tid]) => ({ method: 'POST', path: `/tenants/${seg(tid!)}/token` }),
  },
  {
    words: ['snapshot', 'take'],
    description: "take a snapshot of one tenant's data (--tenant) or of every tenant's",
    args: ['name'],
    options: [['tenant', 'id', 'only this tenant']],
    request: ([name], o) => ({ method: 'POST', path: '/snapshots', body: { name, ...pick(o, ['tenant']) } }),
  },
  {
    words: ['snapshot', 'list'],
    description: 'list the snapshots',
    request: () => ({ method: 'GET', path: '/snapshots' }),
  },
  {
    words: ['snapshot', 'restore'],
    description: 'restore a snapshot exactly',
    args: ['name'],
    request: ([name]) => ({ method: 'POST', path: `/snapshots/${seg(name!)}/restore` }),
  },
  {
    words: ['snapshot', 'delete'],
    description: 'delete a snapshot',
    args: ['name'],
    request: ([name]) => ({ method: 'DELETE', path: `/snapshots/${seg(name!)}` }),
  },
  {
    words: ['requests'],
    description: 'the request journal, newest first',
    options: [
      ...FILTERS,
      ['since', 'time', 'only requests at or after this ISO 8601 time'],
      ['top', 'n', 'at most this many'],
    ],
    request: (_, o) => {
      const q = new URLSearchParams(
        pick(o, ['method', 'path', 'tenant', 'app', 'status', 'since', 'top']) as Record<string, string>,
      );
      return { method: 'GET', path: `/requests${q.size ? `?${q}` : ''}` };
    },
  },
  {
    words: ['requests-clear'],
    description: 'empty the request journal',
    request: () => ({ method: 'DELETE', path: '/requests' }),
  },
  {
    words: ['faults', 'add'],
    description: 'add a fault rule (answers matching Graph requests with an error)',
    options: [
      ['method', 'method', 'only this HTTP method'],
      ['path', 'glob', 'version-less path glob, e.g. /deviceAppManagement/mobileAppConfigurations/*/userStatuses'],
      ['tenant', 'id', 'only this tenant'],
      ['app', 'id', 'only this application'],
      ['status', 'status', 'the status to answer (429, 503, 500, …)'],
      ['retry-after', 'seconds', 'Retry-After header'],
      ['latency-ms', 'ms', 'wait before answering'],
      ['times', 'n', 'the next N matches only'],
      ['probability', 'p', 'take a match with this probability (0–1)'],
      ['seed', 'n', 'seed of the draws'],
    ],
    request: (_, o) => ({
      method: 'POST',
      path: '/faults',
      body: pick(
        o,
        ['method', 'path', 'tenant', 'app', 'status', 'retryAfter', 'latencyMs', 'times', 'probability', 'seed'],
        ['status', 'retryAfter', 'latencyMs', 'times', 'probability', 'seed'],
      ),
    }),
  },
  {
    words: ['faults', 'list'],
    description: 'list the fault rules',
    request: () => ({ method: 'GET', path: '/faults' }),
  },
  {
    words: ['faults', 'delete'],
    description: 'delete one fault rule, or every rule with --all',
    args: ['[id]'],
    options: [['all', '', 'every rule']],
    request: ([id], o) => {
      if (o.all !== undefined) return { method: 'DELETE', path: '/faults' };
      if (!id) throw new Error('faults delete needs a rule id, or --all');
      return { method: 'DELETE', path: `/faults/${seg(id)}` };
    },
  },
  {
    words: ['clock'],
    description: "the simulation's clock, or move it with --advance or --to (running every check-in due)",
    options: [
      ['advance', 'duration', 'move the clock ahead by this ISO 8601 duration (PT8H)'],
      ['to', 'time', 'move the clock to this ISO 8601 time'],
    ],
    request: (_, o) => {
      const body = pick(o, ['advance', 'to']);
      return Object.keys(body).length ? { method: 'POST', path: '/clock', body } : { method: 'GET', path: '/clock' };
    },
  },
  {
    words: ['checkin'],
    description: 'one check-in of a managed device now, online or not',
    args: ['deviceId'],
    options: [['tenant', 'id', 'the tenant, when several hold a device of this id']],
    request: ([id], o) => ({ method: 'POST', path: `/devices/${seg(id!)}/checkin${tenantQuery(o)}` }),
  },
  {
    words: ['device'],
    description: 'set a managed device on- or offline (--online true|false|default)',
    args: ['deviceId'],
    options: [
      ['online', 'value', "true, false, or default (back to the seed's choice)"],
      ['tenant', 'id', 'the tenant, when several hold a device of this id'],
    ],
    request: ([id], o) => {
      const v = o.online;
      const online = v === 'true' ? true : v === 'false' ? false : v === 'default' ? null : undefined;
      if (online === undefined) throw new Error(`device needs --online true, false or default; got '${v ?? ''}'`);
      return { method: 'PATCH', path: `/devices/${seg(id!)}${tenantQuery(o)}`, body: { online } };
    },
  },
];

const DEFAULT_URL = 'http://127.0.0.1:8080';

/** Where and with which key: flags, then ADMIN_URL / ADMIN_KEY, then the default URL and `<data-dir>/admin.key`. */
function target(o: Values, env: NodeJS.ProcessEnv): { url: string; key: string } {
  const url = (o.url ?? env.ADMIN_URL ?? DEFAULT_URL).replace(/\/+$/, '');
  const dataDir = o.dataDir ?? env.DATA_DIR ?? DEFAULT_DATA_DIR;
  const key = o.key ?? env.ADMIN_KEY ?? readAdminKey(dataDir);
  if (!key)
    throw new Error(
      `no admin key: pass --key, set ADMIN_KEY, or give --data-dir of the server (no ${dataDir}/admin.key)`,
    );
  return { url, key };
}

async function send(verb: AdminVerb, args: readonly string[], o: Values): Promise<void> {
  const { url, key } = target(o, process.env);
  const r = verb.request(args, o);
  const res = await fetch(`${url}/_admin${r.path}`, {
    method: r.method,
    headers: {
      authorization: `Bearer ${key}`,
      ...(r.body ? { 'content-type': 'application/json' } : {}),
    },
    ...(r.body ? { body: JSON.stringify(r.body) } : {}),
  });
  const text = await res.text();
  const out = text === '' ? '' : `${JSON.stringify(JSON.parse(text), null, 2)}\n`;
  if (!res.ok) {
    process.stderr.write(out || `${res.status} ${res.statusText}\n`);
    process.exitCode = 1;
    return;
  }
  process.stdout.write(out);
}

/** Adds `admin` and its verbs, grouped by their first word. */
export function addAdminCommand(program: Command): void {
  const admin = program
    .command('admin')
    .description('control a running server: tenants, snapshots, the request journal, faults, the simulation');
  const groups = new Map<string, Command>();
  for (const verb of VERBS) {
    let parent = admin;
    for (const word of verb.words.slice(0, -1)) {
      let g = groups.get(word);
      if (!g) {
        g = admin.command(word).description(`${word} verbs`);
        groups.set(word, g);
      }
      parent = g;
    }
    const cmd = parent.command(
      [verb.words.at(-1)!, ...(verb.args ?? []).map((a) => (a.startsWith('[') ? a : `<${a}>`))].join(' '),
    );
    cmd.description(verb.description);
    for (const [flag, arg, help] of verb.options ?? [])
      cmd.addOption(new Option(arg ? `--${flag} <${arg}>` : `--${flag}`, help));
    cmd
      .addOption(new Option('--url <url>', `the server [env ADMIN_URL, default ${DEFAULT_URL}]`))
      .addOption(new Option('--key <key>', 'the admin key [env ADMIN_KEY, default: <data-dir>/admin.key]'))
      .addOption(
        new Option(
          '--data-dir <dir>',
          `the server's data directory, for its admin.key [env DATA_DIR, default ${DEFAULT_DATA_DIR}]`,
        ),
      );
    cmd.action(async (...given: unknown[]) => {
      const n = verb.args?.length ?? 0;
      const args = given.slice(0, n) as string[];
      const opts = given[n] as Record<string, string | boolean | undefined>;
      const values: Values = Object.fromEntries(
        Object.entries(opts).map(([k, v]) => [k, v === true ? '' : (v as string | undefined)]),
      );
      await send(verb, args, values);
    });
  }
}
