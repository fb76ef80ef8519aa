/**
 * The seed endpoint and its resource family over a real socket with plain fetch (docs/api.md#resources,
 * #the-seed-endpoint, #representation, #errors, #decisions-on-finer-points).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';

let t: TestServer;
const CFG = '/v1.0/deviceAppManagement/mobileAppConfigurations';
const JSON_CT = 'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';

/** The published example body of the update page (docs/graph-schema.md#operations-and-permissions). */
const PUBLISHED = {
  '@odata.type': '#microsoft.graph.managedDeviceMobileAppConfigurationUserStatus',
  userDisplayName: 'User Display Name value',
  devicesCount: 12,
  status: 'notApplicable',
  lastReportedDateTime: '2017-01-01T00:00:17.7769392-08:00',
  userPrincipalName: 'User Principal Name value',
};

/** The seed page's own example body, with its placeholder strings. */
const SEED_PLACEHOLDERS = {
  '@odata.type': '#microsoft.graph.managedDeviceMobileAppConfigurationUserStatus',
  userDisplayName: 'String',
  devicesCount: 'Integer',
  status: 'String',
  lastReportedDateTime: 'String (timestamp)',
  userPrincipalName: 'String',
};

async function newConfig(version = 'v1.0', body: Record<string, unknown> = {}): Promise<string> {
  const r = await t.call('POST', `/${version}/deviceAppManagement/mobileAppConfigurations`, {
    body: { '@odata.type': '#microsoft.graph.iosMobileAppConfiguration', displayName: 'Outlook settings', ...body },
  });
  expect(r.status).toBe(201);
  return ((await r.json()) as { id: string }).id;
}

const statuses = (id: string, v = 'v1.0') => `/${v}/deviceAppManagement/mobileAppConfigurations/${id}/userStatuses`;

async function errorOf(
  r: Response,
): Promise<{ code: string; message: string; target?: string; innerError: Record<string, string> }> {
  expect(r.headers.get('content-type')).toMatch(/^application\/json/);
  const b = (await r.json()) as {
    error: { code: string; message: string; target?: string; innerError: Record<string, string> };
  };
  expect(Object.keys(b)).toEqual(['error']);
  expect(b.error.innerError.date).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
  expect(b.error.innerError['request-id']).toBe(r.headers.get('request-id'));
  expect(b.error.innerError['client-request-id']).toBeTruthy();
  return b.error;
}

beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t.close();
});

