/** `appconfig-graph admin <verb>` against a served process, reading the key from the data directory. */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, type ServerProcess, spawnServer, stopped } from '../../helpers/process.js';

// biome-ignore lint/suspicious/noExplicitAny: JSON answers
type Json = any;

const CLI = new URL('../../../dist/cli/main.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'appconfig-graph-admin-cli-'));
let server: ServerProcess;

beforeAll(async () => {
  server = await spawnServer(['--data-dir', dir]);
});
afterAll(async () => {
  server.child.kill('SIGTERM');
  await stopped(server.child);
  rmSync(dir, { recursive: true, force: true });
});

const admin = async (...args: string[]): Promise<Json> => {
  const out = await cli(['admin', ...args, '--url', server.http, '--data-dir', dir]);
  return out === '' ? undefined : JSON.parse(out);
};

describe('appconfig-graph admin', () => {
  it('names the key file in the banner and lists every verb in --help', async () => {
    expect(server.output()).toContain(`admin key in ${dir}/admin.key`);
    // The console's link carries the key in the fragment, and the banner says which key file it is.
    const key = readFileSync(join(dir, 'admin.key'), 'utf8').trim();
    expect(server.output()).toContain(`console: ${server.http}/console/#key=${key}`);
    expect(server.output()).toContain(`the link carries the admin key of ${dir}/admin.key`);
    const help = await cli(['admin', '--help']);
    for (const verb of ['tenants', 'tenant-delete', 'tenant-token', 'snapshot', 'requests', 'requests-clear', 'faults'])
      expect(help).toContain(verb);
    expect(await cli(['admin', 'snapshot', '--help'])).toMatch(/take .*\n[\s\S]*list[\s\S]*restore[\s\S]*delete/);
    expect(await cli(['admin', 'faults', 'add', '--help'])).toContain('--retry-after <seconds>');
  });

  it('drives tenants, snapshots, the journal and faults', async () => {
    const token = await cli(['token', '--db', join(dir, 'appconfig-graph.db')]);
    const graph = (method: string, path: string, body?: unknown) =>
      fetch(`${server.http}/v1.0${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
    const created = await graph('POST', '/deviceAppManagement/mobileAppConfigurations', {
      '@odata.type': '#microsoft.graph.iosMobileAppConfiguration',
      displayName: 'CLI',
    });
    expect(created.status).toBe(201);
    const tenants = await admin('tenants');
    expect(tenants.value).toEqual([{ tenant: expect.any(String), rows: 1, counts: { configurations: 1 } }]);
    const tid = tenants.value[0].tenant;
    const minted = await admin('tenant-token', tid);
    expect(minted).toMatchObject({ token_type: 'Bearer', tenant: tid });
    const read = await fetch(`${server.http}/v1.0/deviceAppManagement/mobileAppConfigurations`, {
      headers: { authorization: `Bearer ${minted.access_token}` },
    });
    expect(((await read.json()) as Json).value).toHaveLength(1);

    expect(await admin('snapshot', 'take', 'base', '--tenant', tid)).toMatchObject({
      name: 'base',
      tenant: tid,
      rows: 1,
    });
    expect((await admin('snapshot', 'list')).value.map((s: Json) => s.name)).toEqual(['base']);
    expect(await admin('tenant-delete', tid)).toEqual({ tenant: tid, rowsDeleted: 1 });
    expect(await admin('snapshot', 'restore', 'base')).toMatchObject({ name: 'base' });
    expect((await admin('tenants')).value).toHaveLength(1);
    expect(await admin('snapshot', 'delete', 'base')).toBeUndefined();

    const rule = await admin(
      'faults',
      'add',
      '--path',
      '/deviceAppManagement/**',
      '--status',
      '503',
      '--retry-after',
      '0',
      '--times',
      '1',
    );
    expect(rule).toMatchObject({ path: '/deviceAppManagement/**', status: 503, retryAfter: 0, times: 1 });
    expect((await graph('GET', '/deviceAppManagement/mobileAppConfigurations')).status).toBe(503);
    expect((await admin('faults', 'list')).value[0]).toMatchObject({ id: rule.id, spent: true });
    expect(await admin('faults', 'delete', rule.id)).toBeUndefined();

    const journal = await admin('requests', '--status', '503', '--top', '5');
    expect(journal.value.map((e: Json) => [e.status, e.faultId])).toEqual([[503, rule.id]]);
    await admin('requests-clear');
    expect((await admin('requests')).value).toEqual([]);
  });

  it('prints the error answer on standard error and exits 1', async () => {
    const run = promisify(execFile)(process.execPath, [
      CLI,
      'admin',
      'snapshot',
      'restore',
      'nope',
      '--url',
      server.http,
      '--data-dir',
      dir,
    ]);
    await expect(run).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining("No snapshot named 'nope' exists."),
    });
    const noKey = promisify(execFile)(
      process.execPath,
      [CLI, 'admin', 'tenants', '--url', server.http, '--data-dir', join(dir, 'none')],
      {
        env: { ...process.env, ADMIN_KEY: '' },
      },
    );
    await expect(noKey).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('no admin key') });
  });
});
