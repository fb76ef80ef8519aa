/**
 * `import` / `export`: a tenant's data as Graph-shaped JSON (beta representation, the superset):
 * `{"tenant": "...", "users": [...], "groups": [{...group, "members": [ids]}], "managedDevices": [...],
 *   "mobileAppConfigurations": [{...configuration, "assignments": [...], "userStatuses": [...], "deviceStatuses": [...]}]}`
 * (the directory part in transfer-directory.ts).
 * Import validates every entity against the model exactly as the API does and keeps ids; it writes the whole file
 * in one transaction, so a file that cannot be imported whole changes nothing.
 */
import { readFileSync } from 'node:fs';
import { SingleBar } from 'cli-progress';
import { DEFAULT_TENANT } from '../auth/issuer.js';
import { entityObject } from '../format/entity.js';
import { modelFor } from '../model/model.js';
import { CONTAINED_SETS, ENTITY_SETS, type SetName } from '../model/resources.js';
import { completeForCreate, validateEntity } from '../model/validate.js';
import type { BulkCreateItem, BulkItem, NewEntity, Scope, Store, StoredEntity } from '../store/port.js';
import { nowDateTimeOffset } from '../util/datetime.js';
import { ApiError } from '../util/errors.js';
import { newId } from '../util/ids.js';
import { openCommandStore } from './store-option.js';
import { exportDirectory, planDirectory } from './transfer-directory.js';

const model = modelFor('beta');

async function* all(store: Store, set: SetName, scope: Scope): AsyncGenerator<StoredEntity> {
  let after: string | undefined;
  do {
    const page = await store.list(set, scope, {
      orderBy: [],
      top: 1000,
      skip: 0,
      count: false,
      ...(after !== undefined ? { after } : {}),
    });
    yield* page.items;
    after = page.next;
  } while (after !== undefined);
}

function toJson(e: StoredEntity): Record<string, unknown> {
  const type = model.entityTypes.get(e.type)!;
  return entityObject(model, type, e);
}

export async function exportTenant(store: Store, tenant: string): Promise<Record<string, unknown>> {
  const configurations: Record<string, unknown>[] = [];
  for await (const c of all(store, 'configurations', { tenant })) {
    const out = toJson(c);
    for (const set of CONTAINED_SETS) {
      const items: Record<string, unknown>[] = [];
      for await (const e of all(store, set.name, { tenant, configId: c.id })) items.push(toJson(e));
      out[set.segment] = items;
    }
    configurations.push(out);
  }
  return { tenant, ...(await exportDirectory(store, model, tenant)), mobileAppConfigurations: configurations };
}

interface Planned {
  readonly config: NewEntityWithChildren;
}

interface NewEntityWithChildren {
  readonly entity: NewEntity;
  readonly children: { readonly set: SetName; readonly items: NewEntity[] }[];
}

/** Validates the whole document first, so a bad entity anywhere leaves the store untouched. */
function plan(doc: unknown): { tenant: string | undefined; configs: Planned[] } {
  if (typeof doc !== 'object' || doc === null) throw new Error('the file must hold a JSON object');
  const d = doc as { tenant?: unknown; mobileAppConfigurations?: unknown };
  // A file may hold the directory alone; when it names configurations they must be an array.
  const list = d.mobileAppConfigurations ?? [];
  if (!Array.isArray(list)) throw new Error("the file's 'mobileAppConfigurations' must be an array");
  const declared = model.entityTypes.get(ENTITY_SETS.configurations.entityType)!;
  const now = nowDateTimeOffset();
  const configs = list.map((raw, i): Planned => {
    const where = `mobileAppConfigurations[${i}]`;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error(`${where} must be an object`);
    const body = { ...(raw as Record<string, unknown>) };
    const lists: Record<string, unknown> = {};
    for (const set of CONTAINED_SETS) {
      lists[set.segment] = body[set.segment];
      delete body[set.segment];
    }
    const { type, values } = validateEntity(model, declared, body, {
      mode: 'create',
      prefix: where,
      keepServerManaged: true,
    });
    const children = CONTAINED_SETS.flatMap((set) => {
      const list = lists[set.segment];
      if (list === undefined) return [];
      if (!Array.isArray(list)) throw new Error(`${where}.${set.segment} must be an array`);
      const t = model.entityTypes.get(set.entityType)!;
      const items = list.map((item, k) => {
        const v = validateEntity(model, t, item, { mode: 'create', prefix: `${where}.${set.segment}[${k}]` });
        return {
          ...(typeof v.values.id === 'string' ? { id: v.values.id } : {}),
          type: t.name,
          values: completeForCreate(model, t, v.values, now),
        };
      });
      return [{ set: set.name, items }];
    });
    const entity = {
      ...(typeof values.id === 'string' ? { id: values.id } : {}),
      type: type.name,
      values: completeForCreate(model, type, values, now),
      keepServerValues: true,
    };
    return { config: { entity, children } };
  });
  // Ids the file repeats would fail half-way through the writes; refuse them before any write. Configuration ids
  // are unique in the tenant, a contained entity's id within its configuration and set.
  const seen = new Set<string>();
  const once = (key: string, where: string, id: string) => {
    if (seen.has(key)) throw new Error(`${where}: the id '${id}' appears twice in the file`);
    seen.add(key);
  };
  for (const [i, { config }] of configs.entries()) {
    const where = `mobileAppConfigurations[${i}]`;
    if (config.entity.id !== undefined)
      once(JSON.stringify(['configuration', config.entity.id]), where, config.entity.id);
    for (const { set, items } of config.children) {
      for (const item of items)
        if (item.id !== undefined) once(JSON.stringify([i, set, item.id]), `${where}.${set}`, item.id);
    }
  }
  return { tenant: typeof d.tenant === 'string' ? d.tenant : undefined, configs };
}

