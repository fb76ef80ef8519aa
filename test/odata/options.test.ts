/**
 * The query string → bound options (docs/api.md#queries, #decisions-on-finer-points; OData 4.01 URL conventions §5.1):
 * which options exist, which apply where, `$` optional on beta, limits, $select/$expand binding, the skiptoken
 * fingerprint.
 */
import { describe, expect, it } from 'vitest';
import type { Version } from '../../src/model/edm.js';
import { modelFor } from '../../src/model/model.js';
import type { SetName } from '../../src/model/resources.js';
import { parseQueryOptions, splitQuery, type TargetKind } from '../../src/odata/options.js';
import { openSkiptoken, sealSkiptoken } from '../../src/odata/skiptoken.js';
import type { ApiError } from '../../src/util/errors.js';

const TYPES: Record<SetName, string> = {
  configurations: 'managedDeviceMobileAppConfiguration',
  userStatuses: 'managedDeviceMobileAppConfigurationUserStatus',
  deviceStatuses: 'managedDeviceMobileAppConfigurationDeviceStatus',
  assignments: 'managedDeviceMobileAppConfigurationAssignment',
  users: 'user',
  groups: 'group',
  managedDevices: 'managedDevice',
};

function parse(
  query: string,
  o: { set?: SetName; version?: Version; kind?: TargetKind; cast?: string; limits?: object } = {},
) {
  const version = o.version ?? 'v1.0';
  const model = modelFor(version);
  const set = o.set ?? 'userStatuses';
  const type = model.entityTypes.get(o.cast ?? TYPES[set])!;
  return parseQueryOptions(query, {
    model,
    version,
    set,
    type,
    kind: o.kind ?? 'collection',
    ...(o.limits ? { limits: o.limits } : {}),
  });
}

function fails(query: string, o: Parameters<typeof parse>[1] = {}): ApiError {
  try {
    parse(query, o);
  } catch (e) {
    expect((e as ApiError).status).toBe(400);
    return e as ApiError;
  }
  throw new Error(`no error for ${query}`);
}

describe('query string', () => {
  it('decodes names and values; + is a space', () => {
    expect(splitQuery("$filter=status+eq+'a%2Bb'&x&=y")).toEqual([
      { name: '$filter', value: "status eq 'a+b'" },
      { name: 'x', value: '' },
      { name: '', value: 'y' },
    ]);
    expect(fails('$filter=%E0%A4%A').message).toMatch(/not correctly percent-encoded/);
  });

  it('rejects unknown and unsupported $-options, ignores other parameters', () => {
    expect(fails('$foo=1').message).toMatch(
      /'\$foo' is not a known system query option; the supported options are \$filter/,
    );
    expect(fails('$apply=groupby((status))').message).toMatch(/'\$apply' is not supported by this service/);
    expect(parse('foo=1&@p=2&api-version=3').list).toMatchObject({ top: 1000, skip: 0, count: false });
  });

  it('matches option names case-insensitively and rejects repeats in any spelling', () => {
    expect(parse('$TOP=5').list.top).toBe(5);
    expect(fails('$top=5&$Top=6').message).toMatch(/'\$top' is given more than once \('\$top' and '\$Top'\)/);
    expect(fails('$top=5&top=6', { version: 'beta' }).message).toMatch(/given more than once/);
    // On v1.0 a parameter without `$` is a custom option and is ignored.
    expect(parse('$top=5&top=6').list.top).toBe(5);
  });

  it('lets beta leave out the $', () => {
    const o = parse("filter=status eq 'error'&top=3&count=true&orderby=status desc&select=status", { version: 'beta' });
    expect(o.list).toMatchObject({ top: 3, count: true, filter: { kind: 'compare' } });
    expect(o.list.orderBy).toHaveLength(1);
    expect(o.select?.projection).toEqual(['status']);
    expect(parse("filter=status eq 'error'").list.filter).toBeUndefined();
  });

  it('bounds $top (page size 1–1000, naming the maximum) and $skip', () => {
    expect(fails('$top=1001').message).toBe(
      "The value of $top must be an integer page size from 1 to 1000; got '1001'.",
    );
    expect(fails('$top=0').message).toMatch(/from 1 to 1000/);
    expect(fails('$top=-1').message).toMatch(/from 1 to 1000/);
    expect(fails('$top=1.5').message).toMatch(/from 1 to 1000/);
    expect(parse('$top=1000').list.top).toBe(1000);
    expect(parse('', { limits: { defaultPageSize: 50 } }).list.top).toBe(50);
    expect(parse('$skip=20').list.skip).toBe(20);
    expect(fails('$skip=x').message).toMatch(/\$skip must be an integer from 0/);
    expect(fails('$count=yes').message).toMatch(/\$count must be true or false/);
    expect(parse('$format=json').list).toBeDefined();
    expect(fails('$format=xml').message).toMatch(/only in JSON/);
  });

  it('applies options only where OData allows them', () => {
    expect(fails('$top=5', { kind: 'count' }).message).toMatch(
      /cannot be used on a \/\$count request; only \$filter, \$search can/,
    );
    expect(parse("$filter=status eq 'error'", { kind: 'count' }).list.filter).toBeDefined();
    expect(fails("$filter=status eq 'error'", { kind: 'entity' }).message).toMatch(
      /cannot be used on a single entity; only \$select, \$expand, \$format can/,
    );
    expect(parse('$select=status', { kind: 'entity' }).select?.projection).toEqual(['status']);
  });

  it('restricts configurations to the concrete types of the version or the cast', () => {
    expect(parse('', { set: 'configurations' }).list.typeNames).toEqual(['iosMobileAppConfiguration']);
    expect(parse('', { set: 'configurations', version: 'beta' }).list.typeNames).toEqual([
      'iosMobileAppConfiguration',
      'androidManagedStoreAppConfiguration',
      'androidForWorkMobileAppConfiguration',
    ]);
    expect(
      parse('', { set: 'configurations', version: 'beta', cast: 'androidManagedStoreAppConfiguration' }).list.typeNames,
    ).toEqual(['androidManagedStoreAppConfiguration']);
    expect(parse('').list.typeNames).toBeUndefined();
  });

  it('refuses $search where nothing is searchable', () => {
    expect(fails('$search=x', { set: 'assignments' }).message).toMatch(/\$search is not supported on assignments/);
    expect(parse('$search="Adele vance"').list.search).toEqual(['Adele', 'vance']);
  });
});

