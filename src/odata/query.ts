/**
 * The semantic form of a collection query, as the store receives it: bound to the model, validated, limits
 * applied. Options apply in one order (docs/queries.md): typeNames → filter → search → count → orderby (+ key) →
 * skip (first page only) → top.
 */
import type { Expr, PathExpr } from './semantic.js';

export interface OrderKey {
  /** A scalar property path of the set's entity type (possibly through a type cast). */
  readonly path: PathExpr;
  readonly descending: boolean;
}

export interface ListQuery {
  /** Only entities whose stored concrete type is one of these (type-cast segment; types of the version). */
  readonly typeNames?: readonly string[];
  /** The bound `$filter` (a predicate). */
  readonly filter?: Expr;
  /** `$search` words: each must be a case-insensitive substring of one of the set's searchable properties. */
  readonly search?: readonly string[];
  /** `$orderby` keys; the store appends the key `id` so paging is stable. */
  readonly orderBy: readonly OrderKey[];
  /** Page size, 1–1000. */
  readonly top: number;
  /** Rows to skip before the first page; ignored once `after` is given (it already encodes the position). */
  readonly skip: number;
  /** Verified keyset position from `$skiptoken`: rows strictly after it in the `orderBy` + id order. */
  readonly after?: string;
  /** Also compute the total matching rows (ignoring paging). */
  readonly count: boolean;
}
