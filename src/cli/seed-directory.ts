/**
 * A realistic directory as one bulk of store items, a pure function of (tenant, users, seed): users with names,
 * principal names, departments and job titles; groups of several sizes (5, 50, a tenth, everyone); and one to
 * three managed devices per user across iOS, iPadOS, Android, Windows and macOS with believable hardware.
 */
import type { EntityValues } from '../model/validate.js';
import type { BulkItem } from '../store/port.js';
import { FIRST_NAMES, LAST_NAMES, pick, rng } from './seed-data.js';

const DOMAIN = 'contoso.onmicrosoft.com';

const DEPARTMENTS: readonly (readonly [string, readonly string[]])[] = [
  ['Sales', ['Account Executive', 'Sales Manager', 'Sales Representative']],
  ['Marketing', ['Marketing Manager', 'Content Strategist', 'Product Marketing Manager']],
  ['Engineering', ['Software Engineer', 'Senior Software Engineer', 'Engineering Manager']],
  ['Finance', ['Accountant', 'Financial Analyst', 'Controller']],
  ['Human Resources', ['HR Generalist', 'Recruiter', 'HR Manager']],
  ['Operations', ['Operations Analyst', 'Logistics Coordinator', 'Facilities Manager']],
  ['Legal', ['Counsel', 'Paralegal']],
  ['Support', ['Support Engineer', 'Customer Success Manager']],
];
const OFFICES = ['Redmond', 'Seattle', 'New York', 'London', 'Berlin', 'Tokyo', 'São Paulo'];
const LOCATIONS = ['US', 'US', 'US', 'GB', 'DE', 'JP', 'BR'];

interface Hardware {
  readonly os: string;
  readonly versions: readonly string[];
  readonly models: readonly (readonly [manufacturer: string, model: string])[];
  readonly serial: (r: () => number) => string;
  readonly weight: number;
}

const ALNUM = 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789';
const chars = (r: () => number, n: number, from = ALNUM): string =>
  Array.from({ length: n }, () => from[Math.floor(r() * from.length)]).join('');

const HARDWARE: readonly Hardware[] = [
  {
    os: 'iOS',
    versions: ['17.5.1', '17.6', '18.0.1', '18.1'],
    models: [
      ['Apple', 'iPhone 14'],
      ['Apple', 'iPhone 15'],
      ['Apple', 'iPhone 15 Pro'],
      ['Apple', 'iPhone SE (3rd generation)'],
    ],
    serial: (r) => chars(r, 12),
    weight: 30,
  },
  {
    os: 'iPadOS',
    versions: ['17.5.1', '18.0', '18.1'],
    models: [
      ['Apple', 'iPad (10th generation)'],
      ['Apple', 'iPad Air (5th generation)'],
      ['Apple', 'iPad Pro 11-inch (4th generation)'],
    ],
    serial: (r) => chars(r, 12),
    weight: 8,
  },
  {
    os: 'Android',
    versions: ['13', '14', '15'],
    models: [
      ['samsung', 'SM-S921B'],
      ['samsung', 'SM-A546B'],
      ['Google', 'Pixel 8'],
      ['Google', 'Pixel 7a'],
      ['motorola', 'moto g54 5G'],
    ],
    serial: (r) => chars(r, 11),
    weight: 25,
  },
  {
    os: 'Windows',
    versions: ['10.0.19045.4780', '10.0.22631.4169', '10.0.26100.1742'],
    models: [
      ['Microsoft Corporation', 'Surface Laptop 5'],
      ['Microsoft Corporation', 'Surface Pro 9'],
      ['Dell Inc.', 'Latitude 7440'],
      ['LENOVO', '21HD0053US'],
      ['HP', 'HP EliteBook 840 G10'],
    ],
    serial: (r) => chars(r, 10),
    weight: 27,
  },
  {
    os: 'macOS',
    versions: ['14.6.1', '15.0', '15.1'],
    models: [
      ['Apple', 'MacBook Air (M2, 2022)'],
      ['Apple', 'MacBook Pro (14-inch, M3, 2023)'],
    ],
    serial: (r) => chars(r, 12),
    weight: 10,
  },
];

const iso = (ms: number): string => new Date(ms).toISOString().replace('Z', '0000Z');