describe('configurations', () => {
  it('creates, reads, updates and deletes an iOS configuration with server-kept fields', async () => {
    const r = await t.call('POST', CFG, {
      body: {
        '@odata.type': '#microsoft.graph.iosMobileAppConfiguration',
        displayName: 'Outlook',
        description: 'desc',
        targetedMobileApps: ['com.microsoft.outlook'],
        version: 7,
        createdDateTime: '2017-01-01T00:00:00Z',
        settings: [{ appConfigKey: 'k', appConfigKeyType: 'stringType', appConfigKeyValue: 'v' }],
      },
    });
    expect(r.status).toBe(201);
    expect(r.headers.get('content-type')).toBe(JSON_CT);
    expect(r.headers.get('etag')).toMatch(/^"[^"]+"$/);
    const c = (await r.json()) as Record<string, unknown>;
    expect(r.headers.get('location')).toBe(`${t.http}${CFG}('${c.id}')`);
    expect(c['@odata.context']).toBe(`${t.http}/v1.0/$metadata#deviceAppManagement/mobileAppConfigurations/$entity`);
    expect(c['@odata.type']).toBe('#microsoft.graph.iosMobileAppConfiguration');
    expect(c.version).toBe(1);
    expect(c.createdDateTime).not.toBe('2017-01-01T00:00:00.0000000Z');
    expect(c.createdDateTime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}Z$/);
    expect(c.encodedSettingXml).toBeNull();
    expect(c).not.toHaveProperty('roleScopeTagIds');
    expect(c.settings).toEqual([{ appConfigKey: 'k', appConfigKeyType: 'stringType', appConfigKeyValue: 'v' }]);

    const p = await t.call('PATCH', `${CFG}/${c.id}`, {
      body: { '@odata.type': '#microsoft.graph.iosMobileAppConfiguration', description: 'new' },
    });
    expect(p.status).toBe(200);
    const u = (await p.json()) as Record<string, unknown>;
    expect(u.version).toBe(2);
    expect(u.description).toBe('new');
    expect(u.displayName).toBe('Outlook');

    const g = await t.call('GET', `${CFG}('${c.id}')`);
    expect(g.status).toBe(200);
    expect(((await g.json()) as Record<string, unknown>).version).toBe(2);

    const list = (await (await t.call('GET', CFG)).json()) as { '@odata.context': string; value: { id: string }[] };
    expect(list['@odata.context']).toBe(`${t.http}/v1.0/$metadata#deviceAppManagement/mobileAppConfigurations`);
    expect(list.value.map((x) => x.id)).toContain(c.id);

    expect((await t.call('DELETE', `${CFG}/${c.id}`)).status).toBe(204);
    const gone = await t.call('GET', `${CFG}/${c.id}`);
    expect(gone.status).toBe(404);
    expect((await errorOf(gone)).code).toBe('ResourceNotFound');
  });

  it('beta shows beta-only properties and accepts the Android types; v1.0 neither shows nor accepts them', async () => {
    const r = await t.call('POST', '/beta/deviceAppManagement/mobileAppConfigurations', {
      body: {
        '@odata.type': '#microsoft.graph.androidManagedStoreAppConfiguration',
        displayName: 'Android',
        packageId: 'com.x',
        roleScopeTagIds: ['0'],
      },
    });
    expect(r.status).toBe(201);
    const a = (await r.json()) as Record<string, unknown>;
    expect(a.roleScopeTagIds).toEqual(['0']);
    expect(a.profileApplicability).toBe('default');
    expect(a.credentialProviderRoleState).toBe('notConfigured');
    expect(a.appSupportsOemConfig).toBe(false);
    // The Android configuration does not exist in v1.0.
    expect((await t.call('GET', `${CFG}/${a.id}`)).status).toBe(404);
    const v1 = await t.call('POST', CFG, {
      body: { '@odata.type': '#microsoft.graph.androidManagedStoreAppConfiguration', displayName: 'x' },
    });
    expect(v1.status).toBe(400);
    expect((await errorOf(v1)).message).toContain('androidManagedStoreAppConfiguration');
    const beta = await t.call('POST', CFG, {
      body: { '@odata.type': '#microsoft.graph.iosMobileAppConfiguration', displayName: 'x', roleScopeTagIds: [] },
    });
    expect(beta.status).toBe(400);
    expect((await errorOf(beta)).message).toBe(
      "The property 'roleScopeTagIds' does not exist on type 'microsoft.graph.iosMobileAppConfiguration'.",
    );
  });

  it('needs a concrete @odata.type and a displayName', async () => {
    const r = await t.call('POST', CFG, { body: { displayName: 'x' } });
    expect(r.status).toBe(400);
    expect((await errorOf(r)).message).toContain('abstract');
    const n = await t.call('POST', CFG, { body: { '@odata.type': 'microsoft.graph.iosMobileAppConfiguration' } });
    expect(n.status).toBe(400);
    expect((await errorOf(n)).message).toBe("Property 'displayName' is required.");
  });
});

