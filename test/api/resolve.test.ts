/** The resolve phase follows the model: a set's methods and route label come from its entry. */
import { describe, expect, it } from 'vitest';
import { allowedMethods, routeOf } from '../../src/api/resolve.js';
import { ENTITY_SETS, type SetName } from '../../src/model/resources.js';

describe('resolve', () => {
  it.each(Object.keys(ENTITY_SETS) as SetName[])(
    '%s: the key-less PATCH exactly where the set upserts by principal',
    (set) => {
      const methods = allowedMethods({ kind: 'collection', set });
      expect(methods.includes('PATCH')).toBe(ENTITY_SETS[set].upsertByPrincipal === true);
    },
  );

  it('names link routes by their shape', () => {
    expect(routeOf({ kind: 'links', link: 'members', ownerId: 'g', view: 'collection' })).toBe('groups/{id}/members');
    expect(routeOf({ kind: 'links', link: 'members', ownerId: 'g', view: 'ref', memberId: 'u' })).toBe(
      'groups/{id}/members/{id}/$ref',
    );
    expect(allowedMethods({ kind: 'links', link: 'members', ownerId: 'g', view: 'refs' })).toEqual(['POST']);
  });

  it('route labels name the shape of the path, never ids', () => {
    expect(routeOf({ kind: 'collection', set: 'configurations' })).toBe('mobileAppConfigurations');
    expect(routeOf({ kind: 'entity', set: 'configurations', id: 'x' })).toBe('mobileAppConfigurations/{id}');
    expect(routeOf({ kind: 'count', set: 'userStatuses', configId: 'c' })).toBe(
      'mobileAppConfigurations/{id}/userStatuses/$count',
    );
    expect(routeOf({ kind: 'entity', set: 'assignments', configId: 'c', id: 'a' })).toBe(
      'mobileAppConfigurations/{id}/assignments/{id}',
    );
    expect(routeOf({ kind: 'summary', summary: 'userStatusSummary', configId: 'c' })).toBe(
      'mobileAppConfigurations/{id}/userStatusSummary',
    );
  });
});
