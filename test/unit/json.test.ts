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

  it("reports the first fault in document order, an object's member names before its values", () => {
    // A recursive statement of the order: the first of the faults a depth-first walk meets, as the message names it.
    type Part = string | number;
    const named = (parts: Part[]): string => {
      const upTo = parts.findLastIndex((p) => typeof p === 'string') + 1;
      const path = parts
        .slice(0, upTo)
        .reduce<string>(
          (out, p) =>
            typeof p === 'number'
              ? `${out}[${p}]`
              : `${out}${out === '' ? '' : '.'}${p.isWellFormed() ? p : JSON.stringify(p).slice(1, -1)}`,
          '',
        );
      return path === '' ? 'The request body' : `Property '${path}'`;
    };
    const firstFault = (v: unknown, parts: Part[], depth: number): string | undefined => {
      if (typeof v === 'string') return v.isWellFormed() ? undefined : `${named(parts)} holds a string`;
      if (typeof v !== 'object' || v === null) return undefined;
      if (depth > MAX_JSON_DEPTH) return `${named(parts)} holds JSON nested`;
      if (Array.isArray(v)) {
        for (const [i, x] of v.entries()) {
          const f = firstFault(x, [...parts, i], depth + 1);
          if (f) return f;
        }
        return undefined;
      }
      const keys = Object.keys(v);
      for (let i = keys.length - 1; i >= 0; i--)
        if (!keys[i]!.isWellFormed()) return `${named([...parts, keys[i]!])} holds a string`;
      for (const k of keys) {
        const f = firstFault((v as Record<string, unknown>)[k], [...parts, k], depth + 1);
        if (f) return f;
      }
      return undefined;
    };
    const lone = fc.constantFrom('ok', 'x\ud800', '\udfff', 'a\ud83d\ude00');
    const json = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: 'small' }, lone, fc.integer(), fc.constant(null), tie('array'), tie('object')),
      array: fc.array(tie('value'), { maxLength: 4 }),
      object: fc.dictionary(fc.oneof(fc.constantFrom('k', 'l', 'm\udc00'), fc.string()), tie('value'), {
        maxKeys: 4,
      }),
    })).value;
    const messageOf = (f: () => void): string | undefined => {
      try {
        f();
        return undefined;
      } catch (e) {
        return (e as Error).message;
      }
    };
    fc.assert(
      fc.property(json, (v) => {
        const expected = firstFault(v, [], 1);
        const got = messageOf(() => checkJsonInput(v));
        if (expected === undefined) expect(got).toBeUndefined();
        else expect(got?.startsWith(expected)).toBe(true);
      }),
      { numRuns: 500 },
    );
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
