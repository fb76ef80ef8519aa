/**
 * Canonical function calls (odata.net's `FunctionCallBinder`): the string matchers, the value functions and
 * `isof`. Each checks its arity and the types of its arguments; anything else is a 400 listing what exists.
 */
import { assertNever } from '../../util/assert.js';
import {
  type Expr,
  isPredicate,
  type MatchFunction,
  type ScalarType,
  typeOfExpr,
  type ValueFunction,
} from '../semantic.js';
import type { SyntaxNode } from '../syntax.js';
import type { ExpressionBinder } from './filter.js';
import { coerce } from './literal.js';
import { isScalar, typeName } from './types.js';

type CallNode = SyntaxNode & { kind: 'call' };

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

export function bindCall(b: ExpressionBinder, node: CallNode): Expr {
  const name = node.name;
  if (MATCH_FUNCTIONS.has(name)) {
    arity(b, node, [2]);
    return {
      kind: 'match',
      fn: name as MatchFunction,
      subject: scalarArg(b, node.args[0]!, name, 'string'),
      pattern: scalarArg(b, node.args[1]!, name, 'string'),
    };
  }
  if (name === 'isof') return isof(b, node);
  // Own keys only: `constructor(x)` must not find Object.prototype's member.
  const def = Object.hasOwn(VALUE_FUNCTIONS, name) ? VALUE_FUNCTIONS[name as ValueFunction] : undefined;
  if (!def) {
    return b.fail(
      `The function '${name}' is not supported; the supported functions are ${SUPPORTED_FUNCTIONS}.`,
      node.pos,
    );
  }
  arity(b, node, def.args);
  const fn = name as ValueFunction;
  let args: Expr[];
  let type: ScalarType;
  switch (fn) {
    case 'length':
    case 'tolower':
    case 'toupper':
    case 'trim':
      args = [scalarArg(b, node.args[0]!, fn, 'string')];
      type = fn === 'length' ? { kind: 'int32' } : { kind: 'string' };
      break;
    case 'indexof':
      args = [scalarArg(b, node.args[0]!, fn, 'string'), scalarArg(b, node.args[1]!, fn, 'string')];
      type = { kind: 'int32' };
      break;
    case 'concat':
      args = [scalarArg(b, node.args[0]!, fn, 'string'), scalarArg(b, node.args[1]!, fn, 'string')];
      type = { kind: 'string' };
      break;
    case 'substring':
      args = [
        scalarArg(b, node.args[0]!, fn, 'string'),
        ...node.args.slice(1).map((a) => scalarArg(b, a, fn, 'int32')),
      ];
      type = { kind: 'string' };
      break;
    case 'year':
    case 'month':
    case 'day':
    case 'hour':
    case 'minute':
    case 'second':
      args = [scalarArg(b, node.args[0]!, fn, 'dateTimeOffset')];
      type = { kind: 'int32' };
      break;
    default:
      return assertNever(fn, 'function');
  }
  const nullable = args.some((a) => a.kind === 'null' || ((a.kind === 'path' || a.kind === 'call') && a.nullable));
  return { kind: 'call', fn, args, type, nullable };
}

function arity(b: ExpressionBinder, node: CallNode, counts: readonly number[]): void {
  if (!counts.includes(node.args.length)) {
    b.fail(
      `The function '${node.name}' takes ${counts.join(' or ')} argument${counts.length === 1 && counts[0] === 1 ? '' : 's'}; got ${node.args.length}.`,
      node.pos,
    );
  }
}

function scalarArg(b: ExpressionBinder, node: SyntaxNode, fn: string, want: ScalarType['kind']): Expr {
  const e = b.expr(node);
  if (e.kind === 'null') return e;
  let t = typeOfExpr(e);
  let out: Expr = e;
  if (want === 'dateTimeOffset' && e.kind === 'literal' && t?.kind === 'string') {
    out = coerce(b.scope, e, { kind: 'dateTimeOffset' }, node.pos);
    t = typeOfExpr(out);
  }
  if (!isScalar(t) || t.kind !== want || isPredicate(out)) {
    const wanted = typeName({ kind: want } as ScalarType);
    return b.fail(
      `The function '${fn}' needs ${wanted} arguments, but the one at position ${node.pos} is ${typeName(t)}.`,
      node.pos,
    );
  }
  return out;
}

/** `isof(type)` on `$it` or `isof(path, type)`: a type test, or a null test when every value would match. */
function isof(b: ExpressionBinder, node: CallNode): Expr {
  arity(b, node, [1, 2]);
  const typeArg = node.args[node.args.length - 1]!;
  let typeText: string;
  if (typeArg.kind === 'literal' && typeArg.type === 'string') typeText = typeArg.value;
  else if (typeArg.kind === 'cast' && typeArg.base === undefined) typeText = typeArg.type;
  else
    return b.fail(
      "The last argument of 'isof' must name a type, e.g. isof('microsoft.graph.iosMobileAppConfiguration').",
      typeArg.pos,
    );
  const target = node.args.length === 2 ? b.path(node.args[0]!) : b.itPath();
  const declared = b.structuredOf(target, node.pos, 'isof');
  const named = b.scope.model.structuredByQualifiedName(typeText);
  if (!named) return b.fail(`The type '${typeText}' does not exist in ${b.scope.model.version}.`, typeArg.pos);
  if (named.kind !== declared.kind) {
    return b.fail(`The type '${typeText}' can never match a ${declared.qualifiedName}.`, typeArg.pos);
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
