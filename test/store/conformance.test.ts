/** The store conformance suite, unchanged, against every store: SQLite always, PostgreSQL when reachable. */
import { storeConformance } from './conformance.js';
import { requirePostgresOrSkip, STORES } from './stores.js';

requirePostgresOrSkip();
for (const kind of STORES) storeConformance(kind);
