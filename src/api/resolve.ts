/**
 * The first phases of a request: the version segment, the path's target, and whether the target allows the
 * method. Model-driven: a set's methods and route label follow from its entry in `model/resources.ts`.
 */
import { entityRoute, setRoute, summaryRoute } from '../format/context.js';
import { type Version, versionNamed } from '../model/edm.js';
import { type EdmModel, modelFor } from '../model/model.js';
import { actionSet, ENTITY_SETS, LINKS } from '../model/resources.js';
import { type PathTarget, parsePath } from '../odata/path.js';
import { assertNever } from '../util/assert.js';
import { ApiError } from '../util/errors.js';

export interface Resolved {
  readonly version: Version;
  readonly model: EdmModel;
  readonly target: PathTarget;
  /** The raw query string (without `?`). */
  readonly query: string;
}

/**
 * The version and target of `url`, or, when the first segment is no version, that segment (still encoded):
 * the caller decides whether another route (the local issuer) answers it.
 */
export function resolve(url: string): Resolved | { readonly unversioned: string } {
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const query = q < 0 ? '' : url.slice(q + 1);
  const slash = path.indexOf('/', 1);
  const versionText = slash < 0 ? path.slice(1) : path.slice(1, slash);
  const version = versionNamed(versionText);
  if (!version) return { unversioned: versionText };
  const model = modelFor(version);
  return { version, model, target: parsePath(model, slash < 0 ? '' : path.slice(slash)), query };
}

export const invalidVersion = (versionText: string): ApiError =>
  new ApiError('ResourceNotFound', `Invalid version: ${decodeURIComponent(versionText)}`);

/** Allowed methods per target (405 with `Allow` otherwise). A set with a principal key has the key-less PATCH. */
export function allowedMethods(target: PathTarget): readonly string[] {
  switch (target.kind) {
    case 'metadata':
      return ['GET'];
    case 'batch':
      return ['POST'];
    case 'collection':
      return ENTITY_SETS[target.set].upsertByPrincipal ? ['GET', 'POST', 'PATCH'] : ['GET', 'POST'];
    case 'entity':
      return ['GET', 'PATCH', 'DELETE'];
    case 'count':
    case 'summary':
      return ['GET'];
    case 'action':
      return ['POST'];
    case 'links':
      return target.view === 'refs' ? ['POST'] : target.view === 'ref' ? ['DELETE'] : ['GET'];
    default:
      return assertNever(target, 'target');
  }
}

/** Throws 405 with `Allow` unless `target` allows `method`. */
export function checkMethod(method: string, target: PathTarget): void {
  const methods = allowedMethods(target);
  if (methods.includes(method)) return;
  throw new ApiError(
    'MethodNotAllowed',
    target.kind === 'summary'
      ? `The ${target.summary} is computed from the statuses and cannot be changed; only GET is allowed.`
      : `The HTTP method '${method}' is not allowed on this resource; allowed: ${methods.join(', ')}.`,
    { headers: { Allow: methods.join(', ') } },
  );
}

/** A route label for metrics and logs: the shape of the path, never its ids. */
export function routeOf(target: PathTarget): string {
  switch (target.kind) {
    case 'metadata':
      return '$metadata';
    case 'batch':
      return '$batch';
    case 'collection':
      return setRoute(target.set);
    case 'entity':
      return `${setRoute(target.set)}/{id}`;
    case 'count':
      return `${setRoute(target.set)}/$count`;
    case 'summary':
      return summaryRoute(target.summary);
    case 'action':
      return entityRoute(actionSet(target.action).name, target.action);
    case 'links': {
      const base = entityRoute(LINKS[target.link].owner, LINKS[target.link].segment);
      return { collection: base, count: `${base}/$count`, refs: `${base}/$ref`, ref: `${base}/{id}/$ref` }[target.view];
    }
    default:
      return assertNever(target, 'target');
  }
}
