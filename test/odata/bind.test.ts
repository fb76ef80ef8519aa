/**
 * The binder: names resolved against the model of each version, literals converted to the operand's type,
 * and 400s that name the property and the type (or what is wrong and where).
 */
import { describe, expect, it } from 'vitest';
import { modelFor } from '../../src/model/model.js';
import { bindFilter } from '../../src/odata/bind/filter.js';
import { bindOrderBy } from '../../src/odata/bind/orderby.js';
import { QueryBindError } from '../../src/odata/errors.js';
import { parseFilter, parseOrderBy } from '../../src/odata/parser.js';
import type { Expr, PathExpr } from '../../src/odata/semantic.js';

const V1 = modelFor('v1.0');
const BETA = modelFor('beta');
const STATUS = 'managedDeviceMobileAppConfigurationUserStatus';
const CONFIG = 'managedDeviceMobileAppConfiguration';

function bind(text: string, type = STATUS, model = BETA): Expr {
  return bindFilter(parseFilter(text), { model, type: model.entityTypes.get(type)!, option: '$filter' });
}

function bindError(text: string, type = STATUS, model = BETA): QueryBindError {
  try {
    bind(text, type, model);
  } catch (e) {
    expect(e).toBeInstanceOf(QueryBindError);
    expect((e as QueryBindError).status).toBe(400);
    expect((e as QueryBindError).target).toBe('$filter');
    return e as QueryBindError;
  }
  throw new Error(`bound without error: ${text}`);
}

const pathNames = (p: PathExpr): string[] =>
  p.steps.map((s) => (s.kind === 'property' ? s.property.name : `<${s.typeNames.join('|')}>`));

