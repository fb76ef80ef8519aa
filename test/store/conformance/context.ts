/** What every conformance file gets: the store under test once it is open, and the expected messages. */
import type { Scope, Store, StoredEntity } from '../../../src/store/port.js';
import type { StoreKind } from '../stores.js';

export interface Conformance {
  readonly kind: StoreKind;
  /** Runs `use` with the opened store before the first test (tests share one store, each in its own tenant). */
  opened(use: (store: Store) => void): void;
  /** A tenant with one iOS configuration. */
  withConfiguration(
    values?: Record<string, unknown>,
  ): Promise<{ tenant: string; config: StoredEntity; scope: Scope & { configId: string } }>;
}

export const CONFIG = 'microsoft.graph.managedDeviceMobileAppConfiguration';
export const USER_STATUS = 'microsoft.graph.managedDeviceMobileAppConfigurationUserStatus';
export const DTO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}Z$/;

export const missingConfigMessage = (id: string) =>
  `No managedDeviceMobileAppConfiguration with id '${id}' exists in this tenant.`;
export const missingStatusMessage = (id: string, configId: string, label?: string) =>
  `${label ? `${label}: ` : ''}No managedDeviceMobileAppConfigurationUserStatus with id '${id}' exists in managedDeviceMobileAppConfiguration '${configId}'.`;
export const upnTaken = (upn: string, label?: string) =>
  `${label ? `${label}: ` : ''}A ${USER_STATUS} with userPrincipalName '${upn}' already exists in this configuration.`;
export const etagMessage = (what: string, id: string) =>
  `The If-Match header does not match the current ETag of ${what} '${id}' (or it does not exist).`;
