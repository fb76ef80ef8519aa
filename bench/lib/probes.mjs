/** Honesty probes: the same request to two servers, and whether they answer alike. */
import { log } from './context.mjs';
import { statusBody, statusId } from './data.mjs';
import { ourPath, PAGE_QUERY } from './servers.mjs';

/** One request; the answer's status, text and headers. */
export async function send(url, method, path, headers, body) {
  const r = await fetch(`${url}${path}`, {
    method,
    headers: { ...headers, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await r.text();
  return { status: r.status, text, headers: r.headers };
}

/** The same request to ours and to the limit must give the same JSON (hosts aside): the limit is honest. */
export async function sameJson(ours, limit, method, path, body, project = (x) => x) {
  const a = await send(ours.url, method, path, ours.headers, body);
  const b = await send(limit.url, method, path, limit.headers, body);
  const norm = (t, url) => JSON.stringify(project(JSON.parse(t.replaceAll(url, 'http://HOST'))));
  if (a.status !== b.status) return `status ${a.status} (ours) vs ${b.status} (limit): ${a.text.slice(0, 300)}`;
  const x = norm(a.text, ours.url);
  const y = norm(b.text, limit.url);
  return x === y ? undefined : `bodies differ:\n  ours:  ${x.slice(0, 600)}\n  limit: ${y.slice(0, 600)}`;
}

/**
 * Each benchmarked request on a configuration's status 3 (the bulk on statuses 0–2) as [method, path, body,
 * what to compare]: a page and a bulk answer are compared by their values (the skip tokens differ by design).
 */
const values = (b) => b.value;
const PROBES = {
  'seed PATCH': (cfg) => ['PATCH', ourPath(cfg), statusBody(3, 3)],
  'keyed GET': (cfg) => ['GET', `${ourPath(cfg)}/${statusId(cfg.tag, 3)}`],
  'keyed PATCH': (cfg) => [
    'PATCH',
    `${ourPath(cfg)}/${statusId(cfg.tag, 3)}`,
    { status: 'compliant', devicesCount: 1 },
  ],
  'filtered page': (cfg) => ['GET', `${ourPath(cfg)}?${PAGE_QUERY}`, undefined, values],
  'bulk upsert': (cfg) => ['PATCH', ourPath(cfg), { value: [0, 1, 2].map((i) => statusBody(i, 5)) }, values],
};

/** The probes `names` against ours and the limit on `cfg`; a difference becomes a note of the run. */
export async function checkLimit(ctx, ours, limit, cfg, names, where = '') {
  for (const what of names) {
    const [method, path, body, project] = PROBES[what](cfg);
    const diff = await sameJson(ours, limit, method, path, body, project);
    if (diff) ctx.report.notes.push(`The limit${where} does not answer the ${what} as ours does: ${diff}`);
    else log(`  ${what}${where}: the limit answers the same JSON as ours`);
  }
}