/** The planned file as one ordered bulk create: each configuration, then what it contains. */
function bulkOf(tenant: string, configs: readonly Planned[]): BulkCreateItem[] {
  const out: BulkCreateItem[] = [];
  for (const [i, { config }] of configs.entries()) {
    const where = `mobileAppConfigurations[${i}]`;
    // A configuration without an id gets one here, so its contained entities can name it in the same bulk.
    const id = config.entity.id ?? newId();
    out.push({ set: 'configurations', scope: { tenant }, entity: { ...config.entity, id }, label: where });
    for (const { set, items } of config.children) {
      const segment = ENTITY_SETS[set].segment;
      for (const [k, entity] of items.entries())
        out.push({ set, scope: { tenant, configId: id }, entity, label: `${where}.${segment}[${k}]` });
    }
  }
  return out;
}

/**
 * Imports the file all or nothing. `progress` is told the total before the first write, then how many entities
 * are written so far.
 */
export async function importTenant(
  store: Store,
  doc: unknown,
  tenantOverride?: string,
  progress?: { start(total: number): void; update(written: number): void },
): Promise<{ tenant: string; entities: number }> {
  const { tenant: fileTenant, configs } = plan(doc);
  const tenant = tenantOverride ?? fileTenant ?? DEFAULT_TENANT;
  // The directory first: nothing of the configurations refers to it, and memberships need both ends.
  const items: BulkItem[] = [
    ...planDirectory(model, doc as Record<string, unknown>, tenant),
    ...bulkOf(tenant, configs),
  ];
  progress?.start(items.length);
  await store.createAll(items, progress ? (n) => progress.update(n) : undefined);
  return { tenant, entities: items.length };
}

export async function runExport(opts: Record<string, string | undefined>): Promise<void> {
  const store = await openCommandStore(opts);
  try {
    process.stdout.write(`${JSON.stringify(await exportTenant(store, opts.tenant ?? DEFAULT_TENANT), null, 2)}\n`);
  } finally {
    await store.close();
  }
}

export async function runImport(file: string, opts: Record<string, string | undefined>): Promise<void> {
  const doc: unknown = JSON.parse(readFileSync(file, 'utf8'));
  const store = await openCommandStore(opts);
  // A bar only where someone watches: redirected standard error gets the one-line summary alone.
  const bar = process.stderr.isTTY
    ? new SingleBar({ format: 'importing {bar} {percentage}% | {value}/{total} entities', stream: process.stderr })
    : undefined;
  let r: { tenant: string; entities: number };
  try {
    r = await importTenant(
      store,
      doc,
      opts.tenant,
      bar && { start: (total) => bar.start(total, 0), update: (n) => bar.update(n) },
    );
  } catch (e) {
    throw e instanceof ApiError ? new Error(`${e.message} Nothing was imported.`) : e;
  } finally {
    bar?.stop();
    await store.close();
  }
  process.stderr.write(`imported ${r.entities} entities into tenant ${r.tenant}\n`);
}
