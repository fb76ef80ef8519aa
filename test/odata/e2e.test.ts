/**
 * Queries end to end (docs/api.md#queries, #decisions-on-finer-points): the real server over a socket with plain fetch,
 * and the Graph SDK's PageIterator over HTTPS, including paging across many pages while another client writes, and
 * hostile text in every option leaving the data intact.
 */
import { type AuthenticationProvider, Client, PageIterator } from '@microsoft/microsoft-graph-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csdlDocument } from '../../src/format/csdl.js';
import { modelFor } from '../../src/model/model.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

let t: TestServer;
const BETA = '/beta/deviceAppManagement/mobileAppConfigurations';
const V1 = '/v1.0/deviceAppManagement/mobileAppConfigurations';
const OTHER_TENANT = '5a1e2b3c-0000-4000-8000-00000000beef';

type Body = Record<string, unknown> & { value: Record<string, unknown>[] };

const enc = (q: string): string =>
  q
    .split('&')
    .map((p) => {
      const eq = p.indexOf('=');
      return eq < 0 ? p : `${p.slice(0, eq)}=${encodeURIComponent(p.slice(eq + 1))}`;
    })
    .join('&');

async function get(
  path: string,
  query = '',
  opts: { tenant?: string } = {},
): Promise<{ status: number; body: Body; res: Response }> {
  const res = await t.call('GET', query ? `${path}?${enc(query)}` : path, opts);
  const text = await res.text();
  return { status: res.status, body: (text.startsWith('{') ? JSON.parse(text) : text) as Body, res };
}

async function follow(link: string, tenant?: string): Promise<{ status: number; body: Body }> {
  const token = await t.token(tenant ? { tenant } : {});
  const res = await fetch(link, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: (await res.json()) as Body };
}

async function createConfig(body: Record<string, unknown>, tenant?: string): Promise<string> {
  const r = await t.call('POST', BETA, { body, ...(tenant ? { tenant } : {}) });
  expect(r.status).toBe(201);
  return ((await r.json()) as { id: string }).id;
}

const STATUSES = ['compliant', 'error', 'conflict', 'notApplicable', 'unknown'] as const;
let ios: string;
let android: string;
let work: string;
let big: string;

beforeAll(async () => {
  t = await startTestServer();
  ios = await createConfig({
    '@odata.type': '#microsoft.graph.iosMobileAppConfiguration',
    displayName: 'Outlook for iOS',
    description: 'Mail settings',
    targetedMobileApps: ['com.microsoft.outlook'],
    roleScopeTagIds: ['0'],
    settings: [
      { appConfigKey: 'IntuneMAMAllowedAccountsOnly', appConfigKeyType: 'stringType', appConfigKeyValue: 'Enabled' },
    ],
  });
  android = await createConfig({
    '@odata.type': '#microsoft.graph.androidManagedStoreAppConfiguration',
    displayName: 'Zebra OEMConfig',
    packageId: 'com.zebra.oemconfig',
    appSupportsOemConfig: true,
    targetedMobileApps: ['com.zebra.oemconfig'],
  });
  work = await createConfig({
    '@odata.type': '#microsoft.graph.androidForWorkMobileAppConfiguration',
    displayName: 'Teams for Android',
    packageId: 'com.microsoft.teams',
  });
  big = await createConfig({ '@odata.type': '#microsoft.graph.iosMobileAppConfiguration', displayName: 'Many users' });
  const value = Array.from({ length: 60 }, (_, i) => ({
    userPrincipalName: `user${String(i).padStart(2, '0')}@contoso.com`,
    userDisplayName: i % 10 === 0 ? null : `User ${i} ${i % 3 === 0 ? 'Vance' : 'Smith'}`,
    status: STATUSES[i % STATUSES.length],
    devicesCount: i % 7,
    lastReportedDateTime: `2024-0${1 + (i % 9)}-15T10:00:00Z`,
  }));
  const r = await t.call('PATCH', `${BETA}/${big}/userStatuses`, { body: { value } });
  expect(r.status).toBe(200);
});
afterAll(async () => {
  await t.close();
});

