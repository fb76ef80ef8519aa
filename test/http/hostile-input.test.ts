/**
 * Input built to break a parser or a formatter (deep nesting, ill-formed UTF-16) answers 400 naming where, at
 * every entry point and inside `$batch` items, over a real socket.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';

let t: TestServer;
const CFG = '/v1.0/deviceAppManagement/mobileAppConfigurations';
let configId: string;

/** `[[[…"x"…]]]` nested `depth` deep, as JSON text. */
const nested = (depth: number): string => `${'['.repeat(depth)}"x"${']'.repeat(depth)}`;

interface ErrorShape {
  code: string;
  message: string;
  target?: string;
}

async function errorOf(r: Response): Promise<ErrorShape> {
  expect(r.headers.get('content-type')).toMatch(/^application\/json/);
  const b = (await r.json()) as { error: ErrorShape };
  expect(Object.keys(b)).toEqual(['error']);
  return b.error;
}

const post = (path: string, raw: string, method = 'POST') =>
  t.call(method, path, { raw, headers: { 'content-type': 'application/json' } });

let token: string;

beforeAll(async () => {
  t = await startTestServer();
  token = await t.token();
  const r = await t.call('POST', CFG, {
    body: { '@odata.type': '#microsoft.graph.iosMobileAppConfiguration', displayName: 'Hostile input' },
  });
  configId = ((await r.json()) as { id: string }).id;
});
afterAll(async () => {
  await t.close();
});

describe('JSON nested deeper than 64 levels', () => {
  const cases = (): [string, string, string, string][] => [
    ['a status property', 'PATCH', `${CFG}/${configId}/userStatuses`, `{"userDisplayName":${nested(5000)}}`],
    ['a bulk item', 'PATCH', `${CFG}/${configId}/userStatuses`, `{"value":[{"userDisplayName":${nested(5000)}}]}`],
    ['the bulk value array', 'PATCH', `${CFG}/${configId}/userStatuses`, `{"value":${nested(5000)}}`],
    ['a configuration', 'POST', CFG, `{"displayName":${nested(5000)}}`],
    ['a configuration update', 'PATCH', `${CFG}/${configId}`, `{"displayName":${nested(5000)}}`],
    ['an assignment target', 'POST', `${CFG}/${configId}/assign`, `{"assignments":[{"target":${nested(5000)}}]}`],
    ['a status POST', 'POST', `${CFG}/${configId}/deviceStatuses`, `{"deviceDisplayName":${nested(100)}}`],
  ];

  it.each([0, 1, 2, 3, 4, 5, 6])('answers 400 naming where, case %i', async (i) => {
    const [what, method, path, body] = cases()[i]!;
    const r = await post(path, body, method);
    expect(r.status, what).toBe(400);
    const e = await errorOf(r);
    expect(e.code).toBe('BadRequest');
    expect(e.message).toMatch(/nested more than 64 levels/);
    expect(e.target).toBeTruthy();
  });

  it('names the property path in the message', async () => {
    const r = await post(
      `${CFG}/${configId}/userStatuses`,
      `{"value":[{},{"userDisplayName":${nested(70)}}]}`,
      'PATCH',
    );
    expect(r.status).toBe(400);
    const e = await errorOf(r);
    expect(e.target).toBe('value[1].userDisplayName');
    expect(e.message).toContain("'value[1].userDisplayName");
  });

  it('accepts 64 levels and validates them as usual', async () => {
    // 64 levels of nesting (the body object plus 63 arrays) are within the bound: a plain type error follows.
    const r = await post(`${CFG}/${configId}/userStatuses`, `{"userDisplayName":${nested(63)}}`, 'PATCH');
    expect(r.status).toBe(400);
    const e = await errorOf(r);
    expect(e.message).toMatch(/must be a string/);
  });

  it('inside a $batch item body (that item alone fails) and in the batch envelope', async () => {
    const item = (id: string, body: string) =>
      `{"id":"${id}","method":"PATCH","url":"/deviceAppManagement/mobileAppConfigurations/${configId}/userStatuses","body":${body}}`;
    const r = await post(
      '/v1.0/$batch',
      `{"requests":[${item('1', `{"userDisplayName":${nested(5000)}}`)},${item('2', '{"userPrincipalName":"deep-ok@contoso.com"}')}]}`,
    );
    expect(r.status).toBe(200);
    const [bad, good] = ((await r.json()) as { responses: { status: number; body: { error: ErrorShape } }[] })
      .responses;
    expect(bad!.status).toBe(400);
    expect(bad!.body.error.message).toMatch(/nested more than 64 levels/);
    expect(bad!.body.error.target).toBe('userDisplayName');
    expect(good!.status).toBe(201);

    const r2 = await post('/v1.0/$batch', `{"requests":${nested(5000)}}`);
    expect(r2.status).toBe(400);
    expect((await errorOf(r2)).message).toMatch(/'requests\[0\]' holds JSON nested more than 64 levels/);

    const r3 = await post(
      '/v1.0/$batch',
      `{"requests":[{"id":"1","method":"GET","url":"/deviceAppManagement/mobileAppConfigurations","headers":{"x":${nested(5000)}}}]}`,
    );
    expect(r3.status).toBe(400);
    expect((await errorOf(r3)).message).toMatch(/'requests\[0\]\.headers\.x' holds JSON nested more than 64 levels/);
  });

  it('inside a $batch item given as base64 bytes', async () => {
    const body = Buffer.from(`{"userDisplayName":${nested(5000)}}`).toString('base64');
    const r = await post(
      '/v1.0/$batch',
      JSON.stringify({
        requests: [
          {
            id: '1',
            method: 'PATCH',
            url: `/deviceAppManagement/mobileAppConfigurations/${configId}/userStatuses`,
            headers: { 'content-type': 'application/json' },
            body,
          },
        ],
      }),
    );
    expect(r.status).toBe(200);
    const item = ((await r.json()) as { responses: { status: number; body: { error: { message: string } } }[] })
      .responses[0]!;
    expect(item.status).toBe(400);
    expect(item.body.error.message).toMatch(/nested more than 64 levels/);
  });
});

