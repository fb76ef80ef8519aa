/**
 * Syntax tree + model → semantic tree (odata.net's `MetadataBinder` step). Names are resolved against the
 * entity type the expression is evaluated on, literals are converted to the type of what they are compared with
 * (`'error'` against an enum, a quoted date-time against Edm.DateTimeOffset), and every unsupported construct is
 * a 400 naming it. Messages follow Graph's wording where Graph has one ("Could not find a property named 'x' on
 * type 'microsoft.graph.y'.").
 */
import type { TypeRef } from '../model/edm.js';
import type { EdmModel, EnumType, Property, StructuredType } from '../model/model.js';
import { assertNever } from '../util/assert.js';
import { parseDateTimeOffset } from '../util/datetime.js';
import { QueryBindError, shown } from './errors.js';
import type { OrderKey } from './query.js';
import {
  type CompareOp,
  type ElementType,
  type Expr,
  isPredicate,
  type LiteralExpr,
  type MatchFunction,
  type PathExpr,
  type PathStep,
  type ScalarType,
  typeOfExpr,
  type ValueFunction,
  type ValueType,
} from './semantic.js';
import type { OrderBySyntax, SyntaxNode } from './syntax.js';

export interface BindScope {
  readonly model: EdmModel;
  /** The type `$it` has: the set's entity type, or the type of a type-cast segment. */
  readonly type: StructuredType;
  /** Option name for messages and `target`. */
  readonly option: string;
}

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

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

const isScalar = (t: ValueType | undefined): t is ScalarType =>
  t !== undefined && t.kind !== 'complex' && t.kind !== 'collection';

const sameScalar = (a: ScalarType, b: ScalarType): boolean =>
  a.kind === b.kind && (a.kind !== 'enum' || (b.kind === 'enum' && a.enum === b.enum));

interface LambdaVar {
  readonly name: string;
  readonly depth: number;
  readonly element: ElementType;
}

const VALUE_FUNCTIONS: Readonly<Record<ValueFunction, { readonly args: readonly number[] }>> = {
  length: { args: [1] },
  indexof: { args: [2] },
  substring: { args: [2, 3] },
  tolower: { args: [1] },
  toupper: { args: [1] },
  trim: { args: [1] },
  concat: { args: [2] },
  year: { args: [1] },
  month: { args: [1] },
  day: { args: [1] },
  hour: { args: [1] },
  minute: { args: [1] },
  second: { args: [1] },
};
const MATCH_FUNCTIONS: ReadonlySet<string> = new Set<MatchFunction>(['contains', 'startswith', 'endswith']);
const SUPPORTED_FUNCTIONS = [...MATCH_FUNCTIONS, ...Object.keys(VALUE_FUNCTIONS), 'isof'].join(', ');

class Binder {
  private readonly lambdas: LambdaVar[] = [];

  constructor(private readonly scope: BindScope) {}

  fail(message: string, pos?: number): never {
    throw new QueryBindError(
      this.scope.option,
      pos === undefined ? message : `${message} (in ${this.scope.option} at position ${pos})`,
      pos,
    );
  }

  // ---- types of properties ----

