/**
 * The package's public entry. Everything else is internal and may change without notice; an export snapshot
 * test (test/unit/exports.test.ts) keeps this surface deliberate.
 */
export { type Api, type ApiDeps, createApi } from './api/app.js';
export type { ApiRequest, ApiResponse } from './api/types.js';
export type { Principal } from './auth/principal.js';
export { resolveServeConfig, type ServeConfig } from './cli/config.js';
export { type RunningServer, startServer } from './cli/start.js';
export { modelFor } from './model/model.js';
export { parseFilter, parseOrderBy } from './odata/parser.js';
export { printExpression } from './odata/print.js';
export type { SyntaxNode } from './odata/syntax.js';
export { openStore } from './store/open.js';
export type { Store } from './store/port.js';
export { ApiError, ERRORS, type ErrorCode } from './util/errors.js';