describe('strings with ill-formed UTF-16', () => {
  it('a lone surrogate in a bulk item answers 400 naming the property and stores nothing', async () => {
    const upn = (i: number) => `"lone${i}@contoso.com"`;
    const body = `{"value":[{"userPrincipalName":${upn(0)}},{"userPrincipalName":${upn(1)}},{"userPrincipalName":"sur\\ud800x@contoso.com"}]}`;
    const r = await post(`${CFG}/${configId}/userStatuses`, body, 'PATCH');
    expect(r.status).toBe(400);
    const e = await errorOf(r);
    expect(e.target).toBe('value[2].userPrincipalName');
    expect(e.message).toContain("'value[2].userPrincipalName'");
    expect(e.message).toMatch(/surrogate/);
    const list = await t.call('GET', `${CFG}/${configId}/userStatuses?$search="lone"`);
    expect(((await list.json()) as { value: unknown[] }).value).toEqual([]);
  });

  it.each([
    ['userDisplayName', '"\\udc00"'],
    ['userPrincipalName', '"a\\ud800"'],
  ])('in %s of a single status', async (prop, literal) => {
    const r = await post(
      `${CFG}/${configId}/userStatuses`,
      `{"userPrincipalName":"ok@contoso.com","${prop}":${literal}}`,
      'PATCH',
    );
    expect(r.status).toBe(400);
    expect((await errorOf(r)).target).toBe(prop);
  });

  it('in a configuration name, an instance annotation and an unknown property name', async () => {
    const r = await post(CFG, '{"@odata.type":"#microsoft.graph.iosMobileAppConfiguration","displayName":"\\ud83d"}');
    expect(r.status).toBe(400);
    expect((await errorOf(r)).target).toBe('displayName');
    const r2 = await post(CFG, '{"@odata.type":"#microsoft.graph.iosMobileAppConfiguration","x@y.z":"\\ud83d"}');
    expect(r2.status).toBe(400);
    expect((await errorOf(r2)).target).toBe('x@y.z');
    const r3 = await post(CFG, '{"\\ud83d":1}');
    expect(r3.status).toBe(400);
    expect((await errorOf(r3)).message).toMatch(/surrogate/);
  });

  it('inside a $batch item body and in the envelope', async () => {
    const r = await post(
      '/v1.0/$batch',
      `{"requests":[{"id":"1","method":"PATCH","url":"/deviceAppManagement/mobileAppConfigurations/${configId}/userStatuses","body":{"userPrincipalName":"x\\udfffy@contoso.com"}}]}`,
    );
    expect(r.status).toBe(200);
    const item = ((await r.json()) as { responses: { status: number; body: { error: ErrorShape } }[] }).responses[0]!;
    expect(item.status).toBe(400);
    expect(item.body.error.target).toBe('userPrincipalName');
    const r2 = await post('/v1.0/$batch', '{"requests":[{"id":"\\ud800","method":"GET","url":"/x"}]}');
    expect(r2.status).toBe(400);
    expect((await errorOf(r2)).message).toContain("'requests[0].id'");
  });

  it('bytes that are not UTF-8 answer 400, in a body and in a $batch envelope', async () => {
    /** The JSON text with its `#` replaced by the byte 0xFF, which UTF-8 never uses. */
    const bytes = (s: string) =>
      Buffer.concat([Buffer.from(s.split('#')[0]!), Buffer.from([0xff]), Buffer.from(s.split('#')[1]!)]);
    const call = (path: string, body: Buffer, method = 'POST') =>
      fetch(`${t.http}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body,
      });
    const r = await call(`${CFG}/${configId}/userStatuses`, bytes('{"userPrincipalName":"a#b@contoso.com"}'), 'PATCH');
    expect(r.status).toBe(400);
    expect((await errorOf(r)).message).toMatch(/not valid UTF-8/);
    const r2 = await call('/v1.0/$batch', bytes('{"requests":[{"id":"#","method":"GET","url":"/x"}]}'));
    expect(r2.status).toBe(400);
    expect((await errorOf(r2)).message).toMatch(/not valid UTF-8/);
  });

  it('a well-formed pair (an emoji) is stored unaltered', async () => {
    const r = await post(
      `${CFG}/${configId}/userStatuses`,
      '{"userPrincipalName":"smile\\ud83d\\ude00@contoso.com"}',
      'PATCH',
    );
    expect(r.status).toBe(201);
    expect(((await r.json()) as { userPrincipalName: string }).userPrincipalName).toBe('smile😀@contoso.com');
  });
});
