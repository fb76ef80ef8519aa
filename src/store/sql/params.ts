/** Parameters of the shared write statements (statements.ts), built the same way for every dialect. */
import type { EntityValues } from '../../model/validate.js';
import { nowDateTimeOffset } from '../../util/datetime.js';
import { newEtag } from '../../util/ids.js';
import type { NewEntity, Scope } from '../port.js';
import { encode, principalKeyOf, storageDefault } from './codec.js';
import type { TableDef } from './schema.js';

/**
 * `insertSql`'s parameters. A stamped set's `createdDateTime`/`lastModifiedDateTime` are now and `version` 1,
 * unless the entity keeps the server-kept values it carries (an import of exported data).
 */
export function insertParams(t: TableDef, scope: Scope, id: string, e: NewEntity): unknown[] {
  const params: unknown[] = t.scopeValues(scope);
  params.push(id, newEtag());
  if (t.hasTypeColumn) params.push(e.type);
  if (t.principalKeyColumn) params.push(principalKeyOf(t, e.values));
  const now = nowDateTimeOffset();
  const { created, modified, version } = t.stamps;
  for (const c of t.columns) {
    let v = e.values[c.property.name];
    if (c.property.serverManaged && !(e.keepServerValues && v !== undefined)) {
      if (c === created || c === modified) v = now;
      else if (c === version) v = 1;
    }
    params.push(encode(c, v === undefined ? storageDefault(c) : v));
  }
  return params;
}

/**
 * The SET columns of `updateSql` and their parameters: a new etag, the changed values (server-kept
 * properties are never written by a client), the folded principal name when it changes, then `now` for a
 * stamped set. The caller appends the key (and any etag guard) parameters.
 */
export function updateParts(t: TableDef, changes: EntityValues): { cols: string[]; params: unknown[] } {
  const cols: string[] = [];
  const params: unknown[] = [newEtag()];
  for (const [name, v] of Object.entries(changes)) {
    const c = t.byProperty.get(name);
    if (!c || c.property.serverManaged) continue;
    cols.push(c.name);
    params.push(encode(c, v));
  }
  if (t.principalKeyColumn && t.set.principalKey && t.set.principalKey in changes) {
    cols.push(t.principalKeyColumn);
    params.push(principalKeyOf(t, changes));
  }
  if (t.stamps.modified) params.push(nowDateTimeOffset());
  return { cols, params };
}
