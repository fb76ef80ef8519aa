/**
 * The paths outside the resource surface: `$batch`, `$metadata` and the local issuer's token endpoint.
 */
import { type ApiFacts, errorRef, JSON_MEDIA, jsonResponse } from './components.js';
import { type Json, schemaRef } from './schemas.js';

/** `$batch`, `$metadata` and the local issuer's token endpoint. */
export function servicePaths(facts: ApiFacts, tokenServer: string): Json {
  const batchRequest = {
    type: 'object',
    required: ['id', 'method', 'url'],
    properties: {
      id: { type: 'string', minLength: 1 },
      method: { type: 'string', pattern: '^[A-Za-z]+$' },
      url: { type: 'string', minLength: 1, description: 'Relative, with or without the version prefix.' },
      headers: { type: 'object', additionalProperties: { type: 'string' } },
      body: {
        description: 'A JSON object, or a base64 string sent with the item’s Content-Type.',
        anyOf: [
          { type: 'object', nullable: true },
          { type: 'string', format: 'byte' },
        ],
      },
      dependsOn: { type: 'array', items: { type: 'string' } },
    },
  };
  const batchResponse = {
    type: 'object',
    required: ['responses'],
    properties: {
      responses: {
        type: 'array',
        items: {
          type: 'object',
          required: ['id', 'status', 'headers'],
          properties: {
            id: { type: 'string' },
            status: { type: 'integer' },
            headers: { type: 'object', additionalProperties: { type: 'string' } },
            body: { description: 'The item’s JSON body (an object, or text).' },
          },
        },
      },
    },
  };
  return {
    '/$batch': {
      description: "Other methods answer 405 with 'Allow: POST'.",
      post: {
        operationId: 'batch.SendBatch',
        summary: `JSON batching: up to ${facts.maxBatchRequests} requests, each authorised and throttled on its own`,
        tags: ['batch'],
        requestBody: {
          required: true,
          content: {
            [JSON_MEDIA]: {
              schema: {
                type: 'object',
                required: ['requests'],
                properties: {
                  requests: { type: 'array', minItems: 1, maxItems: facts.maxBatchRequests, items: batchRequest },
                },
              },
            },
          },
        },
        responses: {
          '200': jsonResponse('Every item’s answer (each has its own status).', batchResponse),
          '400': errorRef('400'),
          '401': errorRef('401'),
          '413': errorRef('413'),
        },
      },
    },
    '/$metadata': {
      description: "Other methods answer 405 with 'Allow: GET'.",
      get: {
        operationId: 'metadata.GetMetadata',
        summary: 'The CSDL of this version',
        tags: ['metadata'],
        security: [],
        responses: {
          '200': { description: 'CSDL XML.', content: { 'application/xml': { schema: { type: 'string' } } } },
          '431': {
            description: 'The request headers are too large (as for every request).',
            content: { [JSON_MEDIA]: { schema: schemaRef('microsoft.graph.ODataErrors.ODataError') } },
          },
        },
      },
    },
    '/{tenant}/oauth2/v2.0/token': {
      servers: [{ url: tokenServer, description: 'The local issuer (not under the version prefix).' }],
      post: {
        operationId: 'identity.GetToken',
        summary: 'OAuth 2.0 client-credentials grant of the local issuer',
        tags: ['identity'],
        security: [],
        parameters: [{ name: 'tenant', in: 'path', required: true, schema: { type: 'string' } }],
        requestBody: {
          required: true,
          content: {
            'application/x-www-form-urlencoded': {
              schema: {
                type: 'object',
                required: ['grant_type', 'client_id', 'client_secret', 'scope'],
                properties: {
                  grant_type: { type: 'string', enum: ['client_credentials'] },
                  client_id: { type: 'string' },
                  client_secret: { type: 'string' },
                  scope: { type: 'string', example: 'https://graph.microsoft.com/.default' },
                },
              },
            },
          },
        },
        responses: {
          '200': jsonResponse('An access token.', {
            type: 'object',
            required: ['access_token', 'token_type', 'expires_in'],
            properties: {
              access_token: { type: 'string' },
              token_type: { type: 'string', enum: ['Bearer'] },
              expires_in: { type: 'integer' },
            },
          }),
          '400': { description: 'An OAuth 2.0 error (invalid_request, unsupported_grant_type, invalid_scope).' },
          '401': { description: 'An OAuth 2.0 invalid_client error.' },
        },
      },
    },
  };
}
