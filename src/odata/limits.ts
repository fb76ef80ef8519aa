/**
 * Every limit the query layer enforces, in one settings object with defaults
 * (docs/architecture.md#query-options-in-one-order). Hostile queries are stopped while parsing (depth and node count
 * are checked as nodes are built, so a deeply nested text never reaches the binder or the database).
 */

export interface QueryLimits {
  /** Largest `$top` (page size) a client may ask for (docs/api.md#decisions-on-finer-points). */
  readonly maxTop: number;
  /** Page size when `$top` is absent (`--page-size`). */
  readonly defaultPageSize: number;
  /** Largest `$skip`. OFFSET is a scan, so it is bounded. */
  readonly maxSkip: number;
  /** Syntax nodes per expression ($filter, $orderby, each nested $filter). */
  readonly maxNodes: number;
  /** Nesting of parentheses, operators and calls in one expression. */
  readonly maxDepth: number;
  /** Levels of `$expand` (each nested `$expand` is one more). */
  readonly maxExpandDepth: number;
  /** Characters in one query option's value. */
  readonly maxOptionLength: number;
  /** Words in `$search`. */
  readonly maxSearchWords: number;
  /** Keys in `$orderby`. */
  readonly maxOrderByKeys: number;
}

export const DEFAULT_LIMITS: QueryLimits = {
  maxTop: 1000,
  defaultPageSize: 1000,
  maxSkip: 100_000,
  maxNodes: 100,
  maxDepth: 32,
  maxExpandDepth: 2,
  maxOptionLength: 8192,
  maxSearchWords: 16,
  maxOrderByKeys: 8,
};
