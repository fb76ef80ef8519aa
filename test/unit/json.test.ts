/** util/json.ts: the checks every body passes and the bounded message preview. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkJsonInput, MAX_JSON_DEPTH, preview } from '../../src/util/json.js';

/** `"x"` inside `levels` arrays. */
const nestedArray = (levels: number): unknown => {
  let v: unknown = 'x';
  for (let i = 0; i < levels; i++) v = [v];
  return v;
};

describe('checkJsonInput', () => {
  it('accepts exactly MAX_JSON_DEPTH levels and refuses one more, naming the property', () => {
    expect(() => checkJsonInput({ a: nestedArray(MAX_JSON_DEPTH - 1) })).not.toThrow();
    expect(() => checkJsonInput({ a: nestedArray(MAX_JSON_DEPTH) })).toThrow(
      /Property 'a' holds JSON nested more than 64/,
    );
    expect(() => checkJsonInput(nestedArray(MAX_JSON_DEPTH + 1))).toThrow(/The request body holds JSON nested/);
  });

  it('walks a million levels without recursion', () => {
    expect(() => checkJsonInput({ a: [{ b: nestedArray(1_000_000) }] }, 'value[3]')).toThrow(
      /Property 'value\[3\]\.a\[0\]\.b' holds JSON nested/,
    );
  });

  it('names lone surrogates in values and member names, escaped', () => {
    expect(() => checkJsonInput({ list: ['ok', 'x\ud800'] })).toThrow(
      /Property 'list' holds a string that is not well-formed/,
    );
    expect(() => checkJsonInput({ 'k\udc00': 1 })).toThrow(/Property 'k\\udc00'/);
    expect(() => checkJsonInput({ ok: 'pair \ud83d\ude00' })).not.toThrow();
  });
});

describe('preview', () => {
  it('is JSON.stringify cut at 80 characters, as the messages always showed', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const s = JSON.stringify(v);
        expect(preview(v)).toBe(s.length > 80 ? `${s.slice(0, 77)}...` : s);
      }),
    );
  });

  it('stays bounded for values nested far beyond the stack', () => {
    expect(preview(nestedArray(1_000_000))).toBe(`${'['.repeat(77)}...`);
  });
});
