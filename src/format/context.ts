/** `@odata.context` URLs and canonical entity URLs (OData JSON Format §10; graph-reference.md §4.4). */
import { ENTITY_SETS, ROOT_SINGLETON, type SetName } from '../model/resources.js';

export const keyLiteral = (id: string): string => `'${id.replace(/'/g, "''")}'`;

/** `deviceAppManagement/mobileAppConfigurations('c')/userStatuses` — the canonical path of a set. */
export function setPath(set: SetName, configId?: string): string {
  const root = `${ROOT_SINGLETON}/${ENTITY_SETS.configurations.segment}`;
  if (set === 'configurations') return root;
  return `${root}(${keyLiteral(configId ?? '')})/${ENTITY_SETS[set].segment}`;
}

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
  return `${serviceRoot}/$metadata#${setPath('configurations')}(${keyLiteral(configId)})/${summary}/$entity`;
}