describe('$filter, $select, $orderby, $count, $search', () => {
  it('filters, projects and counts, with the projection in the context URL', async () => {
    const { status, body } = await get(
      `${BETA}/${big}/userStatuses`,
      "$filter=status eq 'error' and devicesCount ge 2&$select=userPrincipalName,status&$count=true&$orderby=userPrincipalName desc",
    );
    expect(status).toBe(200);
    expect(body['@odata.context']).toBe(
      `${t.http}/beta/$metadata#deviceAppManagement/mobileAppConfigurations('${big}')/userStatuses(userPrincipalName,status)`,
    );
    const expected = Array.from({ length: 60 }, (_, i) => i)
      .filter((i) => i % 5 === 1 && i % 7 >= 2)
      .map((i) => `user${String(i).padStart(2, '0')}@contoso.com`)
      .reverse();
    expect(body['@odata.count']).toBe(expected.length);
    expect(body.value.map((v) => v.userPrincipalName)).toEqual(expected);
    expect(Object.keys(body.value[0]!).sort()).toEqual(['@odata.type', 'status', 'userPrincipalName']);
  });

  it('compares strings case-insensitively and date-times unquoted', async () => {
    const a = await get(`${BETA}/${big}/userStatuses`, "$filter=userPrincipalName eq 'USER07@CONTOSO.COM'");
    expect(a.body.value.map((v) => v.userPrincipalName)).toEqual(['user07@contoso.com']);
    const b = await get(
      `${BETA}/${big}/userStatuses`,
      '$filter=lastReportedDateTime ge 2024-09-01T00:00:00Z&$count=true&$top=1',
    );
    expect(b.body['@odata.count']).toBe(6);
    const c = await get(
      `${BETA}/${big}/userStatuses`,
      "$filter=status eq microsoft.graph.complianceStatus'conflict' and not contains(userDisplayName, 'smith')&$count=true",
    );
    // conflict: i % 5 == 2; no 'smith' in the name: Vance names (i % 3 == 0); none of them has a null name.
    expect(c.body.value.map((v) => v.userPrincipalName).sort()).toEqual(
      ['user12', 'user27', 'user42', 'user57'].map((u) => `${u}@contoso.com`),
    );
  });

  it('answers /$count as text, honouring $filter and $search', async () => {
    const r = await t.call('GET', `${BETA}/${big}/userStatuses/$count?${enc("$filter=status eq 'error'")}`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await r.text()).toBe('12');
    const s = await t.call('GET', `${BETA}/${big}/userStatuses/$count?${enc('$search="vance user"')}`);
    expect(await s.text()).toBe('18');
    const bad = await t.call('GET', `${BETA}/${big}/userStatuses/$count?$top=1`);
    expect(bad.status).toBe(400);
  });

  it('searches every word in the searchable properties', async () => {
    const { body } = await get(`${BETA}`, '$search="outlook MAIL"');
    expect(body.value.map((v) => v.id)).toEqual([ios]);
    const words = await get(`${BETA}/${big}/userStatuses`, '$search=VANCE 3&$select=userDisplayName');
    // 'vance' only in display names; '3' in either property (user03's name and principal name both have it).
    expect(words.body.value.map((v) => v.userDisplayName).sort()).toEqual([
      'User 3 Vance',
      'User 33 Vance',
      'User 36 Vance',
      'User 39 Vance',
    ]);
  });

  it('orders enums by value, strings case-insensitively, nulls first', async () => {
    const { body } = await get(
      `${BETA}/${big}/userStatuses`,
      '$orderby=userDisplayName,userPrincipalName&$select=userDisplayName&$top=8',
    );
    expect(body.value.slice(0, 6).map((v) => v.userDisplayName)).toEqual([null, null, null, null, null, null]);
    const byStatus = await get(`${BETA}/${big}/userStatuses`, '$orderby=status desc&$select=status&$top=60');
    const order = byStatus.body.value.map((v) => v.status);
    expect([...new Set(order)]).toEqual(['conflict', 'error', 'compliant', 'notApplicable', 'unknown']);
  });

  it('takes type-cast segments, casts in paths and isof on configurations (the Intune portal queries)', async () => {
    const portal = await get(
      BETA,
      "$filter=microsoft.graph.androidManagedStoreAppConfiguration/appSupportsOemConfig eq false or isof('microsoft.graph.androidManagedStoreAppConfiguration') eq false&$top=500&$count=true&$orderby=displayName",
    );
    expect(portal.status).toBe(200);
    expect(portal.body.value.map((v) => v.displayName)).toEqual(['Many users', 'Outlook for iOS', 'Teams for Android']);
    expect(portal.body['@odata.count']).toBe(3);
    const oem = await get(
      `${BETA}/microsoft.graph.androidManagedStoreAppConfiguration`,
      '$filter=appSupportsOemConfig eq true',
    );
    expect(oem.body.value.map((v) => v.id)).toEqual([android]);
    expect(oem.body['@odata.context']).toBe(`${t.http}/beta/$metadata#deviceAppManagement/mobileAppConfigurations`);
    const settings = await get(BETA, "$filter=settings/any(s: s/appConfigKey eq 'intunemamallowedaccountsonly')");
    expect(settings.body.value.map((v) => v.id)).toEqual([ios]);
    const scope = await get(
      BETA,
      "$filter=roleScopeTagIds/any(r: r eq '0') or packageId eq 'COM.MICROSOFT.TEAMS'&$orderby=displayName",
    );
    expect(scope.body.value.map((v) => v.id)).toEqual([ios, work]);
  });

  it('shows v1.0 only its types, in rows and counts alike', async () => {
    const { body } = await get(V1, '$count=true');
    expect(body['@odata.count']).toBe(2);
    expect(body.value.map((v) => v['@odata.type'])).toEqual([
      '#microsoft.graph.iosMobileAppConfiguration',
      '#microsoft.graph.iosMobileAppConfiguration',
    ]);
    const r = await get(V1, "$filter=roleScopeTagIds/any(r: r eq '0')");
    expect(r.status).toBe(400);
    expect((r.body as unknown as { error: { message: string } }).error.message).toMatch(
      /Could not find a property named 'roleScopeTagIds' on type 'microsoft\.graph\.managedDeviceMobileAppConfiguration'/,
    );
  });

  it('lets beta leave out the $, and ignores unknown parameters without one', async () => {
    const a = await get(`${BETA}/${big}/userStatuses`, "filter=status eq 'error'&top=2&count=true&foo=bar");
    expect(a.body['@odata.count']).toBe(12);
    expect(a.body.value).toHaveLength(2);
    const b = await get(`${V1}/${big}/userStatuses`, "filter=status eq 'error'&top=2");
    expect(b.body.value).toHaveLength(60);
  });

  it('answers bad options with 400 naming the option and the position', async () => {
    const cases: [string, RegExp][] = [
      ['$top=1001', /\$top must be an integer page size from 1 to 1000/],
      ['$filter=status eq', /Syntax error in \$filter at position 9/],
      [
        '$filter=nope eq 1',
        /Could not find a property named 'nope' on type 'microsoft\.graph\.managedDeviceMobileAppConfigurationUserStatus'/,
      ],
      ['$orderby=status sideways', /Syntax error in \$orderby at position 7/],
      ['$whatever=1', /'\$whatever' is not a known system query option/],
      ['$top=1&$top=2', /given more than once/],
      ['$skiptoken=abc', /\$skiptoken is not valid/],
    ];
    for (const [q, message] of cases) {
      const { status, body } = await get(`${BETA}/${big}/userStatuses`, q);
      expect(status, q).toBe(400);
      const err = (body as unknown as { error: { code: string; message: string } }).error;
      expect(err.code).toBe('BadRequest');
      expect(err.message, q).toMatch(message);
    }
  });

  it('reads a name that Object.prototype has (constructor, __proto__) as a name, not an operator', async () => {
    for (const word of ['constructor', '__proto__', 'hasOwnProperty']) {
      const { status, body } = await get(`${BETA}/${big}/userStatuses`, `$filter=status ${word} 'error'`);
      expect(status, word).toBe(400);
      const err = (body as unknown as { error: { code: string; message: string } }).error;
      expect(err.message, word).toBe(
        `Syntax error in $filter at position 7: expected an operator or the end of the expression, found '${word}'.`,
      );
    }
  });

  it('refuses a function named like an Object.prototype member as unsupported', async () => {
    for (const fn of ['constructor', '__proto__']) {
      const { status, body } = await get(`${BETA}/${big}/userStatuses`, `$filter=${fn}(status)`);
      expect(status, fn).toBe(400);
      const err = (body as unknown as { error: { code: string; message: string } }).error;
      expect(err.message, fn).toMatch(
        new RegExp(`^The function '${fn}' is not supported; the supported functions are`),
      );
    }
  });
});

