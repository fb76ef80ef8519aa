/**
 * The directory types in the served `$metadata` agree with Graph's CSDL (msgraph-metadata: v1.0
 * `clean_v10_metadata/cleanMetadata.xml`; beta `clean_beta_metadata/cleanMetadataWithDescriptionsAndAnnotationsbeta.xml`,
 * docs/graph-schema.md#the-directory). Each row is a fact read from BOTH documents: for every property served, the
 * type, `Nullable` and collection-ness are the same in v1.0 and beta, so one table pins both versions. Only
 * `managementAgentType` differs between them.
 */
import { describe, expect, it } from 'vitest';
import { csdlDocument } from '../../src/format/csdl.js';
import type { Version } from '../../src/model/edm.js';
import { modelFor } from '../../src/model/model.js';

/** [type, base type, property, CSDL Type, Nullable="false"] as both CSDL documents declare them. */
type Row = readonly [string, string, string, string, boolean];

const PROPERTIES: readonly Row[] = [
  ['directoryObject', 'graph.entity', '', '', false],
  ['user', 'graph.directoryObject', 'accountEnabled', 'Edm.Boolean', false],
  ['user', 'graph.directoryObject', 'businessPhones', 'Collection(Edm.String)', true],
  ['user', 'graph.directoryObject', 'createdDateTime', 'Edm.DateTimeOffset', false],
  ['user', 'graph.directoryObject', 'department', 'Edm.String', false],
  ['user', 'graph.directoryObject', 'displayName', 'Edm.String', false],
  ['user', 'graph.directoryObject', 'givenName', 'Edm.String', false],
  ['user', 'graph.directoryObject', 'jobTitle', 'Edm.String', false],
  ['user', 'graph.directoryObject', 'mail', 'Edm.String', false],
  ['user', 'graph.directoryObject', 'mailNickname', 'Edm.String', false],
  ['user', 'graph.directoryObject', 'mobilePhone', 'Edm.String', false],
  ['user', 'graph.directoryObject', 'officeLocation', 'Edm.String', false],
  ['user', 'graph.directoryObject', 'passwordProfile', 'graph.passwordProfile', false],
  ['user', 'graph.directoryObject', 'preferredLanguage', 'Edm.String', false],
  ['user', 'graph.directoryObject', 'surname', 'Edm.String', false],
  ['user', 'graph.directoryObject', 'usageLocation', 'Edm.String', false],
  ['user', 'graph.directoryObject', 'userPrincipalName', 'Edm.String', false],
  ['group', 'graph.directoryObject', 'createdDateTime', 'Edm.DateTimeOffset', false],
  ['group', 'graph.directoryObject', 'description', 'Edm.String', false],
  ['group', 'graph.directoryObject', 'displayName', 'Edm.String', false],
  ['group', 'graph.directoryObject', 'groupTypes', 'Collection(Edm.String)', true],
  ['group', 'graph.directoryObject', 'mail', 'Edm.String', false],
  ['group', 'graph.directoryObject', 'mailEnabled', 'Edm.Boolean', false],
  ['group', 'graph.directoryObject', 'mailNickname', 'Edm.String', false],
  ['group', 'graph.directoryObject', 'securityEnabled', 'Edm.Boolean', false],
  ['managedDevice', 'graph.entity', 'azureADDeviceId', 'Edm.String', false],
  ['managedDevice', 'graph.entity', 'complianceState', 'graph.complianceState', true],
  ['managedDevice', 'graph.entity', 'deviceName', 'Edm.String', false],
  ['managedDevice', 'graph.entity', 'enrolledDateTime', 'Edm.DateTimeOffset', true],
  ['managedDevice', 'graph.entity', 'lastSyncDateTime', 'Edm.DateTimeOffset', true],
  ['managedDevice', 'graph.entity', 'managedDeviceOwnerType', 'graph.managedDeviceOwnerType', true],
  ['managedDevice', 'graph.entity', 'managementAgent', 'graph.managementAgentType', true],
  ['managedDevice', 'graph.entity', 'manufacturer', 'Edm.String', false],
  ['managedDevice', 'graph.entity', 'model', 'Edm.String', false],
  ['managedDevice', 'graph.entity', 'operatingSystem', 'Edm.String', false],
  ['managedDevice', 'graph.entity', 'osVersion', 'Edm.String', false],
  ['managedDevice', 'graph.entity', 'serialNumber', 'Edm.String', false],
  ['managedDevice', 'graph.entity', 'userDisplayName', 'Edm.String', false],
  ['managedDevice', 'graph.entity', 'userId', 'Edm.String', false],
  ['managedDevice', 'graph.entity', 'userPrincipalName', 'Edm.String', false],
];

