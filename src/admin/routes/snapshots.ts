/** Snapshots kept in the store (docs/admin.md#snapshots): take, list, restore exactly, delete. */
import type { ControlStore, SnapshotInfo } from '../../store/port.js';
import { collection, json, noContent, nullable, ref } from '../answer.js';
import type { Field } from '../fields.js';
import { ADMIN_PREFIX, type Route } from '../router.js';

export const SNAPSHOT_NAME = '^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$';

const TAKE: readonly Field[] = [
  {
    name: 'name',
    type: { kind: 'string', pattern: SNAPSHOT_NAME },
    required: true,
    description: 'The snapshot name: letters, digits, `.`, `_` and `-`, at most 100, starting with a letter or digit.',
  },
  {
    name: 'tenant',
    type: { kind: 'string', maxLength: 200 },
    description: "One tenant's data only; every tenant when left out.",
  },
];

export const SNAPSHOT_SCHEMAS = {
  Snapshot: {
    type: 'object',
    additionalProperties: false,
    required: ['name', 'tenant', 'created', 'rows'],
    properties: {
      name: { type: 'string' },
      tenant: nullable({ type: 'string', description: 'The one tenant it holds; null for every tenant.' }),
      created: { type: 'string', format: 'date-time' },
      rows: { type: 'integer', description: 'Rows it holds over every tenant-scoped table.' },
    },
  },
} as const;

const view = (s: SnapshotInfo) => ({ name: s.name, tenant: s.tenant, created: s.created, rows: s.rows });

export function snapshotRoutes(store: ControlStore): Route[] {
  const NAME = { name: 'The snapshot name.' };
  return [
    {
      method: 'POST',
      path: '/snapshots',
      operationId: 'takeSnapshot',
      summary: "Copy one tenant's data, or every tenant's, into a new snapshot",
      body: TAKE,
      answer: { status: 201, description: 'The snapshot taken.', schema: { $ref: ref('Snapshot') } },
      errors: [404, 409, 413, 415],
      async handle({ req, body }) {
        const b = body as { name: string; tenant?: string };
        const info = await store.takeSnapshot(b.name, b.tenant);
        return json(req, 201, view(info), { Location: `${ADMIN_PREFIX}/snapshots/${encodeURIComponent(info.name)}` });
      },
    },
    {
      method: 'GET',
      path: '/snapshots',
      operationId: 'listSnapshots',
      summary: 'Every snapshot, by name',
      answer: { status: 200, description: 'The snapshots.', schema: collection(ref('Snapshot')) },
      async handle({ req }) {
        return json(req, 200, { value: (await store.snapshots()).map(view) });
      },
    },
    {
      method: 'POST',
      path: '/snapshots/{name}/restore',
      operationId: 'restoreSnapshot',
      summary: 'Put back exactly the data the snapshot holds; rows made since are gone',
      params: NAME,
      answer: { status: 200, description: 'The snapshot restored.', schema: { $ref: ref('Snapshot') } },
      errors: [404],
      async handle({ req, params }) {
        return json(req, 200, view(await store.restoreSnapshot(params.name!)));
      },
    },
    {
      method: 'DELETE',
      path: '/snapshots/{name}',
      operationId: 'deleteSnapshot',
      summary: 'Delete a snapshot',
      params: NAME,
      answer: { status: 204, description: 'Deleted.' },
      errors: [404],
      async handle({ req, params }) {
        await store.deleteSnapshot(params.name!);
        return noContent(req);
      },
    },
  ];
}
