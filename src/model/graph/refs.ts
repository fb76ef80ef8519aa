/** Type references and pieces the schema's data files share. */
import type { PropertyDef, TypeRef } from '../edm.js';

export const str: TypeRef = { kind: 'primitive', name: 'Edm.String' };
export const int32: TypeRef = { kind: 'primitive', name: 'Edm.Int32' };
export const bool: TypeRef = { kind: 'primitive', name: 'Edm.Boolean' };
export const dto: TypeRef = { kind: 'primitive', name: 'Edm.DateTimeOffset' };
export const bin: TypeRef = { kind: 'primitive', name: 'Edm.Binary' };
export const enm = (name: string): TypeRef => ({ kind: 'enum', name });
export const cpx = (name: string): TypeRef => ({ kind: 'complex', name });
export const BETA = ['beta'] as const;
export const V1 = ['v1.0'] as const;

export const id: PropertyDef = { name: 'id', type: str, nullable: false, description: 'Key of the entity.' };
