/**
 * The document and the server agree: for generated seed-PATCH bodies and `$top`/`$skip` values, what the
 * served document calls valid is never answered 400, and what it calls invalid always is. The document is
 * read as an API fuzzer reads it (its schemas validated with Ajv, `nullable` as OpenAPI 3.0 defines it).
 */
import { Ajv, type ValidateFunction } from 'ajv';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Version } from '../../src/model/edm.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

type Json = { [k: string]: unknown };

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.close());

const CFG = 'deviceAppManagement/mobileAppConfigurations';
const US_PATH = '/deviceAppManagement/mobileAppConfigurations/{managedDeviceMobileAppConfiguration-id}/userStatuses';

/** A validator for `schema`, resolving its `#/components/...` references in `doc`. */
function validator(doc: Json, schema: Json): ValidateFunction {
  const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: false });
  return ajv.compile({ ...schema, components: doc.components });
}

async function setUp(v: Version) {
  const doc = (await (await fetch(`${t.http}/${v}/openapi.json`)).json()) as Json;
  const created = await t.call('POST', `/${v}/${CFG}`, {
    body: { '@odata.type': '#microsoft.graph.iosMobileAppConfiguration', displayName: 'Outlook settings' },
  });
  expect(created.status).toBe(201);
  const configId = ((await created.json()) as { id: string }).id;
  const first = await t.call('PATCH', `/${v}/${CFG}/${configId}/userStatuses`, {
    body: { userPrincipalName: 'known@contoso.com' },
  });
  expect(first.status).toBe(201);
  const knownId = ((await first.json()) as { id: string }).id;
  return { doc, configId, knownId };
}

const STATUS_TYPE = 'microsoft.graph.managedDeviceMobileAppConfigurationUserStatus';

/** Mostly `good`, sometimes `bad`: each property right most of the time, wrong as clients get it wrong. */
const mostly = <T, U>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<U>) =>
  fc.oneof({ weight: 12, arbitrary: good }, { weight: 1, arbitrary: bad });

const dateTime = fc
  .tuple(
    fc.date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2090-01-01T00:00:00Z'), noInvalidDate: true }),
    fc.constantFrom('Z', '+05:30', '-08:00', 'z'),
    fc.integer({ min: 0, max: 7 }),
  )
  .map(
    ([d, zone, digits]) => `${d.toISOString().slice(0, 19)}${digits ? `.${'1234567'.slice(0, digits)}` : ''}${zone}`,
  );

const statusItem = (knownId: string) =>
  fc
    .tuple(
      fc.record(
        {
          '@odata.type': mostly(
            fc.constantFrom(`#${STATUS_TYPE}`, STATUS_TYPE),
            fc.constantFrom(
              '#microsoft.graph.managedDeviceMobileAppConfigurationDeviceStatus',
              '#microsoft.graph.x',
              5,
            ),
          ),
          id: mostly(
            fc.oneof(fc.constant(knownId), fc.string({ minLength: 1, maxLength: 6 })),
            fc.constantFrom('a/b', '', 'x#y', null),
          ),
          userPrincipalName: mostly(
            fc.oneof(
              fc.constantFrom('known@contoso.com', 'KNOWN@contoso.com', 'new@contoso.com', ''),
              fc.emailAddress(),
            ),
            fc.constantFrom(null, 42),
          ),
          userDisplayName: mostly(fc.oneof(fc.string(), fc.constant(null)), fc.constantFrom(true, 7)),
          devicesCount: mostly(
            fc.integer({ min: -2147483648, max: 2147483647 }),
            fc.constantFrom(2147483648, -2147483649, 1.5, 'Integer', '3', null),
          ),
          status: mostly(
            fc.constantFrom('unknown', 'compliant', 'error', 'notAssigned', 'conflict'),
            fc.constantFrom('String', '2', 'COMPLIANT', null),
          ),
          lastReportedDateTime: mostly(
            dateTime,
            fc.constantFrom(
              '2024-05-01T10:00:00',
              '2024-13-01T10:00:00Z',
              '2024-05-01T10:00:00.12345678Z',
              'String (timestamp)',
              '2023-02-30T00:00:00Z',
              null,
              20240501,
            ),
          ),
        },
        { requiredKeys: [] },
      ),
      fc.oneof({ weight: 15, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: fc.constant({ colour: 'blue' }) }),
    )
    .map(([item, extra]) => ({ ...item, ...extra }));

const body = (knownId: string) =>
  fc.oneof(
    { weight: 6, arbitrary: statusItem(knownId) },
    { weight: 2, arbitrary: fc.record({ value: fc.array(statusItem(knownId), { maxLength: 3 }) }) },
    { weight: 1, arbitrary: fc.constantFrom(null, [], 5, 'x', { value: {} }) },
  );

describe.each(['v1.0', 'beta'] as const)('%s', (v) => {
  it('seed PATCH bodies: documented-valid is never 400, documented-invalid always is', async () => {
    const { doc, configId, knownId } = await setUp(v);
    const op = ((doc.paths as Json)[US_PATH] as Json).patch as Json;
    const schema = ((op.requestBody as Json).content as Json)['application/json'] as Json;
    const valid = validator(doc, schema.schema as Json);
    let accepted = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(body(knownId), async (b) => {
        const ok = valid(b);
        const r = await t.call('PATCH', `/${v}/${CFG}/${configId}/userStatuses`, { body: b });
        const text = await r.text();
        if (ok) {
          accepted++;
          expect([200, 201, 404, 409], text).toContain(r.status);
        } else {
          refused++;
          expect(r.status, `${JSON.stringify(valid.errors?.[0])} but the server said ${text}`).toBe(400);
        }
      }),
      { numRuns: 250 },
    );
    // Both halves were exercised.
    expect(accepted).toBeGreaterThan(20);
    expect(refused).toBeGreaterThan(20);
  });

  it('$top and $skip: documented-valid is answered, documented-invalid is 400', async () => {
    const { doc, configId } = await setUp(v);
    const params = (doc.components as Json).parameters as Json;
    const check = {
      $top: validator(doc, (params.top as Json).schema as Json),
      $skip: validator(doc, (params.skip as Json).schema as Json),
    };
    // Query values as a client serialises them: integers in decimal, anything else as written.
    const value = fc.oneof(
      fc.integer({ min: -3, max: 1003 }).map(String),
      fc.integer({ min: 99_990, max: 100_010 }).map(String),
      fc.constantFrom('', 'abc', '1.5', 'true'),
    );
    const parse = (s: string): unknown => (/^-?[0-9]+$/.test(s) ? Number(s) : s);
    let answered = 0;
    await fc.assert(
      fc.asyncProperty(fc.record({ $top: value, $skip: value }, { requiredKeys: [] }), async (q) => {
        const entries = Object.entries(q) as ['$top' | '$skip', string][];
        const ok = entries.every(([k, s]) => check[k](parse(s)));
        const query = entries.map(([k, s]) => `${k}=${encodeURIComponent(s)}`).join('&');
        const r = await t.call('GET', `/${v}/${CFG}/${configId}/userStatuses${query ? `?${query}` : ''}`);
        const text = await r.text();
        if (ok) answered++;
        expect(r.status, `${query}: ${text}`).toBe(ok ? 200 : 400);
      }),
      { numRuns: 150 },
    );
    expect(answered).toBeGreaterThan(10);
  });
});
