/**
 * The bound (semantic) expression tree: every name resolved against the model, every literal converted to its
 * canonical value, every operand typed. The store compiles this, never the text. Immutable and kind-tagged.
 */
import type { EnumType, Property, StructuredType } from '../model/model.js';

export type ScalarType =
  | { readonly kind: 'string' | 'int32' | 'boolean' | 'dateTimeOffset' | 'binary' }
  | { readonly kind: 'enum'; readonly enum: EnumType };

export type ElementType = ScalarType | { readonly kind: 'complex'; readonly type: StructuredType };

export type ValueType = ElementType | { readonly kind: 'collection'; readonly element: ElementType };

/** A step of a path: a property, or a type cast that yields null for instances of other types (§5.1.1.15). */
export type PathStep =
  | { readonly kind: 'property'; readonly property: Property }
  /**
   * `typeNames` are the concrete types the cast admits: unqualified entity type names on the root (the stored
   * `odata_type`), `#`-qualified names inside complex values (their stored `@odata.type`).
   */
  | { readonly kind: 'cast'; readonly type: StructuredType; readonly typeNames: readonly string[] };

export interface PathExpr {
  readonly kind: 'path';
  /** `it`: the entity; `lambda`: the element of the lambda at that nesting depth (0 = outermost). */
  readonly root:
    | { readonly kind: 'it' }
    | { readonly kind: 'lambda'; readonly depth: number; readonly element: ElementType };
  readonly steps: readonly PathStep[];
  readonly type: ValueType;
  readonly nullable: boolean;
}

export type CompareOp = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';

export type ValueFunction =
  | 'length'
  | 'indexof'
  | 'substring'
  | 'tolower'
  | 'toupper'
  | 'trim'
  | 'concat'
  | 'year'
  | 'month'
  | 'day'
  | 'hour'
  | 'minute'
  | 'second';

export type MatchFunction = 'contains' | 'startswith' | 'endswith';

/** A literal: strings as given, Int32 numbers, booleans, enum member values, DateTimeOffset canonical text. */
export interface LiteralExpr {
  readonly kind: 'literal';
  readonly type: ScalarType;
  readonly value: string | number | boolean;
}

export type Expr =
  | LiteralExpr
  | { readonly kind: 'null' }
  | PathExpr
  /** Members of a collection-valued path. */
  | { readonly kind: 'count'; readonly collection: PathExpr }
  | {
      readonly kind: 'call';
      readonly fn: ValueFunction;
      readonly args: readonly Expr[];
      readonly type: ScalarType;
      readonly nullable: boolean;
    }
  // The kinds below are Boolean predicates.
  | { readonly kind: 'compare'; readonly op: CompareOp; readonly left: Expr; readonly right: Expr }
  | { readonly kind: 'match'; readonly fn: MatchFunction; readonly subject: Expr; readonly pattern: Expr }
  | { readonly kind: 'and' | 'or'; readonly left: Expr; readonly right: Expr }
  | { readonly kind: 'not'; readonly operand: Expr }
  /** `operand in (values)`; values are literals or null. */
  | {
      readonly kind: 'in';
      readonly operand: Expr;
      readonly values: readonly (LiteralExpr | { readonly kind: 'null' })[];
    }
  /** `value in collectionPath`. */
  | { readonly kind: 'member-of'; readonly value: Expr; readonly collection: PathExpr }
  | {
      readonly kind: 'lambda';
      readonly op: 'any' | 'all';
      readonly collection: PathExpr;
      /** Nesting depth of this lambda's variable (0 = outermost). */
      readonly depth: number;
      readonly body: Expr | undefined;
    }
  /** `isof`: the instance at `target` (the entity or a complex value) is one of `typeNames`. */
  | { readonly kind: 'isof'; readonly target: PathExpr; readonly typeNames: readonly string[] }
  /** `p eq true`, `p ne false`, ...: a predicate compared with a Boolean literal, without three-valued logic. */
  | { readonly kind: 'truth'; readonly operand: Expr; readonly test: 'true' | 'false' | 'not true' | 'not false' };

export type ExprKind = Expr['kind'];

const PREDICATES: ReadonlySet<ExprKind> = new Set<ExprKind>([
  'compare',
  'match',
  'and',
  'or',
  'not',
  'in',
  'member-of',
  'lambda',
  'isof',
  'truth',
]);

/** True for nodes that are SQL predicates rather than values. */
export const isPredicate = (e: Expr): boolean => PREDICATES.has(e.kind);

/** The scalar type of a value expression, or boolean for predicates; undefined for `null`. */
export function typeOfExpr(e: Expr): ValueType | undefined {
  switch (e.kind) {
    case 'literal':
    case 'path':
    case 'call':
      return e.type;
    case 'count':
      return { kind: 'int32' };
    case 'null':
      return undefined;
    default:
      return { kind: 'boolean' };
  }
}

/** Whether the expression can be null (predicates built from functions can; comparisons cannot). */
export function nullableExpr(e: Expr): boolean {
  switch (e.kind) {
    case 'literal':
      return false;
    case 'null':
      return true;
    case 'path':
    case 'call':
      return e.nullable;
    case 'count':
      return e.collection.nullable;
    case 'compare':
    case 'in':
    case 'member-of':
    case 'lambda':
    case 'isof':
    case 'truth':
      return false;
    case 'match':
      return nullableExpr(e.subject) || nullableExpr(e.pattern);
    case 'and':
    case 'or':
      return nullableExpr(e.left) || nullableExpr(e.right);
    case 'not':
      return nullableExpr(e.operand);
  }
}
