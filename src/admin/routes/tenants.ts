/** Tenants (docs/admin.md#tenants): each with its rows per table, and deleting all of one tenant's data. */
import type { ControlStore } from '../../store/port.js';
import { json, ref } from '../answer.js';
import type { Route } from '../router.js';

export const TENANT_SCHEMAS = {
  Tenant: {
    type: 'object',
    additionalProperties: false,
    required: ['tenant', 'rows', 'counts'],
    properties: {
      tenant: { type: 'string', description: 'The tenant id (tid).' },
      rows: { type: 'integer', description: 'Rows over every tenant-scoped table.' },
      counts: {
        type: 'object',
        description: 'Rows per tenant-scoped table; tables without rows for the tenant are left out.',
        additionalProperties: { type: 'integer' },
      },
    },
  },
  TenantDeleted: {
    type: 'object',
    additionalProperties: false,
    required: ['tenant', 'rowsDeleted'],
    properties: { tenant: { type: 'string' }, rowsDeleted: { type: 'integer' } },
  },
} as const;

const total = (counts: Readonly<Record<string, number>>): number => Object.values(counts).reduce((a, b) => a + b, 0);

export function tenantRoutes(store: ControlStore): Route[] {
  return [
    {
      method: 'GET',
      path: '/tenants',
      operationId: 'listTenants',
      summary: 'Every tenant with data, with its rows per table',
      answer: {
        status: 200,
        description: 'The tenants, by id.',
        schema: {
          type: 'object',
          additionalProperties: false,
          required: ['value'],
          properties: { value: { type: 'array', items: { $ref: ref('Tenant') } } },
        },
      },
      async handle({ req }) {
        const tenants = await store.tenants();
        return json(req, 200, {
          value: tenants.map((t) => ({ tenant: t.tenant, rows: total(t.counts), counts: t.counts })),
        });
      },
    },
    {
      method: 'DELETE',
      path: '/tenants/{tid}',
      operationId: 'deleteTenant',
      summary: "Delete all of one tenant's data, in one transaction",
      params: { tid: 'The tenant id.' },
      answer: { status: 200, description: 'The tenant and the rows removed.', schema: { $ref: ref('TenantDeleted') } },
      errors: [404],
      async handle({ req, params }) {
        const tenant = params.tid!;
        return json(req, 200, { tenant, rowsDeleted: await store.deleteTenant(tenant) });
      },
    },
  ];
}