/** Deterministic ids, so the same seed gives the same directory, ids included. */
const hexId = (r: () => number): string => {
  const h = chars(r, 32, '0123456789abcdef');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

export interface SeededUser {
  readonly id: string;
  readonly upn: string;
  readonly name: string;
}

/** The directory of `users` users, as the items of one all-or-nothing bulk create. */
export function seedDirectoryItems(tenant: string, users: number, seed: number): BulkItem[] {
  const r = rng(seed ^ 0x5eed);
  const scope = { tenant };
  const out: BulkItem[] = [];
  const people: SeededUser[] = [];
  // A fixed epoch keeps the data a function of the seed alone.
  const epoch = Date.UTC(2026, 0, 1);
  for (let i = 0; i < users; i++) {
    const first = pick(r, FIRST_NAMES);
    const last = pick(r, LAST_NAMES);
    const [department, titles] = pick(r, DEPARTMENTS);
    const office = Math.floor(r() * OFFICES.length);
    const upn = `user${i}@${DOMAIN}`;
    const id = hexId(r);
    const values: EntityValues = {
      businessPhones: [`+1 425 555 ${String(1000 + (i % 9000)).padStart(4, '0')}`],
      displayName: `${first} ${last}`,
      givenName: first,
      jobTitle: pick(r, titles),
      mail: upn,
      mobilePhone: null,
      officeLocation: OFFICES[office]!,
      preferredLanguage: 'en-US',
      surname: last,
      userPrincipalName: upn,
      accountEnabled: r() > 0.03,
      createdDateTime: iso(epoch - Math.floor(r() * 900 * 86400_000)),
      department,
      mailNickname: `user${i}`,
      passwordProfile: null,
      usageLocation: LOCATIONS[office]!,
    };
    out.push({ set: 'users', scope, entity: { id, type: 'user', values, keepServerValues: true } });
    people.push({ id, upn, name: `${first} ${last}` });
  }

  const sizes: readonly (readonly [string, number])[] = [
    ['Pilot ring', 5],
    ['Early adopters', 50],
    ['Field workers', Math.round(users / 10)],
    ['All employees', users],
  ];
  for (const [name, wanted] of sizes) {
    const id = hexId(r);
    const nickname = name.toLowerCase().replace(/\s+/g, '-');
    out.push({
      set: 'groups',
      scope,
      entity: {
        id,
        type: 'group',
        keepServerValues: true,
        values: {
          createdDateTime: iso(epoch - Math.floor(r() * 400 * 86400_000)),
          description: `${name} (${Math.min(wanted, users)} members)`,
          displayName: name,
          groupTypes: [],
          mail: null,
          mailEnabled: false,
          mailNickname: nickname,
          securityEnabled: true,
        },
      },
    });
    // A deterministic spread of members: every k-th user from a seeded offset.
    const n = Math.min(wanted, users);
    const step = n === 0 ? 1 : Math.max(1, Math.floor(users / n));
    const offset = Math.floor(r() * step);
    for (let k = 0; k < n; k++) {
      const member = people[(offset + k * step) % users]!;
      out.push({ link: 'members', scope, ownerId: id, memberId: member.id, label: `${name}.members[${k}]` });
    }
  }

  const weights = HARDWARE.map((h) => h.weight);
  for (const person of people) {
    const devices = 1 + Math.floor(r() * 3);
    for (let d = 0; d < devices; d++) {
      const hw = pick(r, HARDWARE, weights);
      const [manufacturer, model] = pick(r, hw.models);
      const enrolled = epoch - Math.floor(r() * 365 * 86400_000);
      out.push({
        set: 'managedDevices',
        scope,
        entity: {
          id: hexId(r),
          type: 'managedDevice',
          values: {
            userId: person.id,
            deviceName: `${person.name.split(' ')[0]!.toUpperCase()}-${hw.os.toUpperCase()}-${chars(r, 4)}`,
            managedDeviceOwnerType: r() < 0.8 ? 'company' : 'personal',
            enrolledDateTime: iso(enrolled),
            lastSyncDateTime: iso(enrolled + Math.floor(r() * (epoch - enrolled))),
            operatingSystem: hw.os,
            complianceState: pick(r, ['compliant', 'noncompliant', 'inGracePeriod', 'unknown'], [85, 6, 4, 5]),
            managementAgent: 'mdm',
            osVersion: pick(r, hw.versions),
            azureADDeviceId: hexId(r),
            model,
            manufacturer,
            serialNumber: hw.serial(r),
            userPrincipalName: person.upn,
            userDisplayName: person.name,
          },
        },
      });
    }
  }
  return out;
}
