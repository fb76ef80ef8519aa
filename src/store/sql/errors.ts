/** The store's 404/409/412 answers, worded once for every dialect. */
import { qualified } from '../../model/edm.js';
import { ApiError } from '../../util/errors.js';
import type { Scope } from '../port.js';
import type { TableDef } from './schema.js';

export const missingConfiguration = (id: string): ApiError =>
  new ApiError('ResourceNotFound', `No managedDeviceMobileAppConfiguration with id '${id}' exists in this tenant.`);

export const missingEntity = (t: TableDef, id: string, scope: Scope, label?: string): ApiError =>
  new ApiError(
    'ResourceNotFound',
    `${label ? `${label}: ` : ''}No ${t.set.entityType} with id '${id}' exists` +
      (t.set.contained ? ` in managedDeviceMobileAppConfiguration '${scope.configId}'.` : ' in this tenant.'),
  );

export const conflict = (t: TableDef, what: string, label?: string): ApiError =>
  new ApiError(
    'Conflict',
    `${label ? `${label}: ` : ''}A ${qualified(t.set.entityType)} with ${what} already exists` +
      (t.set.contained ? ' in this configuration.' : ' in this tenant.'),
  );

export const etagMismatch = (t: TableDef, id: string): ApiError =>
  new ApiError(
    'PreconditionFailed',
    `The If-Match header does not match the current ETag of ${t.set.entityType} '${id}' (or it does not exist).`,
  );
