/**
 * The tokenizer for common expressions (OData ABNF `commonExpr`). Hand-written and linear: a character test
 * per step; the two fixed-shape literals (date-times and GUIDs) use sticky, bounded patterns, so no input can make
 * it backtrack. Keywords (`eq`, `and`, `not`, `true`, ...) come out as identifiers; the parser gives them meaning
 * by position, which is what lets a keyword-like property name still work.
 */
import { parseDateTimeOffset } from '../util/datetime.js';
import { QuerySyntaxError, shown } from './errors.js';

export type TokenKind =
  | 'ident'
  | 'string'
  | 'int'
  | 'decimal'
  | 'dateTimeOffset'
  | 'date'
  | 'guid'
  /** A name immediately followed by a string: `microsoft.graph.complianceStatus'error'`, `binary'...'`. */
  | 'typed'
  | '('
  | ')'
  | ','
  | '/'
  | ':'
  | 'eof';

export interface Token {
  readonly kind: TokenKind;
  /** Identifier or number text; the unescaped string; the literal text; the prefix of a typed literal. */
  readonly text: string;
  /** A typed literal's unescaped string. */
  readonly value?: string;
  readonly pos: number;
  readonly end: number;
}

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isIdentStart = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isIdentPart = (c: number): boolean => isIdentStart(c) || isDigit(c);
const isHex = (c: number): boolean => isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
const isSpace = (c: number): boolean => c === 32 || c === 9 || c === 10 || c === 13;

// Anchored at the current position (sticky) with bounded repetitions only.
const GUID = /[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}/y;
const DATE = /\d{4}-\d{2}-\d{2}/y;
const TIME = /T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,12})?)?/y;
/** `Z`, `±hh:mm`, or ` hh:mm` — a `+` that a form decoder turned into a space. */
const OFFSET = /Z|z|[+-]\d{2}:\d{2}| \d{2}:\d{2}/y;

function sticky(re: RegExp, text: string, at: number): string | undefined {
  re.lastIndex = at;
  const m = re.exec(text);
  return m ? m[0] : undefined;
}

/** Splits `text` into tokens, ending with one `eof`. */
export function tokenize(text: string, option: string, offset = 0): Token[] {
  const out: Token[] = [];
  const n = text.length;
  let i = 0;
  const fail = (at: number, detail: string): never => {
    throw new QuerySyntaxError(option, at + offset, detail);
  };
  while (i < n) {
    const c = text.charCodeAt(i);
    if (isSpace(c)) {
      i++;
      continue;
    }
    const start = i;
    switch (c) {
      case 40: // (
      case 41: // )
      case 44: // ,
      case 47: // /
      case 58: // :
        out.push({ kind: text[i] as TokenKind, text: text[i]!, pos: i, end: i + 1 });
        i++;
        continue;
      case 39: {
        // '...' with '' as an escaped quote
        const { value, end } = readString(text, i, fail);
        out.push({ kind: 'string', text: value, pos: start, end });
        i = end;
        continue;
      }
      default:
        break;
    }
    // A GUID may start with a letter, so it is tried before identifiers.
    if (isHex(c)) {
      const g = sticky(GUID, text, i);
      if (g !== undefined && !(i + 36 < n && isIdentPart(text.charCodeAt(i + 36)))) {
        out.push({ kind: 'guid', text: g, pos: start, end: i + 36 });
        i += 36;
        continue;
      }
    }
    if (isIdentStart(c) || (c === 36 && i + 1 < n && isIdentStart(text.charCodeAt(i + 1)))) {
      i++;
      for (;;) {
        while (i < n && isIdentPart(text.charCodeAt(i))) i++;
        // Qualified names (`microsoft.graph.x`) are one token.
        if (i + 1 < n && text.charCodeAt(i) === 46 && isIdentStart(text.charCodeAt(i + 1))) {
          i++;
          continue;
        }
        break;
      }
      const name = text.slice(start, i);
      if (i < n && text.charCodeAt(i) === 39 && c !== 36) {
        const { value, end } = readString(text, i, fail);
        out.push({ kind: 'typed', text: name, value, pos: start, end });
        i = end;
        continue;
      }
      out.push({ kind: 'ident', text: name, pos: start, end: i });
      continue;
    }
    if (isDigit(c) || (c === 45 && i + 1 < n && isDigit(text.charCodeAt(i + 1)))) {
      const token = readNumberOrDate(text, i, fail);
      out.push(token);
      i = token.end;
      continue;
    }
    if (c === 34) fail(i, "string literals are written in single quotes ('...'), not double quotes.");
    fail(i, `unexpected character ${shown(text[i]!)}.`);
  }
  out.push({ kind: 'eof', text: '', pos: n, end: n });
  return out;
}

