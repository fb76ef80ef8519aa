/**
 * The framework-free request and response the api layer works on. The HTTP shell turns a socket request into
 * an `ApiRequest`; `$batch` builds one per item; in-process tests build them directly.
 */
import type { PlainRequest, PlainResponse } from '../util/exchange.js';

export interface ApiRequest extends PlainRequest {
  /** Set on `$batch` items: the outer request already passed these phases once. */
  readonly batchItem?: boolean;
  /** Set on `$batch` items: the request id of the `$batch` they came in (for the journal). */
  readonly parentRequestId?: string;
}

export type ApiResponse = PlainResponse;

/** A finished request: the response, and what the shell logs and measures about it. */
export interface Handled extends ApiResponse {
  /** The shape of the path, never its ids (`mobileAppConfigurations/{id}/userStatuses`). */
  route: string;
  tenant?: string;
}
