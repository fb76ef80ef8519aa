import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERRORS } from '../../src/util/errors.js';

/** docs/errors.md carries the error table between markers; it must be exactly the table in src/util/errors.ts. */
function renderErrorTable(): string {
  const rows = Object.entries(ERRORS).map(([code, e]) => `| ${e.status} | \`${code}\` | ${e.when} |`);
  return ['| status | code | when |', '|---|---|---|', ...rows].join('\n');
}

describe('docs/errors.md', () => {
  it('matches the error table in src/util/errors.ts', () => {
    const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
    const between = doc.split('<!-- error-table:start -->')[1]?.split('<!-- error-table:end -->')[0]?.trim();
    expect(between).toBe(renderErrorTable());
  });
});
