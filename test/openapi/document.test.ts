/**
 * The served OpenAPI documents: lint-clean under Redocly's recommended rules, one version's shapes each, and
 * naming and answering as the server does.
 */
import { createConfig, lintFromString } from '@redocly/openapi-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Version } from '../../src/model/edm.js';
import { modelFor } from '../../src/model/model.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

// biome-ignore lint/suspicious/noExplicitAny: walking a parsed JSON document
type Json = Record<string, any>;

let t: TestServer;
const docs = {} as Record<Version, Json>;

beforeAll(async () => {
  t = await startTestServer();
  for (const v of ['v1.0', 'beta'] as const) {
    const r = await fetch(`${t.http}/${v}/openapi.json`);
    expect(r.status).toBe(200);
    docs[v] = (await r.json()) as Json;
  }
});
afterAll(() => t.close());

const operations = (doc: Json): [string, string, Json][] =>
  Object.entries(doc.paths as Json).flatMap(([path, item]) =>
    ['get', 'post', 'patch', 'delete', 'put']
      .filter((m) => m in (item as Json))
      .map((m) => [path, m, (item as Json)[m] as Json] as [string, string, Json]),
  );

const CFG = '/deviceAppManagement/mobileAppConfigurations';
const CFG_ID = '{managedDeviceMobileAppConfiguration-id}';
const US = `${CFG}/${CFG_ID}/userStatuses`;

