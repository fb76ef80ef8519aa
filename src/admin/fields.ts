/**
 * The members a control-plane body or query may carry, declared once: the same declaration checks the input
 * (400 naming the member and what it must be) and describes it in `/_admin/openapi.json`.
 */
import { badRequest } from '../util/errors.js';
import { isObject } from '../util/json.js';

export type FieldType =
  | { readonly kind: 'string'; readonly pattern?: string; readonly maxLength?: number; readonly format?: 'date-time' }
  | { readonly kind: 'integer'; readonly minimum: number; readonly maximum: number }
  | { readonly kind: 'number'; readonly minimum: number; readonly maximum: number }
  /** A body member only; `nullable`: null is a value of its own, not "left out". */
  | { readonly kind: 'boolean'; readonly nullable?: boolean };

export interface Field {
  readonly name: string;
  readonly type: FieldType;
  readonly required?: boolean;
  readonly description: string;
}

function describeType(t: FieldType): string {
  switch (t.kind) {
    case 'string':
      return t.format === 'date-time'
        ? 'an ISO 8601 date-time'
        : t.pattern
          ? `a string matching ${t.pattern}`
          : `a string of at most ${t.maxLength ?? 'any'} characters`;
    case 'integer':
      return `an integer from ${t.minimum} to ${t.maximum}`;
    case 'number':
      return `a number from ${t.minimum} to ${t.maximum}`;
    case 'boolean':
      return t.nullable ? 'true, false or null' : 'true or false';
  }
}

/** Whether `v` fits `t`; query values arrive as text and are read as numbers first. */
function fits(t: FieldType, v: unknown): boolean {
  switch (t.kind) {
    case 'string':
      return (
        typeof v === 'string' &&
        v.length > 0 &&
        (t.maxLength === undefined || v.length <= t.maxLength) &&
        (t.pattern === undefined || new RegExp(t.pattern).test(v)) &&
        (t.format !== 'date-time' || (/^\d{4}-\d{2}-\d{2}T/.test(v) && !Number.isNaN(Date.parse(v))))
      );
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v) && v >= t.minimum && v <= t.maximum;
    case 'number':
      return typeof v === 'number' && Number.isFinite(v) && v >= t.minimum && v <= t.maximum;
    case 'boolean':
      return typeof v === 'boolean' || (v === null && t.nullable === true);
  }
}

const wrong = (where: string, f: Field, got: unknown): Error =>
  badRequest(
    `${where} '${f.name}' must be ${describeType(f.type)}; got ${JSON.stringify(got) ?? String(got)}.`,
    f.name,
  );

/** A JSON body checked against `fields`: an object, no unknown members, each member of its type, required ones present. */
export function readBody(value: unknown, fields: readonly Field[]): Record<string, unknown> {
  if (!isObject(value)) throw badRequest('The request body must be a JSON object.');
  const known = new Set(fields.map((f) => f.name));
  for (const k of Object.keys(value)) {
    if (!known.has(k))
      throw badRequest(`Property '${k}' is not known here; allowed: ${fields.map((f) => f.name).join(', ')}.`, k);
  }
  for (const f of fields) {
    const v = value[f.name];
    const nullIsValue = f.type.kind === 'boolean' && f.type.nullable === true && v === null;
    if (v === undefined || (v === null && !nullIsValue)) {
      if (f.required) throw badRequest(`Property '${f.name}' is required: ${describeType(f.type)}.`, f.name);
      continue;
    }
    if (!fits(f.type, v)) throw wrong('Property', f, v);
  }
  return value;
}

/** Query parameters checked against `fields`: unknown or repeated names and values of the wrong type are 400. */
export function readQuery(params: URLSearchParams, fields: readonly Field[]): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const name of new Set(params.keys())) {
    const f = fields.find((x) => x.name === name);
    if (!f)
      throw badRequest(
        `Query parameter '${name}' is not known here; allowed: ${fields.map((x) => x.name).join(', ') || 'none'}.`,
        name,
      );
    const all = params.getAll(name);
    if (all.length > 1) throw badRequest(`Query parameter '${name}' is given ${all.length} times; give it once.`, name);
    const text = all[0]!;
    const v = f.type.kind === 'string' ? text : text.trim() === '' ? Number.NaN : Number(text);
    if (!fits(f.type, v)) throw wrong('Query parameter', f, text);
    out[name] = v;
  }
  return out;
}

/** The JSON Schema of one field, for the OpenAPI document. */
export function fieldSchema(f: Field): Record<string, unknown> {
  const t = f.type;
  const base: Record<string, unknown> = { description: f.description };
  switch (t.kind) {
    case 'string':
      return {
        ...base,
        type: 'string',
        minLength: 1,
        ...(t.maxLength !== undefined ? { maxLength: t.maxLength } : {}),
        ...(t.pattern !== undefined ? { pattern: t.pattern } : {}),
        ...(t.format !== undefined ? { format: t.format } : {}),
      };
    case 'integer':
    case 'number':
      return { ...base, type: t.kind, minimum: t.minimum, maximum: t.maximum };
    case 'boolean':
      return { ...base, type: 'boolean', ...(t.nullable ? { nullable: true } : {}) };
  }
}

/** An object schema of `fields`, closed to other members. */
export function objectSchema(fields: readonly Field[]): Record<string, unknown> {
  const required = fields.filter((f) => f.required).map((f) => f.name);
  return {
    type: 'object',
    additionalProperties: false,
    ...(required.length ? { required } : {}),
    properties: Object.fromEntries(fields.map((f) => [f.name, fieldSchema(f)])),
  };
}