describe('$select', () => {
  it('keeps the projection as written, for the context URL', () => {
    const s = parse('$select=userPrincipalName,status').select!;
    expect(s.projection).toEqual(['userPrincipalName', 'status']);
    expect([...s.properties]).toEqual(['userPrincipalName', 'status']);
    expect(parse('$select=*').select).toBeUndefined();
  });
  it('names an unknown property and its type', () => {
    expect(fails('$select=nope').message).toBe(
      "Could not find a property named 'nope' on type 'microsoft.graph.managedDeviceMobileAppConfigurationUserStatus'.",
    );
    expect(fails('$select=userStatuses', { set: 'configurations' }).message).toMatch(
      /is a navigation property; use \$expand=userStatuses/,
    );
  });
  it('selects properties of derived types, with or without the cast', () => {
    expect([...parse('$select=settings,displayName', { set: 'configurations' }).select!.properties]).toEqual([
      'settings',
      'displayName',
    ]);
    expect(
      parse('$select=microsoft.graph.iosMobileAppConfiguration/settings', { set: 'configurations' }).select!.projection,
    ).toEqual(['microsoft.graph.iosMobileAppConfiguration/settings']);
    expect(
      fails('$select=microsoft.graph.androidManagedStoreAppConfiguration/packageId', { set: 'configurations' }).message,
    ).toMatch(/not microsoft\.graph\.managedDeviceMobileAppConfiguration or a type derived from it/);
  });
});

