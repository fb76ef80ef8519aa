/**
 * A client generated from the served v1.0 document (openapi-typescript types plus the small fetch wrapper in
 * ./client) compiles under `strict`, rejects at compile time what the server rejects at run time, and runs the
 * seed PATCH against the real server: 201 on the first call for a user, 200 on the next.
 */
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import ts from 'typescript';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';

let t: TestServer;
let dir: string;

beforeAll(async () => {
  t = await startTestServer();
  dir = mkdtempSync(join(tmpdir(), 'appconfig-graph-client-'));
});
afterAll(async () => {
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The program a user would write against the generated types. */
const SEED_PROGRAM = `
import { createClient } from './fetch-client.js';
import type { components, paths } from './graph.js';

type Schemas = components['schemas'];
type Upsert = NonNullable<paths['/deviceAppManagement/mobileAppConfigurations/{managedDeviceMobileAppConfiguration-id}/userStatuses']['patch']>['requestBody'];
type StatusUpdate = Schemas['microsoft.graph.managedDeviceMobileAppConfigurationUserStatus.update'];

// What the server refuses, the compiler refuses too.
// @ts-expect-error devicesCount is an Int32, not the seed page's placeholder text
const placeholder: StatusUpdate = { devicesCount: 'Integer' };
// @ts-expect-error status takes the complianceStatus member names only
const badStatus: StatusUpdate = { status: 'String' };
// @ts-expect-error no such property on the type
const unknown: StatusUpdate = { colour: 'blue' };
// @ts-expect-error a non-nullable property cannot be null
const nulled: StatusUpdate = { status: null };
export const rejected = [placeholder, badStatus, unknown, nulled];

export async function seed(base: string, token: string) {
  const call = createClient<paths>(base, token);
  const created = await call('post', '/deviceAppManagement/mobileAppConfigurations', {}, {
    '@odata.type': '#microsoft.graph.iosMobileAppConfiguration',
    displayName: 'Outlook settings',
  });
  if (created.status !== 201) throw new Error('create answered ' + created.status);
  const configId: string | undefined = created.body.id;
  if (configId === undefined) throw new Error('no id');
  const body: NonNullable<Upsert>['content']['application/json'] = {
    '@odata.type': '#microsoft.graph.managedDeviceMobileAppConfigurationUserStatus',
    userDisplayName: 'Adele Vance',
    devicesCount: 2,
    status: 'compliant',
    lastReportedDateTime: '2024-05-01T10:00:00Z',
    userPrincipalName: 'AdeleV@contoso.com',
  };
  const path = '/deviceAppManagement/mobileAppConfigurations/{managedDeviceMobileAppConfiguration-id}/userStatuses' as const;
  const first = await call('patch', path, { 'managedDeviceMobileAppConfiguration-id': configId }, body);
  const second = await call('patch', path, { 'managedDeviceMobileAppConfiguration-id': configId }, {
    userPrincipalName: 'adelev@contoso.com',
    devicesCount: 3,
  });
  let devicesCount: number | undefined;
  if (second.status === 200 && !('value' in second.body)) devicesCount = second.body.devicesCount;
  const location = first.status === 201 ? first.headers.get('location') : null;
  return { first: first.status, second: second.status, devicesCount, location };
}
`;

it('compiles a client generated from /v1.0/openapi.json and runs the seed PATCH with it', async () => {
  const doc = (await (await fetch(`${t.http}/v1.0/openapi.json`)).json()) as Parameters<typeof openapiTS>[0];
  writeFileSync(join(dir, 'graph.ts'), astToString(await openapiTS(doc)));
  copyFileSync(new URL('./client/fetch-client.ts', import.meta.url), join(dir, 'fetch-client.ts'));
  writeFileSync(join(dir, 'seed.ts'), SEED_PROGRAM);
  writeFileSync(join(dir, 'package.json'), '{"type":"module"}');

  const program = ts.createProgram([join(dir, 'seed.ts')], {
    strict: true,
    noUncheckedIndexedAccess: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ES2022,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    types: [],
    outDir: join(dir, 'out'),
  });
  const diagnostics = ts
    .getPreEmitDiagnostics(program)
    .map((d) => `${d.file?.fileName ?? ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
  expect(diagnostics).toEqual([]);
  program.emit();
  writeFileSync(join(dir, 'out', 'package.json'), '{"type":"module"}');

  const { seed } = (await import(pathToFileURL(join(dir, 'out', 'seed.js')).href)) as {
    seed(base: string, token: string): Promise<Record<string, unknown>>;
  };
  const result = await seed(`${t.http}/v1.0`, await t.token());
  expect(result).toMatchObject({ first: 201, second: 200, devicesCount: 3 });
  expect(result.location).toMatch(/\/userStatuses\('.+'\)$|\/userStatuses\/.+$/);
});
