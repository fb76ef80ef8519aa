/** Starting the servers under test, and what they need before the load: a token and a configuration. */
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { BENCH, CLI, REPO } from './context.mjs';
import { startProcess } from './procs.mjs';

const OURS_READY = /(http:\/\/127\.0\.0\.1:\d+)\/v1\.0/;
export const V = '/v1.0/deviceAppManagement/mobileAppConfigurations';

/** The user statuses of a configuration, the collection every case loads. */
export const ourPath = (cfg) => `${V}/${cfg.id}/userStatuses`;

/** The query of the filtered page (cases 3 and 5). */
export const PAGE_QUERY = "$filter=status%20eq%20'error'&$top=100";

/** Our server, built, on `db`: throttling off, request log to a file in the work directory. */
export async function startOurs(ctx, name, db, nodeArgs = []) {
  const { work } = ctx;
  const p = await startProcess({
    name,
    cmd: process.execPath,
    args: [
      ...nodeArgs,
      CLI,
      'serve',
      '--port',
      '0',
      '--https-port',
      '-1',
      '--db',
      db,
      '--data-dir',
      work,
      '--throttle',
      'off',
      '--log-level',
      'info',
    ],
    cwd: REPO,
    logFile: join(work, `${name}.log`),
    ready: OURS_READY,
  });
  return { ...p, url: p.match };
}

/** A started server as the measuring code addresses it: where, which process, how to authorise, its log. */
export const targetOf = (label, proc, headers, extra = {}) => ({
  label,
  url: proc.url,
  pid: proc.pid,
  headers,
  collection: ourPath,
  logFile: proc.logFile,
  ...extra,
});

/** The limit (bench/limit.mjs) on `db`: a SQLite file or a postgres:// URL. */
export async function startLimit(ctx, name, db) {
  const { work } = ctx;
  const p = await startProcess({
    name,
    cmd: process.execPath,
    args: [join(BENCH, 'limit.mjs'), '--db', db, '--port', '0', '--durability', 'normal'],
    cwd: REPO,
    logFile: join(work, `${name}.log`),
    ready: /limit serving (http:\/\/127\.0\.0\.1:\d+)/,
  });
  return { ...p, url: p.match };
}

export function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

/** A token from the database's local issuer, valid for four hours. */
export function token(db) {
  return execFileSync(process.execPath, [CLI, 'token', '--db', db, '--ttl', '14400'], {
    cwd: REPO,
    encoding: 'utf8',
  }).trim();
}

export async function createConfiguration(url, tok, displayName) {
  const r = await fetch(`${url}${V}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${tok}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      '@odata.type': '#microsoft.graph.iosMobileAppConfiguration',
      displayName,
      description: 'benchmark data',
      targetedMobileApps: ['com.microsoft.office.outlook'],
      settings: [
        { appConfigKey: 'ServerUrl', appConfigKeyType: 'stringType', appConfigKeyValue: 'https://outlook.contoso.com' },
      ],
    }),
  });
  if (r.status !== 201) throw new Error(`creating a configuration answered ${r.status}: ${await r.text()}`);
  return (await r.json()).id;
}
