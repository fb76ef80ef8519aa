/** A small fixed tenant for the engine examples, and random ones for its properties. */
import fc from 'fast-check';
import type { Directory } from '../../src/targeting/types.js';
import { configurationsArb, directoryArb } from '../targeting/arbitraries.js';
import { World, type WorldConfiguration } from './memory-port.js';

export const T0 = Date.UTC(2026, 0, 1);

export const demoDirectory: Directory = {
  users: [
    { id: 'ana', userPrincipalName: 'ana@contoso.com', displayName: 'Ana' },
    { id: 'ben', userPrincipalName: 'ben@contoso.com', displayName: 'Ben' },
    { id: 'cy', userPrincipalName: 'cy@contoso.com', displayName: 'Cy' },
  ],
  memberships: new Map([
    ['everyone', ['ana', 'ben', 'cy']],
    ['contractors', ['cy']],
    ['sales', ['ben']],
  ]),
  devices: [
    { id: 'ana-iphone', userId: 'ana', operatingSystem: 'iOS', deviceName: 'Ana iPhone', model: 'iPhone 15' },
    { id: 'ana-pixel', userId: 'ana', operatingSystem: 'Android', deviceName: 'Ana Pixel', model: 'Pixel 8' },
    { id: 'ben-iphone', userId: 'ben', operatingSystem: 'iOS', deviceName: 'Ben iPhone', model: 'iPhone 14' },
    { id: 'ben-ipad', userId: 'ben', operatingSystem: 'iPadOS', deviceName: 'Ben iPad', model: 'iPad Air' },
    { id: 'cy-iphone', userId: 'cy', operatingSystem: 'iOS', deviceName: 'Cy iPhone', model: 'iPhone 13' },
  ],
};

export const demoConfigurations: WorldConfiguration[] = [
  {
    id: 'mail',
    type: 'iosMobileAppConfiguration',
    targetedMobileApps: ['com.contoso.mail'],
    assignments: [
      { kind: 'group', groupId: 'everyone' },
      { kind: 'exclusionGroup', groupId: 'contractors' },
    ],
  },
  {
    id: 'mail-sales',
    type: 'iosMobileAppConfiguration',
    targetedMobileApps: ['COM.CONTOSO.MAIL'],
    assignments: [{ kind: 'group', groupId: 'sales' }],
  },
  {
    id: 'browser',
    type: 'iosMobileAppConfiguration',
    targetedMobileApps: ['com.contoso.browser'],
    assignments: [{ kind: 'allDevices' }],
  },
  {
    id: 'android-mail',
    type: 'androidManagedStoreAppConfiguration',
    targetedMobileApps: ['com.contoso.mail'],
    assignments: [{ kind: 'allLicensedUsers' }],
  },
];

export const demoWorld = () => new World(demoConfigurations, demoDirectory);

const APPS = ['app.a', 'APP.A', 'app.b', 'app.c'];

/** Random configurations (with apps from a small pool, so conflicts happen) over a random directory. */
export const worldInputArb = fc
  .tuple(
    configurationsArb,
    directoryArb,
    fc.array(fc.uniqueArray(fc.constantFrom(...APPS), { maxLength: 2 }), { minLength: 3, maxLength: 3 }),
  )
  .map(([configs, directory, apps]) => ({
    configurations: configs.map((c, i): WorldConfiguration => ({ ...c, targetedMobileApps: apps[i]! })),
    directory,
  }));
