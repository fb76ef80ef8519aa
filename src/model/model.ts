/**
 * The model resolved for one version: only the types and properties that exist in that version, with
 * inheritance flattened. Everything that needs "what does v1.0 look like" asks `modelFor(version)`.
 */
import {
  type ComplexTypeDef,
  type EntityTypeDef,
  type EnumTypeDef,
  type NavigationDef,
  type PropertyDef,
  qualified,
  type TypeRef,
  VERSIONS,
  type Version,
} from './edm.js';
import { COMPLEX_TYPES, ENTITY_TYPES, ENUMS } from './graph.js';

export interface EnumType {
  readonly kind: 'enum';
  readonly name: string;
  readonly qualifiedName: string;
  readonly members: readonly { readonly name: string; readonly value: number }[];
  readonly byName: ReadonlyMap<string, number>;
  readonly byValue: ReadonlyMap<number, string>;
}

export interface Property {
  readonly name: string;
  readonly type: TypeRef;
  readonly collection: boolean;
  readonly nullable: boolean;
  readonly serverManaged: boolean;
  readonly requiredOnCreate: boolean;
  readonly writeOnly: boolean;
  readonly description: string | undefined;
  /** The type that declares it (for `$metadata`). */
  readonly declaredOn: string;
}

export interface StructuredType {
  readonly kind: 'entity' | 'complex';
  readonly name: string;
  readonly qualifiedName: string;
  readonly abstract: boolean;
  readonly baseType: string | undefined;
  readonly description: string | undefined;
  /** All properties, inherited first, in representation order. */
  readonly properties: readonly Property[];
  readonly propertyMap: ReadonlyMap<string, Property>;
  /** Properties declared on this type itself. */
  readonly ownProperties: readonly Property[];
  /** This type (if concrete) and every concrete type derived from it, transitively. */
  readonly concreteTypes: readonly StructuredType[];
  /**
   * A value of this declared type may be of more than one concrete type (it is abstract, or has derived types):
   * it carries `@odata.type`, is stored with its concrete type, and a body may need to name one.
   */
  readonly polymorphic: boolean;
  readonly navigations: readonly NavigationDef[];
}

export interface EdmModel {
  readonly version: Version;
  readonly enums: ReadonlyMap<string, EnumType>;
  readonly complexTypes: ReadonlyMap<string, StructuredType>;
  readonly entityTypes: ReadonlyMap<string, StructuredType>;
  /** Look a type up by qualified name (`microsoft.graph.x`), with or without a leading `#`. */
  structuredByQualifiedName(name: string): StructuredType | undefined;
  enumByQualifiedName(name: string): EnumType | undefined;
}

const inVersion = (versions: readonly Version[] | undefined, v: Version): boolean =>
  versions === undefined || versions.includes(v);

