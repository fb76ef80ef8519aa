/**
 * `serve` closes gracefully on a signal sent the moment its banner appears, as a supervisor or a test harness
 * that waits for the banner sends it: the handlers are in place before the banner is written.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const CLI = new URL('../../dist/cli/main.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'appconfig-graph-signals-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Starts `serve`, sends `signal` as soon as the banner is complete, and resolves with how the process ended. */
function signalAtBanner(signal: NodeJS.Signals): Promise<{ code: number | null; signal: string | null; out: string }> {
  const child = spawn(
    process.execPath,
    [CLI, 'serve', '--db', ':memory:', '--port', '0', '--https-port', '-1', '--log-level', 'silent'],
    { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let sent = false;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner or no exit:\n${out}`)), 20_000);
    const onData = (b: Buffer) => {
      out += b.toString();
      if (!sent && out.includes('get a token with:')) {
        sent = true;
        child.kill(signal);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code, sig) => {
      clearTimeout(timer);
      resolve({ code, signal: sig, out });
    });
  });
}

describe('serve and signals', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`closes gracefully on ${signal} sent as soon as the banner appears`, async () => {
      // Several tries: the window the handlers once left open was a few microseconds wide.
      for (let i = 0; i < 6; i++) {
        const r = await signalAtBanner(signal);
        expect(r.signal, r.out).toBeNull();
        expect(r.code, r.out).toBe(0);
        expect(r.out).toContain(`${signal}: finishing requests in flight, then closing`);
      }
    });
  }
});
