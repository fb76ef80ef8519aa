/** Validation of each EDM type at its boundaries (model/validate.ts, util/datetime.ts). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { modelFor } from '../../src/model/model.js';
import { completeForCreate, validateEntity } from '../../src/model/validate.js';
import { parseDateTimeOffset } from '../../src/util/datetime.js';
import { ApiError } from '../../src/util/errors.js';

const v1 = modelFor('v1.0');
const beta = modelFor('beta');
const status = v1.entityTypes.get('managedDeviceMobileAppConfigurationUserStatus')!;
const config = beta.entityTypes.get('managedDeviceMobileAppConfiguration')!;

function reject(body: unknown, model = v1, type = status): ApiError {
  try {
    validateEntity(model, type, body, { mode: 'update' });
  } catch (e) {
    expect(e).toBeInstanceOf(ApiError);
    expect((e as ApiError).status).toBe(400);
    return e as ApiError;
  }
  throw new Error(`accepted ${JSON.stringify(body)}`);
}
const accept = (body: unknown) => validateEntity(v1, status, body, { mode: 'update' }).values;

describe('Edm.Int32', () => {
  it.each([0, 1, -1, 2147483647, -2147483648])('accepts %d', (n) =>
    expect(accept({ devicesCount: n }).devicesCount).toBe(n),
  );
  it.each([2147483648, -2147483649, 1.5, 1e300, '1', 'Integer', true, [], {}])(
    'rejects %j naming the property and the range',
    (n) => {
      const e = reject({ devicesCount: n });
      expect(e.message).toBe(
        `Property 'devicesCount' must be an Int32 between -2147483648 and 2147483647; got ${JSON.stringify(n)}.`,
      );
      expect(e.target).toBe('devicesCount');
    },
  );
  it('rejects null for the non-nullable devicesCount', () =>
    expect(reject({ devicesCount: null }).message).toContain('cannot be null'));
});

describe('Edm.DateTimeOffset', () => {
  it.each([
    ['2024-05-01T10:00:00Z', '2024-05-01T10:00:00.0000000Z'],
    ['2024-05-01T10:00Z', '2024-05-01T10:00:00.0000000Z'],
    ['2024-05-01T10:00:00.1Z', '2024-05-01T10:00:00.1000000Z'],
    ['2024-05-01T10:00:00.1234567Z', '2024-05-01T10:00:00.1234567Z'],
    ['2017-01-01T00:00:17.7769392-08:00', '2017-01-01T08:00:17.7769392Z'],
    ['2024-01-01T01:30:00+02:00', '2023-12-31T23:30:00.0000000Z'],
    ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00.0000000Z'],
    ['2000-02-29T00:00:00Z', '2000-02-29T00:00:00.0000000Z'],
    ['0001-01-01T00:00:00Z', '0001-01-01T00:00:00.0000000Z'],
    ['9999-12-31T23:59:59.9999999Z', '9999-12-31T23:59:59.9999999Z'],
  ])('%s → %s', (input, out) => expect(parseDateTimeOffset(input)).toEqual({ ok: true, value: out }));

  it.each([
    ['2024-05-01T10:00:00', 'offset'],
    ['2024-05-01T10:00:00.12345678Z', '7 fractional'],
    ['2023-02-29T00:00:00Z', 'does not exist'],
    ['1900-02-29T00:00:00Z', 'does not exist'],
    ['2024-13-01T00:00:00Z', 'month'],
    ['2024-04-31T00:00:00Z', 'does not exist'],
    ['2024-05-01T24:00:00Z', 'out of range'],
    ['2024-05-01T10:60:00Z', 'out of range'],
    ['2024-05-01T10:00:00+24:00', 'out of range'],
    ['0001-01-01T00:00:00+01:00', 'year'],
    ['2024-05-01', 'ISO 8601'],
    ['String (timestamp)', 'ISO 8601'],
  ])('%s is refused (%s)', (input, why) => {
    const r = parseDateTimeOffset(input);
    expect(r.ok).toBe(false);
    expect(r.ok ? '' : r.reason).toContain(why);
  });

  it('answers a canonical-looking value as the same instant written with a +00:00 offset', () => {
    const digits = (n: number) => fc.stringMatching(new RegExp(`^[0-9]{${n}}$`));
    const field = (n: number, max: number) =>
      fc.oneof(
        fc.integer({ min: 0, max }).map((v) => String(v).padStart(n, '0')),
        digits(n),
      );
    fc.assert(
      fc.property(
        fc.tuple(field(4, 9999), field(2, 13), field(2, 32), field(2, 24), field(2, 60), field(2, 60), digits(7)),
        ([y, mo, d, h, mi, s, f]) => {
          const canonical = `${y}-${mo}-${d}T${h}:${mi}:${s}.${f}`;
          const viaOffset = parseDateTimeOffset(`${canonical}+00:00`);
          expect(parseDateTimeOffset(`${canonical}Z`)).toEqual(viaOffset);
          if (viaOffset.ok) expect(viaOffset.value).toBe(`${canonical}Z`);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('names the property in the 400', () => {
    expect(reject({ lastReportedDateTime: 'String (timestamp)' }).message).toContain(
      "Property 'lastReportedDateTime' must be an Edm.DateTimeOffset",
    );
  });
});

describe('enums, strings, booleans, binary, collections and complex values', () => {
  it('takes enum member names exactly', () => {
    for (const m of [
      'unknown',
      'notApplicable',
      'compliant',
      'remediated',
      'nonCompliant',
      'error',
      'conflict',
      'notAssigned',
    ]) {
      expect(accept({ status: m }).status).toBe(m);
    }
    for (const bad of ['2', 2, 'Error', 'ERROR', 'unknownFutureValue', ''])
      expect(reject({ status: bad }).message).toContain('complianceStatus');
  });
  it('allows null for nullable strings only', () => {
    expect(accept({ userDisplayName: null }).userDisplayName).toBeNull();
    expect(reject({ userDisplayName: 5 }).message).toContain('Edm.String');
  });
  it('checks Booleans, base64 and collections on the configuration types', () => {
    const android = beta.entityTypes.get('androidManagedStoreAppConfiguration')!;
    const ios = beta.entityTypes.get('iosMobileAppConfiguration')!;
    expect(reject({ connectedAppsEnabled: 'yes' }, beta, android).message).toContain('true or false');
    expect(reject({ encodedSettingXml: 'not base64!' }, beta, ios).message).toContain('base64');
    expect(
      validateEntity(beta, ios, { encodedSettingXml: 'PGRpY3Q+PC9kaWN0Pg==' }, { mode: 'update' }).values
        .encodedSettingXml,
    ).toBe('PGRpY3Q+PC9kaWN0Pg==');
    expect(reject({ targetedMobileApps: 'one' }, beta, ios).message).toContain('JSON array');
    expect(reject({ targetedMobileApps: ['a', null] }, beta, ios).target).toBe('targetedMobileApps[1]');
    expect(
      reject({ settings: [{ appConfigKey: 'k', appConfigKeyType: 'nope', appConfigKeyValue: 'v' }] }, beta, ios).target,
    ).toBe('settings[0].appConfigKeyType');
    expect(reject({ settings: [{ appConfigKeyType: 'stringType', appConfigKeyValue: 'v' }] }, beta, ios).message).toBe(
      "Property 'settings[0].appConfigKey' is required.",
    );
    expect(
      reject({ settings: [{ appConfigKey: 'k', appConfigKeyValue: 'v', extra: 1 }] }, beta, ios).message,
    ).toContain("'extra' does not exist");
  });
  it('needs a concrete @odata.type for an abstract complex value and fills its defaults', () => {
    const assignment = beta.entityTypes.get('managedDeviceMobileAppConfigurationAssignment')!;
    expect(reject({ target: {} }, beta, assignment).message).toContain('abstract');
    const ok = validateEntity(
      beta,
      assignment,
      { target: { '@odata.type': 'microsoft.graph.groupAssignmentTarget', groupId: 'g' } },
      { mode: 'create' },
    );
    expect(ok.values.target).toEqual({
      '@odata.type': '#microsoft.graph.groupAssignmentTarget',
      deviceAndAppManagementAssignmentFilterId: null,
      deviceAndAppManagementAssignmentFilterType: 'none',
      groupId: 'g',
    });
    // v1.0's target type has no filter properties at all.
    const v1Assignment = v1.entityTypes.get('managedDeviceMobileAppConfigurationAssignment')!;
    expect(() =>
      validateEntity(
        v1,
        v1Assignment,
        {
          target: {
            '@odata.type': '#microsoft.graph.allDevicesAssignmentTarget',
            deviceAndAppManagementAssignmentFilterType: 'none',
          },
        },
        { mode: 'create' },
      ),
    ).toThrow(/does not exist/);
  });
});

describe('the body as a whole', () => {
  it('must be an object', () => {
    for (const b of [null, [], 'x', 1]) expect(reject(b).message).toContain('must be a JSON object');
  });
  it('ignores instance and property annotations, rejects unknown properties', () => {
    expect(accept({ '@odata.context': 'x', 'status@odata.type': '#x', status: 'error' })).toEqual({ status: 'error' });
    expect(reject({ UserPrincipalName: 'a' }).message).toBe(
      "The property 'UserPrincipalName' does not exist on type 'microsoft.graph.managedDeviceMobileAppConfigurationUserStatus'.",
    );
  });
  it('checks ids', () => {
    for (const id of ['', 'a/b', 'a?b', 'a#b', 'tab\there', 'x'.repeat(257)]) expect(reject({ id }).target).toBe('id');
    expect(accept({ id: "o'brien-1" }).id).toBe("o'brien-1");
  });
  it('takes a derived type on create only where the declared type allows it', () => {
    expect(
      validateEntity(
        beta,
        config,
        { '@odata.type': '#microsoft.graph.androidForWorkMobileAppConfiguration', displayName: 'x' },
        { mode: 'create' },
      ).type.name,
    ).toBe('androidForWorkMobileAppConfiguration');
    expect(() =>
      validateEntity(
        v1,
        v1.entityTypes.get('managedDeviceMobileAppConfiguration')!,
        { '@odata.type': '#microsoft.graph.androidForWorkMobileAppConfiguration', displayName: 'x' },
        { mode: 'create' },
      ),
    ).toThrow(/not microsoft\.graph\.managedDeviceMobileAppConfiguration or a type derived/);
  });
  it('fills create defaults: 0, the first enum member, now, null', () => {
    const now = '2024-05-01T10:00:00.0000000Z';
    expect(completeForCreate(v1, status, { userPrincipalName: 'a' }, now)).toEqual({
      userDisplayName: null,
      devicesCount: 0,
      status: 'unknown',
      lastReportedDateTime: now,
      userPrincipalName: 'a',
    });
  });
});