type Fail = (at: number, detail: string) => never;

function readString(text: string, at: number, fail: Fail): { value: string; end: number } {
  let i = at + 1;
  let value = '';
  let from = i;
  for (;;) {
    const q = text.indexOf("'", i);
    if (q < 0) fail(at, 'the string literal that starts here has no closing quote.');
    if (text.charCodeAt(q + 1) === 39) {
      value += text.slice(from, q + 1);
      i = q + 2;
      from = i;
      continue;
    }
    value += text.slice(from, q);
    return { value, end: q + 1 };
  }
}

function readNumberOrDate(text: string, at: number, fail: Fail): Token {
  const n = text.length;
  let i = at;
  if (text.charCodeAt(i) === 45) i++;
  const digitsFrom = i;
  while (i < n && isDigit(text.charCodeAt(i))) i++;
  // yyyy-mm-dd…: a date or a date-time (only unsigned; OData years here are 0001–9999).
  if (i - digitsFrom === 4 && digitsFrom === at && text.charCodeAt(i) === 45) {
    const date = sticky(DATE, text, at);
    if (date !== undefined) {
      let end = at + date.length;
      const time = sticky(TIME, text, end);
      if (time === undefined) {
        if (end < n && isIdentPart(text.charCodeAt(end))) {
          return fail(at, `${shown(text.slice(at, end + 1))} is not a date or a date-time.`);
        }
        return { kind: 'date', text: date, pos: at, end };
      }
      end += time.length;
      const offset = sticky(OFFSET, text, end);
      if (offset === undefined) {
        return fail(
          at,
          `the date-time ${shown(text.slice(at, end))} has no time-zone offset; add Z or ±hh:mm (send '+' as %2B).`,
        );
      }
      const written = text.slice(at, end) + (offset.startsWith(' ') ? `+${offset.slice(1)}` : offset);
      end += offset.length;
      const parsed = parseDateTimeOffset(written);
      if (!parsed.ok) return fail(at, `${shown(written)} is not a valid Edm.DateTimeOffset: ${parsed.reason}.`);
      return { kind: 'dateTimeOffset', text: written, pos: at, end };
    }
  }
  let kind: 'int' | 'decimal' = 'int';
  if (text.charCodeAt(i) === 46 && isDigit(text.charCodeAt(i + 1))) {
    kind = 'decimal';
    i++;
    while (i < n && isDigit(text.charCodeAt(i))) i++;
  }
  const e = text.charCodeAt(i);
  if (e === 101 || e === 69) {
    let j = i + 1;
    const s = text.charCodeAt(j);
    if (s === 43 || s === 45) j++;
    if (isDigit(text.charCodeAt(j))) {
      kind = 'decimal';
      i = j;
      while (i < n && isDigit(text.charCodeAt(i))) i++;
    }
  }
  if (i < n && isIdentPart(text.charCodeAt(i))) {
    let j = i;
    while (j < n && isIdentPart(text.charCodeAt(j))) j++;
    return fail(at, `${shown(text.slice(at, j))} is not a number or a name.`);
  }
  return { kind, text: text.slice(at, i), pos: at, end: i };
}
