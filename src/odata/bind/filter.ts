/**
 * `$filter` syntax tree + model → semantic tree (odata.net's `MetadataBinder` with its per-construct binders).
 * Names resolve against the type the expression is evaluated on, literals convert to the type of what they are
 * compared with, and every unsupported construct is a 400 naming it. Messages follow Graph's wording where
 * Graph has one ("Could not find a property named 'x' on type 'microsoft.graph.y'.").
 */
import { assertNever } from '../../util/assert.js';
import type { QueryLimits } from '../limits.js';
import { parseFilter } from '../parser.js';
import { printExpression } from '../print.js';
import { type CompareOp, type Expr, isPredicate, type LiteralExpr, typeOfExpr } from '../semantic.js';
import type { SyntaxNode } from '../syntax.js';
import type { BindScope } from './context.js';
import { bindCall } from './functions.js';
import { bindLiteral, coerce } from './literal.js';
import { PathBinder } from './property-path.js';
import { isScalar, sameScalar, typeName } from './types.js';

type Node<K extends SyntaxNode['kind']> = SyntaxNode & { kind: K };

export class ExpressionBinder extends PathBinder {
  /** Any expression; scalars come out typed, paths to complex values and collections are refused here. */
  expr(node: SyntaxNode): Expr {
    switch (node.kind) {
      case 'literal':
        return bindLiteral(this.scope, node);
      case 'it':
      case 'member':
      case 'cast': {
        const p = this.path(node);
        if (p.type.kind === 'collection') {
          return this.fail(
            `'${lastName(node)}' is a collection (${typeName(p.type)}); use ${lastName(node)}/any(x: ...) or ${lastName(node)}/all(x: ...).`,
            node.pos,
          );
        }
        if (p.type.kind === 'complex') {
          return this.fail(
            `'${lastName(node)}' is of the structured type ${typeName(p.type)} and cannot be used as a value; name one of its properties.`,
            node.pos,
          );
        }
        return p;
      }
      case 'count':
        return { kind: 'count', collection: this.collectionPath(node.base, "'$count'") };
      case 'lambda':
        return this.lambda(node);
      case 'call':
        return bindCall(this, node);
      case 'binary':
        return this.binary(node);
      case 'not':
        return { kind: 'not', operand: this.boolean(node.operand, "The operand of 'not'") };
      case 'in':
        return this.in(node);
      default:
        return assertNever(node, 'syntax node');
    }
  }

  /** An expression that must be Boolean. */
  boolean(node: SyntaxNode, what: string): Expr {
    const e = this.expr(node);
    if (isPredicate(e)) return e;
    const t = typeOfExpr(e);
    if (t?.kind === 'boolean') return e;
    return this.fail(
      `${what} must be a Boolean condition, but it is ${e.kind === 'null' ? 'null' : typeName(t)}.`,
      node.pos,
    );
  }

  private binary(node: Node<'binary'>): Expr {
    switch (node.op) {
      case 'and':
      case 'or':
        return {
          kind: node.op,
          left: this.boolean(node.left, `The left operand of '${node.op}'`),
          right: this.boolean(node.right, `The right operand of '${node.op}'`),
        };
      case 'eq':
      case 'ne':
      case 'gt':
      case 'ge':
      case 'lt':
      case 'le':
        return this.compare(node.op, node);
      case 'has':
        return this.fail(
          "The 'has' operator applies to flag enumerations; none of the enumerations here is one.",
          node.pos,
        );
      case 'add':
      case 'sub':
      case 'mul':
      case 'div':
      case 'divby':
      case 'mod':
        return this.fail(`Arithmetic operators such as '${node.op}' are not supported.`, node.pos);
      default:
        return assertNever(node.op, 'operator');
    }
  }

