/**
 * Property tests (fast-check): printed syntax trees parse back to the same tree; no value from the request
 * ever appears in compiled SQL (on either dialect); the SQL has exactly one placeholder per parameter.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { modelFor } from '../../src/model/model.js';
import type { SetName } from '../../src/model/resources.js';
import { parseQueryOptions } from '../../src/odata/options.js';
import { parseFilter } from '../../src/odata/parser.js';
import { printExpression } from '../../src/odata/print.js';
import { BINARY_OPS, type BinaryOp, type SyntaxNode } from '../../src/odata/syntax.js';
import { POSTGRES_QUERY } from '../../src/store/postgres/query.js';
import { TABLES } from '../../src/store/sql/schema.js';
import { compileCount, compileList } from '../../src/store/sql/select.js';
import { SQLITE_QUERY } from '../../src/store/sqlite/query.js';

const KEYWORDS = new Set([
  'eq',
  'ne',
  'gt',
  'ge',
  'lt',
  'le',
  'and',
  'or',
  'not',
  'in',
  'has',
  'add',
  'sub',
  'mul',
  'div',
  'divby',
  'mod',
  'true',
  'false',
  'null',
]);

const ident = fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,7}$/).filter((s) => !KEYWORDS.has(s.toLowerCase()));
const qualified = fc.array(ident, { minLength: 2, maxLength: 3 }).map((p) => p.join('.'));
const pad = (n: number, w: number) => String(n).padStart(w, '0');

const literal: fc.Arbitrary<SyntaxNode> = fc.oneof(
  fc.constant<SyntaxNode>({ kind: 'literal', type: 'null', pos: 0 }),
  fc.boolean().map<SyntaxNode>((value) => ({ kind: 'literal', type: 'boolean', value, pos: 0 })),
  fc.stringMatching(/^-?[0-9]{1,10}$/).map<SyntaxNode>((value) => ({ kind: 'literal', type: 'int', value, pos: 0 })),
  fc
    .stringMatching(/^-?[0-9]{1,5}(\.[0-9]{1,5}|e[+-]?[0-9]{1,2})$/)
    .map<SyntaxNode>((value) => ({ kind: 'literal', type: 'decimal', value, pos: 0 })),
  fc
    .string({ unit: 'binary', maxLength: 12 })
    .map<SyntaxNode>((value) => ({ kind: 'literal', type: 'string', value, pos: 0 })),
  fc
    .record({
      y: fc.integer({ min: 2, max: 9998 }),
      mo: fc.integer({ min: 1, max: 12 }),
      d: fc.integer({ min: 1, max: 28 }),
      h: fc.integer({ min: 0, max: 23 }),
      mi: fc.integer({ min: 0, max: 59 }),
      s: fc.integer({ min: 0, max: 59 }),
      off: fc.constantFrom('Z', '+01:00', '-08:30'),
    })
    .map<SyntaxNode>(({ y, mo, d, h, mi, s, off }) => ({
      kind: 'literal',
      type: 'dateTimeOffset',
      value: `${pad(y, 4)}-${pad(mo, 2)}-${pad(d, 2)}T${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}${off}`,
      pos: 0,
    })),
  fc.uuid().map<SyntaxNode>((value) => ({ kind: 'literal', type: 'guid', value, pos: 0 })),
  fc.record({ t: qualified, v: fc.string({ unit: 'binary', maxLength: 8 }) }).map<SyntaxNode>(({ t, v }) => ({
    kind: 'literal',
    type: 'enum',
    enumType: t,
    value: v,
    pos: 0,
  })),
);

const OPS: readonly BinaryOp[] = BINARY_OPS;

const { expr } = fc.letrec<{ expr: SyntaxNode; path: SyntaxNode }>((tie) => ({
  path: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant<SyntaxNode>({ kind: 'it', pos: 0 }),
    ident.map<SyntaxNode>((name) => ({ kind: 'member', base: undefined, name, pos: 0 })),
    qualified.map<SyntaxNode>((type) => ({ kind: 'cast', base: undefined, type, pos: 0 })),
    fc
      .record({ base: tie('path'), name: ident })
      .map<SyntaxNode>(({ base, name }) => ({ kind: 'member', base, name, pos: 0 })),
    fc
      .record({ base: tie('path'), type: qualified })
      .map<SyntaxNode>(({ base, type }) => ({ kind: 'cast', base, type, pos: 0 })),
    tie('path').map<SyntaxNode>((base) => ({ kind: 'count', base, pos: 0 })),
    fc
      .record({
        base: tie('path'),
        op: fc.constantFrom('any' as const, 'all' as const),
        variable: ident,
        body: tie('expr'),
      })
      .map<SyntaxNode>(({ base, op, variable, body }) => ({ kind: 'lambda', op, base, variable, body, pos: 0 })),
    tie('path').map<SyntaxNode>((base) => ({
      kind: 'lambda',
      op: 'any',
      base,
      variable: undefined,
      body: undefined,
      pos: 0,
    })),
    fc
      .record({ name: ident.map((s) => s.toLowerCase()), args: fc.array(tie('expr'), { maxLength: 3 }) })
      .map<SyntaxNode>(({ name, args }) => ({ kind: 'call', name, args, pos: 0 })),
  ),
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    literal,
    tie('path'),
    fc
      .record({ op: fc.constantFrom(...OPS), left: tie('expr'), right: tie('expr') })
      .map<SyntaxNode>(({ op, left, right }) => ({ kind: 'binary', op, left, right, pos: 0 })),
    tie('expr').map<SyntaxNode>((operand) => ({ kind: 'not', operand, pos: 0 })),
    fc
      .record({ left: tie('expr'), list: fc.array(tie('expr'), { minLength: 1, maxLength: 3 }) })
      .map<SyntaxNode>(({ left, list }) => ({ kind: 'in', left, list, collection: undefined, pos: 0 })),
    fc
      .record({ left: tie('expr'), collection: tie('path') })
      .map<SyntaxNode>(({ left, collection }) => ({ kind: 'in', left, list: undefined, collection, pos: 0 })),
  ),
}));

/** The tree without positions (printing moves them). */
function strip(n: unknown): unknown {
  if (Array.isArray(n)) return n.map(strip);
  if (n && typeof n === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(n)) if (k !== 'pos') out[k] = strip(v);
    return out;
  }
  return n;
}

