/**
 * The syntax-only parser, table-driven: good inputs with the tree they give (as canonical text, which the
 * printer produces with the precedence of OData 4.01 URL conventions §5.1.1), bad inputs with the position the
 * error names.
 */
import { describe, expect, it } from 'vitest';
import { QuerySyntaxError } from '../../src/odata/errors.js';
import { parseExpand, parseFilter, parseOrderBy, parseSearch, parseSelect } from '../../src/odata/parser.js';
import { printExpression, printOrderBy } from '../../src/odata/print.js';
import type { SyntaxNode } from '../../src/odata/syntax.js';

/** A compact, fully parenthesised rendering that shows the tree's shape. */
function shape(n: SyntaxNode): string {
  switch (n.kind) {
    case 'literal':
      return n.type === 'null'
        ? 'null'
        : n.type === 'enum'
          ? `${n.enumType}'${n.value}'`
          : `${n.type}:${String(n.value)}`;
    case 'it':
      return '$it';
    case 'member':
      return n.base ? `${shape(n.base)}/${n.name}` : n.name;
    case 'cast':
      return n.base ? `${shape(n.base)}/<${n.type}>` : `<${n.type}>`;
    case 'count':
      return `${shape(n.base)}/$count`;
    case 'lambda':
      return `${shape(n.base)}/${n.op}(${n.variable ?? ''}${n.body ? `: ${shape(n.body)}` : ''})`;
    case 'call':
      return `${n.name}(${n.args.map(shape).join(', ')})`;
    case 'binary':
      return `(${shape(n.left)} ${n.op} ${shape(n.right)})`;
    case 'not':
      return `(not ${shape(n.operand)})`;
    case 'in':
      return `(${shape(n.left)} in ${n.list ? `[${n.list.map(shape).join(', ')}]` : shape(n.collection!)})`;
  }
}

const GOOD: readonly [string, string][] = [
  ["status eq 'error'", '(status eq string:error)'],
  ["userPrincipalName eq 'O''Brien@contoso.com'", "(userPrincipalName eq string:O'Brien@contoso.com)"],
  ['devicesCount gt 5 and devicesCount le 10', '((devicesCount gt int:5) and (devicesCount le int:10))'],
  ['a eq 1 or b eq 2 and c eq 3', '((a eq int:1) or ((b eq int:2) and (c eq int:3)))'],
  ['(a eq 1 or b eq 2) and c eq 3', '(((a eq int:1) or (b eq int:2)) and (c eq int:3))'],
  ['not (a eq 1)', '(not (a eq int:1))'],
  ["not(contains(displayName,'x'))", '(not contains(displayName, string:x))'],
  ["not contains(displayName, 'x') and a eq 1", '((not contains(displayName, string:x)) and (a eq int:1))'],
  ['NOT a EQ true', '((not a) eq boolean:true)'],
  ["status in ('error', 'conflict')", '(status in [string:error, string:conflict])'],
  ["not status in ('error')", '(not (status in [string:error]))'],
  ["'x' in targetedMobileApps", '(string:x in targetedMobileApps)'],
  ["status eq microsoft.graph.complianceStatus'error'", "(status eq microsoft.graph.complianceStatus'error')"],
  ['lastReportedDateTime ge 2024-01-01T00:00:00Z', '(lastReportedDateTime ge dateTimeOffset:2024-01-01T00:00:00Z)'],
  [
    'lastReportedDateTime lt 2024-01-01T10:00:00.1234567+01:00',
    '(lastReportedDateTime lt dateTimeOffset:2024-01-01T10:00:00.1234567+01:00)',
  ],
  // A '+' that a form decoder turned into a space is restored.
  [
    'lastReportedDateTime lt 2024-01-01T10:00:00 01:00',
    '(lastReportedDateTime lt dateTimeOffset:2024-01-01T10:00:00+01:00)',
  ],
  ['d eq 2024-01-01', '(d eq date:2024-01-01)'],
  ['id eq 0d5a2b8c-1f3e-4a6b-9c7d-2e8f0a1b3c4d', '(id eq guid:0d5a2b8c-1f3e-4a6b-9c7d-2e8f0a1b3c4d)'],
  ['id eq abcdef01-1f3e-4a6b-9c7d-2e8f0a1b3c4d', '(id eq guid:abcdef01-1f3e-4a6b-9c7d-2e8f0a1b3c4d)'],
  ['description eq null', '(description eq null)'],
  ['devicesCount eq -3', '(devicesCount eq int:-3)'],
  ['x eq 1.5e3', '(x eq decimal:1.5e3)'],
  ["settings/any(s: s/appConfigKey eq 'x')", 'settings/any(s: (s/appConfigKey eq string:x))'],
  ['targetedMobileApps/any()', 'targetedMobileApps/any()'],
  ["roleScopeTagIds/all(r: r ne '0')", 'roleScopeTagIds/all(r: (r ne string:0))'],
  ['targetedMobileApps/$count gt 0', '(targetedMobileApps/$count gt int:0)'],
  [
    'microsoft.graph.androidManagedStoreAppConfiguration/appSupportsOemConfig eq true',
    '(<microsoft.graph.androidManagedStoreAppConfiguration>/appSupportsOemConfig eq boolean:true)',
  ],
  [
    "appSupportsOemConfig eq false or isof('microsoft.graph.androidManagedStoreAppConfiguration') eq false",
    '((appSupportsOemConfig eq boolean:false) or (isof(string:microsoft.graph.androidManagedStoreAppConfiguration) eq boolean:false))',
  ],
  ['isof(microsoft.graph.iosMobileAppConfiguration)', 'isof(<microsoft.graph.iosMobileAppConfiguration>)'],
  ["$it/displayName eq 'a'", '($it/displayName eq string:a)'],
  [
    'target/microsoft.graph.groupAssignmentTarget/groupId eq null',
    '(target/<microsoft.graph.groupAssignmentTarget>/groupId eq null)',
  ],
  [
    'substring(displayName, 1, 2) eq concat(trim(a), tolower(b))',
    '(substring(displayName, int:1, int:2) eq concat(trim(a), tolower(b)))',
  ],
  ['Year(lastReportedDateTime) eq 2024', '(year(lastReportedDateTime) eq int:2024)'],
  ['a add 1 mul 2 eq 3', '((a add (int:1 mul int:2)) eq int:3)'],
  ['a eq b eq c', '((a eq b) eq c)'],
  ['true', 'boolean:true'],
  ["  status   eq\t'error'  ", '(status eq string:error)'],
];

