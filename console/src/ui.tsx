/** Small pieces every view uses: loading and error lines, a status with its colour, a page heading. */
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import type { Loaded } from './load';
import { statusColor, statusLabel } from './status';

/** Renders `children(value)` once loaded; a polite "loading" line and an alert with the server's words otherwise. */
export function Show<T>({
  value,
  what,
  children,
}: {
  value: Loaded<T>;
  what: string;
  children: (v: T) => ComponentChildren;
}) {
  if (value.state === 'loading')
    return (
      <p class="muted" role="status">
        Loading {what}…
      </p>
    );
  if (value.state === 'error')
    return (
      <p class="error" role="alert">
        Could not load {what}: {value.error}
      </p>
    );
  return <>{children(value.value)}</>;
}

export function StatusBadge({ status }: { status: string }) {
  return (
    <span class="status">
      <span class="dot" style={{ backgroundColor: statusColor(status) }} aria-hidden="true" />
      {statusLabel(status)}
    </span>
  );
}

/** The view's heading, focused when the view opens so that keyboard and screen-reader users start there. */
export function Heading({ children }: { children: ComponentChildren }) {
  const h = useRef<HTMLHeadingElement>(null);
  useEffect(() => h.current?.focus(), []);
  return (
    <h1 ref={h} tabIndex={-1}>
      {children}
    </h1>
  );
}

/**
 * A box that scrolls sideways when its table is wider than the screen. It takes keyboard focus (and is named), so
 * that someone without a mouse can scroll it too (WCAG 2.1.1; axe's scrollable-region-focusable).
 */
export function Scroll({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard
    <section class="scroll" aria-label={label} tabIndex={0}>
      {children}
    </section>
  );
}