describe('bindFilter: what binds, and to what', () => {
  it('converts an enum member name (plain or qualified) to its value', () => {
    for (const text of [
      "status eq 'error'",
      "status eq microsoft.graph.complianceStatus'error'",
      "status eq 'Error'",
    ]) {
      const e = bind(text);
      expect(e).toMatchObject({ kind: 'compare', op: 'eq', right: { kind: 'literal', value: 5 } });
    }
    expect(bind("'error' eq status")).toMatchObject({ kind: 'compare', left: { kind: 'literal', value: 5 } });
    expect(bind("status in ('error', 'conflict', null)")).toMatchObject({
      kind: 'in',
      values: [{ value: 5 }, { value: 6 }, { kind: 'null' }],
    });
  });

  it('canonicalises date-times, quoted or not, to UTC with 7 digits', () => {
    const a = bind('lastReportedDateTime ge 2024-01-01T02:00:00+02:00');
    const b = bind("lastReportedDateTime ge '2024-01-01T00:00:00Z'");
    expect(a).toMatchObject({ right: { kind: 'literal', value: '2024-01-01T00:00:00.0000000Z' } });
    expect(b).toEqual(a);
  });

  it('types paths, with nullability from the model', () => {
    const e = bind("userDisplayName eq 'x'") as Expr & { kind: 'compare' };
    expect(e.left).toMatchObject({ kind: 'path', type: { kind: 'string' }, nullable: true });
    const s = bind('devicesCount eq 1') as Expr & { kind: 'compare' };
    expect(s.left).toMatchObject({ kind: 'path', type: { kind: 'int32' }, nullable: false });
  });

  it('binds lambdas over primitive and complex collections, with the variable scoped to the body', () => {
    const e = bind("settings/any(s: s/appConfigKey eq 'x' and s/appConfigKeyType eq 'integerType')", CONFIG);
    expect(e).toMatchObject({ kind: 'lambda', op: 'any', depth: 0 });
    const l = e as Expr & { kind: 'lambda' };
    // `settings` is declared on iosMobileAppConfiguration: the cast is implied.
    expect(pathNames(l.collection)).toEqual(['<iosMobileAppConfiguration>', 'settings']);
    expect(l.body).toMatchObject({ kind: 'and', right: { right: { value: 1 } } });
    expect(bind("roleScopeTagIds/all(r: r ne '0')", CONFIG)).toMatchObject({ kind: 'lambda', op: 'all' });
    expect(bind('targetedMobileApps/any()', CONFIG)).toMatchObject({ kind: 'lambda', body: undefined });
    // The variable wins over a property of the same name; $it reaches the entity.
    expect(bind('targetedMobileApps/any(displayName: displayName eq $it/displayName)', CONFIG)).toMatchObject({
      kind: 'lambda',
      body: { left: { root: { kind: 'lambda' } }, right: { root: { kind: 'it' } } },
    });
  });

  it('binds type casts and isof on configurations', () => {
    const e = bind('microsoft.graph.androidManagedStoreAppConfiguration/appSupportsOemConfig eq true', CONFIG);
    expect((e as Expr & { kind: 'compare' }).left).toMatchObject({ kind: 'path', nullable: true });
    expect(pathNames((e as Expr & { kind: 'compare' }).left as PathExpr)).toEqual([
      '<androidManagedStoreAppConfiguration>',
      'appSupportsOemConfig',
    ]);
    expect(bind("isof('microsoft.graph.androidManagedStoreAppConfiguration') eq false", CONFIG)).toMatchObject({
      kind: 'truth',
      test: 'false',
      operand: { kind: 'isof', typeNames: ['androidManagedStoreAppConfiguration'] },
    });
    expect(bind('isof(microsoft.graph.managedDeviceMobileAppConfiguration)', CONFIG)).toMatchObject({
      kind: 'isof',
      typeNames: [
        'iosMobileAppConfiguration',
        'androidManagedStoreAppConfiguration',
        'androidForWorkMobileAppConfiguration',
      ],
    });
  });

  it('binds functions with their result types', () => {
    expect(bind("contains(userPrincipalName, 'contoso')")).toMatchObject({ kind: 'match', fn: 'contains' });
    expect(bind('length(userDisplayName) gt 3')).toMatchObject({
      left: { kind: 'call', fn: 'length', type: { kind: 'int32' } },
    });
    expect(bind("substring(userDisplayName, 1, 2) eq 'ab'")).toMatchObject({ left: { kind: 'call', fn: 'substring' } });
    expect(bind('year(lastReportedDateTime) eq 2024')).toMatchObject({ left: { kind: 'call', fn: 'year' } });
    expect(bind("concat(tolower(userDisplayName), trim(userPrincipalName)) eq 'x'")).toMatchObject({
      left: { fn: 'concat' },
    });
    expect(bind("indexof(userPrincipalName, '@') ge 0")).toMatchObject({ left: { fn: 'indexof' } });
  });

  it('accepts a Boolean property alone and null comparisons', () => {
    expect(bind('connectedAppsEnabled', 'androidForWorkMobileAppConfiguration')).toMatchObject({ kind: 'path' });
    expect(bind('userDisplayName eq null')).toMatchObject({ kind: 'compare', right: { kind: 'null' } });
    expect(bind('null ne userDisplayName')).toMatchObject({ kind: 'compare', left: { kind: 'null' } });
  });
});

