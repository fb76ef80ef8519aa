/**
 * JSON in → typed values out, or a 400 that names the property, what it must be and what it got
 * (docs/api.md#representation). Values come out canonical: Int32 numbers, enum member names, DateTimeOffset as the
 * 7-digit UTC string, Binary as base64, complex values as plain objects with `@odata.type` where the declared type
 * is abstract or has derived types.
 */
import { assertNever } from '../util/assert.js';
import { parseDateTimeOffset } from '../util/datetime.js';
import { badRequest } from '../util/errors.js';
import { preview } from '../util/json.js';
import { INT32_MAX, INT32_MIN, type TypeRef } from './edm.js';
import { complexOf, type EdmModel, enumOf, type Property, type StructuredType } from './model.js';

export type EntityValues = Record<string, unknown>;

export interface ValidatedEntity {
  /** The concrete type the body describes. */
  readonly type: StructuredType;
  /** Properties present in the body (server-managed ones dropped), canonical. */
  readonly values: EntityValues;
}

export const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
export const MAX_ID_LENGTH = 256;
/** Printable characters except those that would break a URL path segment. */
const VALID_ID = /^[^/\\?#\p{Cc}]+$/u;

const show = (v: unknown): string => preview(v, 80);

function typeName(t: TypeRef, model: EdmModel): string {
  if (t.kind === 'primitive') return t.name;
  return (t.kind === 'enum' ? enumOf(model, t) : complexOf(model, t)).qualifiedName;
}

/** Resolves the `@odata.type` a body names, relative to the declared type, or undefined if absent. */
function namedType(model: EdmModel, declared: StructuredType, raw: unknown, where: string): StructuredType | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string') throw badRequest(`'${where}@odata.type' must be a string naming a type.`, where);
  const t = model.structuredByQualifiedName(raw);
  if (!t || (t !== declared && !declared.concreteTypes.includes(t))) {
    const allowed = declared.concreteTypes.map((c) => `#${c.qualifiedName}`).join(', ');
    throw badRequest(
      `The type '${raw}' given in @odata.type${where ? ` of '${where}'` : ''} is not ${declared.qualifiedName} or a type derived from it` +
        ` in ${model.version}; use one of: ${allowed || 'none'}.`,
      where || '@odata.type',
    );
  }
  return t;
}

function checkObject(v: unknown, what: string, where: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw badRequest(
      `${where ? `Property '${where}'` : 'The request body'} must be a JSON object describing ${what}; got ${show(v)}.`,
      where,
    );
  }
  return v as Record<string, unknown>;
}

function validateValue(model: EdmModel, p: Property, v: unknown, where: string): unknown {
  if (v === null) {
    if (p.collection) return [];
    if (!p.nullable) throw badRequest(`Property '${where}' of type ${typeName(p.type, model)} cannot be null.`, where);
    return null;
  }
  if (p.collection) {
    if (!Array.isArray(v)) {
      throw badRequest(
        `Property '${where}' must be a JSON array of ${typeName(p.type, model)}; got ${show(v)}.`,
        where,
      );
    }
    return v.map((item, i) => {
      if (item === null) throw badRequest(`Property '${where}[${i}]' cannot be null.`, `${where}[${i}]`);
      return validateSingle(model, p.type, item, `${where}[${i}]`);
    });
  }
  return validateSingle(model, p.type, v, where);
}

function validateSingle(model: EdmModel, t: TypeRef, v: unknown, where: string): unknown {
  switch (t.kind) {
    case 'primitive':
      switch (t.name) {
        case 'Edm.String':
          if (typeof v !== 'string')
            throw badRequest(`Property '${where}' must be a string (Edm.String); got ${show(v)}.`, where);
          return v;
        case 'Edm.Int32':
          if (typeof v !== 'number' || !Number.isInteger(v) || v < INT32_MIN || v > INT32_MAX) {
            throw badRequest(
              `Property '${where}' must be an Int32 between ${INT32_MIN} and ${INT32_MAX}; got ${show(v)}.`,
              where,
            );
          }
          return v;
        case 'Edm.Boolean':
          if (typeof v !== 'boolean')
            throw badRequest(`Property '${where}' must be true or false (Edm.Boolean); got ${show(v)}.`, where);
          return v;
        case 'Edm.DateTimeOffset': {
          if (typeof v !== 'string') {
            throw badRequest(
              `Property '${where}' must be an ISO 8601 date-time string with an offset; got ${show(v)}.`,
              where,
            );
          }
          const r = parseDateTimeOffset(v);
          if (!r.ok)
            throw badRequest(
              `Property '${where}' must be an Edm.DateTimeOffset, but ${show(v)} is not: ${r.reason}.`,
              where,
            );
          return r.value;
        }
        case 'Edm.Binary':
          if (typeof v !== 'string' || !BASE64.test(v)) {
            throw badRequest(`Property '${where}' must be base64-encoded binary (Edm.Binary); got ${show(v)}.`, where);
          }
          return v;
        default:
          return assertNever(t, 'primitive type');
      }
    case 'enum': {
      const e = enumOf(model, t);
      if (typeof v !== 'string' || !e.byName.has(v)) {
        throw badRequest(
          `Property '${where}' must be one of the ${e.qualifiedName} members ${e.members.map((m) => `'${m.name}'`).join(', ')}; got ${show(v)}.`,
          where,
        );
      }
      return v;
    }
    case 'complex':
      return validateComplex(model, complexOf(model, t), v, where);
    default:
      return assertNever(t, 'type');
  }
}

