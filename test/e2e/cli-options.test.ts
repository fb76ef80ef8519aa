/**
 * The command line's options come from one table: every command reads an option's environment variable when the
 * flag is absent, and names its default the same way in `--help`; the start banner tells PostgreSQL from SQLite
 * by the URL's scheme, not by how a file name begins.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { isPostgresUrl } from '../../src/store/open.js';
import { spawnServer, stopped } from '../helpers/process.js';

const CLI = new URL('../../dist/cli/main.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'appconfig-graph-cli-options-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the CLI in `cwd` with exactly `env` (plus PATH), as a user's shell would. */
async function run(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [CLI, ...args], {
    cwd,
    env: { PATH: process.env.PATH, ...env },
  });
  return stdout.trim();
}

describe('options shared by the commands', () => {
  for (const command of ['token', 'seed', 'export']) {
    it(`${command} finds its database in DATA_DIR when neither --db nor --data-dir is given`, async () => {
      const cwd = join(dir, `${command}-cwd`);
      const dataDir = join(dir, `${command}-data`);
      mkdirSync(cwd);
      const args = command === 'seed' ? ['seed', '--configurations', '1', '--users', '1'] : [command];
      await run(args, cwd, { DATA_DIR: dataDir });
      expect(existsSync(join(dataDir, 'appconfig-graph.db'))).toBe(true);
      // The default data directory was not used instead.
      expect(existsSync(join(cwd, 'data'))).toBe(false);
    });
  }

  it('--data-dir wins over DATA_DIR', async () => {
    const cwd = join(dir, 'flag-cwd');
    mkdirSync(cwd);
    await run(['token', '--data-dir', join(dir, 'flag-data')], cwd, { DATA_DIR: join(dir, 'env-data') });
    expect(existsSync(join(dir, 'flag-data', 'appconfig-graph.db'))).toBe(true);
    expect(existsSync(join(dir, 'env-data'))).toBe(false);
  });

  it('names the environment variable and the default of --data-dir alike on every command', async () => {
    for (const command of ['serve', 'token', 'seed', 'import', 'export']) {
      const help = (await run([command, '--help'], dir)).replace(/\s+/g, ' ');
      expect(help, command).toContain('[env DATA_DIR, default ./data]');
      expect(help, command).toContain('[env DATABASE_URL]');
    }
  });
});

describe('telling PostgreSQL from SQLite', () => {
  it('reads the scheme of a URL', () => {
    for (const db of ['postgres://h/db', 'postgresql://u@h:5432/db', 'POSTGRES://h/db', 'postgres:///db?host=/run'])
      expect(isPostgresUrl(db), db).toBe(true);
    for (const db of [
      undefined,
      ':memory:',
      'postgres.db',
      './postgres',
      'postgresdb/x.db',
      'C:\\data\\x.db',
      'pg://h/db',
    ])
      expect(isPostgresUrl(db), String(db)).toBe(false);
  });

  it('serve announces a SQLite file whose name begins with "postgres" as SQLite', async () => {
    const cwd = join(dir, 'banner');
    mkdirSync(cwd);
    const child = spawn(
      process.execPath,
      [CLI, 'serve', '--db', 'postgres.db', '--port', '0', '--https-port', '-1', '--log-level', 'silent'],
      { cwd, env: { PATH: process.env.PATH }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no banner:\n${out}`)), 20_000);
      const onData = (b: Buffer) => {
        out += b.toString();
        if (out.includes('get a token with:')) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.on('exit', (code) => reject(new Error(`serve exited with ${code}:\n${out}`)));
    });
    child.kill('SIGTERM');
    expect(await stopped(child)).toBe(0);
    expect(out).toContain('store: SQLite postgres.db');
    expect(out).toContain('npx appconfig-graph token --db postgres.db');
  });

  it('serve links the console without a key when the control plane is off, and not at all with --console off', async () => {
    const noAdmin = await spawnServer(['--data-dir', join(dir, 'no-admin'), '--admin', 'off']);
    const noConsole = await spawnServer(['--data-dir', join(dir, 'no-console'), '--console', 'off']);
    for (const s of [noAdmin, noConsole]) {
      s.child.kill('SIGTERM');
      await stopped(s.child);
    }
    expect(noAdmin.output()).toContain(
      `console: ${noAdmin.http}/console/  (the control plane is off: sign in there with a Graph token)`,
    );
    expect(noAdmin.output()).not.toContain('#key=');
    expect(noConsole.output()).not.toContain('console:');
    expect(noConsole.output()).toContain('control plane:');
  });
});
