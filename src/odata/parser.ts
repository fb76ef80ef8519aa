/**
 * Text → syntax tree, no model involved (docs/architecture.md#lex-parse-bind). A Pratt parser over the tokens of
 * `lexer.ts` with the operator precedence of OData 4.01 URL conventions §5.1.1 ("Operator Precedence"):
 * primary (`/`, calls, `in`, `has`) > unary (`not`) > multiplicative > additive > relational > equality
 * > `and` > `or`. Operator, function and literal keywords are case-insensitive as 4.01 requires; property names
 * are not. Depth and node count are checked while nodes are built.
 */
import { QuerySyntaxError, shown } from './errors.js';
import { type Token, tokenize } from './lexer.js';
import { DEFAULT_LIMITS, type QueryLimits } from './limits.js';
import type { BinaryOp, ExpandItemSyntax, OrderBySyntax, SelectItemSyntax, SyntaxNode } from './syntax.js';

type Bp = number;

/** Left binding power of each infix operator; all are left-associative. */
const INFIX: Readonly<Record<BinaryOp | 'in', Bp>> = {
  or: 1,
  and: 2,
  eq: 3,
  ne: 3,
  gt: 4,
  ge: 4,
  lt: 4,
  le: 4,
  add: 5,
  sub: 5,
  mul: 6,
  div: 6,
  divby: 6,
  mod: 6,
  in: 8,
  has: 8,
};
const UNARY_BP: Bp = 7;

/** The binding power of `word` as an infix operator; own keys only, so `constructor` is a name, not an operator. */
const infixPower = (word: string): Bp | undefined =>
  Object.hasOwn(INFIX, word) ? INFIX[word as keyof typeof INFIX] : undefined;

/** Binding power of a node as an operand (for the printer): what it needs around it to parse back the same. */
export function precedenceOf(node: SyntaxNode): Bp {
  switch (node.kind) {
    case 'binary':
      return INFIX[node.op];
    case 'in':
      return INFIX.in!;
    case 'not':
      return UNARY_BP;
    case 'literal':
    case 'it':
    case 'member':
    case 'cast':
    case 'count':
    case 'lambda':
    case 'call':
      return 10;
  }
}

export interface ParseOptions {
  /** Name used in messages (`$filter`, `$orderby`, `$expand/userStatuses/$filter`). */
  readonly option?: string;
  readonly limits?: Partial<Pick<QueryLimits, 'maxDepth' | 'maxNodes' | 'maxOptionLength'>>;
  /** Offset of this text inside a larger one (nested options), added to every reported position. */
  readonly offset?: number;
}

class Parser {
  private readonly tokens: Token[];
  private i = 0;
  private depth = 0;
  private nodes = 0;
  private readonly option: string;
  private readonly maxDepth: number;
  private readonly maxNodes: number;
  private readonly offset: number;

  constructor(text: string, opts: ParseOptions) {
    this.option = opts.option ?? '$filter';
    this.offset = opts.offset ?? 0;
    const maxLength = opts.limits?.maxOptionLength ?? DEFAULT_LIMITS.maxOptionLength;
    this.maxDepth = opts.limits?.maxDepth ?? DEFAULT_LIMITS.maxDepth;
    this.maxNodes = opts.limits?.maxNodes ?? DEFAULT_LIMITS.maxNodes;
    if (text.length > maxLength) {
      throw new QuerySyntaxError(
        this.option,
        this.offset + maxLength,
        `the text is longer than ${maxLength} characters.`,
      );
    }
    this.tokens = tokenize(text, this.option, this.offset);
  }

  private fail(at: number, detail: string): never {
    throw new QuerySyntaxError(this.option, at + this.offset, detail);
  }

  private peek(k = 0): Token {
    return this.tokens[Math.min(this.i + k, this.tokens.length - 1)]!;
  }

  private next(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') this.i++;
    return t;
  }

  private describe(t: Token): string {
    return t.kind === 'eof' ? 'the end of the text' : shown(this.tokenText(t));
  }

