/** `$search`: words matched in the properties the entity set declares searchable (`EntitySet.searchable`). */
import type { StructuredType } from '../../model/model.js';
import type { EntitySet } from '../../model/resources.js';
import { badRequest } from '../../util/errors.js';
import type { QueryLimits } from '../limits.js';
import { parseSearch } from '../parser.js';

/** The words of `$search`; a 400 where the resource has nothing to search in. */
export function searchOption(
  text: string,
  option: string,
  target: { readonly set: EntitySet | undefined; readonly type: StructuredType },
  limits: QueryLimits,
): string[] {
  if (!target.set || target.set.searchable.length === 0) {
    const where = target.set ? target.set.segment : target.type.name;
    throw badRequest(`${option} is not supported on ${where}: it has no searchable properties.`, option);
  }
  return parseSearch(text, { option, limits, maxWords: limits.maxSearchWords });
}
