/**
 * `$metadata`: the CSDL XML of one version, generated from the model (OData CSDL XML 4.0). Element and
 * attribute shapes follow Graph's own document (msgraph-metadata `schemas/*-Prod.csdl`, quoted in
 * docs/graph-schema.md#user-status-properties, #configurations-and-their-children): namespace `microsoft.graph` with
 * alias `graph`, every entity type derived from the abstract `graph.entity` that holds the key, properties in
 * case-insensitive alphabetical order, `Nullable` written only when false, containment navigations, the bound `assign`
 * action, and the container `GraphService` with the singleton `deviceAppManagement`. Descriptions go into `Annotations`
 * blocks, as Graph's do.
 */
import { qualified, type TypeRef } from '../model/edm.js';
import type { EdmModel, Property, StructuredType } from '../model/model.js';
import { ENTITY_SETS, SINGLETONS, TOP_LEVEL_SETS } from '../model/resources.js';

const xml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');

const byName = <T extends { readonly name: string }>(items: readonly T[]): T[] =>
  [...items].sort((a, b) => {
    const x = a.name.toLowerCase();
    const y = b.name.toLowerCase();
    return x < y ? -1 : x > y ? 1 : 0;
  });

function typeRef(t: TypeRef): string {
  return t.kind === 'primitive' ? t.name : `graph.${t.name}`;
}

function propertyXml(p: Property): string {
  const type = p.collection ? `Collection(${typeRef(p.type)})` : typeRef(p.type);
  const nullable = !p.collection && !p.nullable ? ' Nullable="false"' : '';
  return `<Property Name="${xml(p.name)}" Type="${xml(type)}"${nullable} />`;
}

type Inherited = (t: StructuredType, nav: string) => boolean;

function structuredXml(t: StructuredType, element: 'EntityType' | 'ComplexType', isInherited: Inherited): string[] {
  const base = element === 'EntityType' ? (t.baseType ?? 'entity') : t.baseType;
  const attrs = `Name="${xml(t.name)}"${base ? ` BaseType="graph.${xml(base)}"` : ''}${t.abstract ? ' Abstract="true"' : ''}`;
  // `id` lives on graph.entity, as in Graph's schema.
  const own = byName(t.ownProperties.filter((p) => element === 'ComplexType' || p.name !== 'id'));
  const navs = element === 'EntityType' ? byName(t.navigations.filter((n) => !isInherited(t, n.name))) : [];
  const body = [
    ...own.map((p) => `  ${propertyXml(p)}`),
    ...navs.map(
      (n) =>
        `  <NavigationProperty Name="${xml(n.name)}" Type="${n.collection ? `Collection(graph.${xml(n.target)})` : `graph.${xml(n.target)}`}"${n.reference ? '' : ' ContainsTarget="true"'} />`,
    ),
  ];
  if (body.length === 0) return [`<${element} ${attrs} />`];
  return [`<${element} ${attrs}>`, ...body, `</${element}>`];
}

function annotations(target: string, description: string | undefined): string[] {
  if (!description) return [];
  return [
    `<Annotations Target="${xml(target)}">`,
    `  <Annotation Term="Org.OData.Core.V1.Description" String="${xml(description)}" />`,
    '</Annotations>',
  ];
}

/** The CSDL document of `model`'s version. */
export function csdlDocument(model: EdmModel): string {
  const entities = [...model.entityTypes.values()];
  // Navigations come resolved with inheritance flattened; a derived type declares only those its base lacks.
  const isInherited: Inherited = (t, nav) =>
    (t.baseType ? model.entityTypes.get(t.baseType)?.navigations.some((n) => n.name === nav) : false) ?? false;
  const schema: string[] = [];
  for (const e of model.enums.values()) {
    schema.push(`<EnumType Name="${xml(e.name)}">`);
    for (const m of e.members) schema.push(`  <Member Name="${xml(m.name)}" Value="${m.value}" />`);
    schema.push('</EnumType>');
  }
  schema.push(
    '<EntityType Name="entity" Abstract="true">',
    '  <Key>',
    '    <PropertyRef Name="id" />',
    '  </Key>',
    '  <Property Name="id" Type="Edm.String" Nullable="false" />',
    '</EntityType>',
  );
  // Each singleton's type navigates to the top-level sets that hang under it.
  for (const [singleton, sets] of SINGLETONS) {
    schema.push(`<EntityType Name="${xml(singleton)}" BaseType="graph.entity">`);
    for (const s of sets) {
      schema.push(
        `  <NavigationProperty Name="${xml(s.segment)}" Type="Collection(graph.${xml(s.entityType)})" ContainsTarget="true" />`,
      );
    }
    schema.push('</EntityType>');
  }
  for (const t of entities) schema.push(...structuredXml(t, 'EntityType', isInherited));
  for (const t of model.complexTypes.values()) schema.push(...structuredXml(t, 'ComplexType', isInherited));
  for (const s of TOP_LEVEL_SETS) {
    if (!s.actions?.includes('assign')) continue;
    schema.push(
      '<Action Name="assign" IsBound="true">',
      `  <Parameter Name="bindingParameter" Type="graph.${s.entityType}" />`,
      `  <Parameter Name="assignments" Type="Collection(graph.${ENTITY_SETS.assignments.entityType})" />`,
      '</Action>',
    );
  }
  schema.push('<EntityContainer Name="GraphService">');
  for (const s of TOP_LEVEL_SETS) {
    if (s.singleton === undefined)
      schema.push(`  <EntitySet Name="${xml(s.segment)}" EntityType="${qualified(s.entityType)}" />`);
  }
  for (const singleton of SINGLETONS.keys()) {
    schema.push(`  <Singleton Name="${xml(singleton)}" Type="${qualified(singleton)}" />`);
  }
  schema.push('</EntityContainer>');
  for (const s of TOP_LEVEL_SETS) {
    if (s.singleton !== undefined) schema.push(...annotations(`${qualified(s.singleton)}/${s.segment}`, s.description));
  }
  for (const t of [...entities, ...model.complexTypes.values()]) {
    schema.push(...annotations(t.qualifiedName, t.description));
    for (const p of t.ownProperties) {
      if (p.name === 'id' && t.kind === 'entity') continue;
      schema.push(...annotations(`${t.qualifiedName}/${p.name}`, p.description));
    }
    if (t.kind === 'entity') {
      for (const n of t.navigations)
        if (!isInherited(t, n.name)) schema.push(...annotations(`${t.qualifiedName}/${n.name}`, n.description));
    }
  }
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">',
    '  <edmx:Reference Uri="https://oasis-tcs.github.io/odata-vocabularies/vocabularies/Org.OData.Core.V1.xml">',
    '    <edmx:Include Namespace="Org.OData.Core.V1" Alias="Core" />',
    '  </edmx:Reference>',
    '  <edmx:DataServices>',
    '    <Schema Namespace="microsoft.graph" Alias="graph" xmlns="http://docs.oasis-open.org/odata/ns/edm">',
    ...schema.map((l) => `      ${l}`),
    '    </Schema>',
    '  </edmx:DataServices>',
    '</edmx:Edmx>',
    '',
  ].join('\n');
}
