/**
 * The shape of the entity model. The model is data (see `graph.ts`); validation, serialization, `$metadata`,
 * OpenAPI and the SQL columns are all derived from it.
 */

export type Version = 'v1.0' | 'beta';
export const VERSIONS: readonly Version[] = ['v1.0', 'beta'];

/** The version a URL segment names, matched case-insensitively as Graph does (`/V1.0/`). */
export const versionNamed = (text: string): Version | undefined => {
  const lower = text.toLowerCase();
  return VERSIONS.find((v) => v === lower);
};

/** The range of Edm.Int32, the only numeric type here. */
export const INT32_MIN = -2147483648;
export const INT32_MAX = 2147483647;

export type PrimitiveName = 'Edm.String' | 'Edm.Int32' | 'Edm.Boolean' | 'Edm.DateTimeOffset' | 'Edm.Binary';

/** A property's type, before version resolution. `name` is unqualified for enums and complex types. */
export type TypeRef =
  | { readonly kind: 'primitive'; readonly name: PrimitiveName }
  | { readonly kind: 'enum'; readonly name: string }
  | { readonly kind: 'complex'; readonly name: string };

export interface PropertyDef {
  readonly name: string;
  readonly type: TypeRef;
  readonly collection?: boolean;
  /** CSDL Nullable; defaults to true as in CSDL. Collections are never null on the wire (empty instead). */
  readonly nullable?: boolean;
  /** Versions in which the property exists; both when absent. */
  readonly versions?: readonly Version[];
  readonly description?: string;
  /** Kept by the server: accepted in a body only when equal to nothing (ignored on input is not Graph-like). */
  readonly serverManaged?: boolean;
  /** A create must give it, non-null, though CSDL lets it be null (Graph's documented required properties). */
  readonly requiredOnCreate?: boolean;
  /** Accepted in a body but never kept or returned: reads give null (a user's `passwordProfile`). */
  readonly writeOnly?: boolean;
}

export interface NavigationDef {
  readonly name: string;
  readonly target: string;
  readonly collection: boolean;
  /** A reference to entities of a set elsewhere (`group.members`), not contained in the parent. */
  readonly reference?: boolean;
  readonly description?: string;
}

export interface EntityTypeDef {
  readonly name: string;
  readonly baseType?: string;
  readonly abstract?: boolean;
  readonly versions?: readonly Version[];
  readonly description?: string;
  readonly properties: readonly PropertyDef[];
  readonly navigations?: readonly NavigationDef[];
}

export interface ComplexTypeDef {
  readonly name: string;
  readonly baseType?: string;
  readonly abstract?: boolean;
  readonly versions?: readonly Version[];
  readonly description?: string;
  readonly properties: readonly PropertyDef[];
}

export interface EnumTypeDef {
  readonly name: string;
  readonly versions?: readonly Version[];
  readonly members: readonly { readonly name: string; readonly value: number }[];
}

export const NAMESPACE = 'microsoft.graph';
export const qualified = (name: string): string => `${NAMESPACE}.${name}`;
