/**
 * The syntax tree of an OData common expression (OData 4.01 URL conventions §5.1.1), before any model is
 * consulted. Nodes are immutable and kind-tagged; `pos` is the 0-based offset in the option's (decoded) text of
 * the token that makes the node (an operator for binary nodes, a name for paths and calls, the literal itself).
 */

export type LiteralType =
  | 'null'
  | 'boolean'
  | 'int'
  | 'decimal'
  | 'string'
  | 'dateTimeOffset'
  | 'date'
  | 'guid'
  | 'enum';

export type Literal =
  | { readonly kind: 'literal'; readonly type: 'null'; readonly pos: number }
  | { readonly kind: 'literal'; readonly type: 'boolean'; readonly value: boolean; readonly pos: number }
  /** Numbers keep their text so nothing is lost before the binder knows the target type. */
  | { readonly kind: 'literal'; readonly type: 'int' | 'decimal'; readonly value: string; readonly pos: number }
  | { readonly kind: 'literal'; readonly type: 'string'; readonly value: string; readonly pos: number }
  /** The text as written, with `+` restored when a URL decoder turned it into a space. */
  | {
      readonly kind: 'literal';
      readonly type: 'dateTimeOffset' | 'date' | 'guid';
      readonly value: string;
      readonly pos: number;
    }
  /** `microsoft.graph.complianceStatus'error'`: the qualified enum type and the member text. */
  | {
      readonly kind: 'literal';
      readonly type: 'enum';
      readonly enumType: string;
      readonly value: string;
      readonly pos: number;
    };

/** The binary operators of OData 4.01 URL conventions §5.1.1.1–2 (the parser gives each its precedence). */
export const BINARY_OPS = [
  'eq',
  'ne',
  'gt',
  'ge',
  'lt',
  'le',
  'and',
  'or',
  'has',
  'add',
  'sub',
  'mul',
  'div',
  'divby',
  'mod',
] as const;

export type BinaryOp = (typeof BINARY_OPS)[number];

export type SyntaxNode =
  | Literal
  /** `$it`: the instance the expression is evaluated on. */
  | { readonly kind: 'it'; readonly pos: number }
  /** A property (or lambda variable) name; `base` is the path before it, absent for the first segment. */
  | { readonly kind: 'member'; readonly base: SyntaxNode | undefined; readonly name: string; readonly pos: number }
  /** A type-cast segment: a qualified type name in a path (§4.11, §5.1.1.15). */
  | { readonly kind: 'cast'; readonly base: SyntaxNode | undefined; readonly type: string; readonly pos: number }
  /** `path/$count`. */
  | { readonly kind: 'count'; readonly base: SyntaxNode; readonly pos: number }
  /** `path/any(v: body)`, `path/any()`, `path/all(v: body)` (§5.1.1.13). */
  | {
      readonly kind: 'lambda';
      readonly op: 'any' | 'all';
      readonly base: SyntaxNode;
      readonly variable: string | undefined;
      readonly body: SyntaxNode | undefined;
      readonly pos: number;
    }
  /** A canonical function call; `name` is lower-cased (4.01 names are case-insensitive). */
  | { readonly kind: 'call'; readonly name: string; readonly args: readonly SyntaxNode[]; readonly pos: number }
  | {
      readonly kind: 'binary';
      readonly op: BinaryOp;
      readonly left: SyntaxNode;
      readonly right: SyntaxNode;
      readonly pos: number;
    }
  | { readonly kind: 'not'; readonly operand: SyntaxNode; readonly pos: number }
  /** `x in (a, b)`: the list form; `x in path` keeps the path as the single `collection`. */
  | {
      readonly kind: 'in';
      readonly left: SyntaxNode;
      readonly list: readonly SyntaxNode[] | undefined;
      readonly collection: SyntaxNode | undefined;
      readonly pos: number;
    };

export type SyntaxKind = SyntaxNode['kind'];

/** One `$orderby` item. */
export interface OrderBySyntax {
  readonly expr: SyntaxNode;
  readonly descending: boolean;
}

/** One `$select` item: a path of names (`a`, `microsoft.graph.t/a`) or `*`. */
export interface SelectItemSyntax {
  readonly path: readonly string[];
  readonly pos: number;
}

/** One `$expand` item with its nested options, still as text (they are parsed against the target type). */
export interface ExpandItemSyntax {
  /** A navigation name, `*`, or a cast then a name. */
  readonly path: readonly string[];
  readonly pos: number;
  /** Nested options by lower-cased name without `$`, each with the offset of its value in the whole text. */
  readonly options: readonly { readonly name: string; readonly value: string; readonly pos: number }[];
}
