/** The store's 404/409/412 answers, worded once for every dialect, and the order that explains a miss. */
import { qualified } from '../../model/edm.js';
import type { EntityValues } from '../../model/validate.js';
import { ApiError } from '../../util/errors.js';
import type { IfMatch, Scope } from '../port.js';
import type { LinkTableDef, TableDef } from './schema.js';

/** The container (configuration) of a contained set's scope does not exist. */
export const missingContainer = (t: TableDef, scope: Scope): ApiError =>
  new ApiError(
    'ResourceNotFound',
    `No ${t.container?.set.entityType} with id '${scope.configId ?? ''}' exists in this tenant.`,
  );

export const missingEntity = (t: TableDef, id: string, scope: Scope, label?: string): ApiError =>
  new ApiError(
    'ResourceNotFound',
    `${label ? `${label}: ` : ''}No ${t.set.entityType} with id '${id}' exists` +
      (t.container ? ` in ${t.container.set.entityType} '${scope.configId}'.` : ' in this tenant.'),
  );

const conflict = (t: TableDef, what: string, label?: string): ApiError =>
  new ApiError(
    'Conflict',
    `${label ? `${label}: ` : ''}A ${qualified(t.set.entityType)} with ${what} already exists` +
      (t.container ? ' in this configuration.' : ' in this tenant.'),
  );

export const idTaken = (t: TableDef, id: string, label?: string): ApiError => conflict(t, `id '${id}'`, label);

/** The set's principal key (`userPrincipalName`) is taken by another row; `values` holds the offered one. */
export const principalTaken = (t: TableDef, values: EntityValues, label?: string): ApiError => {
  const key = t.set.principalKey ?? 'principal key';
  return conflict(t, `${key} '${String(values[key])}'`, label);
};

export const etagMismatch = (t: TableDef, id: string): ApiError =>
  new ApiError(
    'PreconditionFailed',
    `The If-Match header does not match the current ETag of ${t.set.entityType} '${id}' (or it does not exist).`,
  );

/**
 * Why a keyed read or write found nothing, in one order for every store: the configuration is gone (404);
 * `If-Match` was given (412: the tag differs or the entity is absent); the entity is absent (404).
 * `containerFound` is whether the scope's configuration exists (always true for a set not contained).
 */
export function explainMiss(
  t: TableDef,
  scope: Scope,
  id: string,
  ifMatch: IfMatch | undefined,
  containerFound: boolean,
  label?: string,
): ApiError {
  if (!containerFound) return missingContainer(t, scope);
  if (ifMatch) return etagMismatch(t, id);
  return missingEntity(t, id, scope, label);
}

// ---- Links (`/groups/{id}/members`); the ApiError's target names the id that was not found. ----

export const missingOwner = (l: LinkTableDef, id: string): ApiError =>
  new ApiError('ResourceNotFound', `No ${l.owner.set.entityType} with id '${id}' exists in this tenant.`, {
    target: id,
  });

export const missingMember = (l: LinkTableDef, id: string): ApiError =>
  new ApiError('ResourceNotFound', `No ${l.member.set.entityType} with id '${id}' exists in this tenant.`, {
    target: id,
  });

/** Graph's words for adding a reference that is already there. */
export const linkExists = (l: LinkTableDef): ApiError =>
  new ApiError(
    'BadRequest',
    `One or more added object references already exist for the following modified properties: '${l.link.segment}'.`,
    { target: l.link.segment },
  );

export const notLinked = (l: LinkTableDef, ownerId: string, memberId: string): ApiError =>
  new ApiError(
    'ResourceNotFound',
    `The ${l.member.set.entityType} '${memberId}' is not among the ${l.link.segment} of ${l.owner.set.entityType} '${ownerId}'.`,
    { target: memberId },
  );
