import { describe, expect, it } from 'vitest';
import { compileGlob, versionlessPath } from '../../src/admin/glob.js';

const US = '/deviceAppManagement/mobileAppConfigurations/*/userStatuses';

describe('path globs', () => {
  it.each([
    [US, '/deviceAppManagement/mobileAppConfigurations/abc/userStatuses', true],
    [US, '/deviceappmanagement/mobileAppConfigurations/abc/USERSTATUSES', true],
    [US, '/deviceAppManagement/mobileAppConfigurations/abc/userStatuses/', true],
    [US, '/deviceAppManagement/mobileAppConfigurations/a/b/userStatuses', false],
    [US, '/deviceAppManagement/mobileAppConfigurations/abc/userStatuses/x', false],
    ['/deviceAppManagement/**', '/deviceAppManagement/mobileAppConfigurations/a/userStatuses', true],
    ['/deviceAppManagement/**/userStatuses', '/deviceAppManagement/userStatuses', true],
    ['/deviceAppManagement/**/userStatuses', '/deviceAppManagement/x/y/userStatuses', true],
    ['/**', '/$batch', true],
    ['/$batch', '/$batch', true],
    ['/a?c', '/abc', true],
    ['/a?c', '/a/c', false],
    ['/a.c', '/abc', false],
    ['/mobileAppConfigurations(*)', '/mobileAppConfigurations(1)', true],
  ])('%s on %s → %s', (glob, path, expected) => {
    expect(compileGlob(glob).test(path)).toBe(expected);
  });

  it('match the path without version or query', () => {
    expect(versionlessPath('/v1.0/deviceAppManagement/x?$top=1')).toBe('/deviceAppManagement/x');
    expect(versionlessPath('/beta')).toBe('/');
    expect(versionlessPath('/deviceAppManagement/x')).toBe('/deviceAppManagement/x');
    expect(versionlessPath('deviceAppManagement/x')).toBe('/deviceAppManagement/x');
    expect(versionlessPath('/v1.0x/a')).toBe('/v1.0x/a');
  });
});
