/**
 * Property paths (`a/b`, `$it`, type casts, lambda variables) → typed `PathExpr`. Shared by `$filter`, which
 * also declares lambda variables, and `$orderby`.
 */
import type { StructuredType } from '../../model/model.js';
import { assertNever } from '../../util/assert.js';
import type { ElementType, PathExpr, PathStep, ValueType } from '../semantic.js';
import type { SyntaxNode } from '../syntax.js';
import { type BindScope, bindFail, describe } from './context.js';
import { typeName, typeOfProperty } from './types.js';

interface LambdaVar {
  readonly name: string;
  readonly depth: number;
  readonly element: ElementType;
}

export type CollectionPath = PathExpr & { type: { kind: 'collection'; element: ElementType } };

export class PathBinder {
  private readonly lambdas: LambdaVar[] = [];

  constructor(readonly scope: BindScope) {}

  fail(message: string, pos?: number): never {
    return bindFail(this.scope, message, pos);
  }

  /** Nesting depth the next lambda variable gets (0 = outermost). */
  get lambdaDepth(): number {
    return this.lambdas.length;
  }

  /** Runs `body` with the lambda variable `name` in scope. */
  withVariable<T>(name: string, element: ElementType, body: () => T): T {
    this.lambdas.push({ name, depth: this.lambdas.length, element });
    try {
      return body();
    } finally {
      this.lambdas.pop();
    }
  }

  /** The structured type a path's value has, for member access; fails for scalars and collections. */
  structuredOf(path: PathExpr, pos: number, what: string): StructuredType {
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

  itPath(): PathExpr {
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
        typeOfProperty(this.scope, p, pos),
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
      typeOfProperty(this.scope, first, pos),
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
        return this.fail(`Expected a property path, found ${describe(node)}.`, node.pos);
      default:
        return assertNever(node, 'syntax node');
    }
  }

  /** A path that must be collection-valued (`$count`, lambdas, the right side of `in`). */
  collectionPath(node: SyntaxNode, what: string): CollectionPath {
    const p = this.path(node);
    if (p.type.kind !== 'collection') {
      return this.fail(`${what} needs a collection, but the path is of type ${typeName(p.type)}.`, node.pos);
    }
    return p as CollectionPath;
  }
}
