/**
 * The set-wise seed upsert's plan, shared by both stores: which bulk PATCHes can be one statement per shape of
 * change instead of one statement per item, with the same result.
 */
import { newId } from '../../util/ids.js';
import type { Scope, UpsertItem } from '../port.js';
import { encode } from './codec.js';
import { insertParams } from './params.js';
import { fold, type TableDef } from './schema.js';

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
  const principalColumn = t.principalKeyColumn;
  if (!principalColumn || !principalKey || t.hasTypeColumn) return undefined;
  if (t.stamps.created || t.stamps.modified || t.stamps.version) return undefined;
  const keys = new Set<string>();
  const groups: BulkGroup[] = [];
  let group: BulkGroup | undefined;
  for (let index = 0; index < items.length; index++) {
    const item = items[index]!;
    if (item.id !== undefined || typeof item.principal !== 'string') return undefined;
    const key = fold(item.principal);
    if (keys.has(key)) return undefined;
    keys.add(key);
    const updated: string[] = [];
    for (const name of Object.keys(item.changes)) {
      const c = t.byProperty.get(name);
      if (!c || c.property.serverManaged) continue;
      const v = item.changes[name];
      const offered = item.create[name];
      if (v !== offered && encode(c, v) !== encode(c, offered)) return undefined;
      updated.push(c.name);
    }
    if (principalKey in item.changes) updated.push(principalColumn);
    // Items mostly change the same columns as the one before: compare with that group before searching.
    if (!group || !sameColumns(group.updated, updated)) {
      group = groups.find((g) => sameColumns(g.updated, updated));
      if (!group) {
        group = { updated, rows: [] };
        groups.push(group);
      }
    }
    const id = newId();
    const params = insertParams(t, scope, id, { type: t.set.entityType, values: item.create });
    group.rows.push({ index, id, key, values: params.slice(t.scopeColumns.length) });
  }
  return groups;
}

const sameColumns = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((c, i) => c === b[i]);
