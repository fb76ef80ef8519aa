/**
 * The set-wise seed upsert's plan, shared by both stores: which bulk PATCHes can be one statement per shape of
 * change instead of one statement per item, with the same result.
 */
import { newId } from '../../util/ids.js';
import type { Scope, UpsertItem } from '../port.js';
import { encode, principalKeyOf } from './codec.js';
import { insertParams } from './params.js';
import type { TableDef } from './schema.js';

/** Bulk seed items that change the same columns: one set-wise statement. */
export interface BulkGroup {
  /** The columns a taken name updates (besides the etag), from the row offered. */
  readonly updated: string[];
  /** Each item: its place in the request, its fresh id, its folded principal name, its row less the scope. */
  readonly rows: { readonly index: number; readonly id: string; readonly key: string; readonly values: unknown[] }[];
}

/**
 * A bulk whose items all name distinct new-or-existing principals (the common seed) can be applied set-wise,
 * one statement per shape of change, with the same result as item by item: no item can see another's effect.
 * Undefined when it cannot: an item by id, a name twice, or `create` disagreeing with `changes` on a changed
 * property (a taken name takes the offered row's values), or a table with server-kept stamps (which an update
 * would have to bump).
 */
export function bulkPlan(t: TableDef, scope: Scope, items: readonly UpsertItem[]): BulkGroup[] | undefined {
  const principalKey = t.set.principalKey;
  if (!t.principalKeyColumn || !principalKey || t.hasTypeColumn) return undefined;
  if (t.stamps.created || t.stamps.modified || t.stamps.version) return undefined;
  const keys = new Set<string>();
  const groups = new Map<string, BulkGroup>();
  for (const [index, item] of items.entries()) {
    if (item.id !== undefined) return undefined;
    const key = principalKeyOf(t, { [principalKey]: item.principal });
    if (key === null || keys.has(key)) return undefined;
    keys.add(key);
    const updated: string[] = [];
    for (const [name, v] of Object.entries(item.changes)) {
      const c = t.byProperty.get(name);
      if (!c || c.property.serverManaged) continue;
      if (encode(c, v) !== encode(c, item.create[name])) return undefined;
      updated.push(c.name);
    }
    if (principalKey in item.changes) updated.push(t.principalKeyColumn);
    const shape = updated.join(',');
    let g = groups.get(shape);
    if (!g) {
      g = { updated, rows: [] };
      groups.set(shape, g);
    }
    const id = newId();
    const params = insertParams(t, scope, id, { type: t.set.entityType, values: item.create });
    g.rows.push({ index, id, key, values: params.slice(t.scopeColumns.length) });
  }
  return [...groups.values()];
}