function resolveStructured(
  kind: 'entity' | 'complex',
  defs: readonly (EntityTypeDef | ComplexTypeDef)[],
  v: Version,
): Map<string, StructuredType> {
  const present = defs.filter((d) => inVersion(d.versions, v));
  const byName = new Map(present.map((d) => [d.name, d]));
  const out = new Map<string, StructuredType>();
  const props = (d: EntityTypeDef | ComplexTypeDef): Property[] =>
    d.properties
      .filter((p: PropertyDef) => inVersion(p.versions, v))
      .map((p) => ({
        name: p.name,
        type: p.type,
        collection: p.collection ?? false,
        nullable: p.nullable ?? true,
        serverManaged: p.serverManaged ?? false,
        requiredOnCreate: p.requiredOnCreate ?? false,
        writeOnly: p.writeOnly ?? false,
        description: p.description,
        declaredOn: d.name,
      }));
  const build = (d: EntityTypeDef | ComplexTypeDef): StructuredType => {
    const existing = out.get(d.name);
    if (existing) return existing;
    const base = d.baseType ? byName.get(d.baseType) : undefined;
    const baseResolved = base ? build(base) : undefined;
    const own = props(d);
    const properties = [...(baseResolved?.properties ?? []), ...own];
    const navs = [...(baseResolved?.navigations ?? []), ...('navigations' in d ? (d.navigations ?? []) : [])];
    const t: StructuredType = {
      kind,
      name: d.name,
      qualifiedName: qualified(d.name),
      abstract: d.abstract ?? false,
      baseType: d.baseType,
      description: d.description,
      properties,
      propertyMap: new Map(properties.map((p) => [p.name, p])),
      ownProperties: own,
      concreteTypes: [],
      polymorphic: false,
      navigations: navs,
    };
    out.set(d.name, t);
    return t;
  };
  for (const d of present) build(d);
  // Concrete descendants, transitively, in declaration order.
  for (const t of out.values()) {
    const concrete: StructuredType[] = [];
    for (const c of out.values()) {
      let cur: StructuredType | undefined = c;
      while (cur && cur !== t) cur = cur.baseType ? out.get(cur.baseType) : undefined;
      if (cur === t && !c.abstract) concrete.push(c);
    }
    const mutable = t as { concreteTypes: readonly StructuredType[]; polymorphic: boolean };
    mutable.concreteTypes = concrete;
    mutable.polymorphic = t.abstract || concrete.length > 1;
  }
  return out;
}

function resolveEnums(defs: readonly EnumTypeDef[], v: Version): Map<string, EnumType> {
  const out = new Map<string, EnumType>();
  for (const d of defs) {
    if (!inVersion(d.versions, v)) continue;
    out.set(d.name, {
      kind: 'enum',
      name: d.name,
      qualifiedName: qualified(d.name),
      members: d.members,
      byName: new Map(d.members.map((m) => [m.name, m.value])),
      byValue: new Map(d.members.map((m) => [m.value, m.name])),
    });
  }
  return out;
}

function build(v: Version): EdmModel {
  const enums = resolveEnums(ENUMS, v);
  const complexTypes = resolveStructured('complex', COMPLEX_TYPES, v);
  const entityTypes = resolveStructured('entity', ENTITY_TYPES, v);
  const strip = (n: string): string | undefined => {
    const s = n.startsWith('#') ? n.slice(1) : n;
    return s.startsWith('microsoft.graph.')
      ? s.slice('microsoft.graph.'.length)
      : s.startsWith('graph.')
        ? s.slice(6)
        : undefined;
  };
  return {
    version: v,
    enums,
    complexTypes,
    entityTypes,
    structuredByQualifiedName(name) {
      const s = strip(name);
      return s === undefined ? undefined : (entityTypes.get(s) ?? complexTypes.get(s));
    },
    enumByQualifiedName(name) {
      const s = strip(name);
      return s === undefined ? undefined : enums.get(s);
    },
  };
}

const MODELS: Record<Version, EdmModel> = { 'v1.0': build('v1.0'), beta: build('beta') };

export const modelFor = (v: Version): EdmModel => MODELS[v];

export function enumOf(model: EdmModel, t: TypeRef): EnumType {
  if (t.kind !== 'enum') throw new Error(`not an enum type: ${t.name}`);
  const e = model.enums.get(t.name);
  if (!e) throw new Error(`enum ${t.name} is not in ${model.version}`);
  return e;
}

export function complexOf(model: EdmModel, t: TypeRef): StructuredType {
  if (t.kind !== 'complex') throw new Error(`not a complex type: ${t.name}`);
  const c = model.complexTypes.get(t.name);
  if (!c) throw new Error(`complex type ${t.name} is not in ${model.version}`);
  return c;
}

/** The union of a type's properties over every version: what storage must be able to hold. */
export function storedProperties(entityTypeName: string): Property[] {
  const seen = new Map<string, Property>();
  for (const v of VERSIONS) {
    const t = MODELS[v].entityTypes.get(entityTypeName);
    if (!t) continue;
    for (const c of [t, ...t.concreteTypes]) for (const p of c.properties) if (!seen.has(p.name)) seen.set(p.name, p);
  }
  return [...seen.values()];
}
