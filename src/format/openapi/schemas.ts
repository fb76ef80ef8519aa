/**
 * OpenAPI 3.0 schemas of one version, derived from the model exactly as `model/validate.ts` enforces it.
 * Two families: what the server writes (open, since `$select` trims and annotations such as `@odata.context`
 * ride along) and what it accepts in a body (closed with `additionalProperties: false`, `required` where a
 * create has no default, one variant per concrete type, selected by `@odata.type`).
 */
import { INT32_MAX, INT32_MIN, type TypeRef } from '../../model/edm.js';
import type { EdmModel, Property, StructuredType } from '../../model/model.js';
import { ENTITY_SETS, SUMMARIES } from '../../model/resources.js';
import { BASE64, MAX_ID_LENGTH } from '../../model/validate.js';

export type Json = Record<string, unknown>;

export const schemaRef = (name: string): Json => ({ $ref: `#/components/schemas/${name}` });

/** Input schema names: `<qualified name>.create` / `.update` for entities, `.input` for complex types. */
export type InputMode = 'create' | 'update';
export const inputName = (t: StructuredType, mode: InputMode | 'input'): string => `${t.qualifiedName}.${mode}`;

const INT32 = { type: 'integer', format: 'int32', minimum: INT32_MIN, maximum: INT32_MAX };
/**
 * `util/datetime.ts` accepts RFC 3339 with an offset, seconds optional, up to 7 fractional digits, on days that
 * exist (29 February is let through in every year: leap years are beyond a pattern worth reading).
 */
const DAY = '(?:(?:0[1-9]|1[0-2])-(?:0[1-9]|1[0-9]|2[0-9])|(?:0[13-9]|1[0-2])-30|(?:0[13578]|1[02])-31)';
const DATE_TIME = {
  type: 'string',
  format: 'date-time',
  pattern:
    `^(?!0000)[0-9]{4}-${DAY}T(?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:\\.[0-9]{1,7})?)?` +
    '(?:[Zz]|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])$',
};
/** Padded standard alphabet, as validation checks it. */
const BINARY = { type: 'string', format: 'base64', pattern: BASE64.source };
/** `model/validate.ts` VALID_ID and MAX_ID_LENGTH: what a client-supplied key may be. */
const KEY = {
  type: 'string',
  minLength: 1,
  maxLength: MAX_ID_LENGTH,
  pattern: '^[^/\\\\?#\\u0000-\\u001f\\u007f-\\u009f]+$',
};
/** Only `null` (a nullable reference cannot sit beside `$ref` in OpenAPI 3.0). */
const NULL_ONLY = { type: 'object', nullable: true, enum: [null] };

function primitive(t: TypeRef & { kind: 'primitive' }): Json {
  switch (t.name) {
    case 'Edm.String':
      return { type: 'string' };
    case 'Edm.Int32':
      return { ...INT32 };
    case 'Edm.Boolean':
      return { type: 'boolean' };
    case 'Edm.DateTimeOffset':
      return { ...DATE_TIME };
    case 'Edm.Binary':
      return { ...BINARY };
  }
}

/** `#microsoft.graph.x` and `microsoft.graph.x`: the spellings of `@odata.type` a body may use. */
const typeNames = (t: StructuredType): string[] => [`#${t.qualifiedName}`, t.qualifiedName];

/** The complex value schema a property of declared type `d` accepts or returns. */
function complexValue(model: EdmModel, d: StructuredType, input: boolean): Json {
  const variants = d.concreteTypes.filter((c) => model.complexTypes.get(c.name) === c);
  const name = (c: StructuredType) => (input ? inputName(c, 'input') : c.qualifiedName);
  if (variants.length === 1 && variants[0] === d) return schemaRef(name(d));
  return oneOrMany(
    'oneOf',
    variants.map((c) => schemaRef(name(c))),
  );
}

/** `oneOf`/`anyOf` of one schema is that schema. */
const oneOrMany = (kw: 'oneOf' | 'anyOf', list: Json[]): Json => (list.length === 1 ? list[0]! : { [kw]: list });

function valueSchema(model: EdmModel, p: Property, input: boolean): Json {
  const single = (): Json => {
    const t = p.type;
    if (t.kind === 'primitive') return p.name === 'id' && input ? { ...KEY } : primitive(t);
    if (t.kind === 'enum') return schemaRef(model.enums.get(t.name)!.qualifiedName);
    return complexValue(model, model.complexTypes.get(t.name)!, input);
  };
  const description = p.description ? { description: p.description } : {};
  // `$ref` takes no siblings in OpenAPI 3.0: a described reference is wrapped.
  const described = (x: Json): Json =>
    '$ref' in x && p.description ? { allOf: [x], ...description } : { ...x, ...description };
  // A collection is written as [] rather than null; a body's null collection is read as [] (validate.ts).
  if (p.collection) return { type: 'array', items: single(), ...(input ? { nullable: true } : {}), ...description };
  const s = single();
  if (!p.nullable) return described(s);
  if ('$ref' in s || 'oneOf' in s) return { anyOf: [s, NULL_ONLY], ...description };
  return { ...s, nullable: true, ...description };
}

/** What a create must carry: non-nullable values without a default (validate.ts `defaultFor`). */
function hasNoDefault(p: Property, entity: boolean): boolean {
  if (p.nullable || p.collection || p.serverManaged || p.name === 'id') return false;
  if (p.type.kind !== 'primitive') return p.type.kind === 'complex';
  if (p.type.name === 'Edm.Int32' || p.type.name === 'Edm.Boolean') return false;
  // An entity's missing non-nullable date-time becomes "now"; a complex value's has no default.
  return !(entity && p.type.name === 'Edm.DateTimeOffset');
}

