/**
 * The resource path after the version, table-driven: every kind of target the URL tree has, and the 400 each
 * malformed or unknown segment gets.
 */
import { describe, expect, it } from 'vitest';
import { modelFor } from '../../src/model/model.js';
import { type PathTarget, parsePath } from '../../src/odata/path.js';
import type { ApiError } from '../../src/util/errors.js';

const model = modelFor('beta');
const ROOT = '/deviceAppManagement/mobileAppConfigurations';
const IOS = 'microsoft.graph.iosMobileAppConfiguration';

/** The target with a cast shown by its type's name, so the table stays readable. */
function target(path: string): Record<string, unknown> {
  const t: PathTarget = parsePath(model, path);
  const { cast, ...rest } = t as PathTarget & { cast?: { name: string } };
  return cast ? { ...rest, cast: cast.name } : rest;
}

function refused(path: string): ApiError {
  try {
    parsePath(model, path);
  } catch (e) {
    expect((e as ApiError).status, path).toBe(400);
    return e as ApiError;
  }
  throw new Error(`no error for ${path}`);
}

describe('parsePath', () => {
  it('resolves every kind of target', () => {
    const cases: [string, Record<string, unknown>][] = [
      ['/$metadata', { kind: 'metadata' }],
      ['/$batch', { kind: 'batch' }],
      [ROOT, { kind: 'collection', set: 'configurations' }],
      [`${ROOT}/`, { kind: 'collection', set: 'configurations' }],
      ['/DeviceAppManagement/MobileAppConfigurations', { kind: 'collection', set: 'configurations' }],
      [`${ROOT}/${IOS}`, { kind: 'collection', set: 'configurations', cast: 'iosMobileAppConfiguration' }],
      [`${ROOT}/$count`, { kind: 'count', set: 'configurations' }],
      [`${ROOT}/${IOS}/$count`, { kind: 'count', set: 'configurations', cast: 'iosMobileAppConfiguration' }],
      [`${ROOT}/c1`, { kind: 'entity', set: 'configurations', id: 'c1' }],
      [`${ROOT}('c1')`, { kind: 'entity', set: 'configurations', id: 'c1' }],
      [`${ROOT}(id='c1')`, { kind: 'entity', set: 'configurations', id: 'c1' }],
      [`${ROOT}('it''s')`, { kind: 'entity', set: 'configurations', id: "it's" }],
      [`${ROOT}/a%20b`, { kind: 'entity', set: 'configurations', id: 'a b' }],
      [`${ROOT}('c1')/${IOS}`, { kind: 'entity', set: 'configurations', id: 'c1', cast: 'iosMobileAppConfiguration' }],
      [`${ROOT}('c1')/assign`, { kind: 'action', action: 'assign', configId: 'c1' }],
      [`${ROOT}('c1')/microsoft.graph.assign`, { kind: 'action', action: 'assign', configId: 'c1' }],
      [`${ROOT}/c1/graph.assign`, { kind: 'action', action: 'assign', configId: 'c1' }],
      [`${ROOT}('c1')/userStatusSummary`, { kind: 'summary', summary: 'userStatusSummary', configId: 'c1' }],
      [`${ROOT}/c1/deviceStatusSummary`, { kind: 'summary', summary: 'deviceStatusSummary', configId: 'c1' }],
      [`${ROOT}('c1')/userStatuses`, { kind: 'collection', set: 'userStatuses', configId: 'c1' }],
      [`${ROOT}/c1/UserStatuses`, { kind: 'collection', set: 'userStatuses', configId: 'c1' }],
      [`${ROOT}('c1')/deviceStatuses/$count`, { kind: 'count', set: 'deviceStatuses', configId: 'c1' }],
      [`${ROOT}('c1')/assignments('a1')`, { kind: 'entity', set: 'assignments', configId: 'c1', id: 'a1' }],
      [`${ROOT}/c1/userStatuses/s1`, { kind: 'entity', set: 'userStatuses', configId: 'c1', id: 's1' }],
    ];
    for (const [path, want] of cases) expect(target(path), path).toEqual(want);
  });

  it('answers 400 naming the segment that is wrong', () => {
    const cases: [string, string][] = [
      ['', 'The request URL names no resource after the version.'],
      ['/deviceAppManagement//mobileAppConfigurations', 'The request URL has an empty path segment.'],
      ['/deviceManagement/mobileAppConfigurations', "Resource not found for the segment 'mobileAppConfigurations'."],
      ['/deviceManagemen/managedDevices', "Resource not found for the segment 'deviceManagemen'."],
      ['/groups/g1/members/u1', "Resource not found for the segment 'u1'."],
      ['/groups/g1/owners', "Resource not found for the segment 'owners'."],
      ['/deviceAppManagement', "Resource not found for the segment 'deviceAppManagement'."],
      ['/deviceAppManagement/mobileApps', "Resource not found for the segment 'mobileApps'."],
      ['/$metadata/x', "Resource not found for the segment '$metadata'."],
      [`${ROOT}/$count/x`, "Resource not found for the segment 'x'."],
      [`${ROOT}/${IOS}/c1`, "Resource not found for the segment 'c1'."],
      [`${ROOT}('c1')/bogus`, "Resource not found for the segment 'bogus'."],
      [`${ROOT}('c1')/assign/x`, "Resource not found for the segment 'assign'."],
      [`${ROOT}('c1')/userStatusSummary/x`, "Resource not found for the segment 'x'."],
      [`${ROOT}('c1')/userStatuses/s1/x`, "Resource not found for the segment 'x'."],
      [`${ROOT}('c1')/userStatuses/$count/x`, "Resource not found for the segment 'x'."],
      [`${ROOT}/%E0%A4%A`, "The path segment '%E0%A4%A' is not correctly percent-encoded."],
      [`${ROOT}('c1)`, "The key in segment 'mobileAppConfigurations('c1)' has an unterminated string literal."],
      [`${ROOT}('a'b')`, "The key in segment 'mobileAppConfigurations('a'b')' is not a valid string literal."],
      [`${ROOT}()`, "The key in segment 'mobileAppConfigurations()' is empty."],
    ];
    for (const [path, message] of cases) expect(refused(path).message, path).toBe(message);
  });
});