  private tokenText(t: Token): string {
    switch (t.kind) {
      case 'string':
        return `'${t.text.replace(/'/g, "''")}'`;
      case 'typed':
        return `${t.text}'${(t.value ?? '').replace(/'/g, "''")}'`;
      default:
        return t.text;
    }
  }

  private expect(kind: Token['kind'], what: string): Token {
    const t = this.peek();
    if (t.kind !== kind) this.fail(t.pos, `expected ${what}, found ${this.describe(t)}.`);
    return this.next();
  }

  private node<T extends SyntaxNode>(n: T): T {
    this.nodes++;
    if (this.nodes > this.maxNodes) {
      this.fail(n.pos, `the expression has more than ${this.maxNodes} nodes; simplify it or split the request.`);
    }
    return n;
  }

  private enter(at: number): void {
    this.depth++;
    if (this.depth > this.maxDepth) this.fail(at, `the expression is nested more than ${this.maxDepth} levels deep.`);
  }

  private leave(): void {
    this.depth--;
  }

  atEnd(): boolean {
    return this.peek().kind === 'eof';
  }

  end(): void {
    const t = this.peek();
    if (t.kind !== 'eof')
      this.fail(t.pos, `expected an operator or the end of the expression, found ${this.describe(t)}.`);
  }

  /** Pratt loop: a prefix, then infix operators binding at least `min`. */
  expr(min: Bp = 0): SyntaxNode {
    const start = this.peek();
    this.enter(start.pos);
    let left = this.prefix();
    for (;;) {
      const t = this.peek();
      if (t.kind !== 'ident') break;
      const op = t.text.toLowerCase();
      const bp = infixPower(op);
      if (bp === undefined || bp < min) break;
      this.next();
      if (op === 'in') {
        left = this.inTail(left, t);
        continue;
      }
      const right = this.expr(bp + 1);
      left = this.node({ kind: 'binary', op: op as BinaryOp, left, right, pos: t.pos });
    }
    this.leave();
    return left;
  }

  private inTail(left: SyntaxNode, op: Token): SyntaxNode {
    const t = this.peek();
    if (t.kind === '(') {
      const open = this.next();
      const list: SyntaxNode[] = [];
      if (this.peek().kind === ')')
        this.fail(this.peek().pos, "the list after 'in' is empty; give at least one value.");
      for (;;) {
        list.push(this.expr());
        const sep = this.peek();
        if (sep.kind === ',') {
          this.next();
          continue;
        }
        if (sep.kind === ')') {
          this.next();
          break;
        }
        this.fail(
          sep.pos,
          `expected ',' or ')' to continue the list opened at position ${open.pos + this.offset}, found ${this.describe(sep)}.`,
        );
      }
      return this.node({ kind: 'in', left, list, collection: undefined, pos: op.pos });
    }
    const collection = this.expr(INFIX.in! + 1);
    return this.node({ kind: 'in', left, list: undefined, collection, pos: op.pos });
  }

  private prefix(): SyntaxNode {
    const t = this.next();
    switch (t.kind) {
      case 'string':
        return this.node({ kind: 'literal', type: 'string', value: t.text, pos: t.pos });
      case 'int':
      case 'decimal':
        return this.node({ kind: 'literal', type: t.kind, value: t.text, pos: t.pos });
      case 'dateTimeOffset':
      case 'date':
      case 'guid':
        return this.node({ kind: 'literal', type: t.kind, value: t.text, pos: t.pos });
      case 'typed':
        if (!t.text.includes('.')) {
          this.fail(t.pos, `literals of type ${shown(t.text)} are not supported here.`);
        }
        return this.node({ kind: 'literal', type: 'enum', enumType: t.text, value: t.value ?? '', pos: t.pos });
      case '(': {
        const inner = this.expr();
        const close = this.peek();
        if (close.kind !== ')') {
          this.fail(
            close.pos,
            `expected ')' to close the '(' at position ${t.pos + this.offset}, found ${this.describe(close)}.`,
          );
        }
        this.next();
        return inner;
      }
      case 'ident':
        return this.identifier(t);
      case ')':
      case ',':
      case '/':
      case ':':
      case 'eof':
        return this.fail(t.pos, `expected an expression, found ${this.describe(t)}.`);
    }
  }

