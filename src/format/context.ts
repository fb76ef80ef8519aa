/** `@odata.context` URLs and canonical entity URLs (OData JSON Format §10; docs/graph-schema.md#context-urls). */
import {
  containerOf,
  ENTITY_SETS,
  type SetName,
  SUMMARIES,
  type SummaryName,
  summaryContainer,
  topLevelSegments,
} from '../model/resources.js';

export const keyLiteral = (id: string): string => `'${id.replace(/'/g, "''")}'`;

/** A key in parentheses as it appears in a URL: percent-encoded, quotes kept. */
const urlKey = (id: string): string => `(${encodeURIComponent(keyLiteral(id)).replace(/%27/g, "'")})`;

/**
 * The canonical path of a set from the service root, from the model: `deviceAppManagement/mobileAppConfigurations`,
 * `users`, or for a contained set `deviceAppManagement/mobileAppConfigurations('c')/userStatuses`. `urlSafe` writes
 * the container's key percent-encoded, as in a URL (not in a context URL's fragment).
 */
export function setPath(set: SetName, containerId?: string, urlSafe = false): string {
  const s = ENTITY_SETS[set];
  const container = containerOf(s);
  if (!container) return topLevelSegments(s).join('/');
  const key = urlSafe ? urlKey(containerId ?? '') : `(${keyLiteral(containerId ?? '')})`;
  return `${setPath(container.name)}${key}/${s.segment}`;
}

/** The shape of a set's path for logs and metrics, ids left out: `mobileAppConfigurations/{id}/userStatuses`. */
export function setRoute(set: SetName): string {
  const s = ENTITY_SETS[set];
  const container = containerOf(s);
  return container ? `${setRoute(container.name)}/{id}/${s.segment}` : s.segment;
}

/** The route of a summary or an action under an entity of `set`: `mobileAppConfigurations/{id}/assign`. */
export const entityRoute = (set: SetName, tail: string): string => `${setRoute(set)}/{id}/${tail}`;

export const summaryRoute = (summary: SummaryName): string =>
  entityRoute(summaryContainer(SUMMARIES[summary]).name, summary);

export function entityUrl(serviceRoot: string, set: SetName, containerId: string | undefined, id: string): string {
  return `${serviceRoot}/${setPath(set, containerId)}${urlKey(id)}`;
}

export function collectionContext(
  serviceRoot: string,
  set: SetName,
  containerId?: string,
  select?: readonly string[],
): string {
  return `${serviceRoot}/$metadata#${setPath(set, containerId)}${select ? `(${select.join(',')})` : ''}`;
}

export function entityContext(
  serviceRoot: string,
  set: SetName,
  containerId?: string,
  select?: readonly string[],
): string {
  return `${serviceRoot}/$metadata#${setPath(set, containerId)}${select ? `(${select.join(',')})` : ''}/$entity`;
}

export function summaryContext(serviceRoot: string, containerId: string, summary: SummaryName): string {
  const owner = summaryContainer(SUMMARIES[summary]);
  return `${serviceRoot}/$metadata#${setPath(owner.name)}(${keyLiteral(containerId)})/${summary}/$entity`;
}
