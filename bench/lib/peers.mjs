/** The peers of case 6: json-server (its CLI on a file, and its router in memory) and Stoplight Prism. */
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BENCH, log } from './context.mjs';
import { statusBody, statusId } from './data.mjs';
import { send } from './probes.mjs';
import { sleep, startProcess, stopProcess } from './procs.mjs';
import { freePort, V } from './servers.mjs';

/** Installs the peers into bench/node_modules on first use. */
export function ensurePeers() {
  const have = ['json-server', '@stoplight/prism-cli'].every((p) =>
    existsSync(join(BENCH, 'node_modules', p, 'package.json')),
  );
  if (have) return;
  log('installing the peers (json-server, Stoplight Prism) into bench/node_modules');
  const r = spawnSync(
    'npm',
    [existsSync(join(BENCH, 'package-lock.json')) ? 'ci' : 'install', '--no-audit', '--no-fund'],
    {
      cwd: BENCH,
      stdio: 'inherit',
    },
  );
  if (r.status !== 0) throw new Error('npm install in bench/ failed');
}

export async function startJsonServerFile(ctx, file) {
  const { work } = ctx;
  const port = await freePort();
  const p = await startProcess({
    name: 'json-server',
    cmd: process.execPath,
    args: [
      join(BENCH, 'node_modules/json-server/lib/cli/bin.js'),
      file,
      '--port',
      String(port),
      '--host',
      '127.0.0.1',
      '--quiet',
    ],
    cwd: work,
    logFile: join(work, 'json-server.log'),
    ready: /^/,
  });
  await waitHttp(`http://127.0.0.1:${port}/userStatuses?_limit=1`);
  return { ...p, url: `http://127.0.0.1:${port}` };
}

export async function startJsonServerMemory(ctx, file) {
  const { work } = ctx;
  const port = await freePort();
  const p = await startProcess({
    name: 'json-server-memory',
    cmd: process.execPath,
    args: [join(BENCH, 'peers/json-server-memory.cjs'), file, String(port)],
    cwd: BENCH,
    logFile: join(work, 'json-server-memory.log'),
    ready: /listening on (http:\/\/127\.0\.0\.1:\d+)/,
  });
  return { ...p, url: p.match };
}

async function startPrism(ctx, doc, name) {
  const { work } = ctx;
  const port = await freePort();
  const p = await startProcess({
    name,
    cmd: process.execPath,
    args: [
      join(BENCH, 'node_modules/@stoplight/prism-cli/dist/index.js'),
      'mock',
      '-h',
      '127.0.0.1',
      '-p',
      String(port),
      doc,
    ],
    cwd: BENCH,
    logFile: join(work, `${name}.log`),
    ready: /Prism is listening on (http:\/\/127\.0\.0\.1:\d+)/,
  });
  return { ...p, url: p.match };
}

async function waitHttp(url, timeoutMs = 120_000) {
  const t0 = Date.now();
  for (;;) {
    try {
      const r = await fetch(url);
      await r.arrayBuffer();
      if (r.ok) return;
    } catch {}
    if (Date.now() - t0 > timeoutMs) throw new Error(`${url} did not answer within ${timeoutMs} ms`);
    await sleep(200);
  }
}

/**
 * Prism on the project's own /openapi.json when Prism serves the seed PATCH from it, else on the minimal
 * description in bench/openapi.min.json; says which and why.
 */
export async function startPrismPeer(ctx, ours, cfg) {
  const { work } = ctx;
  const served = join(work, 'openapi.json');
  writeFileSync(served, await (await fetch(`${ours.url}/openapi.json`)).text());
  const probe = async (p) => {
    const r = await send(p.url, 'PATCH', `${V}/${cfg.id}/userStatuses`, ours.headers, statusBody(1));
    const g = await send(p.url, 'GET', `${V}/${cfg.id}/userStatuses/${statusId(cfg.tag, 1)}`, ours.headers);
    const k = await send(p.url, 'PATCH', `${V}/${cfg.id}/userStatuses/${statusId(cfg.tag, 1)}`, ours.headers, {
      status: 'error',
    });
    const bad = [r, g, k].find((x) => x.status >= 300);
    return bad ? `${bad.status} ${bad.headers.get('sl-violations') ?? bad.text.slice(0, 200)}` : undefined;
  };
  let prism = await startPrism(ctx, served, 'prism');
  const why = await probe(prism);
  if (!why) return { prism, document: 'the served /openapi.json' };
  await stopProcess(prism);
  prism = await startPrism(ctx, join(BENCH, 'openapi.min.json'), 'prism-min');
  const still = await probe(prism);
  if (still) throw new Error(`Prism rejects the benchmark requests even on bench/openapi.min.json: ${still}`);
  return {
    prism,
    document: `bench/openapi.min.json (the served /openapi.json is not usable by Prism: the seed PATCH answers ${why})`,
  };
}
