/** Builders shared by the store suites: entities as the handlers hand them to the store, and bound queries. */
import { randomUUID } from 'node:crypto';
import { modelFor } from '../../src/model/model.js';
import { ENTITY_SETS, type SetName } from '../../src/model/resources.js';
import type { EntityValues } from '../../src/model/validate.js';
import { parseQueryOptions } from '../../src/odata/options.js';
import type { ListQuery } from '../../src/odata/query.js';
import type { NewEntity, Page, Scope, Store, StoredEntity, UpsertItem } from '../../src/store/port.js';

export const BETA = modelFor('beta');

export const newTenant = (): string => randomUUID();

export const IOS = 'iosMobileAppConfiguration';
export const ANDROID_STORE = 'androidManagedStoreAppConfiguration';
export const ANDROID_WORK = 'androidForWorkMobileAppConfiguration';

/** A configuration of `type` with the values a create handler completes (defaults for what is left out). */
export function configuration(values: EntityValues = {}, type = IOS, id?: string): NewEntity {
  const base: EntityValues = { displayName: 'Config', description: null, targetedMobileApps: [] };
  if (type === IOS) Object.assign(base, { encodedSettingXml: null, settings: [] });
  else {
    Object.assign(base, {
      packageId: null,
      payloadJson: null,
      permissionActions: [],
      profileApplicability: 'default',
      connectedAppsEnabled: false,
      credentialProviderRoleState: 'notConfigured',
    });
    if (type === ANDROID_STORE) base.appSupportsOemConfig = false;
  }
  return { ...(id ? { id } : {}), type, values: { ...base, ...values } };
}

export function userStatus(values: EntityValues = {}, id?: string): NewEntity {
  return {
    ...(id ? { id } : {}),
    type: ENTITY_SETS.userStatuses.entityType,
    values: {
      userDisplayName: null,
      devicesCount: 0,
      status: 'unknown',
      lastReportedDateTime: '2024-05-01T10:00:00.0000000Z',
      userPrincipalName: null,
      ...values,
    },
  };
}

export function deviceStatus(values: EntityValues = {}, id?: string): NewEntity {
  return {
    ...(id ? { id } : {}),
    type: ENTITY_SETS.deviceStatuses.entityType,
    values: {
      deviceDisplayName: null,
      userName: null,
      deviceModel: null,
      platform: 0,
      complianceGracePeriodExpirationDateTime: '2024-06-01T00:00:00.0000000Z',
      status: 'unknown',
      lastReportedDateTime: '2024-05-01T10:00:00.0000000Z',
      userPrincipalName: null,
      ...values,
    },
  };
}

export function assignment(groupId: string, id?: string): NewEntity {
  return {
    ...(id ? { id } : {}),
    type: ENTITY_SETS.assignments.entityType,
    values: { target: { '@odata.type': '#microsoft.graph.groupAssignmentTarget', groupId } },
  };
}

/** A seed-PATCH item by principal name, as the handler builds it (`create` = changes plus defaults). */
export function byPrincipal(principal: string, changes: EntityValues = {}, label?: string): UpsertItem {
  const c = { ...changes, userPrincipalName: principal };
  return {
    principal,
    changes: c,
    create: userStatus(c).values,
    ...(label ? { label } : {}),
  };
}

export function byId(id: string, changes: EntityValues, label?: string): UpsertItem {
  return { id, changes, create: {}, ...(label ? { label } : {}) };
}

export interface QueryText {
  readonly filter?: string;
  readonly orderby?: string;
  readonly search?: string;
  readonly top?: number;
  readonly skip?: number;
  readonly count?: boolean;
}

/** A collection query bound exactly as a GET binds it (beta: every property and type is visible). */
export function query(set: SetName, text: QueryText = {}, castTo?: string): ListQuery {
  const type = BETA.entityTypes.get(castTo ?? ENTITY_SETS[set].entityType)!;
  const parts = Object.entries(text)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `$${k}=${encodeURIComponent(String(v))}`);
  return parseQueryOptions(parts.join('&'), { model: BETA, version: 'beta', set, type, kind: 'collection' }).list;
}

/** Every page of a query, following `next`. */
export async function walk(
  store: Store,
  set: SetName,
  scope: Scope,
  q: ListQuery,
  between?: () => Promise<void>,
): Promise<Page[]> {
  const pages: Page[] = [];
  let after: string | undefined;
  for (let i = 0; i < 10_000; i++) {
    const page = await store.list(set, scope, after === undefined ? q : { ...q, after });
    pages.push(page);
    if (page.next === undefined) return pages;
    after = page.next;
    if (between) await between();
  }
  throw new Error('paging did not end');
}

export const ids = (items: readonly StoredEntity[]): string[] => items.map((e) => e.id);

/** An `ApiError`'s code and message, for `expect(...).rejects` comparisons. */
export async function failure(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (e) {
    const err = e as { code?: string; message?: string };
    return { code: String(err.code), message: String(err.message) };
  }
  throw new Error('expected a failure');
}