  private compare(op: CompareOp, node: Node<'binary'>): Expr {
    let left = this.expr(node.left);
    let right = this.expr(node.right);
    const lt = typeOfExpr(left);
    const rt = typeOfExpr(right);
    if (isScalar(lt) && right.kind === 'literal') right = coerce(this.scope, right, lt, node.right.pos);
    if (isScalar(rt) && left.kind === 'literal') left = coerce(this.scope, left, rt, node.left.pos);
    const a = typeOfExpr(left);
    const b = typeOfExpr(right);
    if (a === undefined || b === undefined) {
      // Something compared with null: any scalar may be.
      const other = a ?? b;
      if (other !== undefined && !isScalar(other))
        return this.fail(`A value of type ${typeName(other)} cannot be compared with null.`, node.pos);
      if (op !== 'eq' && op !== 'ne' && other?.kind === 'binary')
        return this.fail('Edm.Binary values can only be compared with null using eq or ne.', node.pos);
      return { kind: 'compare', op, left, right };
    }
    if (!isScalar(a) || !isScalar(b) || !sameScalar(a, b)) {
      return this.fail(`The operands of '${op}' are not comparable: ${typeName(a)} and ${typeName(b)}.`, node.pos);
    }
    if (a.kind === 'binary')
      return this.fail('Edm.Binary values can only be compared with null using eq or ne.', node.pos);
    if (a.kind === 'boolean' && (op === 'eq' || op === 'ne')) {
      // A predicate compared with true/false keeps two-valued logic: `isof(...) eq false` is true for non-matches.
      const [pred, lit] =
        right.kind === 'literal' ? [left, right] : left.kind === 'literal' ? [right, left] : [undefined, undefined];
      if (pred && lit && isPredicate(pred)) {
        const v = lit.value === true;
        return {
          kind: 'truth',
          operand: pred,
          test: op === 'eq' ? (v ? 'true' : 'false') : v ? 'not true' : 'not false',
        };
      }
    }
    return { kind: 'compare', op, left, right };
  }

  private in(node: Node<'in'>): Expr {
    const operand = this.expr(node.left);
    const t = typeOfExpr(operand);
    if (node.collection) {
      const c = this.collectionPath(node.collection, "The right operand of 'in'");
      const element = c.type.element;
      const value = isScalar(element) ? coerce(this.scope, operand, element, node.left.pos) : operand;
      const vt = typeOfExpr(value);
      if (!isScalar(element) || (vt !== undefined && (!isScalar(vt) || !sameScalar(vt, element)))) {
        return this.fail(`The operands of 'in' are not comparable: ${typeName(vt)} and ${typeName(c.type)}.`, node.pos);
      }
      return { kind: 'member-of', value, collection: c };
    }
    if (!isScalar(t))
      return this.fail(`The left operand of 'in' must be a single value, but it is ${typeName(t)}.`, node.left.pos);
    if (t.kind === 'binary')
      return this.fail('Edm.Binary values can only be compared with null using eq or ne.', node.pos);
    const values = (node.list ?? []).map((item) => {
      const v = this.expr(item);
      if (v.kind === 'null') return v;
      if (v.kind !== 'literal') return this.fail("The list after 'in' may hold only literal values.", item.pos);
      const c = coerce(this.scope, v, t, item.pos) as LiteralExpr;
      if (!sameScalar(c.type, t))
        return this.fail(
          `The value at position ${item.pos} is ${typeName(c.type)}, but the left operand of 'in' is ${typeName(t)}.`,
          item.pos,
        );
      return c;
    });
    return { kind: 'in', operand, values };
  }

  private lambda(node: Node<'lambda'>): Expr {
    const c = this.collectionPath(node.base, `'${node.op}'`);
    const depth = this.lambdaDepth;
    if (node.variable === undefined || node.body === undefined)
      return { kind: 'lambda', op: node.op, collection: c, depth, body: undefined };
    const body = this.withVariable(node.variable, c.type.element, () =>
      this.boolean(node.body!, `The expression in '${node.op}'`),
    );
    return { kind: 'lambda', op: node.op, collection: c, depth, body };
  }
}

const lastName = (node: SyntaxNode): string =>
  node.kind === 'member' ? node.name : node.kind === 'cast' ? node.type : '$it';

/** Binds a `$filter` syntax tree; the result is a predicate (or a Boolean path). */
export function bindFilter(node: SyntaxNode, scope: BindScope): Expr {
  return new ExpressionBinder(scope).boolean(node, `The ${scope.option} expression`);
}

/** `$filter` text → the bound predicate, and its canonical text for the query's fingerprint. */
export function filterOption(text: string, scope: BindScope, limits: QueryLimits): { filter: Expr; canonical: string } {
  const syntax = parseFilter(text, { option: scope.option, limits });
  return { filter: bindFilter(syntax, scope), canonical: printExpression(syntax) };
}