  private identifier(t: Token): SyntaxNode {
    const lower = t.text.toLowerCase();
    switch (lower) {
      case 'null':
        return this.node({ kind: 'literal', type: 'null', pos: t.pos });
      case 'true':
      case 'false':
        return this.node({ kind: 'literal', type: 'boolean', value: lower === 'true', pos: t.pos });
      case 'not': {
        const operand = this.expr(UNARY_BP);
        return this.node({ kind: 'not', operand, pos: t.pos });
      }
      default:
        break;
    }
    if (this.peek().kind === '(' && !t.text.startsWith('$')) {
      if (t.text.includes('.'))
        this.fail(t.pos, `functions such as ${shown(t.text)} are not supported; only the canonical functions are.`);
      return this.path(this.call(t, lower));
    }
    if (t.text === '$it') return this.path(this.node({ kind: 'it', pos: t.pos }));
    if (t.text.startsWith('$')) this.fail(t.pos, `${shown(t.text)} is not supported here.`);
    if (infixPower(lower) !== undefined)
      this.fail(t.pos, `expected an expression before the operator ${shown(t.text)}.`);
    const first: SyntaxNode = t.text.includes('.')
      ? this.node({ kind: 'cast', base: undefined, type: t.text, pos: t.pos })
      : this.node({ kind: 'member', base: undefined, name: t.text, pos: t.pos });
    return this.path(first);
  }

  private call(name: Token, lower: string): SyntaxNode {
    const open = this.expect('(', "'('");
    const args: SyntaxNode[] = [];
    this.enter(open.pos);
    if (this.peek().kind !== ')') {
      for (;;) {
        args.push(this.expr());
        const sep = this.peek();
        if (sep.kind === ',') {
          this.next();
          continue;
        }
        if (sep.kind === ')') break;
        this.fail(sep.pos, `expected ',' or ')' in the arguments of ${shown(name.text)}, found ${this.describe(sep)}.`);
      }
    }
    this.next();
    this.leave();
    return this.node({ kind: 'call', name: lower, args, pos: name.pos });
  }

  /** `/segment` continuations after a path start. */
  private path(start: SyntaxNode): SyntaxNode {
    let base = start;
    while (this.peek().kind === '/') {
      this.next();
      const seg = this.next();
      if (seg.kind !== 'ident') this.fail(seg.pos, `expected a property name after '/', found ${this.describe(seg)}.`);
      const lower = seg.text.toLowerCase();
      if ((lower === 'any' || lower === 'all') && this.peek().kind === '(') {
        base = this.lambda(base, seg, lower);
        continue;
      }
      if (seg.text === '$count') {
        base = this.node({ kind: 'count', base, pos: seg.pos });
        continue;
      }
      if (seg.text.startsWith('$')) this.fail(seg.pos, `${shown(seg.text)} is not supported in a path.`);
      if (this.peek().kind === '(')
        this.fail(this.peek().pos, `${shown(seg.text)} is not a function that can follow '/'.`);
      base = seg.text.includes('.')
        ? this.node({ kind: 'cast', base, type: seg.text, pos: seg.pos })
        : this.node({ kind: 'member', base, name: seg.text, pos: seg.pos });
    }
    return base;
  }

