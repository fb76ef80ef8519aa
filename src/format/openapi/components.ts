/**
 * What every operation of the OpenAPI document refers to: the limits it describes, the shared query parameters
 * and headers, and Graph's error responses by status.
 */
import { DEFAULT_LIMITS } from '../../odata/limits.js';
import { type Json, schemaRef } from './schemas.js';

/** Limits the api layer enforces, passed in because this layer cannot import it. */
export interface ApiFacts {
  readonly maxBulkItems: number;
  readonly maxBatchRequests: number;
  readonly maxBodyBytes: number;
  readonly maxBulkBodyBytes: number;
}

export const ref = (kind: 'parameters' | 'responses' | 'headers', name: string): Json => ({
  $ref: `#/components/${kind}/${name}`,
});

/** Error responses by status; every one carries Graph's error body. */
export const ERROR_STATUSES = ['400', '401', '403', '404', '409', '412', '413', '415', '429'] as const;
export type ErrorStatus = (typeof ERROR_STATUSES)[number];
export const errorRef = (s: ErrorStatus): Json => ref('responses', `error${s}`);

export const JSON_MEDIA = 'application/json';
export const jsonResponse = (description: string, schema: Json, headers?: Json): Json => ({
  description,
  ...(headers ? { headers } : {}),
  content: { [JSON_MEDIA]: { schema } },
});
/** Shared parameters, headers and error responses. */
export function sharedComponents(facts: ApiFacts): { parameters: Json; headers: Json; responses: Json } {
  const L = DEFAULT_LIMITS;
  const text = (description: string): Json => ({ type: 'string', maxLength: L.maxOptionLength, description });
  const query = (name: string, description: string, schema: Json): Json => ({
    name,
    in: 'query',
    description,
    style: 'form',
    explode: false,
    schema,
  });
  const header = (name: string, description: string): Json => ({
    name,
    in: 'header',
    required: false,
    description,
    schema: { type: 'string' },
  });
  const parameters: Json = {
    top: query('$top', 'Page size.', { type: 'integer', minimum: 1, maximum: L.maxTop }),
    skip: query('$skip', 'Skip the first n items.', { type: 'integer', minimum: 0, maximum: L.maxSkip }),
    search: query('$search', 'Words that must all appear (case-insensitively) in the display or principal name.', {
      type: 'string',
      maxLength: L.maxOptionLength,
    }),
    filter: query('$filter', 'Filter items by property values.', text('An OData $filter expression.')),
    count: query('$count', 'Include the count of items.', { type: 'boolean' }),
    orderby: query('$orderby', `Order items by property values (at most ${L.maxOrderByKeys} keys).`, {
      type: 'string',
      maxLength: L.maxOptionLength,
    }),
    select: query('$select', 'Select properties to be returned.', text('Comma-separated property names.')),
    expand: query(
      '$expand',
      `Expand related entities (at most ${L.maxExpandDepth} levels).`,
      text('Navigation properties, with nested options in parentheses.'),
    ),
    skiptoken: query('$skiptoken', 'The opaque token of an @odata.nextLink.', { type: 'string' }),
    directoryTop: query('$top', 'Page size of a directory collection (100 when absent).', {
      type: 'integer',
      minimum: 1,
      maximum: 999,
    }),
    directorySearch: query('$search', 'Quoted "property:words" clauses joined by AND or OR; needs ConsistencyLevel.', {
      type: 'string',
      maxLength: L.maxOptionLength,
    }),
    ConsistencyLevel: header(
      'ConsistencyLevel',
      "'eventual' allows advanced queries on directory objects (ne, not, endsWith, $count, $search, $orderby with $filter).",
    ),
    'If-Match': header('If-Match', "'*' or strong ETags; no match (or no entity) answers 412."),
    'If-None-Match': header('If-None-Match', "'*' or ETags; a match answers 304."),
    Prefer: header('Prefer', "'return=minimal' answers a successful write with 204 and Preference-Applied."),
  };
  const headers: Json = {
    ETag: { description: 'The strong entity tag.', schema: { type: 'string' } },
    Location: { description: 'The URL of the created entity.', schema: { type: 'string', format: 'uri' } },
    'Preference-Applied': { description: 'return=minimal', schema: { type: 'string', enum: ['return=minimal'] } },
    'Retry-After': { description: 'Whole seconds to wait.', schema: { type: 'integer', minimum: 1 } },
    'WWW-Authenticate': { description: 'Bearer challenge.', schema: { type: 'string' } },
  };
  const descriptions: Record<ErrorStatus, string> = {
    '400': 'BadRequest: malformed JSON, wrong type, unknown property, bad query option (named with its position).',
    '401': 'InvalidAuthenticationToken: no, malformed, badly signed, expired or wrong-audience token.',
    '403': 'Forbidden: the token lacks the permission; the message names what is needed.',
    '404': 'ResourceNotFound: no such entity in this tenant.',
    '409': 'Conflict: a duplicate id or userPrincipalName.',
    '412': 'PreconditionFailed: If-Match does not match, or the entity does not exist.',
    '413': `RequestEntityTooLarge: the body is over ${facts.maxBodyBytes} bytes (${facts.maxBulkBodyBytes} for a {"value":[…]} PATCH).`,
    '415': 'UnsupportedMediaType: the body is not application/json.',
    '429': 'TooManyRequests: throttled.',
  };
  const responses: Json = {};
  for (const s of ERROR_STATUSES) {
    responses[`error${s}`] = {
      description: descriptions[s],
      ...(s === '429' ? { headers: { 'Retry-After': ref('headers', 'Retry-After') } } : {}),
      ...(s === '401' ? { headers: { 'WWW-Authenticate': ref('headers', 'WWW-Authenticate') } } : {}),
      content: { [JSON_MEDIA]: { schema: schemaRef('microsoft.graph.ODataErrors.ODataError') } },
    };
  }
  return { parameters, headers, responses };
}
