/** Honesty probes: the same request to two servers, and whether they answer alike. */

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