const ERRORS: readonly [string, RegExp, string?][] = [
  [
    'x eq 1',
    /^Could not find a property named 'x' on type 'microsoft\.graph\.managedDeviceMobileAppConfigurationUserStatus'\./,
  ],
  ['UserPrincipalName eq null', /did you mean 'userPrincipalName'\?/],
  ['userStatuses/any()', /'userStatuses' is a navigation property/, CONFIG],
  [
    "status eq 'broken'",
    /'broken' is not a member of microsoft\.graph\.complianceStatus; use one of 'unknown', 'notApplicable'/,
  ],
  ['status eq 5', /member names \('unknown'\), not numbers/],
  [
    "status eq microsoft.graph.mdmAppConfigKeyType'stringType'",
    /not comparable: microsoft\.graph\.complianceStatus and microsoft\.graph\.mdmAppConfigKeyType/,
  ],
  ["devicesCount eq '3'", /not comparable: Edm\.Int32 and Edm\.String/],
  ['devicesCount eq 3000000000', /outside the range of Edm\.Int32/],
  ['devicesCount eq 1.5', /not an integer/],
  ['lastReportedDateTime ge 2024-01-01', /Edm\.Date values .* 2024-01-01T00:00:00Z/],
  ["lastReportedDateTime ge 'yesterday'", /not a valid Edm\.DateTimeOffset/],
  ['userDisplayName', /must be a Boolean condition, but it is Edm\.String/],
  ['devicesCount add 1 eq 2', /Arithmetic operators such as 'add' are not supported/],
  ["status has 'error'", /'has' operator applies to flag enumerations/],
  ['now() gt lastReportedDateTime', /The function 'now' is not supported; the supported functions are contains/],
  ['contains(userDisplayName)', /takes 2 arguments; got 1/],
  ["contains(devicesCount, 'x')", /needs Edm\.String arguments/],
  ["targetedMobileApps eq 'x'", /is a collection \(Collection\(Edm\.String\)\); use targetedMobileApps\/any/, CONFIG],
  ["userDisplayName/any(x: x eq 'a')", /needs a collection, but the path is of type Edm\.String/],
  ["settings/appConfigKey eq 'x'", /applied to a collection/, CONFIG],
  [
    "settings/any(s: s/nope eq 'x')",
    /Could not find a property named 'nope' on type 'microsoft\.graph\.appConfigurationSettingItem'/,
    CONFIG,
  ],
  ["isof('microsoft.graph.nothing')", /The type 'microsoft\.graph\.nothing' does not exist in beta/, CONFIG],
  ["isof('microsoft.graph.appConfigurationSettingItem')", /can never match/, CONFIG],
  [
    'microsoft.graph.managedDeviceMobileAppConfigurationUserStatus/status eq null',
    /is not microsoft\.graph\.managedDeviceMobileAppConfiguration or a type derived from it/,
    CONFIG,
  ],
  ["status in ('error', userDisplayName)", /may hold only literal values/],
  ['encodedSettingXml gt null', /Edm\.Binary values can only be compared with null/, 'iosMobileAppConfiguration'],
  ['not devicesCount', /The operand of 'not' must be a Boolean condition/],
  ["devicesCount eq 1 and 'x'", /The right operand of 'and' must be a Boolean condition/],
];

describe('bindFilter: errors', () => {
  it.each(ERRORS)('%s', (text, message, type) => {
    const e = bindError(text, type ?? STATUS);
    expect(e.message).toMatch(message);
    expect(e.message).toMatch(/\(in \$filter at position \d+\)$/);
  });

  it('names the position of the offending node', () => {
    const e = bindError("status eq 'error' and nope eq 1");
    expect(e.position).toBe(22);
  });

  it('sees only what the version has', () => {
    expect(bindError("roleScopeTagIds/any(r: r eq '1')", CONFIG, V1).message).toMatch(
      /Could not find a property named 'roleScopeTagIds'/,
    );
    expect(bindError("isof('microsoft.graph.androidManagedStoreAppConfiguration')", CONFIG, V1).message).toMatch(
      /does not exist in v1\.0/,
    );
    expect(() => bind("roleScopeTagIds/any(r: r eq '1')", CONFIG, BETA)).not.toThrow();
  });
});

describe('bindOrderBy', () => {
  const scope = { model: BETA, type: BETA.entityTypes.get(STATUS)!, option: '$orderby' };
  it('binds property paths with directions', () => {
    const keys = bindOrderBy(parseOrderBy('status desc,userPrincipalName'), scope);
    expect(keys.map((k) => [pathNames(k.path), k.descending])).toEqual([
      [['status'], true],
      [['userPrincipalName'], false],
    ]);
  });
  it.each([
    ['length(userDisplayName)', /property paths only/],
    ['nope', /Could not find a property named 'nope'/],
  ])('rejects %s', (text, message) => {
    expect(() => bindOrderBy(parseOrderBy(text), scope)).toThrow(message);
  });
  it('rejects collections and binary', () => {
    const cfg = { ...scope, type: BETA.entityTypes.get(CONFIG)! };
    expect(() => bindOrderBy(parseOrderBy('targetedMobileApps'), cfg)).toThrow(/Cannot sort by 'targetedMobileApps'/);
    expect(() => bindOrderBy(parseOrderBy('encodedSettingXml'), cfg)).toThrow(/Edm\.Binary/);
  });
});