describe('$expand', () => {
  const cfg = { set: 'configurations' as const, version: 'beta' as const };
  it('binds every navigation, with nested options', () => {
    const o = parse(
      "$expand=userStatuses($filter=status eq 'error';$top=5;$select=userPrincipalName;$count=true),userStatusSummary",
      cfg,
    );
    expect(o.expand.map((e) => [e.navigation, e.target])).toEqual([
      ['userStatuses', { kind: 'set', set: 'userStatuses' }],
      ['userStatusSummary', { kind: 'summary', summary: 'userStatusSummary' }],
    ]);
    expect(o.expand[0]!.query).toMatchObject({ top: 5, count: true, filter: { kind: 'compare' } });
    expect(o.expand[0]!.select!.projection).toEqual(['userPrincipalName']);
    expect(o.expand[0]!.continuation).toBe(
      "$filter=status%20eq%20'error'&$top=5&$count=true&$select=userPrincipalName",
    );
  });
  it('expands everything with *', () => {
    expect(parse('$expand=*', cfg).expand.map((e) => e.navigation)).toEqual([
      'assignments',
      'deviceStatuses',
      'deviceStatusSummary',
      'userStatuses',
      'userStatusSummary',
    ]);
  });
  it('rejects what cannot be expanded, naming it', () => {
    expect(fails('$expand=nope', cfg).message).toMatch(
      /Could not find a navigation property named 'nope' on type 'microsoft\.graph\.managedDeviceMobileAppConfiguration'\. Navigation properties: assignments, deviceStatuses/,
    );
    expect(fails('$expand=displayName', cfg).message).toMatch(/structural property/);
    expect(fails('$expand=userStatuses', { set: 'userStatuses' }).message).toMatch(
      /Could not find a navigation property named 'userStatuses'/,
    );
    expect(fails('$expand=userStatuses($top=2000)', cfg).message).toMatch(
      /\$expand\/userStatuses\/\$top must be an integer page size from 1 to 1000/,
    );
    expect(fails('$expand=userStatuses($filter=nope eq 1)', cfg).message).toMatch(
      /Could not find a property named 'nope'.*in \$expand\/userStatuses\/\$filter/,
    );
    expect(fails('$expand=userStatuses($filter=status eq)', cfg).message).toMatch(
      /Syntax error in \$expand\/userStatuses\/\$filter at position 9/,
    );
    expect(fails('$expand=userStatuses($levels=2)', cfg).message).toMatch(
      /'\$levels' is not an option that can be nested/,
    );
    expect(fails('$expand=userStatusSummary($top=1)', cfg).message).toMatch(/single entity; only \$select/);
    expect(fails('$expand=userStatuses,userStatuses', cfg).message).toMatch(/expanded more than once/);
    expect(fails('$expand=userStatuses($expand=x)', cfg).message).toMatch(
      /Could not find a navigation property named 'x'/,
    );
    expect(fails('$expand=userStatuses', { ...cfg, limits: { maxExpandDepth: 0 } }).message).toMatch(
      /deeper than 0 levels/,
    );
  });
});

describe('fingerprint and $skiptoken', () => {
  it('is the same for two spellings of one query and differs between queries', () => {
    const a = parse("$filter=status eq 'error'&$orderby=status desc&$top=5").fingerprint;
    const b = parse("$top=7&$orderby=status  DESC&$filter=(status EQ 'error')").fingerprint;
    expect(a).toBe(b);
    expect(parse("$filter=status eq 'conflict'").fingerprint).not.toBe(a);
    expect(parse('$orderby=status').fingerprint).not.toBe(parse('$orderby=status desc').fingerprint);
    expect(parse('$search=a b').fingerprint).not.toBe(parse('$search=b a').fingerprint);
  });

  it('seals a position to its context; anything else is a 400', () => {
    const key = Buffer.alloc(32, 7);
    const token = sealSkiptoken(key, 'tenant-a\nv1.0\nuserStatuses\nc1\nq', '["x"]');
    expect(openSkiptoken(key, 'tenant-a\nv1.0\nuserStatuses\nc1\nq', token)).toBe('["x"]');
    const bad = (ctx: string, t: string) => () => openSkiptoken(key, ctx, t);
    expect(bad('tenant-b\nv1.0\nuserStatuses\nc1\nq', token)).toThrow(/\$skiptoken is not valid for this request/);
    expect(bad('tenant-a\nv1.0\nuserStatuses\nc2\nq', token)).toThrow(/not valid/);
    expect(bad('tenant-a\nv1.0\nuserStatuses\nc1\nother', token)).toThrow(/not valid/);
    const [body, sig] = token.split('.') as [string, string];
    const flipped = Buffer.from(body, 'base64url');
    flipped[0] = flipped[0]! ^ 1;
    expect(bad('tenant-a\nv1.0\nuserStatuses\nc1\nq', `${flipped.toString('base64url')}.${sig}`)).toThrow(/not valid/);
    expect(bad('tenant-a\nv1.0\nuserStatuses\nc1\nq', `${body}.${sig.slice(1)}A`)).toThrow(/not valid/);
    for (const junk of ['', '.', 'abc', 'a.b.c', `${body}.`, `${body}..${sig}`, 'x'.repeat(5000)]) {
      expect(bad('tenant-a\nv1.0\nuserStatuses\nc1\nq', junk)).toThrow(/not valid/);
    }
    expect(() => openSkiptoken(Buffer.alloc(32, 8), 'tenant-a\nv1.0\nuserStatuses\nc1\nq', token)).toThrow(/not valid/);
  });
});