  private lambda(base: SyntaxNode, seg: Token, op: 'any' | 'all'): SyntaxNode {
    const open = this.next();
    this.enter(open.pos);
    if (this.peek().kind === ')') {
      if (op === 'all') this.fail(this.peek().pos, "'all' needs a lambda expression, e.g. all(x: x eq 'a').");
      this.next();
      this.leave();
      return this.node({ kind: 'lambda', op, base, variable: undefined, body: undefined, pos: seg.pos });
    }
    const v = this.next();
    if (v.kind !== 'ident' || v.text.includes('.') || v.text.startsWith('$')) {
      this.fail(v.pos, `expected a lambda variable name after '${op}(', found ${this.describe(v)}.`);
    }
    this.expect(':', `':' after the lambda variable ${shown(v.text)}`);
    const body = this.expr();
    const close = this.peek();
    if (close.kind !== ')')
      this.fail(
        close.pos,
        `expected ')' to close '${op}(' at position ${open.pos + this.offset}, found ${this.describe(close)}.`,
      );
    this.next();
    this.leave();
    return this.node({ kind: 'lambda', op, base, variable: v.text, body, pos: seg.pos });
  }

  /** `$orderby`: `expr [asc|desc], ...`. */
  orderBy(): OrderBySyntax[] {
    const out: OrderBySyntax[] = [];
    for (;;) {
      const expr = this.expr();
      let descending = false;
      const dir = this.peek();
      if (dir.kind === 'ident') {
        const d = dir.text.toLowerCase();
        if (d === 'asc' || d === 'desc') {
          this.next();
          descending = d === 'desc';
        } else {
          this.fail(dir.pos, `expected 'asc', 'desc', ',' or the end, found ${this.describe(dir)}.`);
        }
      }
      out.push({ expr, descending });
      const sep = this.peek();
      if (sep.kind === 'eof') return out;
      if (sep.kind !== ',') this.fail(sep.pos, `expected ',' or the end of $orderby, found ${this.describe(sep)}.`);
      this.next();
    }
  }
}

/** Parses a `$filter` expression (or any common expression) into its syntax tree. */
export function parseFilter(text: string, opts: ParseOptions = {}): SyntaxNode {
  const p = new Parser(text, opts);
  if (p.atEnd())
    throw new QuerySyntaxError(opts.option ?? '$filter', (opts.offset ?? 0) + text.length, 'the expression is empty.');
  const node = p.expr();
  p.end();
  return node;
}

/** Parses `$orderby`. */
export function parseOrderBy(text: string, opts: ParseOptions = {}): OrderBySyntax[] {
  const o = { ...opts, option: opts.option ?? '$orderby' };
  const p = new Parser(text, o);
  if (p.atEnd()) throw new QuerySyntaxError(o.option, (opts.offset ?? 0) + text.length, '$orderby is empty.');
  return p.orderBy();
}

const SELECT_SEGMENT = /^(?:\*|[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)$/;

function splitTopLevel(text: string, sep: string, option: string, offset: number): { part: string; pos: number }[] {
  const parts: { part: string; pos: number }[] = [];
  let depth = 0;
  let from = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === "'") {
        if (text[i + 1] === "'") i++;
        else quoted = false;
      }
      continue;
    }
    if (c === "'") quoted = true;
    else if (c === '(') depth++;
    else if (c === ')') {
      depth--;
      if (depth < 0) throw new QuerySyntaxError(option, offset + i, "')' has no matching '('.");
    } else if (c === sep && depth === 0) {
      parts.push({ part: text.slice(from, i), pos: offset + from });
      from = i + 1;
    }
  }
  if (quoted)
    throw new QuerySyntaxError(option, offset + text.lastIndexOf("'"), 'a string literal has no closing quote.');
  if (depth > 0) throw new QuerySyntaxError(option, offset + text.length, "a '(' is not closed.");
  parts.push({ part: text.slice(from), pos: offset + from });
  return parts;
}

function pathOf(raw: string, pos: number, option: string): string[] {
  const lead = raw.length - raw.trimStart().length;
  const text = raw.trim();
  if (text === '') throw new QuerySyntaxError(option, pos, 'expected a property name, found nothing.');
  const segs = text.split('/');
  let at = pos + lead;
  for (const s of segs) {
    if (!SELECT_SEGMENT.test(s)) throw new QuerySyntaxError(option, at, `${shown(s)} is not a property name.`);
    at += s.length + 1;
  }
  return segs;
}

