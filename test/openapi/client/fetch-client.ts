/**
 * A small typed fetch wrapper over `paths` as openapi-typescript generates them: the path, its parameters, the
 * body and every documented answer are typed from the document alone. It is compiled together with the
 * generated types in test/openapi/client.test.ts, so it stays free of imports.
 */
type Method = 'get' | 'post' | 'patch' | 'delete';
type Op<Paths, P extends keyof Paths, M extends Method> = M extends keyof Paths[P] ? NonNullable<Paths[P][M]> : never;
type PathParams<O> = O extends { parameters: { path: infer P } } ? P : Record<string, never>;
type Body<O> = O extends { requestBody: { content: { 'application/json': infer B } } }
  ? B
  : O extends { requestBody?: { content: { 'application/json': infer B } } }
    ? B
    : undefined;
type Responses<O> = O extends { responses: infer R } ? R : never;
type JsonOf<R> = R extends { content: { 'application/json': infer J } } ? J : undefined;

/** One documented answer: its status and the body the document gives for it. */
export type Answer<O> = {
  [S in keyof Responses<O>]: { status: S; body: JsonOf<Responses<O>[S]>; headers: Headers };
}[keyof Responses<O>];

export function createClient<Paths>(base: string, token: string) {
  return async function call<P extends keyof Paths & string, M extends Method>(
    method: M,
    path: P,
    params: PathParams<Op<Paths, P, M>>,
    body?: Body<Op<Paths, P, M>>,
    headers: Record<string, string> = {},
  ): Promise<Answer<Op<Paths, P, M>>> {
    let url: string = path;
    for (const [k, v] of Object.entries(params as Record<string, string>)) {
      url = url.replace(`{${k}}`, encodeURIComponent(v));
    }
    const r = await fetch(`${base}${url}`, {
      method: method.toUpperCase(),
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await r.text();
    return { status: r.status, body: text ? JSON.parse(text) : undefined, headers: r.headers } as Answer<
      Op<Paths, P, M>
    >;
  };
}
