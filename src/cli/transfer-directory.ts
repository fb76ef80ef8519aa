/**
 * The directory part of `import` / `export` (docs/api.md#import-and-export): top-level arrays `users`, `groups`
 * (each with `members`: the ids of its member users) and `managedDevices`, Graph-shaped (beta representation).
 * Import validates every entity as the API does, keeps ids and server-kept values, and orders the bulk so each
 * membership follows both of its ends.
 */
import { entityObject } from '../format/entity.js';
import type { EdmModel } from '../model/model.js';
import { ENTITY_SETS, LINKS, type SetName } from '../model/resources.js';
import { completeForCreate, validateEntity } from '../model/validate.js';
import type { ListQuery } from '../odata/query.js';
import type { BulkItem, Page, Store } from '../store/port.js';
import { nowDateTimeOffset } from '../util/datetime.js';

/** The directory's sets, in the order an import writes them; the file names each by its segment. */
export const DIRECTORY_SETS: readonly SetName[] = ['users', 'groups', 'managedDevices'];

const PAGE: ListQuery = { orderBy: [], top: 1000, skip: 0, count: false };

async function* pages(next: (after: string | undefined) => Promise<Page>) {
  let after: string | undefined;
  do {
    const page = await next(after);
    yield* page.items;
    after = page.next;
  } while (after !== undefined);
}

const withAfter = (after: string | undefined): ListQuery => (after === undefined ? PAGE : { ...PAGE, after });

/** The tenant's directory as the file's top-level arrays. */
export async function exportDirectory(store: Store, model: EdmModel, tenant: string): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  const scope = { tenant };
  for (const set of DIRECTORY_SETS) {
    const items: Record<string, unknown>[] = [];
    for await (const e of pages((a) => store.list(set, scope, withAfter(a)))) {
      const json = entityObject(model, model.entityTypes.get(e.type)!, e);
      for (const link of Object.values(LINKS)) {
        if (link.owner !== set) continue;
        const ids: string[] = [];
        for await (const m of pages((a) => store.listLinked(link.name, scope, e.id, withAfter(a)))) ids.push(m.id);
        json[link.segment] = ids;
      }
      items.push(json);
    }
    out[ENTITY_SETS[set].segment] = items;
  }
  return out;
}

/** The directory arrays of a file as bulk items (entities first, then memberships); throws naming the first fault. */
export function planDirectory(model: EdmModel, doc: Record<string, unknown>, tenant: string): BulkItem[] {
  const scope = { tenant };
  const entities: BulkItem[] = [];
  const links: BulkItem[] = [];
  const now = nowDateTimeOffset();
  const seen = new Set<string>();
  for (const set of DIRECTORY_SETS) {
    const segment = ENTITY_SETS[set].segment;
    const list = doc[segment];
    if (list === undefined) continue;
    if (!Array.isArray(list)) throw new Error(`'${segment}' must be an array`);
    const type = model.entityTypes.get(ENTITY_SETS[set].entityType)!;
    const owned = Object.values(LINKS).filter((l) => l.owner === set);
    for (const [i, raw] of list.entries()) {
      const where = `${segment}[${i}]`;
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error(`${where} must be an object`);
      const body = { ...(raw as Record<string, unknown>) };
      const refs = new Map<string, unknown>();
      for (const l of owned) {
        refs.set(l.segment, body[l.segment]);
        delete body[l.segment];
      }
      const { values } = validateEntity(model, type, body, { mode: 'create', prefix: where, keepServerManaged: true });
      const id = typeof values.id === 'string' ? values.id : undefined;
      if (id === undefined) throw new Error(`${where} must have an 'id' (memberships and devices refer to it)`);
      if (seen.has(`${set}\n${id}`)) throw new Error(`${where}: the id '${id}' appears twice in the file`);
      seen.add(`${set}\n${id}`);
      entities.push({
        set,
        scope,
        label: where,
        entity: { id, type: type.name, values: completeForCreate(model, type, values, now), keepServerValues: true },
      });
      for (const l of owned) {
        const ids = refs.get(l.segment);
        if (ids === undefined) continue;
        if (!Array.isArray(ids) || ids.some((m) => typeof m !== 'string'))
          throw new Error(`${where}.${l.segment} must be an array of ids`);
        for (const [k, memberId] of (ids as string[]).entries())
          links.push({ link: l.name, scope, ownerId: id, memberId, label: `${where}.${l.segment}[${k}]` });
      }
    }
  }
  return [...entities, ...links];
}