describe('$expand', () => {
  it('expands navigations with nested options on a collection', async () => {
    const { status, body } = await get(
      BETA,
      "$filter=displayName eq 'many users'&$expand=userStatuses($filter=status eq 'error';$top=5;$select=userPrincipalName;$count=true;$orderby=userPrincipalName),userStatusSummary,assignments&$select=displayName",
    );
    expect(status).toBe(200);
    expect(body['@odata.context']).toBe(
      `${t.http}/beta/$metadata#deviceAppManagement/mobileAppConfigurations(displayName,userStatuses(userPrincipalName),userStatusSummary(),assignments())`,
    );
    const cfg = body.value[0]!;
    expect(cfg.displayName).toBe('Many users');
    expect(cfg['userStatuses@odata.count']).toBe(12);
    expect((cfg.userStatuses as Record<string, unknown>[]).map((s) => s.userPrincipalName)).toEqual(
      ['user01', 'user06', 'user11', 'user16', 'user21'].map((u) => `${u}@contoso.com`),
    );
    expect(cfg.userStatusSummary).toMatchObject({
      errorCount: 12,
      successCount: 12,
      conflictCount: 12,
      pendingCount: 12,
      configurationVersion: 1,
    });
    expect(cfg.assignments).toEqual([]);
    // The rest of the expanded collection is one link away.
    const next = await follow(cfg['userStatuses@odata.nextLink'] as string);
    expect(next.status).toBe(200);
    expect(next.body.value.map((s) => s.userPrincipalName)).toEqual(
      ['user26', 'user31', 'user36', 'user41', 'user46'].map((u) => `${u}@contoso.com`),
    );
  });

  it('expands on a single entity, and * expands everything', async () => {
    const { body } = await get(`${BETA}/${big}`, '$expand=*');
    for (const nav of ['assignments', 'deviceStatuses', 'deviceStatusSummary', 'userStatuses', 'userStatusSummary'])
      expect(body).toHaveProperty(nav);
    expect((body as unknown as { userStatuses: unknown[] }).userStatuses).toHaveLength(60);
    const bad = await get(`${BETA}/${big}`, '$expand=userStatuses($top=0)');
    expect(bad.status).toBe(400);
  });
});

