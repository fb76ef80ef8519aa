/** `@odata.context` URLs and canonical entity URLs (OData JSON Format §10; docs/graph-schema.md#context-urls). */
import { ENTITY_SETS, type EntitySet, ROOT_SINGLETON, type SetName } from '../model/resources.js';

/** The one set that is not contained: the others hang under its entities. */
export const CONTAINER_SET: EntitySet = Object.values(ENTITY_SETS).find((s) => !s.contained)!;

export const keyLiteral = (id: string): string => `'${id.replace(/'/g, "''")}'`;

/** `deviceAppManagement/mobileAppConfigurations('c')/userStatuses` — the canonical path of a set. */
export function setPath(set: SetName, configId?: string): string {
  const root = `${ROOT_SINGLETON}/${CONTAINER_SET.segment}`;
  if (!ENTITY_SETS[set].contained) return root;
  return `${root}(${keyLiteral(configId ?? '')})/${ENTITY_SETS[set].segment}`;
}

/** The shape of a set's path for logs and metrics, ids left out: `mobileAppConfigurations/{id}/userStatuses`. */
export const setRoute = (set: SetName): string =>
  ENTITY_SETS[set].contained ? `${CONTAINER_SET.segment}/{id}/${ENTITY_SETS[set].segment}` : CONTAINER_SET.segment;

export function entityUrl(serviceRoot: string, set: SetName, configId: string | undefined, id: string): string {
  return `${serviceRoot}/${setPath(set, configId)}(${encodeURIComponent(keyLiteral(id)).replace(/%27/g, "'")})`;
}

export function collectionContext(
  serviceRoot: string,
  set: SetName,
  configId?: string,
  select?: readonly string[],
): string {
  return `${serviceRoot}/$metadata#${setPath(set, configId)}${select ? `(${select.join(',')})` : ''}`;
}

export function entityContext(
  serviceRoot: string,
  set: SetName,
  configId?: string,
  select?: readonly string[],
): string {
  return `${serviceRoot}/$metadata#${setPath(set, configId)}${select ? `(${select.join(',')})` : ''}/$entity`;
}

export function summaryContext(serviceRoot: string, configId: string, summary: string): string {
  return `${serviceRoot}/$metadata#${setPath(CONTAINER_SET.name)}(${keyLiteral(configId)})/${summary}/$entity`;
}
