/**
 * An acknowledged write survives kill -9 (docs/api.md#storage-and-scale): the real server process is killed with
 * SIGKILL right after a burst of acknowledged writes, restarted on the same database, and every write is found.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, spawnServer, stopped } from '../helpers/process.js';

const dir = mkdtempSync(join(tmpdir(), 'appconfig-graph-durability-'));
const db = join(dir, 'store.db');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('durability', () => {
  it('keeps every acknowledged write across SIGKILL and restart', async () => {
    const token = await cli(['token', '--db', db]);
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const first = await spawnServer(['--db', db, '--data-dir', dir, '--throttle', 'off']);
    const base = `${first.http}/v1.0/deviceAppManagement/mobileAppConfigurations`;
    const c = await fetch(base, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ '@odata.type': '#microsoft.graph.iosMobileAppConfiguration', displayName: 'durable' }),
    });
    expect(c.status).toBe(201);
    const configId = ((await c.json()) as { id: string }).id;
    const acknowledged: string[] = [];
    await Promise.all(
      Array.from({ length: 4 }, async (_, w) => {
        for (let i = 0; i < 50; i++) {
          const upn = `w${w}-u${i}@contoso.com`;
          const r = await fetch(`${base}/${configId}/userStatuses`, {
            method: 'PATCH',
            headers: auth,
            body: JSON.stringify({ userPrincipalName: upn, status: 'compliant', devicesCount: i }),
          });
          if (r.status === 201) acknowledged.push(upn);
        }
      }),
    );
    expect(acknowledged).toHaveLength(200);
    first.child.kill('SIGKILL');
    await stopped(first.child);

    const second = await spawnServer(['--db', db, '--data-dir', dir, '--throttle', 'off']);
    try {
      const r = await fetch(
        `${second.http}/v1.0/deviceAppManagement/mobileAppConfigurations/${configId}/userStatuses?$top=1000`,
        { headers: auth },
      );
      expect(r.status).toBe(200);
      const found = ((await r.json()) as { value: { userPrincipalName: string }[] }).value.map(
        (v) => v.userPrincipalName,
      );
      expect(found.sort()).toEqual([...acknowledged].sort());
    } finally {
      second.child.kill('SIGTERM');
      expect(await stopped(second.child)).toBe(0);
    }
  });
});