const BAD: readonly [string, number, RegExp][] = [
  ['', 0, /empty/],
  ['   ', 3, /empty/],
  ['status eq', 9, /expected an expression, found the end/],
  ['status eq eq', 10, /expected an expression before the operator 'eq'/],
  ["status eq 'error", 10, /no closing quote/],
  ['(status eq 1', 12, /expected '\)' to close the '\(' at position 0/],
  ['status eq 1)', 11, /expected an operator or the end/],
  ['status eq "x"', 10, /single quotes/],
  ['status # 1', 7, /unexpected character '#'/],
  ['status eq 1 2', 12, /expected an operator or the end/],
  ['contains(a,', 11, /expected an expression/],
  ['contains(a b)', 11, /expected ',' or '\)' in the arguments/],
  ['status in ()', 11, /empty/],
  ["status in ('a' 'b')", 15, /expected ',' or '\)'/],
  ['settings/any(s s/x eq 1)', 15, /expected ':' after the lambda variable/],
  ['settings/all()', 13, /'all' needs a lambda expression/],
  ['settings/any(s: s eq 1', 22, /expected '\)' to close 'any\('/],
  ['a/', 2, /expected a property name after '\/'/],
  ['a eq 2024-01-01T00:00:00', 5, /no time-zone offset/],
  ['a eq 2024-13-01T00:00:00Z', 5, /month 13 is out of range/],
  ['a eq 2024-01-01T00:00:00.12345678Z', 5, /more than 7 fractional digits/],
  ["a eq binary'AAA='", 5, /literals of type 'binary' are not supported/],
  ['a eq 12abc', 5, /not a number or a name/],
  ['$filter eq 1', 0, /'\$filter' is not supported here/],
  ['ns.fn(1) eq 1', 0, /only the canonical functions/],
  ['a/b(1)', 3, /not a function that can follow/],
];

