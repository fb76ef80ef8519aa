/** The Graph error body (graph-reference.md §4.1): exactly `error.code/message/innerError{date,request-id,client-request-id}`. */
import { errorDate } from '../util/datetime.js';
import type { ApiError } from '../util/errors.js';

export interface ErrorIds {
  readonly requestId: string;
  readonly clientRequestId: string;
}

export function errorBody(
  code: string,
  message: string,
  ids: ErrorIds,
  extra?: Pick<ApiError, 'target' | 'details'>,
): string {
  const error: Record<string, unknown> = { code, message };
  if (extra?.target !== undefined) error.target = extra.target;
  if (extra?.details !== undefined) error.details = extra.details;
  error.innerError = { date: errorDate(), 'request-id': ids.requestId, 'client-request-id': ids.clientRequestId };
  return JSON.stringify({ error });
}
