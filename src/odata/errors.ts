/**
 * Query errors. A syntax error carries the 0-based position in the option's decoded text (as odata.net's
 * `UriQueryExpressionParser` reports it); a binding error names the property and the type. Both are 400
 * BadRequest with the option as `target` (docs/api.md#errors, #queries).
 */
import { ApiError } from '../util/errors.js';

export class QuerySyntaxError extends ApiError {
  readonly position: number;
  readonly option: string;

  constructor(option: string, position: number, detail: string) {
    super('BadRequest', `Syntax error in ${option} at position ${position}: ${detail}`, { target: option });
    this.name = 'QuerySyntaxError';
    this.position = position;
    this.option = option;
  }
}

export class QueryBindError extends ApiError {
  readonly option: string;
  readonly position: number | undefined;

  constructor(option: string, message: string, position?: number) {
    super('BadRequest', message, { target: option });
    this.name = 'QueryBindError';
    this.option = option;
    this.position = position;
  }
}

/** How a token or text fragment is shown in a message: quoted, shortened, control characters escaped. */
export function shown(text: string): string {
  const s = text.length > 40 ? `${text.slice(0, 37)}...` : text;
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    out += c < 0x20 || c === 0x7f ? `\\u${c.toString(16).padStart(4, '0')}` : ch;
  }
  return `'${out}'`;
}
