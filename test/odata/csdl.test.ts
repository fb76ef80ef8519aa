/**
 * `$metadata` against Graph's own CSDL: every EntityType, ComplexType, EnumType and Action of
 * fixtures/graph-reference-csdl.xml (Graph's CSDL for this family, verbatim; docs/graph-schema.md describes it)
 * appears verbatim (white space aside) in the document of the version it belongs to, and nothing beta-only leaks
 * into v1.0.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { csdlDocument } from '../../src/format/csdl.js';
import { modelFor } from '../../src/model/model.js';

/** Graph's own CSDL for the types served, copied verbatim from msgraph-metadata. */
const REFERENCE = readFileSync(new URL('./fixtures/graph-reference-csdl.xml', import.meta.url), 'utf8');
const V1 = csdlDocument(modelFor('v1.0'));
const BETA = csdlDocument(modelFor('beta'));

const norm = (s: string): string => s.replace(/>\s+</g, '><').replace(/\s+/g, ' ').trim();

function elements(text: string): string[] {
  const out: string[] = [];
  const re = /<(EntityType|ComplexType|EnumType|Action)\b[^>]*?(?:\/>|>[\s\S]*?<\/\1>)/g;
  for (const m of text.matchAll(re)) out.push(norm(m[0]));
  return out;
}

const quoted = elements(REFERENCE);

/** Which document each quoted element must be in, by a distinctive fragment; the rest are in both. */
const ONLY: readonly [RegExp, 'v1.0' | 'beta'][] = [
  [/Name="android/, 'beta'],
  [/deviceAndAppManagementAssignmentFilter/, 'beta'],
  [/Name="roleScopeTagIds"|Name="platform"|Name="conflictCount"|Name="notApplicablePlatformCount"/, 'beta'],
  [/^<EntityType Name="managedDeviceMobileAppConfiguration" /, 'v1.0'],
  [
    /^<EntityType Name="managedDeviceMobileAppConfiguration(Device|User)Summary"|^<EntityType Name="managedDeviceMobileAppConfigurationDeviceStatus"/,
    'v1.0',
  ],
  [/^<ComplexType Name="deviceAndAppManagementAssignmentTarget" Abstract="true" \/>$/, 'v1.0'],
];

function versionsOf(el: string): ('v1.0' | 'beta')[] {
  for (const [re, v] of ONLY) if (re.test(el)) return [v];
  return ['v1.0', 'beta'];
}

describe("$metadata matches Graph's CSDL", () => {
  it('quotes enough of the reference to mean something', () => {
    expect(quoted.length).toBeGreaterThan(25);
  });

  it.each(quoted.map((el) => [el.slice(0, 90), el] as const))('%s…', (_label, el) => {
    const docs = { 'v1.0': norm(V1), beta: norm(BETA) };
    const expected = versionsOf(el);
    for (const v of expected) expect(docs[v], `${v} should contain it`).toContain(el);
  });

  it('v1.0 has neither beta types nor beta properties', () => {
    expect(V1).not.toMatch(
      /android|roleScopeTagIds|conflictCount|notApplicablePlatformCount|Name="platform"|AssignmentFilter/,
    );
    expect(BETA).toMatch(
      /<EntityType Name="androidForWorkMobileAppConfiguration" BaseType="graph.managedDeviceMobileAppConfiguration">/,
    );
  });

  it('has the container, the singleton, containment and the namespace alias', () => {
    for (const doc of [V1, BETA]) {
      expect(doc).toMatch(
        /^<\?xml version="1.0" encoding="utf-8"\?>\n<edmx:Edmx Version="4.0" xmlns:edmx="http:\/\/docs.oasis-open.org\/odata\/ns\/edmx">/,
      );
      expect(doc).toContain(
        '<Schema Namespace="microsoft.graph" Alias="graph" xmlns="http://docs.oasis-open.org/odata/ns/edm">',
      );
      expect(norm(doc)).toContain(
        '<EntityContainer Name="GraphService">' +
          '<EntitySet Name="users" EntityType="microsoft.graph.user" />' +
          '<EntitySet Name="groups" EntityType="microsoft.graph.group" />' +
          '<Singleton Name="deviceAppManagement" Type="microsoft.graph.deviceAppManagement" />' +
          '<Singleton Name="deviceManagement" Type="microsoft.graph.deviceManagement" />' +
          '</EntityContainer>',
      );
      expect(norm(doc)).toContain(
        '<EntityType Name="deviceAppManagement" BaseType="graph.entity"><NavigationProperty Name="mobileAppConfigurations" Type="Collection(graph.managedDeviceMobileAppConfiguration)" ContainsTarget="true" /></EntityType>',
      );
      expect(doc).toContain(
        '<Annotations Target="microsoft.graph.managedDeviceMobileAppConfigurationUserStatus/devicesCount">',
      );
    }
  });

  it('is well-formed: every element closes, in order', () => {
    for (const doc of [V1, BETA]) {
      const stack: string[] = [];
      for (const m of doc.matchAll(/<(\/?)([A-Za-z:]+)[^>]*?(\/?)>/g)) {
        if (m[3] === '/') continue;
        if (m[1] === '/') expect(stack.pop()).toBe(m[2]);
        else stack.push(m[2]!);
      }
      expect(stack).toEqual([]);
      expect(doc).not.toMatch(/&(?!amp;|lt;|gt;|quot;|apos;)/);
    }
  });
});
