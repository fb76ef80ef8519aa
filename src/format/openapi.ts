/**
 * `/{version}/openapi.json`: an OpenAPI 3.0 description of exactly one version, generated from the model
 * (`openapi/schemas.ts`) the resource surface (`openapi/operations.ts`), the shared components (`openapi/components.ts`) and the
 * service paths (`openapi/service.ts`). docs/openapi.md says how it is
 * checked.
 */
import type { Version } from '../model/edm.js';
import { modelFor } from '../model/model.js';
import { ENTITY_SETS } from '../model/resources.js';
import { type ApiFacts, sharedComponents } from './openapi/components.js';
import { versionPaths } from './openapi/operations.js';
import { ERROR_SCHEMAS, type Json, modelSchemas, schemaRef } from './openapi/schemas.js';
import { servicePaths } from './openapi/service.js';

export type { ApiFacts };

const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';

export function openApiDocument(version: Version, facts: ApiFacts, tokenTenant: string): Json {
  const model = modelFor(version);
  const schemas: Json = { ...modelSchemas(model), ...ERROR_SCHEMAS };
  for (const set of Object.values(ENTITY_SETS)) {
    const t = model.entityTypes.get(set.entityType)!;
    schemas[`${t.qualifiedName}CollectionResponse`] = {
      type: 'object',
      required: ['value'],
      properties: {
        '@odata.context': { type: 'string' },
        '@odata.count': { type: 'integer', format: 'int32', minimum: 0 },
        '@odata.nextLink': { type: 'string', format: 'uri', nullable: true },
        value: { type: 'array', items: schemaRef(t.qualifiedName) },
      },
    };
  }
  const shared = sharedComponents(facts);
  return {
    openapi: '3.0.3',
    info: {
      title: `appconfig-graph ${version}`,
      version,
      description:
        `Microsoft Graph (Intune) mobile app configurations and their statuses, ${version} shapes only. ` +
        'Every answer that is not a success carries Graph’s error body.',
    },
    servers: [{ url: `/${version}`, description: `The ${version} endpoint of this server.` }],
    security: [{ bearer: [] }, { oauth2: [GRAPH_SCOPE] }],
    paths: { ...versionPaths(model, facts), ...servicePaths(facts, '/') },
    components: {
      schemas,
      ...shared,
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'A token from the local issuer (`appconfig-graph token`) or the configured OIDC issuer.',
        },
        oauth2: {
          type: 'oauth2',
          description: 'Client credentials against the local issuer; any tenant id may stand in the URL.',
          flows: {
            clientCredentials: {
              tokenUrl: `/${tokenTenant}/oauth2/v2.0/token`,
              scopes: { [GRAPH_SCOPE]: 'The application permissions granted to the client.' },
            },
          },
        },
      },
    },
  };
}