describe('server-driven paging', () => {
  it('walks every page through absolute nextLinks that keep every option', async () => {
    const query =
      '$filter=devicesCount ge 1&$orderby=lastReportedDateTime desc,userDisplayName&$top=7&$select=userPrincipalName&$count=true';
    let page: { status: number; body: Body } = await get(`${BETA}/${big}/userStatuses`, query);
    const seen: unknown[] = [];
    let pages = 0;
    for (;;) {
      expect(page.status).toBe(200);
      pages++;
      expect(page.body['@odata.count']).toBe(51);
      seen.push(...page.body.value.map((v) => v.userPrincipalName));
      const next = page.body['@odata.nextLink'] as string | undefined;
      if (!next) break;
      const url = new URL(next);
      expect(url.origin).toBe(t.http);
      expect(url.searchParams.get('$top')).toBe('7');
      expect(url.searchParams.get('$orderby')).toBe('lastReportedDateTime desc,userDisplayName');
      expect(url.searchParams.get('$skiptoken')).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
      page = await follow(next);
    }
    expect(pages).toBe(8);
    expect(new Set(seen).size).toBe(51);
    const all = await get(`${BETA}/${big}/userStatuses`, query.replace('$top=7', '$top=100'));
    expect(seen).toEqual(all.body.value.map((v) => v.userPrincipalName));
  });

  it('refuses a tampered token, or one from another tenant, collection or query', async () => {
    const first = await get(BETA, '$top=1');
    const link = first.body['@odata.nextLink'] as string;
    const url = new URL(link);
    const token = url.searchParams.get('$skiptoken')!;
    const tampered = new URL(link);
    tampered.searchParams.set('$skiptoken', `${token.slice(0, 3)}${token[3] === 'A' ? 'B' : 'A'}${token.slice(4)}`);
    expect((await follow(tampered.toString())).status).toBe(400);
    expect((await follow(link, OTHER_TENANT)).status).toBe(400);
    const otherQuery = new URL(link);
    otherQuery.searchParams.set('$filter', "displayName eq 'x'");
    expect((await follow(otherQuery.toString())).status).toBe(400);
    const otherSet = await get(`${BETA}/${big}/userStatuses`, `$skiptoken=${token}`);
    expect(otherSet.status).toBe(400);
    const v1 = new URL(link.replace('/beta/', '/v1.0/'));
    expect((await follow(v1.toString())).status).toBe(400);
    expect((await follow(link)).status).toBe(200);
  });

  it('keeps every row that exists for the whole walk exactly once while another client writes', async () => {
    const config = await createConfig({
      '@odata.type': '#microsoft.graph.iosMobileAppConfiguration',
      displayName: 'Churn',
    });
    const path = `${BETA}/${config}/userStatuses`;
    const stable = Array.from({ length: 40 }, (_, i) => ({
      userPrincipalName: `stable${i}@contoso.com`,
      userDisplayName: `S ${i % 6}`,
      status: STATUSES[i % 5],
      devicesCount: i % 4,
    }));
    expect((await t.call('PATCH', path, { body: { value: stable } })).status).toBe(200);
    for (const query of [
      '$top=6',
      '$top=6&$orderby=userDisplayName desc',
      '$top=6&$orderby=status,devicesCount desc',
      '$top=6&$filter=devicesCount ge 0&$orderby=userPrincipalName',
    ]) {
      let writing = true;
      let n = 0;
      const writer = (async () => {
        const created: string[] = [];
        while (writing) {
          n++;
          const r = await t.call('POST', path, {
            body: {
              userPrincipalName: `churn${n}@contoso.com`,
              userDisplayName: `S ${n % 7}`,
              status: STATUSES[n % 5],
              devicesCount: n % 5,
            },
          });
          created.push(((await r.json()) as { id: string }).id);
          if (created.length > 3) await t.call('DELETE', `${path}/${created.shift()}`);
        }
        for (const id of created) await t.call('DELETE', `${path}/${id}`);
      })();
      const seen: string[] = [];
      let page: { status: number; body: Body } = await get(path, query);
      for (;;) {
        expect(page.status).toBe(200);
        seen.push(...page.body.value.map((v) => v.userPrincipalName as string));
        const next = page.body['@odata.nextLink'] as string | undefined;
        if (!next) break;
        await new Promise((r) => setTimeout(r, 5));
        page = await follow(next);
      }
      writing = false;
      await writer;
      const stableSeen = seen.filter((u) => u.startsWith('stable'));
      expect(stableSeen.length, query).toBe(40);
      expect(new Set(stableSeen).size, query).toBe(40);
      expect(new Set(seen).size, `${query}: no row twice`).toBe(seen.length);
      expect(n).toBeGreaterThan(0);
    }
  });

  it('builds links on the public URL when one is configured', async () => {
    const other = await startTestServer({ publicUrl: 'https://graph.example.test:9443' });
    try {
      const r = await other.call('POST', BETA, {
        body: { '@odata.type': '#microsoft.graph.iosMobileAppConfiguration', displayName: 'a' },
      });
      expect(r.status).toBe(201);
      await other.call('POST', BETA, {
        body: { '@odata.type': '#microsoft.graph.iosMobileAppConfiguration', displayName: 'b' },
      });
      const res = await other.call('GET', `${BETA}?$top=1`);
      const body = (await res.json()) as Body;
      expect(body['@odata.nextLink']).toMatch(
        /^https:\/\/graph\.example\.test:9443\/beta\/deviceAppManagement\/mobileAppConfigurations\?\$top=1&\$skiptoken=/,
      );
    } finally {
      await other.close();
    }
  });
});

