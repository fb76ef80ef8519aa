/**
 * The command line as a user runs it (docs/api.md#running-the-server): --help everywhere, token, seed with progress,
 * export and import round-tripping a tenant, graceful shutdown on SIGTERM.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { decodeJwt } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, spawnServer, stopped } from '../helpers/process.js';
import { freshSchema, postgresAvailable } from '../store/stores.js';

const dir = mkdtempSync(join(tmpdir(), 'appconfig-graph-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const CLI = new URL('../../dist/cli/main.js', import.meta.url).pathname;

describe('appconfig-graph CLI', () => {
  it('prints --help for every command', async () => {
    for (const cmd of [[], ['serve'], ['token'], ['seed'], ['import'], ['export']]) {
      const out = await cli([...cmd, '--help']);
      expect(out).toContain('Usage: appconfig-graph');
    }
    const serve = await cli(['serve', '--help']);
    for (const flag of [
      '--port',
      '--https-port',
      '--host',
      '--data-dir',
      '--db',
      '--throttle',
      '--auth',
      '--page-size',
      '--public-url',
    ]) {
      expect(serve).toContain(flag);
    }
  });

  it('rejects a bad option value with a message naming it', async () => {
    const r = await promisify(execFile)(
      process.execPath,
      [CLI, 'serve', '--throttle', 'sometimes', '--db', ':memory:'],
      {},
    ).catch((e: { stderr: string; code: number }) => e);
    expect((r as { code: number }).code).toBe(1);
    expect((r as { stderr: string }).stderr).toContain("--throttle must be one of intune, off; got 'sometimes'");
  });

  it('token: Graph-like claims from the database issuer', async () => {
    const db = join(dir, 'token.db');
    const app = decodeJwt(
      await cli([
        'token',
        '--db',
        db,
        '--tenant',
        'contoso-tenant',
        '--roles',
        'DeviceManagementApps.Read.All',
        '--ttl',
        '120',
      ]),
    );
    expect(app).toMatchObject({
      aud: 'https://graph.microsoft.com',
      tid: 'contoso-tenant',
      roles: ['DeviceManagementApps.Read.All'],
    });
    expect((app.exp as number) - Math.floor(Date.now() / 1000)).toBeLessThanOrEqual(120);
    const user = decodeJwt(
      await cli(['token', '--db', db, '--user', 'adele@contoso.com', '--scopes', 'DeviceManagementApps.ReadWrite.All']),
    );
    expect(user.scp).toBe('DeviceManagementApps.ReadWrite.All');
    expect(user.roles).toBeUndefined();
    // The database names the issuer (no port in it); the tenant is the path segment before v2.0.
    expect(user.iss).toMatch(new RegExp(`^https://appconfig-graph\\.localhost/[0-9a-f]{24}/${user.tid}/v2\\.0$`));
  });

  it('seed, export, import into another database, export again: the same tenant', async () => {
    const a = join(dir, 'a.db');
    const b = join(dir, 'b.db');
    const { stderr } = await promisify(execFile)(process.execPath, [
      CLI,
      'seed',
      '--db',
      a,
      '--configurations',
      '2',
      '--users',
      '1500',
    ]);
    expect(stderr).toContain('seeded tenant');
    const exported = await cli(['export', '--db', a]);
    const doc = JSON.parse(exported) as {
      mobileAppConfigurations: { userStatuses: unknown[] }[];
      users: { id: string; userPrincipalName: string }[];
      groups: { displayName: string; members: string[] }[];
      managedDevices: { userId: string; operatingSystem: string }[];
    };
    expect(doc.mobileAppConfigurations).toHaveLength(2);
    expect(doc.mobileAppConfigurations[0]!.userStatuses).toHaveLength(1500);
    // The directory comes along: users named as the statuses, groups of several sizes, 1-3 devices each.
    expect(doc.users).toHaveLength(1500);
    expect(doc.users.map((u) => u.userPrincipalName)).toContain('user0@contoso.onmicrosoft.com');
    expect(doc.groups.map((g) => g.members.length).sort((x, y) => x - y)).toEqual([5, 50, 150, 1500]);
    expect(doc.managedDevices.length).toBeGreaterThanOrEqual(1500);
    expect(doc.managedDevices.length).toBeLessThanOrEqual(4500);
    expect(new Set(doc.managedDevices.map((d) => d.operatingSystem))).toEqual(
      new Set(['iOS', 'iPadOS', 'Android', 'Windows', 'macOS']),
    );
    const file = join(dir, 'tenant.json');
    writeFileSync(file, exported);
    await cli(['import', file, '--db', b]);
    const again = await cli(['export', '--db', b]);
    expect(JSON.parse(again)).toEqual(JSON.parse(readFileSync(file, 'utf8')));
  }, 60_000);

  it('import refuses an invalid file and writes nothing', async () => {
    const db = join(dir, 'bad.db');
    const file = join(dir, 'bad.json');
    writeFileSync(
      file,
      JSON.stringify({
        mobileAppConfigurations: [
          {
            '@odata.type': '#microsoft.graph.iosMobileAppConfiguration',
            displayName: 'ok',
            userStatuses: [{ userPrincipalName: 'a@b' }],
          },
          {
            '@odata.type': '#microsoft.graph.iosMobileAppConfiguration',
            displayName: 'bad',
            userStatuses: [{ devicesCount: 'Integer' }],
          },
        ],
      }),
    );
    const r = await promisify(execFile)(process.execPath, [CLI, 'import', file, '--db', db]).catch(
      (e: { stderr: string; code: number }) => e,
    );
    expect((r as { code: number }).code).toBe(1);
    expect((r as { stderr: string }).stderr).toContain('mobileAppConfigurations[1].userStatuses[0].devicesCount');
    expect(JSON.parse(await cli(['export', '--db', db])).mobileAppConfigurations).toEqual([]);
  });

  it('import refuses a file that repeats an id, before writing anything', async () => {
    const db = join(dir, 'dup.db');
    const file = join(dir, 'dup.json');
    const config = { '@odata.type': '#microsoft.graph.iosMobileAppConfiguration', displayName: 'x', id: 'same' };
    writeFileSync(file, JSON.stringify({ mobileAppConfigurations: [config, { ...config, displayName: 'y' }] }));
    const r = await promisify(execFile)(process.execPath, [CLI, 'import', file, '--db', db]).catch(
      (e: { stderr: string; code: number }) => e,
    );
    expect((r as { code: number }).code).toBe(1);
    expect((r as { stderr: string }).stderr).toContain("mobileAppConfigurations[1]: the id 'same' appears twice");
    expect(JSON.parse(await cli(['export', '--db', db])).mobileAppConfigurations).toEqual([]);
  });

  /** Seeds `db`, then imports a file whose last configuration takes one of the seeded ids. */
  async function importCollidingLast(name: string, db: string): Promise<void> {
    await cli(['seed', '--db', db, '--configurations', '2', '--users', '3']);
    const before = await cli(['export', '--db', db]);
    const existing = (JSON.parse(before) as { mobileAppConfigurations: { id: string }[] }).mobileAppConfigurations[1]!
      .id;
    const ios = '#microsoft.graph.iosMobileAppConfiguration';
    const file = join(dir, `whole-${name}.json`);
    writeFileSync(
      file,
      JSON.stringify({
        mobileAppConfigurations: [
          {
            '@odata.type': ios,
            id: 'fresh',
            displayName: 'new',
            userStatuses: [{ userPrincipalName: 'ann@contoso.com' }, { userPrincipalName: 'bob@contoso.com' }],
          },
          { '@odata.type': ios, displayName: 'also new' },
          { '@odata.type': ios, id: existing, displayName: 'collides' },
        ],
      }),
    );
    const r = await promisify(execFile)(process.execPath, [CLI, 'import', file, '--db', db]).catch(
      (e: { stderr: string; code: number }) => e,
    );
    expect((r as { code: number }).code).toBe(1);
    expect((r as { stderr: string }).stderr).toContain(
      `mobileAppConfigurations[2]: A microsoft.graph.managedDeviceMobileAppConfiguration with id '${existing}' already exists in this tenant. Nothing was imported.`,
    );
    expect(await cli(['export', '--db', db])).toBe(before);
  }

  it('import is all or nothing: a file whose last entity takes an existing id changes nothing', async () => {
    await importCollidingLast('sqlite', join(dir, 'whole.db'));
  }, 60_000);

  it.skipIf(!postgresAvailable)(
    'import is all or nothing on PostgreSQL too',
    async () => {
      const schema = await freshSchema();
      try {
        await importCollidingLast('postgres', schema.url);
      } finally {
        await schema.drop();
      }
    },
    60_000,
  );

  it('serve shuts down gracefully on SIGTERM', async () => {
    const db = join(dir, 'serve.db');
    const s = await spawnServer(['--db', db, '--data-dir', dir, '--https-port', '0']);
    expect((await fetch(`${s.http}/healthz`)).status).toBe(200);
    expect(s.output()).toContain('NODE_EXTRA_CA_CERTS=');
    s.child.kill('SIGTERM');
    expect(await stopped(s.child)).toBe(0);
  });
});
