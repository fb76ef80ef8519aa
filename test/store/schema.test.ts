/**
 * Tables come from the model alone: what each set's table holds is read from its entity set and entity type,
 * so an entity set added to the model needs no store plumbing.
 */
import { describe, expect, it } from 'vitest';
import { ENTITY_SETS } from '../../src/model/resources.js';
import { TABLES } from '../../src/store/sql/schema.js';

describe('tables from the model', () => {
  it('gives every entity set a table named after it', () => {
    expect(Object.keys(TABLES).sort()).toEqual(Object.keys(ENTITY_SETS).sort());
    expect(Object.values(TABLES).map((t) => t.table)).toEqual([
      'configurations',
      'user_statuses',
      'device_statuses',
      'assignments',
      'users',
      'groups',
      'managed_devices',
    ]);
  });

  it('hangs each contained set under the set whose type navigates to it', () => {
    for (const t of Object.values(TABLES)) {
      expect(t.container).toBe(t.set.contained ? TABLES.configurations : undefined);
    }
  });

  it('stores the concrete type only where the type has derived types', () => {
    expect(
      Object.values(TABLES)
        .filter((t) => t.hasTypeColumn)
        .map((t) => t.set.name),
    ).toEqual(['configurations']);
  });

  it("keeps the server-managed stamps of the type's own properties", () => {
    const stamps = (name: keyof typeof TABLES) =>
      Object.fromEntries(Object.entries(TABLES[name].stamps).map(([k, c]) => [k, c.name]));
    expect(stamps('configurations')).toEqual({
      created: 'created_date_time',
      modified: 'last_modified_date_time',
      version: 'version',
    });
    expect(stamps('userStatuses')).toEqual({});
    expect(stamps('assignments')).toEqual({});
  });

  it('keeps a folded principal key only for a set matched by one', () => {
    for (const t of Object.values(TABLES)) {
      expect(t.principalKeyColumn !== undefined).toBe(t.set.principalKey !== undefined);
    }
  });

  it('links the statuses a set declares `targets` for to their user or device, in columns that are no property', () => {
    const links = Object.values(TABLES)
      .filter((t) => t.link)
      .map((t) => [t.set.name, t.link!.subject, t.link!.columns.map((c) => `${c.name}:${c.kind}`)]);
    expect(links).toEqual([
      ['userStatuses', 'user', ['user_id:text']],
      ['deviceStatuses', 'device', ['device_id:text', 'user_id:text', 'applicable:int']],
    ]);
    for (const t of Object.values(TABLES)) {
      expect(t.link?.subject).toBe(t.set.targets);
      for (const c of t.link?.columns ?? []) expect(t.columns.map((x) => x.name)).not.toContain(c.name);
    }
  });
});