describe('the Graph SDK', () => {
  it('PageIterator walks every page over HTTPS while another client writes', async () => {
    const authProvider: AuthenticationProvider = { getAccessToken: () => t.token() };
    const client = Client.initWithMiddleware({
      authProvider,
      baseUrl: t.https,
      defaultVersion: 'beta',
      customHosts: new Set([new URL(t.https).hostname]),
      fetchOptions: { dispatcher: t.dispatcher } as RequestInit,
    });
    let writing = true;
    const writer = (async () => {
      let n = 0;
      while (writing) {
        n++;
        await t.call('PATCH', `${BETA}/${big}/userStatuses`, {
          body: { userPrincipalName: `sdk-writer${n}@contoso.com`, status: 'error' },
        });
        await t.call('DELETE', `${BETA}/${big}/userStatuses/${await idOf(`sdk-writer${n}@contoso.com`)}`);
      }
    })();
    const first = await client
      .api(`/deviceAppManagement/mobileAppConfigurations/${big}/userStatuses`)
      .filter("startswith(userPrincipalName, 'user')")
      .orderby('userPrincipalName desc')
      .select('userPrincipalName,status')
      .top(9)
      .count(true)
      .get();
    expect(first['@odata.count']).toBe(60);
    expect(first['@odata.nextLink']).toMatch(/^https:\/\//);
    const seen: string[] = [];
    const it = new PageIterator(client, first, (item: { userPrincipalName: string }) => {
      seen.push(item.userPrincipalName);
      return true;
    });
    await it.iterate();
    writing = false;
    await writer;
    expect(seen).toHaveLength(60);
    expect(seen).toEqual([...seen].sort().reverse());
    expect(new Set(seen).size).toBe(60);
  });
});

async function idOf(upn: string): Promise<string> {
  const { body } = await get(`${BETA}/${big}/userStatuses`, `$filter=userPrincipalName eq '${upn}'&$select=id`);
  return body.value[0]!.id as string;
}

describe('hostile input', () => {
  const HOSTILE = [
    "'; DROP TABLE user_statuses; --",
    "x' OR '1'='1",
    "%' OR 1=1 --",
    '") OR 1=1; --',
    "\\'; DELETE FROM configurations; --",
    "' UNION SELECT * FROM secrets --",
    "Robert'); DROP TABLE configurations;--",
    '\u0000\u0001\u2028\uFEFF🙂',
    "a' || (SELECT value FROM secrets) || '",
  ];
  const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;

  it('leaves the data intact whatever is sent in every option', async () => {
    const before = await t.call('GET', `${BETA}/${big}/userStatuses/$count`);
    const expectedCount = await before.text();
    const configsBefore = (await get(BETA, '$count=true&$top=1')).body['@odata.count'];
    for (const h of HOSTILE) {
      const queries = [
        `$filter=userPrincipalName eq ${quote(h)}`,
        `$filter=contains(userDisplayName, ${quote(h)}) or startswith(userPrincipalName, ${quote(h)})`,
        `$filter=userDisplayName in (${quote(h)}, ${quote(`${h}2`)})`,
        `$filter=${h}`,
        `$orderby=${h}`,
        `$select=${h}`,
        `$expand=${h}`,
        `$search=${h}`,
        `$search="${h}"`,
        `$top=${h}`,
        `$skip=${h}`,
        `$count=${h}`,
        `$skiptoken=${h}`,
        `${h}=${h}`,
        `$${h}=1`,
      ];
      for (const q of queries) {
        const res = await t.call('GET', `${BETA}/${big}/userStatuses?${enc(q)}`);
        expect([200, 400], `${q} → ${res.status}`).toContain(res.status);
        if (res.status === 200) {
          const body = (await res.json()) as Body;
          expect(body.value.length, q).toBeLessThanOrEqual(60);
        } else await res.text();
      }
      const cfg = await t.call(
        'GET',
        `${BETA}?${enc(`$filter=targetedMobileApps/any(a: a eq ${quote(h)}) or settings/any(s: s/appConfigKey eq ${quote(h)})&$expand=userStatuses($filter=userPrincipalName eq ${quote(h)})`)}`,
      );
      expect(cfg.status).toBe(200);
      await cfg.text();
    }
    const after = await t.call('GET', `${BETA}/${big}/userStatuses/$count`);
    expect(await after.text()).toBe(expectedCount);
    expect((await get(BETA, '$count=true&$top=1')).body['@odata.count']).toBe(configsBefore);
    // And the values are matched as values: a principal name that looks like SQL is found, nothing more.
    const weird = "o'brien'); DROP TABLE x; --@contoso.com";
    expect((await t.call('PATCH', `${BETA}/${big}/userStatuses`, { body: { userPrincipalName: weird } })).status).toBe(
      201,
    );
    const found = await get(
      `${BETA}/${big}/userStatuses`,
      `$filter=userPrincipalName eq ${quote(weird.toUpperCase())}`,
    );
    expect(found.body.value.map((v) => v.userPrincipalName)).toEqual([weird]);
    await t.call('DELETE', `${BETA}/${big}/userStatuses/${found.body.value[0]!.id}`);
  });
});

describe('$metadata', () => {
  it('serves the CSDL of each version', async () => {
    for (const v of ['v1.0', 'beta'] as const) {
      const r = await t.call('GET', `/${v}/$metadata`, { auth: '' });
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toMatch(/^application\/xml/);
      expect(await r.text()).toBe(csdlDocument(modelFor(v)));
    }
  });
});
