/**
 * What the pipeline tells the control plane, and what it asks it (docs/admin.md): a journal that is told of
 * every finished request, and fault rules asked before a request is executed. Both are optional; when absent
 * the pipeline pays one check each.
 */

/** One finished request, as the journal keeps it: never a token or a body. */
export interface JournalRecord {
  /** When it arrived, epoch milliseconds. */
  readonly time: number;
  readonly method: string;
  /** Path and query as sent. */
  readonly url: string;
  readonly status: number;
  readonly ms: number;
  readonly requestId: string;
  /** The `$batch` request an item came in. */
  readonly parentRequestId: string | undefined;
  readonly tenant: string | undefined;
  readonly app: string | undefined;
  /** A delegated token's scopes. */
  readonly scp: readonly string[] | undefined;
  /** An application token's roles. */
  readonly roles: readonly string[] | undefined;
  /** Answered 429 by the throttle. */
  readonly throttled: boolean;
  /** The fault rule that answered it. */
  readonly fault: string | undefined;
}

export interface RequestJournal {
  record(entry: JournalRecord): void;
}

/** A request as fault rules see it, once its caller is known. */
export interface FaultQuery {
  readonly method: string;
  /** Path and query as sent (with or without the version). */
  readonly url: string;
  readonly tenant: string;
  readonly app: string;
}

/** How a matched rule answers: Graph's error for `status`, after `latencyMs`. */
export interface FaultAnswer {
  readonly rule: string;
  readonly status: number;
  readonly retryAfter?: number;
  readonly latencyMs?: number;
}

export interface FaultGate {
  /** The first rule that takes this request, counting it as used; undefined when none does. */
  match(q: FaultQuery): FaultAnswer | undefined;
}
