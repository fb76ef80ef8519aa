/// <reference lib="es2024.string" />
/**
 * Parsed JSON from a client, before anything else reads it: a bounded nesting depth and well-formed strings, so
 * no later recursion can overflow the stack and no lone surrogate is stored as U+FFFD (docs/errors.md).
 */
import { badRequest } from './errors.js';

/** The deepest nesting a body may have; the body itself is level 1. */
export const MAX_JSON_DEPTH = 64;

// Keeps a byte-order mark in the text, so that JSON.parse judges it as before.
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** A body's bytes as text: 400 when they are not UTF-8, instead of storing U+FFFD in their place. */
export function utf8Text(bytes: Buffer, what = 'The request body'): string {
  try {
    return UTF8.decode(bytes);
  } catch {
    throw badRequest(`${what} is not valid UTF-8; send JSON encoded as UTF-8.`);
  }
}

export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v);

interface Node {
  readonly value: unknown;
  readonly depth: number;
  readonly parent: Node | undefined;
  /** The member name or array index under which `parent` holds this value. */
  readonly key: string | number | undefined;
}

/** A key as it may be shown in a message: lone surrogates written as `\udXXX` escapes. */
const printable = (key: string): string => (key.isWellFormed() ? key : JSON.stringify(key).slice(1, -1));

/** `prefix.a[2].b` for a node, stopping after the last object member when `toProperty` is set. */
function pathOf(node: Node, prefix: string, toProperty: boolean): string {
  const parts: (string | number)[] = [];
  for (let n: Node | undefined = node; n?.key !== undefined; n = n.parent) parts.push(n.key);
  parts.reverse();
  if (toProperty) {
    let last = -1;
    for (let i = 0; i < parts.length; i++) if (typeof parts[i] === 'string') last = i;
    parts.length = last + 1;
  }
  let out = prefix;
  for (const p of parts) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out === '' ? printable(p) : `.${printable(p)}`;
  }
  return out;
}

const where = (path: string): string => (path === '' ? 'The request body' : `Property '${path}'`);

/**
 * Throws 400 naming the property when `value` (at nesting level `depth`, under `prefix`) nests deeper than
 * MAX_JSON_DEPTH or holds a string or member name that is not well-formed UTF-16. Iterative, so any input is safe.
 */
export function checkJsonInput(value: unknown, prefix = '', depth = 1): void {
  const stack: Node[] = [{ value, depth, parent: undefined, key: undefined }];
  while (stack.length > 0) {
    const node = stack.pop()!;
    const v = node.value;
    if (typeof v === 'string') {
      if (!v.isWellFormed()) throw illFormed(node, prefix);
      continue;
    }
    if (typeof v !== 'object' || v === null) continue;
    if (node.depth > MAX_JSON_DEPTH) {
      const path = pathOf(node, prefix, true);
      throw badRequest(
        `${where(path)} holds JSON nested more than ${MAX_JSON_DEPTH} levels deep; ${MAX_JSON_DEPTH} is the limit.`,
        path || undefined,
      );
    }
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], depth: node.depth + 1, parent: node, key: i });
      continue;
    }
    const keys = Object.keys(v);
    for (let i = keys.length - 1; i >= 0; i--) {
      const k = keys[i]!;
      const child: Node = { value: (v as Record<string, unknown>)[k], depth: node.depth + 1, parent: node, key: k };
      if (!k.isWellFormed()) throw illFormed(child, prefix);
      stack.push(child);
    }
  }
}

function illFormed(node: Node, prefix: string) {
  const path = pathOf(node, prefix, true);
  return badRequest(
    `${where(path)} holds a string that is not well-formed UTF-16 (a lone surrogate such as \\ud800); ` +
      'send whole characters, as surrogate pairs where needed.',
    path || undefined,
  );
}

/**
 * `JSON.stringify(v)` shortened to `max` characters for a message. Stops writing once the budget is spent, and
 * every level writes a bracket before descending, so neither the output nor the recursion exceeds the budget.
 */
export function preview(v: unknown, max = 80): string {
  const budget = max + 1;
  let out = '';
  const write = (x: unknown): void => {
    if (out.length >= budget) return;
    if (Array.isArray(x)) {
      out += '[';
      for (let i = 0; i < x.length && out.length < budget; i++) {
        if (i > 0) out += ',';
        write(x[i] === undefined ? null : x[i]);
      }
      out += ']';
    } else if (typeof x === 'object' && x !== null && !Buffer.isBuffer(x)) {
      out += '{';
      let first = true;
      for (const [k, val] of Object.entries(x)) {
        if (out.length >= budget) break;
        if (val === undefined) continue;
        out += `${first ? '' : ','}${JSON.stringify(k)}:`;
        first = false;
        write(val);
      }
      out += '}';
    } else {
      const s = JSON.stringify(x);
      out += s === undefined ? String(x) : s.length > budget ? s.slice(0, budget) : s;
    }
  };
  write(v);
  return out.length > max ? `${out.slice(0, max - 3)}...` : out;
}
