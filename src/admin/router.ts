/**
 * The control plane's route table: method + path pattern → handler. A feature adds its routes as one more
 * module (routes/*.ts) of `Route`s; the router, the 404/405 answers and `/_admin/openapi.json` follow from the
 * table without further code.
 */
import type { ApiRequest } from '../api/types.js';
import { ApiError, badRequest, notFound } from '../util/errors.js';
import type { EventStreamResponse, PlainResponse } from '../util/exchange.js';
import type { Field } from './fields.js';

export const ADMIN_PREFIX = '/_admin';

/** What a handler gets: the request, its path parameters (decoded), its query and body checked against the route's fields. */
export interface AdminCall {
  readonly req: ApiRequest;
  readonly params: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string | number>>;
  /** `{}` for a route without a body. */
  readonly body: Readonly<Record<string, unknown>>;
}

export type AdminResponse = PlainResponse | EventStreamResponse;

/** The success answer of a route, for the OpenAPI document. */
export interface RouteAnswer {
  readonly status: number;
  readonly description: string;
  /** A JSON Schema, or a `$ref` to one in `components/schemas`; absent for 204. */
  readonly schema?: Record<string, unknown>;
  /** `text/event-stream` instead of JSON. */
  readonly eventStream?: boolean;
}

export interface Route {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Under the prefix, with `{name}` for a parameter: `/snapshots/{name}/restore`. */
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  /** Descriptions of the path parameters. */
  readonly params?: Readonly<Record<string, string>>;
  /** The query parameters it takes (none when absent: any is 400). */
  readonly query?: readonly Field[];
  /** The members of its JSON body, when it takes one. */
  readonly body?: readonly Field[];
  readonly answer: RouteAnswer;
  /** Opens with a one-time stream ticket (`?ticket=`) in place of the key: only for event streams (tickets.ts). */
  readonly ticket?: boolean;
  /** Statuses of the errors it may answer besides 400, 401 and 405 (e.g. 404, 409). */
  readonly errors?: readonly number[];
  handle(call: AdminCall): Promise<AdminResponse>;
}

interface Compiled {
  readonly route: Route;
  readonly segments: readonly string[];
}

const segmentsOf = (path: string): string[] => path.split('/').filter((s) => s !== '');
const isParam = (s: string): boolean => s.startsWith('{') && s.endsWith('}');

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw badRequest(`The path segment '${segment}' is not valid percent-encoding.`);
  }
}

/** `params` when `segments` fits the pattern, else undefined. */
function paramsIfFits(pattern: readonly string[], segments: readonly string[]): Record<string, string> | undefined {
  if (pattern.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i]!;
    if (isParam(p)) params[p.slice(1, -1)] = decode(segments[i]!);
    else if (p !== segments[i]) return undefined;
  }
  return params;
}

export interface Router {
  readonly routes: readonly Route[];
  /** The route and parameters for a request under the prefix; 404 for no path, 405 with `Allow` for no method. */
  find(method: string, path: string): { route: Route; params: Record<string, string> };
}

export function createRouter(routes: readonly Route[]): Router {
  const compiled: Compiled[] = routes.map((route) => ({ route, segments: segmentsOf(route.path) }));
  return {
    routes,
    find(method, path) {
      const segments = segmentsOf(path.slice(ADMIN_PREFIX.length));
      const fitting = compiled.flatMap((c) => {
        const params = paramsIfFits(c.segments, segments);
        return params ? [{ route: c.route, params }] : [];
      });
      if (fitting.length === 0)
        throw notFound(`No control-plane resource at '${path}'; GET ${ADMIN_PREFIX}/openapi.json lists them.`);
      const hit = fitting.find((f) => f.route.method === method);
      if (hit) return hit;
      const allow = [...new Set(fitting.map((f) => f.route.method))].join(', ');
      throw new ApiError('MethodNotAllowed', `${method} is not allowed on '${path}'; allowed: ${allow}.`, {
        headers: { Allow: allow },
      });
    },
  };
}