describe('parseFilter', () => {
  it.each(GOOD)('%s', (text, expected) => {
    const tree = parseFilter(text);
    expect(shape(tree)).toBe(expected);
  });

  it.each(BAD)('rejects %j at position %i', (text, position, message) => {
    let err: unknown;
    try {
      parseFilter(text);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(QuerySyntaxError);
    const e = err as QuerySyntaxError;
    expect(e.position).toBe(position);
    expect(e.status).toBe(400);
    expect(e.message).toContain(`at position ${position}`);
    expect(e.message).toMatch(message);
  });

  it('reads names that Object.prototype has as names, never as operators', () => {
    for (const word of ['constructor', '__proto__', 'toString']) {
      expect(shape(parseFilter(`${word} eq 'x'`))).toBe(`(${word} eq string:x)`);
      expect(() => parseFilter(`a ${word} b`)).toThrow(
        `Syntax error in $filter at position 2: expected an operator or the end of the expression, found '${word}'.`,
      );
    }
  });

  it('keeps node positions', () => {
    const t = parseFilter("status eq 'error'");
    expect(t).toMatchObject({
      kind: 'binary',
      pos: 7,
      left: { kind: 'member', pos: 0 },
      right: { kind: 'literal', pos: 10 },
    });
  });

  it('stops at the node-count limit while parsing', () => {
    const text = Array.from({ length: 60 }, (_, i) => `a eq ${i}`).join(' or ');
    expect(() => parseFilter(text)).toThrow(/more than 100 nodes/);
    expect(() => parseFilter(text, { limits: { maxNodes: 1000 } })).not.toThrow();
  });

  it('stops at the depth limit before the stack does', () => {
    const deep = `${'('.repeat(100_000)}a eq 1${')'.repeat(100_000)}`;
    expect(() => parseFilter(deep, { limits: { maxOptionLength: 1_000_000 } })).toThrow(/nested more than 32 levels/);
    const nots = `${'not '.repeat(50)}a`;
    expect(() => parseFilter(nots)).toThrow(/nested more than 32 levels/);
  });

  it('refuses over-long text', () => {
    expect(() => parseFilter(`a eq '${'x'.repeat(9000)}'`)).toThrow(/longer than 8192 characters/);
  });

  it('reports positions inside a larger text with an offset', () => {
    try {
      parseFilter('a eq', { option: '$expand/userStatuses/$filter', offset: 20 });
      expect.unreachable();
    } catch (e) {
      expect((e as QuerySyntaxError).position).toBe(24);
      expect((e as QuerySyntaxError).message).toMatch(
        /^Syntax error in \$expand\/userStatuses\/\$filter at position 24/,
      );
    }
  });

  it('prints canonical text that parses to the same tree', () => {
    for (const [text] of GOOD) {
      const once = printExpression(parseFilter(text));
      expect(printExpression(parseFilter(once))).toBe(once);
    }
  });
});

describe('parseOrderBy', () => {
  it('reads keys and directions', () => {
    const items = parseOrderBy('status desc, userPrincipalName, lastReportedDateTime ASC');
    expect(items.map((i) => [shape(i.expr), i.descending])).toEqual([
      ['status', true],
      ['userPrincipalName', false],
      ['lastReportedDateTime', false],
    ]);
    expect(printOrderBy(items)).toBe('status desc,userPrincipalName,lastReportedDateTime');
  });
  it.each([
    ['', 0, /empty/],
    ['status up', 7, /expected 'asc', 'desc'/],
    ['status desc desc', 12, /expected ',' or the end/],
    ['status,', 7, /expected an expression/],
  ] as const)('rejects %j at %i', (text, pos, message) => {
    try {
      parseOrderBy(text);
      expect.unreachable();
    } catch (e) {
      expect((e as QuerySyntaxError).position).toBe(pos);
      expect((e as Error).message).toMatch(message);
    }
  });
});

describe('parseSelect / parseExpand / parseSearch', () => {
  it('splits $select', () => {
    expect(parseSelect('id, userPrincipalName,microsoft.graph.iosMobileAppConfiguration/settings')).toEqual([
      { path: ['id'], pos: 0 },
      { path: ['userPrincipalName'], pos: 4 },
      { path: ['microsoft.graph.iosMobileAppConfiguration', 'settings'], pos: 22 },
    ]);
    expect(() => parseSelect('a,,b')).toThrow(/at position 2/);
    expect(() => parseSelect('a b')).toThrow(/'a b' is not a property name/);
  });

  it('splits $expand with nested options, keeping quotes and parentheses intact', () => {
    const items = parseExpand(
      "userStatuses($filter=status eq 'error' and contains(userPrincipalName,';,)');$top=5;$select=userPrincipalName),assignments,*",
    );
    expect(items.map((i) => i.path)).toEqual([['userStatuses'], ['assignments'], ['*']]);
    expect(items[0]!.options.map((o) => [o.name, o.value])).toEqual([
      ['$filter', "status eq 'error' and contains(userPrincipalName,';,)')"],
      ['$top', '5'],
      ['$select', 'userPrincipalName'],
    ]);
    expect(items[0]!.options[0]!.pos).toBe(21);
    expect(() => parseExpand('userStatuses($top=5')).toThrow(/not closed/);
    expect(() => parseExpand('userStatuses($top)')).toThrow(/expected name=value/);
    expect(() => parseExpand("userStatuses($filter=a eq 'x)")).toThrow(/no closing quote/);
  });

  it('splits $search into words, with or without quotes', () => {
    expect(parseSearch('"outlook  ios"')).toEqual(['outlook', 'ios']);
    expect(parseSearch('outlook')).toEqual(['outlook']);
    expect(() => parseSearch('""')).toThrow(/at least one word/);
  });
});