/** Parses `$select`: comma-separated property paths or `*`. */
export function parseSelect(text: string, opts: ParseOptions = {}): SelectItemSyntax[] {
  const option = opts.option ?? '$select';
  const offset = opts.offset ?? 0;
  const max = opts.limits?.maxOptionLength ?? DEFAULT_LIMITS.maxOptionLength;
  if (text.length > max) throw new QuerySyntaxError(option, offset + max, `the text is longer than ${max} characters.`);
  return splitTopLevel(text, ',', option, offset).map(({ part, pos }) => {
    if (part.includes('('))
      throw new QuerySyntaxError(option, pos + part.indexOf('('), 'nested options in $select are not supported.');
    return { path: pathOf(part, pos, option), pos: pos + (part.length - part.trimStart().length) };
  });
}

/**
 * Parses `$expand`: comma-separated navigation paths (or `*`), each optionally followed by nested options in
 * parentheses separated by `;` (`userStatuses($filter=status eq 'error';$top=5)`). Nested option values stay
 * text; the caller parses them against the navigation's type.
 */
export function parseExpand(text: string, opts: ParseOptions = {}): ExpandItemSyntax[] {
  const option = opts.option ?? '$expand';
  const offset = opts.offset ?? 0;
  const max = opts.limits?.maxOptionLength ?? DEFAULT_LIMITS.maxOptionLength;
  if (text.length > max) throw new QuerySyntaxError(option, offset + max, `the text is longer than ${max} characters.`);
  return splitTopLevel(text, ',', option, offset).map(({ part, pos }) => {
    const open = part.indexOf('(');
    const head = open < 0 ? part : part.slice(0, open);
    const path = pathOf(head, pos, option);
    const itemPos = pos + (head.length - head.trimStart().length);
    if (open < 0) return { path, pos: itemPos, options: [] };
    const close = part.lastIndexOf(')');
    if (part.slice(close + 1).trim() !== '') {
      throw new QuerySyntaxError(
        option,
        pos + close + 1,
        `unexpected text after the options of ${shown(head.trim())}.`,
      );
    }
    const inner = part.slice(open + 1, close);
    const innerPos = pos + open + 1;
    if (inner.trim() === '') return { path, pos: itemPos, options: [] };
    const options = splitTopLevel(inner, ';', option, innerPos).map(({ part: o, pos: oPos }) => {
      const eq = o.indexOf('=');
      if (eq < 0)
        throw new QuerySyntaxError(
          option,
          oPos,
          `expected name=value in the options of ${shown(head.trim())}, found ${shown(o)}.`,
        );
      const rawName = o.slice(0, eq).trim();
      return { name: rawName, value: o.slice(eq + 1), pos: oPos + eq + 1 };
    });
    return { path, pos: itemPos, options };
  });
}

/**
 * Parses `$search` (docs/api.md#decisions-on-finer-points): the text with or without surrounding double quotes, split
 * into words on white space; every word must match. Quotes inside the text group nothing and are dropped.
 */
export function parseSearch(text: string, opts: ParseOptions & { maxWords?: number } = {}): string[] {
  const option = opts.option ?? '$search';
  const max = opts.limits?.maxOptionLength ?? DEFAULT_LIMITS.maxOptionLength;
  if (text.length > max)
    throw new QuerySyntaxError(option, (opts.offset ?? 0) + max, `the text is longer than ${max} characters.`);
  const words = text
    .replace(/"/g, ' ')
    .split(/\s+/)
    .filter((w) => w !== '');
  if (words.length === 0) throw new QuerySyntaxError(option, opts.offset ?? 0, '$search needs at least one word.');
  const maxWords = opts.maxWords ?? DEFAULT_LIMITS.maxSearchWords;
  if (words.length > maxWords)
    throw new QuerySyntaxError(option, opts.offset ?? 0, `$search has more than ${maxWords} words.`);
  return words;
}