  private elementOf(ref: TypeRef, pos: number): ElementType {
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
        const e = this.scope.model.enums.get(ref.name);
        if (!e) return this.fail(`The enum type '${ref.name}' does not exist in ${this.scope.model.version}.`, pos);
        return { kind: 'enum', enum: e };
      }
      case 'complex': {
        const c = this.scope.model.complexTypes.get(ref.name);
        if (!c) return this.fail(`The complex type '${ref.name}' does not exist in ${this.scope.model.version}.`, pos);
        return { kind: 'complex', type: c };
      }
      default:
        return assertNever(ref, 'type');
    }
  }

  private typeOfProperty(p: Property, pos: number): ValueType {
    const element = this.elementOf(p.type, pos);
    return p.collection ? { kind: 'collection', element } : element;
  }

  // ---- paths ----

  /** The structured type a path's value has, for member access; fails for scalars and collections. */
  private structuredOf(path: PathExpr, pos: number, what: string): StructuredType {
    const t = path.type;
    if (t.kind === 'complex') return t.type;
    if (t.kind === 'collection') {
      return this.fail(
        `'${what}' is applied to a collection (${typeName(t)}); use any() or all() to look at its members.`,
        pos,
      );
    }
    return this.fail(`'${what}' cannot be applied to a value of type ${typeName(t)}.`, pos);
  }

  private missingProperty(type: StructuredType, name: string, pos: number): never {
    const onDerived = type.concreteTypes.find((c) => c !== type && c.propertyMap.has(name));
    const nav = type.kind === 'entity' && type.navigations.some((n) => n.name === name);
    const caseless = type.properties.find((p) => p.name.toLowerCase() === name.toLowerCase());
    let hint = '';
    if (onDerived) hint = ` It is defined on ${onDerived.qualifiedName}; write '${onDerived.qualifiedName}/${name}'.`;
    else if (nav)
      hint = ` '${name}' is a navigation property; filtering across navigation properties is not supported.`;
    else if (caseless) hint = ` Property names are case-sensitive; did you mean '${caseless.name}'?`;
    return this.fail(`Could not find a property named '${name}' on type '${type.qualifiedName}'.${hint}`, pos);
  }

  private extend(base: PathExpr, step: PathStep, type: ValueType, nullable: boolean): PathExpr {
    return { kind: 'path', root: base.root, steps: [...base.steps, step], type, nullable: base.nullable || nullable };
  }

  private itPath(): PathExpr {
    return {
      kind: 'path',
      root: { kind: 'it' },
      steps: [],
      type: { kind: 'complex', type: this.scope.type },
      nullable: false,
    };
  }

  private castStep(base: PathExpr, typeText: string, pos: number): PathExpr {
    const declared = this.structuredOf(base, pos, typeText);
    const target = this.scope.model.structuredByQualifiedName(typeText);
    if (!target) return this.fail(`The type '${typeText}' does not exist in ${this.scope.model.version}.`, pos);
    if (target !== declared && !declared.concreteTypes.includes(target)) {
      return this.fail(`The type '${typeText}' is not ${declared.qualifiedName} or a type derived from it.`, pos);
    }
    // A cast to the declared type changes nothing (and complex values of a type without subtypes carry no tag).
    if (target === declared) return base;
    const onRoot = base.root.kind === 'it' && base.steps.every((s) => s.kind === 'cast');
    const typeNames = target.concreteTypes.map((c) => (onRoot ? c.name : `#${c.qualifiedName}`));
    return this.extend(
      base,
      { kind: 'cast', type: target, typeNames },
      { kind: 'complex', type: target },
      target !== declared,
    );
  }

  private propertyStep(base: PathExpr, name: string, pos: number): PathExpr {
    const type = this.structuredOf(base, pos, name);
    const p = type.propertyMap.get(name);
    if (p)
      return this.extend(
        base,
        { kind: 'property', property: p },
        this.typeOfProperty(p, pos),
        p.nullable && !p.collection,
      );
    // A property of derived types, named without the cast (`settings/any(...)` on mobileAppConfigurations): the
    // cast is implied, so instances of the other types see null (§5.1.1.15), as with an explicit cast.
    const declaring = type.concreteTypes.filter((c) => c.propertyMap.has(name));
    const first = declaring[0]?.propertyMap.get(name);
    if (!first) return this.missingProperty(type, name, pos);
    const same = declaring.every((c) => {
      const q = c.propertyMap.get(name)!;
      return q.collection === first.collection && q.type.kind === first.type.kind && q.type.name === first.type.name;
    });
    if (!same) {
      return this.fail(
        `The property '${name}' has different types on the types derived from ${type.qualifiedName}; prefix it with one of ${declaring.map((c) => `'${c.qualifiedName}/'`).join(', ')}.`,
        pos,
      );
    }
    const onRoot = base.root.kind === 'it' && base.steps.every((s) => s.kind === 'cast');
    const typeNames = declaring.map((c) => (onRoot ? c.name : `#${c.qualifiedName}`));
    const cast = this.extend(
      base,
      { kind: 'cast', type: declaring[0]!, typeNames },
      { kind: 'complex', type: declaring[0]! },
      true,
    );
    return this.extend(
      cast,
      { kind: 'property', property: first },
      this.typeOfProperty(first, pos),
      first.nullable && !first.collection,
    );
  }

  /** Resolves a path node (member / cast / $it chains). */
  path(node: SyntaxNode): PathExpr {
    switch (node.kind) {
      case 'it':
        return this.itPath();
      case 'member': {
        if (node.base === undefined) {
          for (let i = this.lambdas.length - 1; i >= 0; i--) {
            const v = this.lambdas[i]!;
            if (v.name === node.name) {
              return {
                kind: 'path',
                root: { kind: 'lambda', depth: v.depth, element: v.element },
                steps: [],
                type: v.element,
                nullable: false,
              };
            }
          }
          return this.propertyStep(this.itPath(), node.name, node.pos);
        }
        return this.propertyStep(this.path(node.base), node.name, node.pos);
      }
      case 'cast':
        return this.castStep(node.base === undefined ? this.itPath() : this.path(node.base), node.type, node.pos);
      case 'count':
      case 'lambda':
      case 'call':
      case 'literal':
      case 'binary':
      case 'not':
      case 'in':
        return this.fail(`Expected a property path, found ${this.describe(node)}.`, node.pos);
      default:
        return assertNever(node, 'syntax node');
    }
  }

  private collectionPath(
    node: SyntaxNode,
    what: string,
  ): PathExpr & { type: { kind: 'collection'; element: ElementType } } {
    const p = this.path(node);
    if (p.type.kind !== 'collection') {
      return this.fail(`${what} needs a collection, but the path is of type ${typeName(p.type)}.`, node.pos);
    }
    return p as PathExpr & { type: { kind: 'collection'; element: ElementType } };
  }

  private describe(node: SyntaxNode): string {
    switch (node.kind) {
      case 'literal':
        return `the literal at position ${node.pos}`;
      case 'call':
        return `the function call ${shown(node.name)}`;
      case 'binary':
        return `the '${node.op}' expression`;
      case 'not':
        return "a 'not' expression";
      case 'in':
        return "an 'in' expression";
      case 'lambda':
        return `'${node.op}()'`;
      case 'count':
        return "'$count'";
      case 'it':
        return "'$it'";
      case 'member':
        return shown(node.name);
      case 'cast':
        return shown(node.type);
      default:
        return assertNever(node, 'syntax node');
    }
  }

  // ---- expressions ----

  /** Any expression; scalars come out typed, paths to complex values and collections are refused here. */
  expr(node: SyntaxNode): Expr {
    switch (node.kind) {
      case 'literal':
        return this.literal(node);
      case 'it':
      case 'member':
      case 'cast': {
        const p = this.path(node);
        if (p.type.kind === 'collection') {
          return this.fail(
            `'${this.lastName(node)}' is a collection (${typeName(p.type)}); use ${this.lastName(node)}/any(x: ...) or ${this.lastName(node)}/all(x: ...).`,
            node.pos,
          );
        }
        if (p.type.kind === 'complex') {
          return this.fail(
            `'${this.lastName(node)}' is of the structured type ${typeName(p.type)} and cannot be used as a value; name one of its properties.`,
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
        return this.call(node);
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

  private lastName(node: SyntaxNode): string {
    return node.kind === 'member' ? node.name : node.kind === 'cast' ? node.type : '$it';
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

  private literal(node: SyntaxNode & { kind: 'literal' }): Expr {
    switch (node.type) {
      case 'null':
        return { kind: 'null' };
      case 'boolean':
        return { kind: 'literal', type: { kind: 'boolean' }, value: node.value };
      case 'string':
      case 'guid':
        return { kind: 'literal', type: { kind: 'string' }, value: node.value };
      case 'int': {
        const n = Number(node.value);
        if (!Number.isSafeInteger(n) || n < INT32_MIN || n > INT32_MAX) {
          return this.fail(
            `The number ${node.value} is outside the range of Edm.Int32 (${INT32_MIN} to ${INT32_MAX}).`,
            node.pos,
          );
        }
        return { kind: 'literal', type: { kind: 'int32' }, value: n };
      }
      case 'decimal':
        return this.fail(
          `The number ${node.value} is not an integer; every numeric property here is an Edm.Int32.`,
          node.pos,
        );
      case 'dateTimeOffset': {
        const r = parseDateTimeOffset(node.value);
        if (!r.ok) return this.fail(`${shown(node.value)} is not a valid Edm.DateTimeOffset: ${r.reason}.`, node.pos);
        return { kind: 'literal', type: { kind: 'dateTimeOffset' }, value: r.value };
      }
      case 'date':
        return this.fail(
          `Edm.Date values such as ${node.value} cannot be compared here; use a date-time with an offset, e.g. ${node.value}T00:00:00Z.`,
          node.pos,
        );
      case 'enum': {
        const e = this.scope.model.enumByQualifiedName(node.enumType);
        if (!e)
          return this.fail(`The enum type '${node.enumType}' does not exist in ${this.scope.model.version}.`, node.pos);
        return { kind: 'literal', type: { kind: 'enum', enum: e }, value: this.member(e, node.value, node.pos) };
      }
      default:
        return assertNever(node, 'literal');
    }
  }

  private member(e: EnumType, text: string, pos: number): number {
    const exact = e.byName.get(text);
    if (exact !== undefined) return exact;
    const folded = e.members.filter((m) => m.name.toLowerCase() === text.toLowerCase());
    if (folded.length === 1) return folded[0]!.value;
    return this.fail(
      `'${text}' is not a member of ${e.qualifiedName}; use one of ${e.members.map((m) => `'${m.name}'`).join(', ')}.`,
      pos,
    );
  }

  /** Converts a literal to `target` where OData allows it (a string naming an enum member or a date-time). */
  private coerce(e: Expr, target: ScalarType, node: SyntaxNode): Expr {
    if (e.kind !== 'literal') return e;
    if (target.kind === 'enum' && e.type.kind === 'string') {
      return { kind: 'literal', type: target, value: this.member(target.enum, e.value as string, node.pos) };
    }
    if (target.kind === 'enum' && e.type.kind === 'int32') {
      return this.fail(
        `Enum values are written as member names ('${target.enum.members[0]!.name}'), not numbers.`,
        node.pos,
      );
    }
    if (target.kind === 'dateTimeOffset' && e.type.kind === 'string') {
      const r = parseDateTimeOffset(e.value as string);
      if (!r.ok)
        return this.fail(`${shown(e.value as string)} is not a valid Edm.DateTimeOffset: ${r.reason}.`, node.pos);
      return { kind: 'literal', type: target, value: r.value };
    }
    return e;
  }

  private binary(node: SyntaxNode & { kind: 'binary' }): Expr {
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

  private compare(op: CompareOp, node: SyntaxNode & { kind: 'binary' }): Expr {
    let left = this.expr(node.left);
    let right = this.expr(node.right);
    const lt = typeOfExpr(left);
    const rt = typeOfExpr(right);
    if (isScalar(lt) && right.kind === 'literal') right = this.coerce(right, lt, node.right);
    if (isScalar(rt) && left.kind === 'literal') left = this.coerce(left, rt, node.left);
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

  private in(node: SyntaxNode & { kind: 'in' }): Expr {
    const operand = this.expr(node.left);
    const t = typeOfExpr(operand);
    if (node.collection) {
      const c = this.collectionPath(node.collection, "The right operand of 'in'");
      const element = c.type.element;
      const value = isScalar(element) ? this.coerce(operand, element, node.left) : operand;
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
      const c = this.coerce(v, t, item) as LiteralExpr;
      if (!sameScalar(c.type, t))
        return this.fail(
          `The value at position ${item.pos} is ${typeName(c.type)}, but the left operand of 'in' is ${typeName(t)}.`,
          item.pos,
        );
      return c;
    });
    return { kind: 'in', operand, values };
  }

  private lambda(node: SyntaxNode & { kind: 'lambda' }): Expr {
    const c = this.collectionPath(node.base, `'${node.op}'`);
    const depth = this.lambdas.length;
    if (node.variable === undefined || node.body === undefined)
      return { kind: 'lambda', op: node.op, collection: c, depth, body: undefined };
    this.lambdas.push({ name: node.variable, depth, element: c.type.element });
    try {
      const body = this.boolean(node.body, `The expression in '${node.op}'`);
      return { kind: 'lambda', op: node.op, collection: c, depth, body };
    } finally {
      this.lambdas.pop();
    }
  }

  private scalarArg(node: SyntaxNode, fn: string, want: ScalarType['kind']): Expr {
    const e = this.expr(node);
    if (e.kind === 'null') return e;
    let t = typeOfExpr(e);
    let out: Expr = e;
    if (want === 'dateTimeOffset' && e.kind === 'literal' && t?.kind === 'string') {
      out = this.coerce(e, { kind: 'dateTimeOffset' }, node);
      t = typeOfExpr(out);
    }
    if (!isScalar(t) || t.kind !== want || isPredicate(out)) {
      const wanted = typeName({ kind: want } as ScalarType);
      return this.fail(
        `The function '${fn}' needs ${wanted} arguments, but the one at position ${node.pos} is ${typeName(t)}.`,
        node.pos,
      );
    }
    return out;
  }

  private call(node: SyntaxNode & { kind: 'call' }): Expr {
    const name = node.name;
    if (MATCH_FUNCTIONS.has(name)) {
      this.arity(node, [2]);
      return {
        kind: 'match',
        fn: name as MatchFunction,
        subject: this.scalarArg(node.args[0]!, name, 'string'),
        pattern: this.scalarArg(node.args[1]!, name, 'string'),
      };
    }
    if (name === 'isof') return this.isof(node);
    const def = VALUE_FUNCTIONS[name as ValueFunction];
    if (!def) {
      return this.fail(
        `The function '${name}' is not supported; the supported functions are ${SUPPORTED_FUNCTIONS}.`,
        node.pos,
      );
    }
    this.arity(node, def.args);
    const fn = name as ValueFunction;
    let args: Expr[];
    let type: ScalarType;
    switch (fn) {
      case 'length':
      case 'tolower':
      case 'toupper':
      case 'trim':
        args = [this.scalarArg(node.args[0]!, fn, 'string')];
        type = fn === 'length' ? { kind: 'int32' } : { kind: 'string' };
        break;
      case 'indexof':
        args = [this.scalarArg(node.args[0]!, fn, 'string'), this.scalarArg(node.args[1]!, fn, 'string')];
        type = { kind: 'int32' };
        break;
      case 'concat':
        args = [this.scalarArg(node.args[0]!, fn, 'string'), this.scalarArg(node.args[1]!, fn, 'string')];
        type = { kind: 'string' };
        break;
      case 'substring':
        args = [
          this.scalarArg(node.args[0]!, fn, 'string'),
          ...node.args.slice(1).map((a) => this.scalarArg(a, fn, 'int32')),
        ];
        type = { kind: 'string' };
        break;
      case 'year':
      case 'month':
      case 'day':
      case 'hour':
      case 'minute':
      case 'second':
        args = [this.scalarArg(node.args[0]!, fn, 'dateTimeOffset')];
        type = { kind: 'int32' };
        break;
      default:
        return assertNever(fn, 'function');
    }
    const nullable = args.some((a) => a.kind === 'null' || ((a.kind === 'path' || a.kind === 'call') && a.nullable));
    return { kind: 'call', fn, args, type, nullable };
  }

  private arity(node: SyntaxNode & { kind: 'call' }, counts: readonly number[]): void {
    if (!counts.includes(node.args.length)) {
      this.fail(
        `The function '${node.name}' takes ${counts.join(' or ')} argument${counts.length === 1 && counts[0] === 1 ? '' : 's'}; got ${node.args.length}.`,
        node.pos,
      );
    }
  }

  private isof(node: SyntaxNode & { kind: 'call' }): Expr {
    this.arity(node, [1, 2]);
    const typeArg = node.args[node.args.length - 1]!;
    let typeText: string;
    if (typeArg.kind === 'literal' && typeArg.type === 'string') typeText = typeArg.value;
    else if (typeArg.kind === 'cast' && typeArg.base === undefined) typeText = typeArg.type;
    else
      return this.fail(
        "The last argument of 'isof' must name a type, e.g. isof('microsoft.graph.iosMobileAppConfiguration').",
        typeArg.pos,
      );
    const target = node.args.length === 2 ? this.path(node.args[0]!) : this.itPath();
    const declared = this.structuredOf(target, node.pos, 'isof');
    const named = this.scope.model.structuredByQualifiedName(typeText);
    if (!named) return this.fail(`The type '${typeText}' does not exist in ${this.scope.model.version}.`, typeArg.pos);
    if (named.kind !== declared.kind) {
      return this.fail(`The type '${typeText}' can never match a ${declared.qualifiedName}.`, typeArg.pos);
    }
    const onRoot = target.root.kind === 'it' && target.steps.every((s) => s.kind === 'cast');
    const matching = named.concreteTypes.filter((c) => c === declared || declared.concreteTypes.includes(c));
    if (!onRoot && matching.length === declared.concreteTypes.length && matching.length > 0) {
      // Every value the path can hold matches (complex values without subtypes carry no `@odata.type`): the
      // test is only whether there is a value.
      return { kind: 'compare', op: 'ne', left: target, right: { kind: 'null' } };
    }
    return { kind: 'isof', target, typeNames: matching.map((c) => (onRoot ? c.name : `#${c.qualifiedName}`)) };
  }
}

/** Binds a `$filter` syntax tree; the result is a predicate (or a Boolean path). */
export function bindFilter(node: SyntaxNode, scope: BindScope): Expr {
  return new Binder(scope).boolean(node, `The ${scope.option} expression`);
}

/** Binds `$orderby` items: each must be a single-valued primitive or enum property path of `$it`. */
export function bindOrderBy(items: readonly OrderBySyntax[], scope: BindScope): OrderKey[] {
  const b = new Binder(scope);
  return items.map((item) => {
    const node = item.expr;
    if (node.kind !== 'member' && node.kind !== 'cast') {
      return b.fail(
        `${scope.option} accepts property paths only (e.g. 'displayName desc'); it cannot sort by an expression.`,
        node.pos,
      );
    }
    const path = b.path(node);
    if (!isScalar(path.type))
      return b.fail(
        `Cannot sort by '${node.kind === 'member' ? node.name : node.type}', a value of type ${typeName(path.type)}.`,
        node.pos,
      );
    if (path.type.kind === 'binary') return b.fail('Cannot sort by an Edm.Binary property.', node.pos);
    return { path, descending: item.descending };
  });
}