describe('the seed PATCH …/userStatuses', () => {
  let cfg: string;
  beforeAll(async () => {
    cfg = await newConfig();
  });

  it('rejects the seed page body with its placeholder strings, naming the property', async () => {
    const r = await t.call('PATCH', statuses(cfg), { body: SEED_PLACEHOLDERS });
    expect(r.status).toBe(400);
    const e = await errorOf(r);
    expect(e.code).toBe('BadRequest');
    expect(e.message).toBe(
      `Property 'devicesCount' must be an Int32 between -2147483648 and 2147483647; got "Integer".`,
    );
    expect(e.target).toBe('devicesCount');
    const list = (await (await t.call('GET', statuses(cfg))).json()) as { value: unknown[] };
    expect(list.value).toEqual([]);
  });

  it('creates on a principal-name miss (201 + Location) and updates on a hit (200), case-insensitively', async () => {
    const r = await t.call('PATCH', statuses(cfg), { body: PUBLISHED });
    expect(r.status).toBe(201);
    const created = (await r.json()) as Record<string, unknown>;
    expect(Object.keys(created)).toEqual([
      '@odata.context',
      '@odata.type',
      'id',
      'userDisplayName',
      'devicesCount',
      'status',
      'lastReportedDateTime',
      'userPrincipalName',
    ]);
    expect(created).toMatchObject({
      '@odata.context': `${t.http}/v1.0/$metadata#deviceAppManagement/mobileAppConfigurations('${cfg}')/userStatuses/$entity`,
      '@odata.type': '#microsoft.graph.managedDeviceMobileAppConfigurationUserStatus',
      userDisplayName: 'User Display Name value',
      devicesCount: 12,
      status: 'notApplicable',
      lastReportedDateTime: '2017-01-01T08:00:17.7769392Z',
      userPrincipalName: 'User Principal Name value',
    });
    expect(r.headers.get('location')).toBe(
      `${t.http}${statuses(cfg)}('${created.id}')`.replace(`/${cfg}/`, `('${cfg}')/`),
    );

    const again = await t.call('PATCH', statuses(cfg), {
      body: { userPrincipalName: 'USER principal NAME VALUE', status: 'error' },
    });
    expect(again.status).toBe(200);
    const updated = (await again.json()) as Record<string, unknown>;
    expect(updated.id).toBe(created.id);
    expect(updated.status).toBe('error');
    expect(updated.devicesCount).toBe(12);
    expect(updated.userPrincipalName).toBe('USER principal NAME VALUE');
    expect(again.headers.get('etag')).not.toBe(r.headers.get('etag'));
  });

  it('fills devicesCount 0, status unknown and lastReportedDateTime now for what a create leaves out', async () => {
    const before = Date.now();
    const r = await t.call('PATCH', statuses(cfg), { body: { userPrincipalName: 'new@contoso.com' } });
    expect(r.status).toBe(201);
    const s = (await r.json()) as Record<string, unknown>;
    expect(s.devicesCount).toBe(0);
    expect(s.status).toBe('unknown');
    expect(s.userDisplayName).toBeNull();
    expect(Date.parse(s.lastReportedDateTime as string)).toBeGreaterThanOrEqual(before - 1000);
  });

  it('targets by id: updates that status, 404 when the configuration has none with that id', async () => {
    const c = (await (
      await t.call('PATCH', statuses(cfg), { body: { userPrincipalName: 'byid@contoso.com' } })
    ).json()) as { id: string };
    const r = await t.call('PATCH', statuses(cfg), { body: { id: c.id, devicesCount: 3 } });
    expect(r.status).toBe(200);
    expect(((await r.json()) as { devicesCount: number }).devicesCount).toBe(3);
    const miss = await t.call('PATCH', statuses(cfg), { body: { id: 'nope', devicesCount: 3 } });
    expect(miss.status).toBe(404);
    expect((await errorOf(miss)).message).toContain("'nope'");
  });

  it('answers 400 when the body names neither id nor userPrincipalName', async () => {
    const r = await t.call('PATCH', statuses(cfg), { body: { devicesCount: 1 } });
    expect(r.status).toBe(400);
    expect((await errorOf(r)).message).toMatch(/'id'.*'userPrincipalName'/);
  });

  it('with Prefer: return=minimal answers 204 with Preference-Applied', async () => {
    const r = await t.call('PATCH', statuses(cfg), {
      body: { userPrincipalName: 'minimal@contoso.com' },
      headers: { prefer: 'return=minimal' },
    });
    expect(r.status).toBe(204);
    expect(r.headers.get('preference-applied')).toBe('return=minimal');
    expect(r.headers.get('location')).toMatch(/userStatuses\('/);
    expect(await r.text()).toBe('');
  });

  it('applies a bulk body all-or-nothing and answers in order', async () => {
    const good = await t.call('PATCH', statuses(cfg), {
      body: {
        value: [
          { userPrincipalName: 'b1@contoso.com', status: 'compliant' },
          { userPrincipalName: 'b2@contoso.com', status: 'error', devicesCount: 2 },
          { userPrincipalName: 'B1@contoso.com', devicesCount: 5 },
        ],
      },
    });
    expect(good.status).toBe(200);
    const body = (await good.json()) as { value: Record<string, unknown>[] };
    expect(body.value.map((v) => v.userPrincipalName)).toEqual(['b1@contoso.com', 'b2@contoso.com', 'B1@contoso.com']);
    expect(body.value[0]!.id).toBe(body.value[2]!.id);
    expect(body.value[2]!.devicesCount).toBe(5);

    const bad = await t.call('PATCH', statuses(cfg), {
      body: {
        value: [{ userPrincipalName: 'b3@contoso.com' }, { userPrincipalName: 'b4@contoso.com', status: 'broken' }],
      },
    });
    expect(bad.status).toBe(400);
    const e = await errorOf(bad);
    expect(e.target).toBe('value[1].status');
    expect(e.message).toContain("'value[1].status'");
    const count = await t.call('GET', `${statuses(cfg)}/$count`);
    const n = Number(await count.text());
    const after = await t.call('PATCH', statuses(cfg), {
      body: { value: [{ userPrincipalName: 'b3@contoso.com' }, { id: 'missing' }] },
    });
    expect(after.status).toBe(404);
    expect(Number(await (await t.call('GET', `${statuses(cfg)}/$count`)).text())).toBe(n);
  });

  it('rejects more than 1,000 items', async () => {
    const value = Array.from({ length: 1001 }, (_, i) => ({ userPrincipalName: `u${i}@x.com` }));
    const r = await t.call('PATCH', statuses(cfg), { body: { value } });
    expect(r.status).toBe(400);
    expect((await errorOf(r)).message).toContain('1000');
  });

  it('keyed PATCH updates one status; a different body id is a 400', async () => {
    const c = (await (
      await t.call('POST', statuses(cfg), { body: { userPrincipalName: 'keyed@contoso.com' } })
    ).json()) as { id: string };
    const r = await t.call('PATCH', `${statuses(cfg)}/${c.id}`, {
      body: { ...PUBLISHED, userPrincipalName: 'keyed@contoso.com' },
    });
    expect(r.status).toBe(200);
    expect(((await r.json()) as { status: string }).status).toBe('notApplicable');
    const other = await t.call('PATCH', `${statuses(cfg)}/${c.id}`, { body: { id: 'another', devicesCount: 1 } });
    expect(other.status).toBe(400);
    expect((await errorOf(other)).message).toContain("'another'");
    const taken = await t.call('PATCH', `${statuses(cfg)}/${c.id}`, { body: PUBLISHED });
    expect(taken.status).toBe(409);
  });

  it('keeps userPrincipalName unique within a configuration (409)', async () => {
    await t.call('POST', statuses(cfg), { body: { userPrincipalName: 'dup@contoso.com' } });
    const r = await t.call('POST', statuses(cfg), { body: { userPrincipalName: 'DUP@contoso.com' } });
    expect(r.status).toBe(409);
    expect((await errorOf(r)).code).toBe('Conflict');
  });

  it('answers 404 for a configuration that does not exist', async () => {
    const r = await t.call('PATCH', statuses('nope'), { body: PUBLISHED });
    expect(r.status).toBe(404);
  });
});

describe('representation and validation', () => {
  let cfg: string;
  beforeAll(async () => {
    cfg = await newConfig();
  });

  it.each([
    [{ userPrincipalName: 'a@b.c', devicesCount: 1.5 }, 'devicesCount', 'Int32'],
    [{ userPrincipalName: 'a@b.c', devicesCount: 2147483648 }, 'devicesCount', 'Int32'],
    [{ userPrincipalName: 'a@b.c', devicesCount: null }, 'devicesCount', 'cannot be null'],
    [{ userPrincipalName: 'a@b.c', status: '2' }, 'status', 'complianceStatus'],
    [{ userPrincipalName: 'a@b.c', status: 'Error' }, 'status', 'complianceStatus'],
    [{ userPrincipalName: 'a@b.c', lastReportedDateTime: '2024-05-01T10:00:00' }, 'lastReportedDateTime', 'offset'],
    [
      { userPrincipalName: 'a@b.c', lastReportedDateTime: '2024-05-01T10:00:00.12345678Z' },
      'lastReportedDateTime',
      '7 fractional',
    ],
    [
      { userPrincipalName: 'a@b.c', lastReportedDateTime: '2023-02-29T10:00:00Z' },
      'lastReportedDateTime',
      'does not exist',
    ],
    [{ userPrincipalName: 'a@b.c', bogus: 1 }, 'bogus', 'does not exist on type'],
    [{ userPrincipalName: 42 }, 'userPrincipalName', 'string'],
    [{ '@odata.type': '#microsoft.graph.iosMobileAppConfiguration', userPrincipalName: 'a@b.c' }, '@odata.type', 'not'],
  ])('rejects %j naming %s', async (body, prop, text) => {
    const r = await t.call('PATCH', statuses(cfg), { body });
    expect(r.status).toBe(400);
    const e = await errorOf(r);
    expect(e.message).toContain(prop === '@odata.type' ? 'iosMobileAppConfiguration' : `'${prop}'`);
    expect(e.message).toContain(text);
  });

  it('keeps 7 fractional digits, converts offsets to UTC, accepts leap days', async () => {
    const r = await t.call('PATCH', statuses(cfg), {
      body: { userPrincipalName: 'time@x.com', lastReportedDateTime: '2024-02-29T23:59:59.1234567+05:30' },
    });
    expect(((await r.json()) as { lastReportedDateTime: string }).lastReportedDateTime).toBe(
      '2024-02-29T18:29:59.1234567Z',
    );
  });

  it('415 for a body that is not JSON, 400 for malformed JSON, 413 over the limit', async () => {
    const a = await t.call('PATCH', statuses(cfg), { raw: 'x', headers: { 'content-type': 'text/plain' } });
    expect(a.status).toBe(415);
    expect((await errorOf(a)).code).toBe('UnsupportedMediaType');
    const b = await t.call('PATCH', statuses(cfg), {
      raw: '{"userPrincipalName": ',
      headers: { 'content-type': 'application/json' },
    });
    expect(b.status).toBe(400);
    expect((await errorOf(b)).message).toContain('not valid JSON');
    const big = JSON.stringify({ userPrincipalName: 'x@y.z', userDisplayName: 'a'.repeat(1024 * 1024) });
    const c = await t.call('POST', statuses(cfg), { raw: big, headers: { 'content-type': 'application/json' } });
    expect(c.status).toBe(413);
    expect((await errorOf(c)).code).toBe('RequestEntityTooLarge');
    const huge = JSON.stringify({
      value: [{ userPrincipalName: 'x@y.z', userDisplayName: 'a'.repeat(9 * 1024 * 1024) }],
    });
    const d = await t.call('PATCH', statuses(cfg), { raw: huge, headers: { 'content-type': 'application/json' } });
    expect(d.status).toBe(413);
    expect((await errorOf(d)).code).toBe('RequestEntityTooLarge');
  });

  it('400 for an unknown segment, 404 for an unknown version, 405 with Allow for a wrong method', async () => {
    const a = await t.call('GET', `/v1.0/deviceAppManagement/mobileAppConfigurations/${cfg}/bogus`);
    expect(a.status).toBe(400);
    expect((await errorOf(a)).message).toBe("Resource not found for the segment 'bogus'.");
    const b = await t.call('GET', '/v2.0/deviceAppManagement/mobileAppConfigurations');
    expect(b.status).toBe(404);
    expect((await errorOf(b)).message).toBe('Invalid version: v2.0');
    const c = await t.call('PUT', statuses(cfg), { body: {} });
    expect(c.status).toBe(405);
    expect(c.headers.get('allow')).toBe('GET, POST, PATCH');
    expect((await errorOf(c)).code).toBe('MethodNotAllowed');
    const d = await t.call('PATCH', `/v1.0/deviceAppManagement/mobileAppConfigurations/${cfg}/userStatusSummary`, {
      body: {},
    });
    expect(d.status).toBe(405);
    expect(d.headers.get('allow')).toBe('GET');
  });

  it('carries request-id, client-request-id and OData-Version on every answer', async () => {
    const r = await t.call('GET', statuses(cfg), { headers: { 'client-request-id': 'not-a-guid at all' } });
    expect(r.headers.get('request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(r.headers.get('client-request-id')).toBe('not-a-guid at all');
    expect(r.headers.get('odata-version')).toBe('4.0');
    const e = await t.call('GET', statuses('missing'));
    expect(e.headers.get('client-request-id')).toBe(e.headers.get('request-id'));
  });
});

describe('ETags', () => {
  it('If-None-Match → 304; If-Match mismatch → 412; * matches; the key-less PATCH honours If-Match', async () => {
    const cfg = await newConfig();
    const r = await t.call('POST', statuses(cfg), { body: { userPrincipalName: 'etag@x.com' } });
    const tag = r.headers.get('etag')!;
    const id = ((await r.json()) as { id: string }).id;
    expect((await t.call('GET', `${statuses(cfg)}/${id}`, { headers: { 'if-none-match': tag } })).status).toBe(304);
    expect((await t.call('GET', `${statuses(cfg)}/${id}`, { headers: { 'if-none-match': '"other"' } })).status).toBe(
      200,
    );
    const stale = await t.call('PATCH', `${statuses(cfg)}/${id}`, {
      body: { devicesCount: 1 },
      headers: { 'if-match': '"other"' },
    });
    expect(stale.status).toBe(412);
    expect((await errorOf(stale)).code).toBe('PreconditionFailed');
    const ok = await t.call('PATCH', `${statuses(cfg)}/${id}`, {
      body: { devicesCount: 1 },
      headers: { 'if-match': tag },
    });
    expect(ok.status).toBe(200);
    const newTag = ok.headers.get('etag')!;
    expect(
      (await t.call('PATCH', `${statuses(cfg)}/${id}`, { body: { devicesCount: 2 }, headers: { 'if-match': tag } }))
        .status,
    ).toBe(412);
    expect(
      (
        await t.call('PATCH', statuses(cfg), {
          body: { userPrincipalName: 'etag@x.com' },
          headers: { 'if-match': tag },
        })
      ).status,
    ).toBe(412);
    expect(
      (
        await t.call('PATCH', statuses(cfg), {
          body: { userPrincipalName: 'etag@x.com' },
          headers: { 'if-match': newTag },
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await t.call('PATCH', statuses(cfg), {
          body: { userPrincipalName: 'nobody@x.com' },
          headers: { 'if-match': '*' },
        })
      ).status,
    ).toBe(412);
    expect((await t.call('DELETE', `${statuses(cfg)}/${id}`, { headers: { 'if-match': 'unquoted' } })).status).toBe(
      400,
    );
    expect((await t.call('DELETE', `${statuses(cfg)}/${id}`, { headers: { 'if-match': '*' } })).status).toBe(204);
  });
});

describe('summaries and cascades', () => {
  it('computes userStatusSummary at read time and deletes statuses with their configuration', async () => {
    const cfg = await newConfig();
    await t.call('PATCH', statuses(cfg), {
      body: {
        value: [
          { userPrincipalName: 'a@x', status: 'compliant', lastReportedDateTime: '2024-01-01T00:00:00Z' },
          { userPrincipalName: 'b@x', status: 'remediated', lastReportedDateTime: '2024-03-01T00:00:00Z' },
          { userPrincipalName: 'c@x', status: 'error', lastReportedDateTime: '2024-02-01T00:00:00Z' },
          { userPrincipalName: 'd@x', status: 'nonCompliant', lastReportedDateTime: '2024-02-01T00:00:00Z' },
          { userPrincipalName: 'e@x', status: 'notAssigned', lastReportedDateTime: '2024-02-01T00:00:00Z' },
          { userPrincipalName: 'f@x', status: 'conflict', lastReportedDateTime: '2024-02-01T00:00:00Z' },
          { userPrincipalName: 'g@x', status: 'unknown', lastReportedDateTime: '2024-02-01T00:00:00Z' },
          { userPrincipalName: 'h@x', status: 'notApplicable', lastReportedDateTime: '2024-02-01T00:00:00Z' },
        ],
      },
    });
    const s = (await (await t.call('GET', `${CFG}/${cfg}/userStatusSummary`)).json()) as Record<string, unknown>;
    expect(s).toMatchObject({
      '@odata.context': `${t.http}/v1.0/$metadata#deviceAppManagement/mobileAppConfigurations('${cfg}')/userStatusSummary/$entity`,
      '@odata.type': '#microsoft.graph.managedDeviceMobileAppConfigurationUserSummary',
      successCount: 2,
      errorCount: 1,
      failedCount: 1,
      pendingCount: 1,
      notApplicableCount: 1,
      lastUpdateDateTime: '2024-03-01T00:00:00.0000000Z',
      configurationVersion: 1,
    });
    expect(s).not.toHaveProperty('conflictCount');
    const beta = (await (
      await t.call('GET', `/beta/deviceAppManagement/mobileAppConfigurations/${cfg}/userStatusSummary`)
    ).json()) as Record<string, unknown>;
    expect(beta.conflictCount).toBe(1);

    expect((await t.call('DELETE', `${CFG}/${cfg}`)).status).toBe(204);
    expect((await t.call('GET', statuses(cfg))).status).toBe(404);
    expect((await t.call('GET', `${CFG}/${cfg}/userStatusSummary`)).status).toBe(404);
  });
});

describe('operations', () => {
  it('counts requests by route, method and status in /metrics and checks the store in /readyz', async () => {
    const cfg = await newConfig();
    await t.call('PATCH', statuses(cfg), { body: { userPrincipalName: 'metrics@x.com' } });
    const text = await (await t.call('GET', '/metrics', { auth: '' })).text();
    expect(text).toMatch(
      /http_requests_total\{route="mobileAppConfigurations\/\{id\}\/userStatuses",method="PATCH",status="201"\} [1-9]/,
    );
    expect(text).toContain(
      'http_request_duration_seconds_bucket{le="0.005",route="mobileAppConfigurations/{id}/userStatuses",method="PATCH"}',
    );
    expect(await (await t.call('GET', '/readyz', { auth: '' })).json()).toEqual({ status: 'ready' });
  });
});