const PASSWORD_PROFILE = [
  ['forceChangePasswordNextSignIn', 'Edm.Boolean'],
  ['forceChangePasswordNextSignInWithMfa', 'Edm.Boolean'],
  ['password', 'Edm.String'],
];

const AGENTS_V1 =
  'eas=1 mdm=2 easMdm=3 intuneClient=4 easIntuneClient=5 configurationManagerClient=8 configurationManagerClientMdm=10 ' +
  'configurationManagerClientMdmEas=11 unknown=16 jamf=32 googleCloudDevicePolicyController=64 microsoft365ManagedMdm=258 msSense=1024';

const ENUMS: Record<Version, Record<string, string>> = {
  'v1.0': {
    complianceState: 'unknown=0 compliant=1 noncompliant=2 conflict=3 error=4 inGracePeriod=254 configManager=255',
    managementAgentType: AGENTS_V1,
    managedDeviceOwnerType: 'unknown=0 company=1 personal=2 unknownFutureValue=3',
  },
  beta: {
    complianceState: 'unknown=0 compliant=1 noncompliant=2 conflict=3 error=4 inGracePeriod=254 configManager=255',
    managementAgentType: `${AGENTS_V1} intuneAosp=2048 google=8192 unknownFutureValue=8193`,
    managedDeviceOwnerType: 'unknown=0 company=1 personal=2 unknownFutureValue=3',
  },
};

type Attrs = Record<string, string>;
type Element = Attrs;

const attrs = (text: string): Attrs =>
  Object.fromEntries([...text.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));

/** The `<kind Name="name" …>` element of the served document: its attributes and its child elements by tag. */
function element(
  doc: string,
  kind: string,
  name: string,
): { attrs: Attrs; children: (tag: string) => Element[] } | undefined {
  const m = new RegExp(`<${kind} Name="${name}"([^>]*?)(/>|>([\\s\\S]*?)</${kind}>)`).exec(doc);
  if (!m) return undefined;
  const body = m[3] ?? '';
  return {
    attrs: { Name: name, ...attrs(m[1]!) },
    children: (tag) => [...body.matchAll(new RegExp(`<${tag} ([^>]*?)/>`, 'g'))].map((c) => attrs(c[1]!)),
  };
}

describe.each(['v1.0', 'beta'] as const)('directory types in the %s $metadata', (v) => {
  const doc = csdlDocument(modelFor(v));
  const entity = (name: string) => element(doc, 'EntityType', name)!;

  it.each(PROPERTIES)('%s (base %s): %s is %s, non-nullable %s', (type, base, property, csdlType, notNull) => {
    const t = entity(type);
    expect(t, type).toBeDefined();
    expect(t.attrs.BaseType).toBe(base);
    if (property === '') return;
    const p = t.children('Property').find((x) => x.Name === property);
    expect(p, property).toBeDefined();
    expect(p!.Type).toBe(csdlType);
    // The writer leaves Nullable off collections (their elements are never null on the wire).
    if (!csdlType.startsWith('Collection(')) expect(p!.Nullable === 'false').toBe(notNull);
  });

  it('serves no other property of these types', () => {
    for (const type of ['user', 'group', 'managedDevice']) {
      const served = entity(type)
        .children('Property')
        .map((p) => p.Name);
      expect(served.sort()).toEqual(
        PROPERTIES.filter((r) => r[0] === type)
          .map((r) => r[2])
          .sort(),
      );
    }
  });

  it('declares the directory types closed, unlike Graph (docs/deviations.md#the-directory)', () => {
    // Graph marks directoryObject, user and group OpenType="true"; the server refuses undeclared properties, so
    // it does not claim to accept dynamic ones.
    for (const type of ['directoryObject', 'user', 'group', 'managedDevice']) {
      expect(entity(type).attrs.OpenType, type).toBeUndefined();
    }
  });

  it('declares passwordProfile and the members navigation as Graph does', () => {
    const pp = element(doc, 'ComplexType', 'passwordProfile')!;
    expect(pp.children('Property').map((p) => [p.Name, p.Type])).toEqual(PASSWORD_PROFILE);
    const members = entity('group')
      .children('NavigationProperty')
      .find((n) => n.Name === 'members');
    expect(members).toEqual({ Name: 'members', Type: 'Collection(graph.directoryObject)' });
  });

  it.each(Object.entries(ENUMS[v]))('enum %s has Graph members and values', (name, members) => {
    const e = element(doc, 'EnumType', name)!;
    expect(
      e
        .children('Member')
        .map((m) => `${m.Name}=${m.Value}`)
        .join(' '),
    ).toBe(members);
  });
});