function validateComplex(
  model: EdmModel,
  declared: StructuredType,
  v: unknown,
  where: string,
): Record<string, unknown> {
  const obj = checkObject(v, declared.qualifiedName, where);
  const named = namedType(model, declared, obj['@odata.type'], where);
  const type = named ?? declared;
  if (type.abstract) {
    throw badRequest(
      `Property '${where}' is of the abstract type ${declared.qualifiedName}: give '@odata.type' naming one of ` +
        `${declared.concreteTypes.map((c) => `#${c.qualifiedName}`).join(', ')}.`,
      where,
    );
  }
  const out: Record<string, unknown> = {};
  if (declared.polymorphic) out['@odata.type'] = `#${type.qualifiedName}`;
  for (const key of Object.keys(obj)) {
    if (key.includes('@')) continue; // instance and property annotations carry no data
    if (!type.propertyMap.has(key)) {
      throw badRequest(
        `The property '${key}' does not exist on type '${type.qualifiedName}' (in '${where}').`,
        `${where}.${key}`,
      );
    }
  }
  for (const p of type.properties) {
    const sub = `${where}.${p.name}`;
    if (p.name in obj) out[p.name] = validateValue(model, p, obj[p.name], sub);
    else out[p.name] = defaultFor(model, p, sub);
  }
  return out;
}

/** What a missing non-nullable property becomes on create; a string without a sensible default is required. */
function defaultFor(model: EdmModel, p: Property, where: string): unknown {
  if (p.collection) return [];
  if (p.nullable) return null;
  if (p.type.kind === 'enum') return enumOf(model, p.type).members[0]!.name;
  if (p.type.kind === 'primitive') {
    if (p.type.name === 'Edm.Boolean') return false;
    if (p.type.name === 'Edm.Int32') return 0;
  }
  throw badRequest(`Property '${where}' is required.`, where);
}

/**
 * Validates an entity body against `declared` (the set's type) in `mode`:
 * - `create`: the body may name a derived type in `@odata.type` (required when `declared` is abstract).
 * - `update`: the body may name only `actual` (the stored entity's type).
 * `prefix` names the body's place in a larger document (`value[3]`) for messages.
 */
export function validateEntity(
  model: EdmModel,
  declared: StructuredType,
  body: unknown,
  opts: { mode: 'create' | 'update'; actual?: StructuredType; prefix?: string; keepServerManaged?: boolean },
): ValidatedEntity {
  const prefix = opts.prefix ? `${opts.prefix}.` : '';
  const obj = checkObject(body, declared.qualifiedName, opts.prefix ?? '');
  const target = opts.actual ?? declared;
  let type =
    namedType(model, opts.mode === 'update' ? target : declared, obj['@odata.type'], opts.prefix ?? '') ?? target;
  if (opts.mode === 'update' && type !== target) type = target;
  if (type.abstract) {
    throw badRequest(
      `${declared.qualifiedName} is abstract: the body must give '@odata.type' naming one of ` +
        `${declared.concreteTypes.map((c) => `#${c.qualifiedName}`).join(', ')} (${model.version}).`,
      `${prefix}@odata.type`,
    );
  }
  const values: EntityValues = {};
  for (const key of Object.keys(obj)) {
    if (key.includes('@')) continue;
    const p = type.propertyMap.get(key);
    if (!p) {
      throw badRequest(`The property '${key}' does not exist on type '${type.qualifiedName}'.`, `${prefix}${key}`);
    }
    const v = validateValue(model, p, obj[key], `${prefix}${key}`);
    if (p.name === 'id') {
      if (typeof v !== 'string' || v.length === 0 || v.length > MAX_ID_LENGTH || !VALID_ID.test(v)) {
        throw badRequest(
          `Property '${prefix}id' must be a non-empty string of at most ${MAX_ID_LENGTH} characters without '/', '\\', '?', '#' or control characters; got ${show(v)}.`,
          `${prefix}id`,
        );
      }
    }
    if (!p.serverManaged || opts.keepServerManaged) values[p.name] = v;
  }
  if (opts.mode === 'create' && !opts.keepServerManaged) {
    for (const p of type.properties) {
      if (p.requiredOnCreate && (values[p.name] === undefined || values[p.name] === null)) {
        throw badRequest(
          `Property '${prefix}${p.name}' is required to create a ${type.qualifiedName} and cannot be null.`,
          `${prefix}${p.name}`,
        );
      }
    }
  }
  // Write-only values are accepted and checked, never kept: a create stores null, an update leaves them out.
  for (const p of type.properties) {
    if (p.writeOnly && p.name in values) {
      if (opts.mode === 'create') values[p.name] = null;
      else delete values[p.name];
    }
  }
  return { type, values };
}

/**
 * Fills what a create leaves out (docs/api.md#decisions-on-finer-points): nullables null, collections empty,
 * non-nullable numbers 0, booleans false, enums their first member (`unknown` for complianceStatus), date-times `now`;
 * a non-nullable string has no sensible default and is required (400).
 */
export function completeForCreate(
  model: EdmModel,
  type: StructuredType,
  values: EntityValues,
  now: string,
  prefix?: string,
): EntityValues {
  const out: EntityValues = {};
  for (const p of type.properties) {
    if (p.name === 'id') continue;
    if (p.name in values) out[p.name] = values[p.name];
    else if (p.serverManaged) continue;
    else if (!p.nullable && !p.collection && p.type.kind === 'primitive' && p.type.name === 'Edm.DateTimeOffset')
      out[p.name] = now;
    else out[p.name] = defaultFor(model, p, prefix ? `${prefix}.${p.name}` : p.name);
  }
  return out;
}
