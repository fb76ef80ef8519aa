/**
 * A value loaded on demand, with its error; reloaded when the inputs change and never set after the view went.
 * The render that sees new inputs already answers "loading", so a view never shows the old value as the new.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { message } from './http';

export type Loaded<T> =
  | { readonly state: 'loading' }
  | { readonly state: 'error'; readonly error: string; readonly status?: number }
  | { readonly state: 'ok'; readonly value: T };

const LOADING = { state: 'loading' } as const;

const same = (a: readonly unknown[], b: readonly unknown[]): boolean =>
  a.length === b.length && a.every((x, i) => Object.is(x, b[i]));

export function useLoad<T>(load: (signal: AbortSignal) => Promise<T>, inputs: readonly unknown[]): Loaded<T> {
  const generation = useRef({ inputs, n: 0 });
  if (!same(generation.current.inputs, inputs)) generation.current = { inputs, n: generation.current.n + 1 };
  const n = generation.current.n;
  const [v, setV] = useState<{ n: number; value: Loaded<T> }>({ n: -1, value: LOADING });
  useEffect(() => {
    const abort = new AbortController();
    load(abort.signal).then(
      (value) => abort.signal.aborted || setV({ n, value: { state: 'ok', value } }),
      (e: unknown) =>
        abort.signal.aborted ||
        setV({ n, value: { state: 'error', error: message(e), ...(hasStatus(e) ? { status: e.status } : {}) } }),
    );
    return () => abort.abort();
    // The caller names what the load depends on.
  }, inputs);
  return v.n === n ? v.value : LOADING;
}

const hasStatus = (e: unknown): e is { status: number } =>
  typeof e === 'object' && e !== null && typeof (e as { status?: unknown }).status === 'number';
