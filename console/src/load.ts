/** A value loaded on demand, with its error; reloaded when the inputs change and never set after the view went. */
import { useEffect, useState } from 'preact/hooks';
import { message } from './http';

export type Loaded<T> =
  | { readonly state: 'loading' }
  | { readonly state: 'error'; readonly error: string; readonly status?: number }
  | { readonly state: 'ok'; readonly value: T };

export function useLoad<T>(load: (signal: AbortSignal) => Promise<T>, inputs: readonly unknown[]): Loaded<T> {
  const [v, setV] = useState<Loaded<T>>({ state: 'loading' });
  useEffect(() => {
    const abort = new AbortController();
    setV({ state: 'loading' });
    load(abort.signal).then(
      (value) => abort.signal.aborted || setV({ state: 'ok', value }),
      (e: unknown) =>
        abort.signal.aborted ||
        setV({ state: 'error', error: message(e), ...(hasStatus(e) ? { status: e.status } : {}) }),
    );
    return () => abort.abort();
    // The caller names what the load depends on.
  }, inputs);
  return v;
}

const hasStatus = (e: unknown): e is { status: number } =>
  typeof e === 'object' && e !== null && typeof (e as { status?: unknown }).status === 'number';
