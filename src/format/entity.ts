/**
 * Stored entities → OData JSON (minimal metadata, docs/api.md#representation): `@odata.type` on every entity, every
 * property of the requested version present and `null` written out; complex values projected to the version's type.
 */
import type { TypeRef } from '../model/edm.js';
import type { EdmModel, Property, StructuredType } from '../model/model.js';

function writeComplex(model: EdmModel, declared: StructuredType, v: Record<string, unknown>): Record<string, unknown> {
  const named = typeof v['@odata.type'] === 'string' ? model.structuredByQualifiedName(v['@odata.type']) : undefined;
  const type = named ?? declared;
  const out: Record<string, unknown> = {};
  if (named) out['@odata.type'] = `#${type.qualifiedName}`;
  for (const p of type.properties) out[p.name] = writeValue(model, p.type, p.collection, v[p.name]);
  return out;
}

function writeValue(model: EdmModel, t: TypeRef, collection: boolean, v: unknown): unknown {
  if (v === undefined || v === null) return collection ? [] : null;
  if (t.kind !== 'complex') return v;
  const declared = model.complexTypes.get(t.name);
  if (!declared) return null;
  if (collection) return (v as Record<string, unknown>[]).map((x) => writeComplex(model, declared, x));
  return writeComplex(model, declared, v as Record<string, unknown>);
}

/** What the writer needs of an entity: its key, its concrete type name and its canonical values. */
export interface EntityData {
  readonly id: string;
  readonly type: string;
  readonly values: Readonly<Record<string, unknown>>;
}

const needsProjection = (p: Property): boolean => p.type.kind === 'complex';

/** The entity's JSON object; `select` limits the properties (`id` only when selected). */
export function entityObject(
  model: EdmModel,
  type: StructuredType,
  e: EntityData,
  select?: ReadonlySet<string>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { '@odata.type': `#${type.qualifiedName}` };
  for (const p of type.properties) {
    if (select && !select.has(p.name)) continue;
    if (p.name === 'id') {
      out.id = e.id;
      continue;
    }
    const v = e.values[p.name];
    out[p.name] = needsProjection(p)
      ? writeValue(model, p.type, p.collection, v)
      : v === undefined
        ? p.collection
          ? []
          : null
        : v;
  }
  return out;
}

/** The concrete type to write an entity as, in this version (undefined when the version does not have it). */
export const typeOf = (model: EdmModel, e: EntityData): StructuredType | undefined => model.entityTypes.get(e.type);
