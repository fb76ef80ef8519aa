/** `$orderby` (odata.net's `OrderByBinder`): each key a single-valued primitive or enum property path of `$it`. */
import { badRequest } from '../../util/errors.js';
import type { QueryLimits } from '../limits.js';
import { parseOrderBy } from '../parser.js';
import { printOrderBy } from '../print.js';
import type { OrderKey } from '../query.js';
import type { OrderBySyntax } from '../syntax.js';
import type { BindScope } from './context.js';
import { PathBinder } from './property-path.js';
import { isScalar, typeName } from './types.js';

/** Binds `$orderby` items: each must be a single-valued primitive or enum property path of `$it`. */
export function bindOrderBy(items: readonly OrderBySyntax[], scope: BindScope): OrderKey[] {
  const b = new PathBinder(scope);
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

/** `$orderby` text → the bound keys, and their canonical text for the query's fingerprint. */
export function orderByOption(
  text: string,
  scope: BindScope,
  limits: QueryLimits,
): { orderBy: OrderKey[]; canonical: string } {
  const syntax = parseOrderBy(text, { option: scope.option, limits });
  if (syntax.length > limits.maxOrderByKeys) {
    throw badRequest(`${scope.option} has more than ${limits.maxOrderByKeys} keys.`, scope.option);
  }
  return { orderBy: bindOrderBy(syntax, scope), canonical: printOrderBy(syntax) };
}
