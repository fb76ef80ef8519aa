/**
 * Which devices a configuration applies to, from its concrete type, and the platform number a device status
 * reports (docs/simulation.md#platforms).
 */

export type PlatformFamily = 'ios' | 'android';

const GRAPH_PREFIX = /^#?microsoft\.graph\./;

/** Every concrete configuration type and the platform it configures; a test keeps this in step with the model. */
export const CONFIGURATION_PLATFORMS: Readonly<Record<string, PlatformFamily>> = {
  iosMobileAppConfiguration: 'ios',
  androidManagedStoreAppConfiguration: 'android',
  androidForWorkMobileAppConfiguration: 'android',
};

/** `iosMobileAppConfiguration` or `#microsoft.graph.iosMobileAppConfiguration` → `iosMobileAppConfiguration`. */
export const bareTypeName = (type: string): string => type.replace(GRAPH_PREFIX, '');

/** The platform a configuration type configures; a type the table does not know is a programming error. */
export function platformOfConfiguration(type: string): PlatformFamily {
  const family = CONFIGURATION_PLATFORMS[bareTypeName(type)];
  if (family === undefined) throw new Error(`No platform is known for configuration type '${type}'`);
  return family;
}

/** `managedDevice.operatingSystem` values of each family, lower-cased. */
const OS_FAMILIES: Readonly<Record<string, PlatformFamily>> = { ios: 'ios', ipados: 'ios', android: 'android' };

/** The family of a device's operating system (case-insensitive), or null for any other system. */
export const familyOfOperatingSystem = (os: string | null): PlatformFamily | null =>
  os === null ? null : (OS_FAMILIES[os.toLowerCase()] ?? null);

/**
 * Graph's `devicePlatformType` numbers (android 0, iOS 2, macOS 3, windows10AndLater 6, unknown 8), the
 * vocabulary of the beta device status's `platform`.
 */
const PLATFORM_NUMBERS: Readonly<Record<string, number>> = {
  android: 0,
  ios: 2,
  ipados: 2,
  macos: 3,
  windows: 6,
};
export const PLATFORM_UNKNOWN = 8;

export const platformNumber = (os: string | null): number =>
  os === null ? PLATFORM_UNKNOWN : (PLATFORM_NUMBERS[os.toLowerCase()] ?? PLATFORM_UNKNOWN);
