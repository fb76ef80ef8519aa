/**
 * The few places where SQLite and PostgreSQL differ for queries
 * (docs/architecture.md#a-base-sql-compiler-with-dialect-overrides): JSON access and iteration, null-safe equality,
 * substring search, byte-order collation and null ordering. Everything else the query compiler emits is the same text
 * on both. Each store's folder implements it (`sqlite/query.ts`, `postgres/query.ts`).
 */
import type { Frag } from './fragments.js';

/** A JSON document to read from: a stored JSON column, or the current element of a lambda's iteration. */
export type JsonDoc =
  | { readonly kind: 'column'; readonly column: string }
  | { readonly kind: 'element'; readonly alias: string }
  | { readonly kind: 'value'; readonly frag: Frag };

/** How a JSON member is read: as text, Int32, Boolean (0/1, like Boolean columns) or as a JSON sub-document. */
export type JsonAs = 'text' | 'int' | 'bool' | 'json';

export interface QueryDialect {
  readonly name: 'sqlite' | 'postgres';
  /** `a` equals `b`, where null equals null (two-valued). */
  notDistinct(a: Frag, b: Frag): Frag;
  /** `a` differs from `b`, where null differs from every value but null (two-valued). */
  distinct(a: Frag, b: Frag): Frag;
  /**
   * The member at `path` (model property names only) of `doc`, read `as`; an empty path reads the element
   * itself (a scalar collection's member).
   */
  json(doc: JsonDoc, path: readonly string[], as: JsonAs): Frag;
  /** A FROM item iterating the members of the JSON array `array`, named `alias`. */
  elements(array: Frag, alias: string): Frag;
  /** Members of a JSON array. */
  arrayLength(array: Frag): Frag;
  /** 1-based position of `needle` in `haystack`, 0 when absent. */
  position(haystack: Frag, needle: Frag): Frag;
  /**
   * A computed text value compared and ordered by code point (SQLite's BINARY; PostgreSQL's "C" collation).
   * Stored text columns already are (PG_DDL declares them COLLATE "C"); a function result such as fold()'s may
   * carry another collation and is wrapped.
   */
  binaryText(x: Frag): Frag;
  /** Null placement so nulls sort first ascending and last descending on every store. */
  nulls(descending: boolean): string;
}
