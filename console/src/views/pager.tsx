/**
 * Server-side paging: the first page's URL, then each page's `@odata.nextLink` as the server wrote it; "previous"
 * goes back along the links already followed. A new first URL (a filter, a search, a sort) starts again.
 */
import { useState } from 'preact/hooks';
import { num } from '../status';

/** The link's path and query: the page asks its own origin whatever host the server named. */
const local = (link: string): string => {
  const u = new URL(link, location.href);
  return `${u.pathname}${u.search}`;
};

export function usePager(first: string, key: readonly unknown[] = []) {
  const id = JSON.stringify([first, ...key]);
  const [s, setS] = useState<{ id: string; stack: readonly string[] }>({ id, stack: [first] });
  const stack = s.id === id ? s.stack : [first];
  const url = stack[stack.length - 1] ?? first;
  const index = stack.length - 1;
  return {
    url,
    controls(nextLink: string | undefined, count: number | undefined, rows: number, what: string, size?: number) {
      const from = size === undefined ? undefined : index * size + 1;
      return (
        <nav class="pager" aria-label={`Pages of ${what}`}>
          <button type="button" disabled={index === 0} onClick={() => setS({ id, stack: stack.slice(0, -1) })}>
            Previous page
          </button>
          <span aria-live="polite" data-pager-position>
            {count === 0
              ? 'None'
              : `Page ${index + 1}${from !== undefined && rows > 0 ? ` · ${num(from)}–${num(from + rows - 1)}` : ''}${count !== undefined ? ` of ${num(count)}` : ''}`}
          </span>
          <button
            type="button"
            disabled={!nextLink}
            onClick={() => nextLink && setS({ id, stack: [...stack, local(nextLink)] })}
          >
            Next page
          </button>
        </nav>
      );
    },
  };
}