const BIG = { limits: { maxNodes: 100_000, maxDepth: 10_000, maxOptionLength: 1_000_000 } };

describe('print ∘ parse', () => {
  it('parse(print(tree)) is the tree', () => {
    fc.assert(
      fc.property(expr, (tree) => {
        const text = printExpression(tree);
        expect(strip(parseFilter(text, BIG)), text).toEqual(strip(tree));
      }),
      { numRuns: 2000 },
    );
  });

  it('print is a fixed point after one round', () => {
    fc.assert(
      fc.property(expr, (tree) => {
        const once = printExpression(tree);
        expect(printExpression(parseFilter(once, BIG))).toBe(once);
      }),
      { numRuns: 500 },
    );
  });
});

// ---- compiled SQL ----

const BETA = modelFor('beta');
/** Request values carry a marker so any leak into SQL text is visible; compiled SQL must be plain ASCII. */
const MARK = '§';
const value = fc
  .string({ unit: 'binary', minLength: 1, maxLength: 16 })
  .map((s) => `${MARK}${s}`)
  .chain((s) => fc.constantFrom(s, `${s}'; DROP TABLE user_statuses; --`, `${s}%_\\`, `${s}") OR 1=1 --`));
const q = (s: string) => `'${s.replace(/'/g, "''")}'`;

const statusFilter: fc.Arbitrary<string> = fc.letrec<{ f: string }>((tie) => ({
  f: fc.oneof(
    { depthSize: 'small' },
    value.map((v) => `userPrincipalName eq ${q(v)}`),
    value.map((v) => `userDisplayName ne ${q(v)}`),
    value.map((v) => `userDisplayName gt ${q(v)}`),
    fc
      .record({
        fn: fc.constantFrom('contains', 'startswith', 'endswith'),
        v: value,
        p: fc.constantFrom('userDisplayName', 'userPrincipalName'),
      })
      .map(({ fn, v, p }) => `${fn}(${p}, ${q(v)})`),
    fc.array(value, { minLength: 1, maxLength: 4 }).map((vs) => `userPrincipalName in (${vs.map(q).join(', ')})`),
    fc.record({ a: value, b: value }).map(({ a, b }) => `concat(userDisplayName, ${q(a)}) eq ${q(b)}`),
    fc
      .record({ a: value, n: fc.integer({ min: -5, max: 50 }) })
      .map(({ a, n }) => `indexof(tolower(userPrincipalName), ${q(a)}) eq ${n}`),
    fc
      .record({ a: value, n: fc.integer({ min: -5, max: 50 }), m: fc.integer({ min: -5, max: 50 }) })
      .map(({ a, n, m }) => `substring(userDisplayName, ${n}, ${m}) eq ${q(a)}`),
    fc.integer({ min: -2147483648, max: 2147483647 }).map((n) => `devicesCount ge ${n}`),
    fc.constantFrom(
      "status eq 'error'",
      "status in ('error', 'conflict')",
      'lastReportedDateTime lt 2024-01-01T00:00:00Z',
      'year(lastReportedDateTime) eq 2024',
    ),
    fc
      .record({ a: tie('f'), b: tie('f'), op: fc.constantFrom('and', 'or') })
      .map(({ a, b, op }) => `(${a}) ${op} (${b})`),
    tie('f').map((a) => `not (${a})`),
  ),
})).f;

