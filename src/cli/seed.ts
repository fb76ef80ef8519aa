/**
 * `appconfig-graph seed`: a realistic directory (users, groups, managed devices) and configurations with their
 * statuses for a tenant, deterministic for a seed. The users' principal names are those of the statuses.
 */
import { SingleBar } from 'cli-progress';
import { DEFAULT_TENANT } from '../auth/issuer.js';
import { ENUMS } from '../model/graph.js';
import type { BulkItem, Store } from '../store/port.js';
import { FIRST_NAMES, LAST_NAMES, pick, rng } from './seed-data.js';
import { seedDirectoryItems } from './seed-directory.js';
import { openCommandStore } from './store-option.js';

export { FIRST_NAMES, LAST_NAMES };

const APPS = [
  'com.microsoft.office.outlook',
  'com.microsoft.teams',
  'com.contoso.expenses',
  'com.contoso.fieldservice',
  'com.microsoft.skydrive',
];
export const STATUSES = ENUMS.find((e) => e.name === 'complianceStatus')!.members.map((m) => m.name);
export const STATUS_WEIGHTS = [10, 5, 60, 5, 8, 6, 3, 3];

export async function seedTenant(
  store: Store,
  tenant: string,
  configurations: number,
  users: number,
  onProgress: (done: number) => void = () => {},
  seed = 42,
): Promise<void> {
  const r = rng(seed);
  const now = Date.now();
  for (let c = 0; c < configurations; c++) {
    const app = pick(r, APPS);
    const config = await store.create(
      'configurations',
      { tenant },
      {
        type: 'iosMobileAppConfiguration',
        values: {
          displayName: `${app.split('.').pop()} configuration ${c + 1}`,
          description: `Managed settings for ${app}`,
          targetedMobileApps: [app],
          roleScopeTagIds: ['0'],
          encodedSettingXml: null,
          settings: [
            {
              appConfigKey: 'ServerUrl',
              appConfigKeyType: 'stringType',
              appConfigKeyValue: `https://${app.split('.')[1]}.contoso.com`,
            },
          ],
        },
      },
    );
    for (let start = 0; start < users; start += 1000) {
      const n = Math.min(1000, users - start);
      const items = Array.from({ length: n }, (_, k) => {
        const i = start + k;
        const first = pick(r, FIRST_NAMES);
        const last = pick(r, LAST_NAMES);
        const values = {
          userDisplayName: `${first} ${last}`,
          userPrincipalName: `user${i}@contoso.onmicrosoft.com`,
          devicesCount: Math.floor(r() * 4),
          status: pick(r, STATUSES, STATUS_WEIGHTS),
          lastReportedDateTime: new Date(now - Math.floor(r() * 30 * 86400_000)).toISOString().replace('Z', '0000Z'),
        };
        return { principal: values.userPrincipalName, changes: values, create: values };
      });
      await store.upsert('userStatuses', { tenant, configId: config.id }, items);
      onProgress(n);
    }
  }
}

/** Writes the directory of `users` users in one all-or-nothing bulk; answers how many entities and pairs. */
export async function seedDirectory(
  store: Store,
  tenant: string,
  users: number,
  seed: number,
  onProgress: (done: number) => void = () => {},
): Promise<{ users: number; groups: number; devices: number; memberships: number }> {
  const items: BulkItem[] = seedDirectoryItems(tenant, users, seed);
  let last = 0;
  await store.createAll(items, (n) => {
    onProgress(n - last);
    last = n;
  });
  const count = (set: string) => items.filter((i) => 'set' in i && i.set === set).length;
  return {
    users: count('users'),
    groups: count('groups'),
    devices: count('managedDevices'),
    memberships: items.filter((i) => 'link' in i).length,
  };
}

export async function runSeed(opts: Record<string, string | undefined>): Promise<void> {
  const configurations = Number(opts.configurations ?? 10);
  const users = Number(opts.users ?? 100);
  const seed = Number(opts.seed ?? 42);
  if (!Number.isInteger(configurations) || configurations < 0)
    throw new Error('--configurations must be a whole number');
  if (!Number.isInteger(users) || users < 0) throw new Error('--users must be a whole number');
  if (!Number.isInteger(seed)) throw new Error('--seed must be a whole number');
  const tenant = opts.tenant ?? DEFAULT_TENANT;
  const store = await openCommandStore(opts);
  const bar = new SingleBar({
    format: 'seeding {bar} {percentage}% | {value}/{total} entities | {duration}s',
    stream: process.stderr,
  });
  const directoryItems = seedDirectoryItems(tenant, users, seed).length;
  bar.start(directoryItems + configurations * users, 0);
  let dir: Awaited<ReturnType<typeof seedDirectory>>;
  try {
    dir = await seedDirectory(store, tenant, users, seed, (n) => bar.increment(n));
    await seedTenant(store, tenant, configurations, users, (n) => bar.increment(n), seed);
  } finally {
    bar.stop();
    await store.close();
  }
  process.stderr.write(
    `seeded tenant ${tenant}: ${dir.users} users, ${dir.groups} groups (${dir.memberships} memberships), ` +
      `${dir.devices} managed devices; ${configurations} configurations × ${users} user statuses\n`,
  );
}
