/** `$metadata`: the CSDL of the version, generated from the model on first request and cached. */
import type { Version } from '../model/edm.js';
import { modelFor } from '../model/model.js';

const cache = new Map<Version, Promise<string>>();

export function metadataDocument(version: Version): Promise<string> {
  let doc = cache.get(version);
  if (doc === undefined) {
    doc = import('../format/csdl.js').then(({ csdlDocument }) => csdlDocument(modelFor(version)));
    cache.set(version, doc);
  }
  return doc;
}
