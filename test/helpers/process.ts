/** Runs the built CLI (`dist/cli/main.js`) as a real process, the way a user does. */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';

const CLI = new URL('../../dist/cli/main.js', import.meta.url).pathname;

export interface ServerProcess {
  readonly child: ChildProcess;
  readonly http: string;
  readonly https: string | undefined;
  output(): string;
}

/** Starts `serve` with the given flags and resolves once it prints its URLs. */
export function spawnServer(args: string[], env: NodeJS.ProcessEnv = {}): Promise<ServerProcess> {
  const child = spawn(
    process.execPath,
    [CLI, 'serve', '--port', '0', '--https-port', '-1', '--log-level', 'silent', ...args],
    {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 20_000);
    const onData = (b: Buffer) => {
      out += b.toString();
      const http = /(http:\/\/[^\s/]+)\/v1\.0/.exec(out)?.[1];
      const https = /(https:\/\/[^\s/]+)\/v1\.0/.exec(out)?.[1];
      // The banner prints every URL at once, after both listeners are up.
      if (http && out.includes('store:')) {
        clearTimeout(timer);
        resolve({ child, http, https, output: () => out });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${out}`));
    });
  });
}

export async function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [CLI, ...args], {
    env: { ...process.env, ...env },
    maxBuffer: 256 * 1024 * 1024,
  });
  return stdout.trim();
}

export function stopped(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });
}
