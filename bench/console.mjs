#!/usr/bin/env node
/**
 * How long the console takes to show a configuration with many statuses, in Debian's Chromium (docs/console.md):
 *
 *   node bench/console.mjs [--statuses N] [--rounds N]
 *
 * Seeds one tenant with one configuration of N user statuses (default 100,000; `seed` makes the directory too),
 * starts the built server, signs the console in, and then, per round, goes from the tenant's page to the
 * configuration's and stops the clock when everything the view shows is drawn: both summary charts, the
 * assignments, the statuses-over-time chart and the first page of both status tables. Reported: the median, the
 * fastest and the slowest round, the same from a cold page load (the app's script parsed anew), and the requests
 * and bytes one view costs — a handful, whatever N is, since the server summarises, counts and pages.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const REPO = new URL('..', import.meta.url).pathname;
const CLI = join(REPO, 'dist/cli/main.js');
const arg = (flag, def) => {
  const i = process.argv.indexOf(flag);
  return i < 0 ? def : Number(process.argv[i + 1]);
};
const statuses = arg('--statuses', 100_000);
const rounds = arg('--rounds', 7);
if (!existsSync(join(REPO, 'dist/console/index.html'))) throw new Error('Build first: npm run build');

const dir = mkdtempSync(join(tmpdir(), 'appconfig-graph-bench-console-'));
const run = (args) =>
  new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (b) => (out += b));
    p.stderr.on('data', (b) => (out += b));
    p.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(out))));
  });

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x) => `${x.toFixed(0)} ms`;

console.log(`seeding one configuration with ${statuses.toLocaleString('en')} user statuses…`);
const t0 = Date.now();
await run(['seed', '--configurations', '1', '--users', String(statuses), '--data-dir', dir]);
console.log(`  seeded in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

const server = spawn(
  process.execPath,
  [CLI, 'serve', '--data-dir', dir, '--port', '0', '--https-port', '-1', '--log-level', 'silent', '--throttle', 'off'],
  {
    stdio: ['ignore', 'pipe', 'pipe'],
  },
);
const base = await new Promise((resolve, reject) => {
  let out = '';
  server.stdout.on('data', (b) => {
    out += b;
    const m = /console: (http:\/\/\S+)\/console\/#key=/.exec(out);
    if (m) resolve(m[1]);
  });
  server.on('exit', () => reject(new Error(out)));
});
const key = readFileSync(join(dir, 'admin.key'), 'utf8').trim();
const tenant = '00000000-0000-0000-0000-000000000001';

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--no-first-run',
  ],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const ready = async () => {
    await page.waitForSelector('[data-chart=timeline] canvas');
    await page.waitForSelector('[data-table=user-statuses] tbody tr');
    await page.waitForSelector('[data-table=device-statuses], [data-status-table=device] [role=alert]');
    await page.waitForFunction(() => document.querySelector('p.muted[role=status]') === null);
  };
  await page.goto(`${base}/console/#key=${key}`);
  await page.waitForSelector('[data-table=tenants]');
  await page.evaluate((t) => (location.hash = `#/tenants/${t}`), tenant);
  await page.waitForSelector('[data-list=configurations] h2 a');
  const configHash = await page.getAttribute('[data-list=configurations] h2 a', 'href');

  const warm = [];
  let requests = 0;
  let bytes = 0;
  for (let r = 0; r < rounds; r++) {
    await page.evaluate((t) => (location.hash = `#/tenants/${t}`), tenant);
    await page.waitForSelector('[data-list=configurations] h2 a');
    await page.waitForFunction(() => document.querySelector('p.muted[role=status]') === null);
    let n = 0;
    let size = 0;
    const onResponse = async (res) => {
      n++;
      size += Number((await res.allHeaders())['content-length'] ?? 0);
    };
    page.on('response', onResponse);
    const start = await page.evaluate(() => performance.now());
    await page.evaluate((h) => (location.hash = h), configHash);
    await ready();
    warm.push((await page.evaluate(() => performance.now())) - start);
    page.off('response', onResponse);
    requests = n;
    bytes = size;
  }

  const cold = [];
  for (let r = 0; r < Math.min(rounds, 5); r++) {
    await page.goto('about:blank');
    const start = Date.now();
    await page.goto(`${base}/console/${configHash}`);
    await ready();
    cold.push(Date.now() - start);
  }

  console.log(`configuration view with ${statuses.toLocaleString('en')} user statuses, ${rounds} rounds:`);
  console.log(
    `  from the tenant page: median ${ms(median(warm))} (fastest ${ms(Math.min(...warm))}, slowest ${ms(Math.max(...warm))})`,
  );
  console.log(
    `  cold page load:       median ${ms(median(cold))} (fastest ${ms(Math.min(...cold))}, slowest ${ms(Math.max(...cold))})`,
  );
  console.log(`  one view: ${requests} HTTP requests, ${(bytes / 1024).toFixed(1)} KiB of answers`);
} finally {
  await browser.close();
  server.kill('SIGTERM');
  await new Promise((r) => server.on('exit', r));
  rmSync(dir, { recursive: true, force: true });
}
