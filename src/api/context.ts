/** What every handler gets: the request, the resolved model and target, the caller's scope, the store. */
import type { Principal } from '../auth/principal.js';
import type { Version } from '../model/edm.js';
import type { EdmModel } from '../model/model.js';
import type { PathTarget } from '../odata/path.js';
import type { Scope, Store } from '../store/port.js';
import type { ApiRequest } from './types.js';

export interface Settings {
  /** Default page size when `$top` is absent (`--page-size`). */
  readonly pageSize: number;
  /** Overrides the scheme and host of absolute URLs (`--public-url`). */
  readonly publicUrl: string | undefined;
  /** Devices check in (`--simulate`): a configuration's new version makes its statuses pending again. */
  readonly simulate?: boolean;
}

export interface Ctx {
  readonly req: ApiRequest;
  readonly version: Version;
  readonly model: EdmModel;
  readonly target: PathTarget;
  readonly principal: Principal;
  readonly scope: Scope;
  readonly store: Store;
  readonly settings: Settings;
  /** `{base}/{version}`: the service root for context URLs, `Location` and `@odata.nextLink`. */
  readonly serviceRoot: string;
  /** The raw query string (without `?`). */
  readonly query: string;
}
