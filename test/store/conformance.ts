/**
 * The store conformance suite: one `describe` per store, the same tests and the same expected answers for
 * every implementation (docs/architecture.md#one-conformance-suite). Each concern is a file of
 * `conformance/`; this runner opens the store and applies every file to it. Each test works in a tenant of its
 * own, so tests share one store without seeing each other.
 */
import { afterAll, beforeAll, describe } from 'vitest';
import type { Store } from '../../src/store/port.js';
import { bulkCreateCases } from './conformance/bulk-create.js';
import { checkinCases } from './conformance/checkins.js';
import { concurrencyCases } from './conformance/concurrency.js';
import type { Conformance } from './conformance/context.js';
import { controlCases } from './conformance/control.js';
import { crudCases } from './conformance/crud.js';
import { directoryCases } from './conformance/directory.js';
import { keyCases } from './conformance/keys.js';
import { pagingCases } from './conformance/paging.js';
import { queryCases } from './conformance/queries.js';
import { targetingCases } from './conformance/targeting.js';
import { upsertCases } from './conformance/upsert.js';
import { valueCases } from './conformance/values.js';
import { configuration, newTenant } from './fixtures.js';
import type { OpenedStore, StoreKind } from './stores.js';

const CASES: readonly ((c: Conformance) => void)[] = [
  crudCases,
  upsertCases,
  valueCases,
  queryCases,
  pagingCases,
  concurrencyCases,
  keyCases,
  bulkCreateCases,
  directoryCases,
  controlCases,
  targetingCases,
  checkinCases,
];

export function storeConformance(kind: StoreKind): void {
  describe.skipIf(!kind.available)(`store conformance: ${kind.name}`, () => {
    let opened: OpenedStore;
    let store: Store;
    const users: ((store: Store) => void)[] = [];

    beforeAll(async () => {
      opened = await kind.open();
      store = opened.store;
      for (const use of users) use(store);
    });
    afterAll(async () => {
      await opened?.close();
    });

    const c: Conformance = {
      kind,
      opened: (use) => {
        users.push(use);
      },
      async withConfiguration(values = {}) {
        const tenant = newTenant();
        const config = await store.create('configurations', { tenant }, configuration(values));
        return { tenant, config, scope: { tenant, configId: config.id } };
      },
    };
    for (const cases of CASES) cases(c);
  });
}
