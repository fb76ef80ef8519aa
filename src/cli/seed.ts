/** `appconfig-graph seed`: realistic configurations and statuses for a tenant, through the store's bulk upsert. */
import { SingleBar } from 'cli-progress';
import { DEFAULT_TENANT } from '../auth/issuer.js';
import { ENUMS } from '../model/graph.js';
import type { Store } from '../store/port.js';
import { openCommandStore } from './store-option.js';

/** Names, statuses and the status mix of realistic data; the benchmarks build the same data from these. */
export const FIRST_NAMES = [
  'Adele',
  'Alex',
  'Diego',
  'Grady',
  'Henrietta',
  'Isaiah',
  'Johanna',
  'Joni',
  'Lee',
  'Lidia',
  'Lynne',
  'Megan',
  'Miriam',
  'Nestor',
  'Patti',
  'Pradeep',
  'Renée',
  'Zoë',
  'Jörg',
  'Ines',
];
export const LAST_NAMES = [
  'Vance',
  'Wilber',
  'Siciliani',
  'Archie',
  'Fuller',
  'Goodwin',
  'Christie',
  'Sherman',
  'Gu',
  'Holloway',
  'Valdez',
  'Bowen',
  'Graham',
  'Wilke',
  'Fernandez',
  'Gupta',
  'Müller',
  'Ørsted',
  'Åberg',
  'García',
];
const APPS = [
  'com.microsoft.office.outlook',
  'com.microsoft.teams',
  'com.contoso.expenses',
  'com.contoso.fieldservice',
  'com.microsoft.skydrive',
];
export const STATUSES = ENUMS.find((e) => e.name === 'complianceStatus')!.members.map((m) => m.name);
export const STATUS_WEIGHTS = [10, 5, 60, 5, 8, 6, 3, 3];

/** A deterministic pseudo-random sequence, so `seed` makes the same data every time. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(r: () => number, xs: readonly T[], weights?: readonly number[]): T {
  if (!weights) return xs[Math.floor(r() * xs.length)]!;
  let x = r() * weights.reduce((a, b) => a + b, 0);
  for (let i = 0; i < xs.length; i++) {
    x -= weights[i]!;
    if (x < 0) return xs[i]!;
  }
  return xs[xs.length - 1]!;
}

export async function seedTenant(
  store: Store,
  tenant: string,
  configurations: number,
  users: number,
  onProgress: (done: number) => void = () => {},
): Promise<void> {
  const r = rng(42);
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

export async function runSeed(opts: Record<string, string | undefined>): Promise<void> {
  const configurations = Number(opts.configurations ?? 10);
  const users = Number(opts.users ?? 100);
  if (!Number.isInteger(configurations) || configurations < 0)
    throw new Error('--configurations must be a whole number');
  if (!Number.isInteger(users) || users < 0) throw new Error('--users must be a whole number');
  const tenant = opts.tenant ?? DEFAULT_TENANT;
  const store = await openCommandStore(opts);
  const bar = new SingleBar({
    format: 'seeding {bar} {percentage}% | {value}/{total} user statuses | {duration}s',
    stream: process.stderr,
  });
  bar.start(configurations * users, 0);
  try {
    await seedTenant(store, tenant, configurations, users, (n) => bar.increment(n));
  } finally {
    bar.stop();
    await store.close();
  }
  process.stderr.write(`seeded tenant ${tenant}: ${configurations} configurations × ${users} user statuses\n`);
}