describe.each(['v1.0', 'beta'] as const)('%s document', (v) => {
  it('lints clean under the recommended rules but for info-license', async () => {
    const config = await createConfig({ extends: ['recommended'] });
    const problems = await lintFromString({
      source: JSON.stringify(docs[v], null, 2),
      absoluteRef: `/${v}/openapi.json`,
      config,
    });
    const found = problems.map((p) => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`);
    expect(found).toEqual([expect.stringMatching(/^warn info-license:/)]);
  });

  it('names every operation, uniquely, as Graph does', () => {
    const ids = operations(docs[v]).map(([, , op]) => op.operationId as string);
    expect(ids.every((id) => typeof id === 'string' && id.length > 0)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    const byPath = (path: string, m: string) => (docs[v].paths[path] as Json)[m].operationId;
    expect(byPath(CFG, 'get')).toBe('deviceAppManagement.ListMobileAppConfigurations');
    expect(byPath(CFG, 'post')).toBe('deviceAppManagement.CreateMobileAppConfigurations');
    expect(byPath(`${CFG}/${CFG_ID}`, 'patch')).toBe('deviceAppManagement.UpdateMobileAppConfigurations');
    expect(byPath(US, 'get')).toBe('deviceAppManagement.mobileAppConfigurations.ListUserStatuses');
    expect(byPath(US, 'post')).toBe('deviceAppManagement.mobileAppConfigurations.CreateUserStatuses');
    const item = `${US}/{managedDeviceMobileAppConfigurationUserStatus-id}`;
    expect(byPath(item, 'get')).toBe('deviceAppManagement.mobileAppConfigurations.GetUserStatuses');
    expect(byPath(item, 'patch')).toBe('deviceAppManagement.mobileAppConfigurations.UpdateUserStatuses');
    expect(byPath(item, 'delete')).toBe('deviceAppManagement.mobileAppConfigurations.DeleteUserStatuses');
    expect(byPath(`${US}/$count`, 'get')).toMatch(
      /^deviceAppManagement\.mobileAppConfigurations\.userStatuses\.GetCount-[0-9a-f]{4}$/,
    );
  });

  it("names the directory's operations exactly as Graph's OpenAPI does", () => {
    // From Graph's v1.0 OpenAPI description (msgraph-metadata openapi/v1.0/openapi.yaml), hash suffixes included.
    const GRAPH: readonly [string, string, string][] = [
      ['/users', 'get', 'users.user.ListUser'],
      ['/users', 'post', 'users.user.CreateUser'],
      ['/users/{user-id}', 'get', 'users.user.GetUser'],
      ['/users/{user-id}', 'patch', 'users.user.UpdateUser'],
      ['/users/{user-id}', 'delete', 'users.user.DeleteUser'],
      ['/users/$count', 'get', 'users.GetCount-ee47'],
      ['/groups', 'get', 'groups.group.ListGroup'],
      ['/groups', 'post', 'groups.group.CreateGroup'],
      ['/groups/{group-id}', 'get', 'groups.group.GetGroup'],
      ['/groups/{group-id}', 'patch', 'groups.group.UpdateGroup'],
      ['/groups/{group-id}', 'delete', 'groups.group.DeleteGroup'],
      ['/groups/$count', 'get', 'groups.GetCount-044a'],
      ['/groups/{group-id}/members', 'get', 'groups.ListMembers'],
      ['/groups/{group-id}/members/$count', 'get', 'groups.members.GetCount-e1e6'],
      ['/groups/{group-id}/members/$ref', 'post', 'groups.CreateRefMembers'],
      ['/groups/{group-id}/members/{directoryObject-id}/$ref', 'delete', 'groups.members.DeleteRefDirectoryObject'],
      ['/deviceManagement/managedDevices', 'get', 'deviceManagement.ListManagedDevices'],
      ['/deviceManagement/managedDevices', 'post', 'deviceManagement.CreateManagedDevices'],
      ['/deviceManagement/managedDevices/{managedDevice-id}', 'get', 'deviceManagement.GetManagedDevices'],
      ['/deviceManagement/managedDevices/{managedDevice-id}', 'patch', 'deviceManagement.UpdateManagedDevices'],
      ['/deviceManagement/managedDevices/{managedDevice-id}', 'delete', 'deviceManagement.DeleteManagedDevices'],
    ];
    for (const [path, method, id] of GRAPH) {
      expect((docs[v].paths[path] as Json | undefined)?.[method]?.operationId, `${method} ${path}`).toBe(id);
    }
  });

  it('documents the statuses the server answers', () => {
    const responses = (path: string, m: string) => Object.keys((docs[v].paths[path] as Json)[m].responses).sort();
    expect(responses(US, 'patch')).toEqual(
      ['200', '201', '204', '400', '401', '403', '404', '409', '412', '413', '415', '429'].sort(),
    );
    expect(responses(US, 'post')).toEqual(
      ['201', '204', '400', '401', '403', '404', '409', '413', '415', '429'].sort(),
    );
    expect(responses(`${US}/$count`, 'get')).toEqual(['200', '400', '401', '403', '404', '429']);
    const item = `${US}/{managedDeviceMobileAppConfigurationUserStatus-id}`;
    expect(responses(item, 'get')).toEqual(['200', '304', '400', '401', '403', '404', '429']);
    const tooMany = docs[v].components.responses.error429;
    expect(tooMany.headers['Retry-After']).toBeDefined();
    expect(docs[v].components.schemas['microsoft.graph.ODataErrors.InnerError'].required).toEqual([
      'date',
      'request-id',
      'client-request-id',
    ]);
    for (const p of ['/$batch', '/$metadata', '/{tenant}/oauth2/v2.0/token']) expect(docs[v].paths[p]).toBeDefined();
    expect(docs[v].components.securitySchemes.oauth2.flows.clientCredentials.tokenUrl).toMatch(
      /\/oauth2\/v2\.0\/token$/,
    );
  });

  it('states what the server enforces: closed bodies, limits, nullability, allowed types', () => {
    const s = docs[v].components.schemas as Json;
    const status = s['microsoft.graph.managedDeviceMobileAppConfigurationUserStatus.update'];
    expect(status.additionalProperties).toBe(false);
    expect(status.properties.devicesCount).toMatchObject({ minimum: -2147483648, maximum: 2147483647 });
    expect(status.properties.devicesCount.nullable).toBeUndefined();
    expect(status.properties.userPrincipalName.nullable).toBe(true);
    expect(s['microsoft.graph.managedDeviceMobileAppConfigurationAssignment'].properties.target.anyOf).toContainEqual(
      expect.objectContaining({ nullable: true, enum: [null] }),
    );
    expect(s['microsoft.graph.iosMobileAppConfiguration.create'].required).toEqual(['@odata.type', 'displayName']);
    const params = docs[v].components.parameters as Json;
    expect(params.top.schema).toEqual({ type: 'integer', minimum: 1, maximum: 1000 });
    expect(params.skip.schema).toMatchObject({ type: 'integer', minimum: 0 });
    const bulk = docs[v].paths[US].patch.requestBody.content['application/json'].schema.anyOf[1];
    expect(bulk.properties.value.maxItems).toBe(1000);
  });

  it('holds exactly the types and properties of the version', () => {
    const model = modelFor(v);
    const s = docs[v].components.schemas as Json;
    for (const [name, schema] of Object.entries(s)) {
      const base = name.replace(/\.(create|update|input)$/, '').replace(/CollectionResponse$/, '');
      if (base.startsWith('microsoft.graph.ODataErrors.')) continue;
      const type = model.structuredByQualifiedName(base);
      const e = model.enumByQualifiedName(base);
      expect(type ?? e, `${name} is not a ${v} type`).toBeDefined();
      if (!type || name.endsWith('CollectionResponse') || !(schema as Json).properties) continue;
      const props = Object.keys((schema as Json).properties).filter((p) => !p.startsWith('@'));
      expect(props.sort(), name).toEqual(type.properties.map((p) => p.name).sort());
    }
  });
});

it('leaves every beta-only type and property out of v1.0, and shows them in beta', () => {
  const v1 = modelFor('v1.0');
  const beta = modelFor('beta');
  const text = JSON.stringify(docs['v1.0']);
  const betaText = JSON.stringify(docs.beta);
  const betaOnly: string[] = [];
  for (const t of [...beta.entityTypes.values(), ...beta.complexTypes.values()]) {
    const same = v1.structuredByQualifiedName(t.qualifiedName);
    if (!same) betaOnly.push(`"${t.qualifiedName}`, `"#${t.qualifiedName}"`);
    else for (const p of t.properties) if (!same.propertyMap.has(p.name)) betaOnly.push(`"${p.name}":`);
  }
  const enumSchema = (doc: Json, name: string): string[] => (doc.components.schemas as Json)[name]?.enum ?? [];
  for (const e of beta.enums.values()) {
    if (!v1.enums.has(e.name)) betaOnly.push(`"${e.qualifiedName}"`);
    // A beta-only member of an enum both versions have: only in beta's schema of that enum.
    else
      for (const m of e.members) {
        if (v1.enums.get(e.name)!.byName.has(m.name)) continue;
        expect(enumSchema(docs['v1.0'], e.qualifiedName)).not.toContain(m.name);
        expect(enumSchema(docs.beta, e.qualifiedName)).toContain(m.name);
      }
  }
  expect(betaOnly.length).toBeGreaterThan(5);
  for (const needle of betaOnly) {
    expect(text.includes(needle), `v1.0 mentions ${needle}`).toBe(false);
    expect(betaText.includes(needle), `beta lacks ${needle}`).toBe(true);
  }
});

it('keeps /openapi.json as the v1.0 document', async () => {
  const r = await fetch(`${t.http}/openapi.json`);
  expect(await r.json()).toEqual(docs['v1.0']);
});
