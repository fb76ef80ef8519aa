/**
 * The console's only way to the server: `fetch` to its own origin (the page's Content-Security-Policy allows no
 * other). Errors come back in Graph's shape (`{"error":{"code","message"}}`) from Graph and the control plane
 * alike, and become an `HttpError` that says what the server said.
 */

export interface Answer {
  readonly status: number;
  readonly statusText: string;
  readonly headers: readonly (readonly [string, string])[];
  readonly text: string;
  /** Milliseconds from sending to the whole body read. */
  readonly ms: number;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface SendOptions {
  readonly headers?: Record<string, string>;
  readonly body?: string;
  readonly signal?: AbortSignal;
}

export async function send(method: string, url: string, opts: SendOptions = {}): Promise<Answer> {
  const start = performance.now();
  const res = await fetch(url, {
    method,
    headers: opts.headers ?? {},
    ...(opts.body !== undefined ? { body: opts.body } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
    cache: 'no-store',
    credentials: 'omit',
  });
  const text = await res.text();
  return {
    status: res.status,
    statusText: res.statusText,
    headers: [...res.headers.entries()],
    text,
    ms: performance.now() - start,
  };
}

/** The error an answer carries, in the server's words. */
export function errorOf(a: Answer): HttpError {
  try {
    const e = (JSON.parse(a.text) as { error?: { code?: string; message?: string } | string }).error;
    if (typeof e === 'object' && e) return new HttpError(a.status, e.code ?? '', e.message ?? a.statusText);
  } catch {
    // not JSON: fall through to the status line
  }
  return new HttpError(a.status, '', `${a.status} ${a.statusText}`.trim());
}

/** The answer's JSON, or its error thrown. */
export function jsonOf<T>(a: Answer): T {
  if (a.status < 200 || a.status > 299) throw errorOf(a);
  return (a.text === '' ? undefined : JSON.parse(a.text)) as T;
}

export const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));
