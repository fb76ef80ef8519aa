/**
 * What every binder shares (odata.net's `BindingState`): the model of the version, the type `$it` has, and the
 * option being bound, which every message and error `target` names.
 */
import type { EdmModel, StructuredType } from '../../model/model.js';
import { assertNever } from '../../util/assert.js';
import { QueryBindError, shown } from '../errors.js';
import type { SyntaxNode } from '../syntax.js';

export interface BindScope {
  readonly model: EdmModel;
  /** The type `$it` has: the set's entity type, or the type of a type-cast segment. */
  readonly type: StructuredType;
  /** Option name for messages and `target`. */
  readonly option: string;
}

/** A 400 for `scope`'s option; with a position, the message says where in the option's text. */
export function bindFail(scope: BindScope, message: string, pos?: number): never {
  throw new QueryBindError(
    scope.option,
    pos === undefined ? message : `${message} (in ${scope.option} at position ${pos})`,
    pos,
  );
}

/** How a syntax node is named in a message that refuses it. */
export function describe(node: SyntaxNode): string {
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