/** True when the type is only reachable through an abstract declared type, which needs `@odata.type`. */
function needsTypeName(model: EdmModel, t: StructuredType): boolean {
  for (let b = t.baseType; b; ) {
    const base = model.complexTypes.get(b) ?? model.entityTypes.get(b);
    if (!base) return false;
    if (base.abstract) return true;
    b = base.baseType;
  }
  return false;
}

function object(properties: Json, required: string[], closed: boolean, description?: string): Json {
  return {
    type: 'object',
    ...(description ? { description } : {}),
    ...(required.length > 0 ? { required } : {}),
    properties,
    ...(closed ? { additionalProperties: false } : {}),
  };
}

/** What the server writes for a concrete type. */
function outputSchema(model: EdmModel, t: StructuredType): Json {
  const entity = t.kind === 'entity';
  const properties: Json = {
    '@odata.type': { type: 'string', enum: [`#${t.qualifiedName}`] },
    ...Object.fromEntries(t.properties.map((p) => [p.name, valueSchema(model, p, false)])),
  };
  // Entities always carry `@odata.type`; complex values only where the declared type is polymorphic.
  return object(properties, entity || needsTypeName(model, t) ? ['@odata.type'] : [], false, t.description);
}

/** What the server accepts in a body for a concrete type. */
function inputSchema(model: EdmModel, t: StructuredType, mode: InputMode | 'input'): Json {
  const entity = t.kind === 'entity';
  const properties: Json = {
    '@odata.type': { type: 'string', enum: typeNames(t) },
    ...Object.fromEntries(t.properties.map((p) => [p.name, valueSchema(model, p, true)])),
  };
  const required = mode === 'update' ? [] : t.properties.filter((p) => hasNoDefault(p, entity)).map((p) => p.name);
  const named = entity ? mode === 'create' && needsTypeName(model, t) : needsTypeName(model, t);
  return object(properties, named ? ['@odata.type', ...required] : required, true, t.description);
}

/** The entity types a body may describe: those of the entity sets (the summaries are computed). */
const writable = (model: EdmModel): Set<StructuredType> =>
  new Set(
    Object.values(ENTITY_SETS).flatMap((s) => {
      const t = model.entityTypes.get(s.entityType);
      return t ? t.concreteTypes : [];
    }),
  );

/**
 * The entity types an answer can hold: those of the sets and their derived types, and the computed summaries. A
 * base type no set holds (`directoryObject`) is described by its derived types alone.
 */
const served = (model: EdmModel): Set<StructuredType> =>
  new Set([
    ...writable(model),
    ...[...Object.values(ENTITY_SETS), ...Object.values(SUMMARIES)].flatMap((s) => {
      const t = model.entityTypes.get(s.entityType);
      return t ? [t] : [];
    }),
  ]);

/** Every schema of the version, keyed by component name. */
export function modelSchemas(model: EdmModel): Json {
  const bodies = writable(model);
  const answered = served(model);
  const schemas: Json = {};
  for (const e of model.enums.values()) {
    schemas[e.qualifiedName] = { type: 'string', enum: e.members.map((m) => m.name) };
  }
  for (const t of model.complexTypes.values()) {
    if (t.abstract) continue;
    schemas[t.qualifiedName] = outputSchema(model, t);
    schemas[inputName(t, 'input')] = inputSchema(model, t, 'input');
  }
  for (const t of model.entityTypes.values()) {
    if (!answered.has(t)) continue;
    if (t.abstract) {
      schemas[t.qualifiedName] = oneOrMany(
        'oneOf',
        t.concreteTypes.map((c) => schemaRef(c.qualifiedName)),
      );
      continue;
    }
    schemas[t.qualifiedName] = outputSchema(model, t);
    if (!bodies.has(t)) continue;
    schemas[inputName(t, 'create')] = inputSchema(model, t, 'create');
    schemas[inputName(t, 'update')] = inputSchema(model, t, 'update');
  }
  return schemas;
}

/**
 * The body a write on a set of declared type `d` accepts: one variant per concrete type. A create names its
 * type when `d` is abstract, so `oneOf` holds; an update may omit it and match several variants, so `anyOf`.
 */
export function entityInput(d: StructuredType, mode: InputMode): Json {
  if (!d.polymorphic) return schemaRef(inputName(d, mode));
  return oneOrMany(
    mode === 'create' ? 'oneOf' : 'anyOf',
    d.concreteTypes.map((c) => schemaRef(inputName(c, mode))),
  );
}

export const ERROR_SCHEMAS: Json = {
  'microsoft.graph.ODataErrors.ODataError': {
    type: 'object',
    required: ['error'],
    properties: { error: schemaRef('microsoft.graph.ODataErrors.MainError') },
  },
  'microsoft.graph.ODataErrors.MainError': {
    type: 'object',
    required: ['code', 'message', 'innerError'],
    properties: {
      code: { type: 'string' },
      message: { type: 'string' },
      target: { type: 'string' },
      details: { type: 'array', items: schemaRef('microsoft.graph.ODataErrors.ErrorDetails') },
      innerError: schemaRef('microsoft.graph.ODataErrors.InnerError'),
    },
  },
  'microsoft.graph.ODataErrors.ErrorDetails': {
    type: 'object',
    required: ['code', 'message'],
    properties: { code: { type: 'string' }, message: { type: 'string' }, target: { type: 'string' } },
  },
  'microsoft.graph.ODataErrors.InnerError': {
    type: 'object',
    required: ['date', 'request-id', 'client-request-id'],
    properties: {
      date: { type: 'string', pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}$' },
      'request-id': { type: 'string' },
      'client-request-id': { type: 'string' },
    },
  },
};
