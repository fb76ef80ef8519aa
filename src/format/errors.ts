/**
 * The Graph error answer (docs/errors.md): exactly `error.code/message/innerError{date,request-id,client-request-id}`,
 * with the headers every error carries. The api layer, `$batch` items and the HTTP shell all build it here.
 */
import { errorDate } from '../util/datetime.js';
import { type ApiError, ERRORS, type ErrorCode, type ErrorDetail } from '../util/errors.js';
import { ERROR_CONTENT_TYPE } from './media.js';

export interface ErrorIds {
  readonly requestId: string;
  readonly clientRequestId: string;
}

/** The ids of an answer: `client-request-id` echoes the client's header, or equals the request id. */
export const errorIds = (requestId: string, clientRequestId: string | undefined): ErrorIds => ({
  requestId,
  clientRequestId: clientRequestId ?? requestId,
});

export interface ErrorAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

interface ErrorExtras {
  readonly headers?: Record<string, string>;
  readonly target?: string | undefined;
  readonly details?: ErrorDetail[] | undefined;
}

export function errorBody(code: string, message: string, ids: ErrorIds, extra?: ErrorExtras): string {
  const error: Record<string, unknown> = { code, message };
  if (extra?.target !== undefined) error.target = extra.target;
  if (extra?.details !== undefined) error.details = extra.details;
  error.innerError = { date: errorDate(), 'request-id': ids.requestId, 'client-request-id': ids.clientRequestId };
  return JSON.stringify({ error });
}

/** A whole error answer: the status from the error table, the body, and the request-id headers. */
export function errorAnswer(code: ErrorCode, message: string, ids: ErrorIds, extra: ErrorExtras = {}): ErrorAnswer {
  return {
    status: ERRORS[code].status,
    headers: {
      'Content-Type': ERROR_CONTENT_TYPE,
      ...extra.headers,
      'request-id': ids.requestId,
      'client-request-id': ids.clientRequestId,
      'OData-Version': '4.0',
    },
    body: errorBody(code, message, ids, extra),
  };
}

export const apiErrorAnswer = (err: ApiError, ids: ErrorIds): ErrorAnswer =>
  errorAnswer(err.code, err.message, ids, err);

/** The answer to a bug: no detail beyond the request id to quote. */
export const internalErrorAnswer = (ids: ErrorIds): ErrorAnswer =>
  errorAnswer('InternalError', `An internal error occurred; quote request-id ${ids.requestId} when reporting it.`, ids);
