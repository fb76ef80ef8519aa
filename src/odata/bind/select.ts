/** `$select` (odata.net's `SelectBinder`): the properties to write, and the projection the context URL names. */
import type { StructuredType } from '../../model/model.js';
import { QueryBindError } from '../errors.js';
import type { QueryLimits } from '../limits.js';
import { parseSelect } from '../parser.js';

export interface SelectResult {
  /** Property names to write (a property absent from an entity's type is simply not written). */
  readonly properties: ReadonlySet<string>;
  /** The projection for the context URL, as the items were written: `(a,b)`. */
  readonly projection: readonly string[];
}

/** `$select` text against `type`; `*` means every property, as if there were no `$select`. */
export function bindSelect(
  text: string,
  option: string,
  type: StructuredType,
  limits: QueryLimits,
): SelectResult | undefined {
  const items = parseSelect(text, { option, limits });
  const properties = new Set<string>();
  const projection: string[] = [];
  for (const item of items) {
    if (item.path.length === 1 && item.path[0] === '*') return undefined;
    let owner = type;
    let name = item.path[0]!;
    if (item.path.length === 2 && name.includes('.')) {
      const cast = type.concreteTypes.find((c) => c.qualifiedName === name || `graph.${c.name}` === name);
      if (!cast)
        throw new QueryBindError(
          option,
          `The type '${name}' is not ${type.qualifiedName} or a type derived from it.`,
          item.pos,
        );
      owner = cast;
      name = item.path[1]!;
    } else if (item.path.length !== 1) {
      throw new QueryBindError(option, `${option} takes property names; '${item.path.join('/')}' is a path.`, item.pos);
    }
    // A property of a derived type may be selected on the base set: entities of other types just lack it.
    const declaring = owner.propertyMap.has(name) ? owner : owner.concreteTypes.find((c) => c.propertyMap.has(name));
    if (!declaring) {
      const nav = owner.navigations.some((n) => n.name === name);
      throw new QueryBindError(
        option,
        `Could not find a property named '${name}' on type '${owner.qualifiedName}'.${nav ? ` '${name}' is a navigation property; use $expand=${name}.` : ''}`,
        item.pos,
      );
    }
    properties.add(name);
    projection.push(item.path.join('/'));
  }
  return { properties, projection };
}
