/** The value types of the semantic tree: how a property's model type becomes one, and how one is named. */
import type { TypeRef } from '../../model/edm.js';
import type { Property } from '../../model/model.js';
import { assertNever } from '../../util/assert.js';
import type { ElementType, ScalarType, ValueType } from '../semantic.js';
import { type BindScope, bindFail } from './context.js';

export function typeName(t: ValueType | undefined): string {
  if (!t) return 'null';
  switch (t.kind) {
    case 'string':
      return 'Edm.String';
    case 'int32':
      return 'Edm.Int32';
    case 'boolean':
      return 'Edm.Boolean';
    case 'dateTimeOffset':
      return 'Edm.DateTimeOffset';
    case 'binary':
      return 'Edm.Binary';
    case 'enum':
      return t.enum.qualifiedName;
    case 'complex':
      return t.type.qualifiedName;
    case 'collection':
      return `Collection(${typeName(t.element)})`;
    default:
      return assertNever(t, 'type');
  }
}

export const isScalar = (t: ValueType | undefined): t is ScalarType =>
  t !== undefined && t.kind !== 'complex' && t.kind !== 'collection';

export const sameScalar = (a: ScalarType, b: ScalarType): boolean =>
  a.kind === b.kind && (a.kind !== 'enum' || (b.kind === 'enum' && a.enum === b.enum));

function elementOf(scope: BindScope, ref: TypeRef, pos: number): ElementType {
  switch (ref.kind) {
    case 'primitive':
      switch (ref.name) {
        case 'Edm.String':
          return { kind: 'string' };
        case 'Edm.Int32':
          return { kind: 'int32' };
        case 'Edm.Boolean':
          return { kind: 'boolean' };
        case 'Edm.DateTimeOffset':
          return { kind: 'dateTimeOffset' };
        case 'Edm.Binary':
          return { kind: 'binary' };
        default:
          return assertNever(ref, 'primitive type');
      }
    case 'enum': {
      const e = scope.model.enums.get(ref.name);
      if (!e) return bindFail(scope, `The enum type '${ref.name}' does not exist in ${scope.model.version}.`, pos);
      return { kind: 'enum', enum: e };
    }
    case 'complex': {
      const c = scope.model.complexTypes.get(ref.name);
      if (!c) return bindFail(scope, `The complex type '${ref.name}' does not exist in ${scope.model.version}.`, pos);
      return { kind: 'complex', type: c };
    }
    default:
      return assertNever(ref, 'type');
  }
}

/** The value type of a property in the scope's model. */
export function typeOfProperty(scope: BindScope, p: Property, pos: number): ValueType {
  const element = elementOf(scope, p.type, pos);
  return p.collection ? { kind: 'collection', element } : element;
}
