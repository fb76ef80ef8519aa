/** The public surface of the package: a change here is a deliberate API change. */
import { expect, it } from 'vitest';
import * as pkg from '../../src/index.js';

it('exports exactly these values', () => {
  expect(Object.keys(pkg).sort()).toEqual([
    'ApiError',
    'ERRORS',
    'createApi',
    'modelFor',
    'openStore',
    'parseFilter',
    'parseOrderBy',
    'printExpression',
    'resolveServeConfig',
    'startServer',
  ]);
});

it('parseFilter gives a syntax tree without a model', () => {
  const tree = pkg.parseFilter("status eq 'error' and devicesCount gt 2");
  expect(pkg.printExpression(tree)).toBe("status eq 'error' and devicesCount gt 2");
});
