#!/usr/bin/env node
/** The `appconfig-graph` command line (README.md: running it). */
import { Command } from 'commander';
import { isPostgresUrl } from '../store/open.js';
import { addAdminCommand } from './admin.js';
import { resolveServeConfig } from './config.js';
import { addOptions, COMMAND_OPTIONS, DEFAULT_DATA_DIR } from './options.js';
import { runSeed } from './seed.js';
import { type RunningServer, startServer } from './start.js';
import { runToken } from './token.js';
import { runExport, runImport } from './transfer.js';

const program = new Command();
program
  .name('appconfig-graph')
  .description('A Microsoft Graph (Intune) compatible server for mobile app configurations and their statuses.');

const serve = addOptions(
  program.command('serve', { isDefault: false }).description('serve the API over HTTP and HTTPS'),
  COMMAND_OPTIONS.serve,
);
/** A database URL fit to print: the password (if any) replaced, so banners and logs never carry it. */
function redact(db: string): string {
  try {
    const u = new URL(db);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return db;
  }
}

/**
 * The console's link. With the control plane on it carries the admin key in the fragment, which browsers never
 * send to a server, so the key reaches no access log; the console moves it to the tab's session storage.
 */
function consoleLines(server: RunningServer): string[] {
  if (!server.consoleUrl) return [];
  if (!server.admin)
    return [`console: ${server.consoleUrl}  (the control plane is off: sign in there with a Graph token)`];
  return [
    `console: ${server.consoleUrl}#key=${encodeURIComponent(server.admin.key)}`,
    server.admin.keyPath
      ? `  the link carries the admin key of ${server.admin.keyPath}: keep it to yourself`
      : '  the link carries the admin key given by --admin-key or ADMIN_KEY: keep it to yourself',
  ];
}

/** The simulation, when on: its clock and settings, and how to move it. */
function simulationLines(server: RunningServer): string[] {
  const sim = server.simulation;
  if (!sim) return ['simulation: off (statuses change only when clients write them; --simulate turns it on)'];
  const v = sim.view;
  const clock = v.mode === 'manual' ? 'manual clock (moves only through /_admin/clock)' : `real clock × ${v.speed}`;
  return [
    `simulation: on, ${clock}, sim time ${v.now}`,
    `  devices check in every ${v.interval}; error rate ${v.errorRate}, offline rate ${v.offlineRate}, seed ${v.seed}`,
    ...(server.admin ? ['  e.g. npx appconfig-graph admin clock --advance PT8H'] : []),
  ];
}

serve.action(async (flags: Record<string, string | undefined>) => {
  const config = resolveServeConfig(flags);
  const server = await startServer(config);
  const lines = [
    'appconfig-graph is serving Microsoft Graph (mobileAppConfigurations) on',
    ...(server.httpUrl ? [`  ${server.httpUrl}/v1.0   ${server.httpUrl}/beta`] : []),
    ...(server.httpsUrl ? [`  ${server.httpsUrl}/v1.0   ${server.httpsUrl}/beta`] : []),
    `store: ${isPostgresUrl(config.db) ? `PostgreSQL ${redact(config.db)}` : `SQLite ${config.db ?? `${config.dataDir}/appconfig-graph.db`}`}`,
    ...(server.caPath
      ? [
          `HTTPS uses a local CA: ${server.caPath}`,
          `  trust it in Node clients with: export NODE_EXTRA_CA_CERTS=${server.caPath}`,
        ]
      : []),
    ...(config.auth === 'local'
      ? [
          'get a token with:',
          `  npx appconfig-graph token${config.db ? ` --db ${redact(config.db)}` : config.dataDir !== DEFAULT_DATA_DIR ? ` --db ${config.dataDir}/appconfig-graph.db` : ''}`,
          `  or POST ${server.httpsUrl ?? server.httpUrl}/<tenant>/oauth2/v2.0/token (client credentials)`,
        ]
      : []),
    ...(server.admin
      ? [
          `control plane: ${server.httpUrl ?? server.httpsUrl}/_admin  (Authorization: Bearer <admin key>)`,
          server.admin.keyPath
            ? `  admin key in ${server.admin.keyPath}`
            : '  admin key: the one given by --admin-key or ADMIN_KEY',
          `  e.g. npx appconfig-graph admin tenants --url ${server.httpUrl ?? server.httpsUrl}${server.admin.keyPath && config.dataDir !== DEFAULT_DATA_DIR ? ` --data-dir ${config.dataDir}` : ''}`,
        ]
      : []),
    ...simulationLines(server),
    ...consoleLines(server),
  ];
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`${signal}: finishing requests in flight, then closing\n`);
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`error while closing: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  // Before the banner: whoever waits for it may signal at once, and an unhandled SIGTERM would kill the server
  // without closing it.
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  process.stdout.write(`${lines.join('\n')}\n`);
});

addOptions(
  program.command('token').description('print an access token from the local issuer of a database'),
  COMMAND_OPTIONS.token,
).action(async (opts: Record<string, string | undefined>) => {
  process.stdout.write(`${await runToken(opts)}\n`);
});

addOptions(program.command('seed').description('fill a tenant with realistic data'), COMMAND_OPTIONS.seed).action(
  async (opts: Record<string, string | undefined>) => {
    await runSeed(opts);
  },
);

addOptions(
  program.command('import <file>').description("import a tenant's data from Graph-shaped JSON"),
  COMMAND_OPTIONS.import,
).action(async (file: string, opts: Record<string, string | undefined>) => {
  await runImport(file, opts);
});

addOptions(
  program.command('export').description("write a tenant's data as Graph-shaped JSON to standard output"),
  COMMAND_OPTIONS.export,
).action(async (opts: Record<string, string | undefined>) => {
  await runExport(opts);
});

addAdminCommand(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`appconfig-graph: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