const configFilter: fc.Arbitrary<string> = fc.oneof(
  value.map((v) => `targetedMobileApps/any(a: a eq ${q(v)})`),
  value.map((v) => `roleScopeTagIds/all(r: r ne ${q(v)})`),
  value.map((v) => `${q(v)} in targetedMobileApps`),
  value.map((v) => `settings/any(s: s/appConfigKey eq ${q(v)} and s/appConfigKeyType eq 'stringType')`),
  value.map(
    (v) =>
      `microsoft.graph.androidManagedStoreAppConfiguration/packageId eq ${q(v)} or isof('microsoft.graph.iosMobileAppConfiguration') eq false`,
  ),
  value.map((v) => `contains(displayName, ${q(v)}) and not (description eq ${q(v)})`),
);

const enc = (s: string) => encodeURIComponent(s);

function compileBoth(set: SetName, queryString: string, after?: string) {
  const type = BETA.entityTypes.get(TABLES[set].set.entityType)!;
  const opts = parseQueryOptions(queryString, {
    model: BETA,
    version: 'beta',
    set,
    type,
    kind: 'collection',
    limits: { maxNodes: 10_000 },
  });
  const list = after === undefined ? opts.list : { ...opts.list, after };
  const scope = { tenant: 'tenant', configId: 'config' };
  return [SQLITE_QUERY, POSTGRES_QUERY].flatMap((d) => [
    compileList(TABLES[set], scope, list, d),
    compileCount(TABLES[set], scope, list, d),
  ]);
}

function check(compiled: ReturnType<typeof compileBoth>, values: readonly string[]) {
  for (const c of compiled) {
    expect(c.sql).toMatch(/^[\x20-\x7e]*$/);
    expect(c.sql).not.toContain(MARK);
    for (const v of values) expect(c.sql).not.toContain(v);
    expect(c.sql.split('?').length - 1).toBe(c.params.length);
  }
}

describe('compiled SQL', () => {
  it('userStatuses: no request value in the SQL text, one placeholder per parameter', () => {
    fc.assert(
      fc.property(
        statusFilter,
        fc.array(value, { maxLength: 3 }),
        fc.constantFrom('', 'userPrincipalName desc', 'status,userDisplayName desc', 'lastReportedDateTime'),
        (filter, words, orderby) => {
          const parts = [`$filter=${enc(filter)}`, ...(orderby ? [`$orderby=${enc(orderby)}`] : [])];
          const search = words.map((w) => w.replace(/["\s]/g, 'x')).filter((w) => w.length > 1);
          if (search.length > 0) parts.push(`$search=${enc(search.join(' '))}`);
          check(compileBoth('userStatuses', parts.join('&')), []);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('configurations: lambdas, casts and isof keep values out of the SQL text', () => {
    fc.assert(
      fc.property(configFilter, (filter) => {
        check(compileBoth('configurations', `$filter=${enc(filter)}&$orderby=displayName desc`), []);
      }),
      { numRuns: 300 },
    );
  });

  it('keyset positions are parameters too', () => {
    fc.assert(
      fc.property(value, value, (a, id) => {
        const position = JSON.stringify([a, 5, id]);
        check(compileBoth('userStatuses', `$orderby=${enc('userDisplayName,status desc')}`, position), [a, id]);
        check(compileBoth('userStatuses', '', JSON.stringify([id])), [id]);
      }),
      { numRuns: 200 },
    );
  });
});
