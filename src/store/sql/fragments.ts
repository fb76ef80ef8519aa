/**
 * The SQL fragment builder: compiler-authored text and request values as parameters, joined so the parameters
 * stay in placeholder order. Placeholders are `?` (the PostgreSQL store rewrites them to `$n`); no fragment uses
 * PostgreSQL's `?` JSON operators for that reason.
 */

/** A piece of SQL with the parameters its placeholders take, in order. */
export interface Frag {
  readonly text: string;
  readonly params: readonly unknown[];
}

/** Compiler-authored SQL text (never request text). */
export const raw = (text: string): Frag => ({ text, params: [] });

/** A value from the request, always as a parameter. */
export const param = (v: unknown): Frag => ({ text: '?', params: [v] });

/** Joins fragments with compiler-authored text in between, keeping parameters in placeholder order. */
export function sql(strings: TemplateStringsArray, ...parts: Frag[]): Frag {
  let text = strings[0]!;
  const params: unknown[] = [];
  parts.forEach((p, i) => {
    text += p.text + strings[i + 1]!;
    for (const v of p.params) params.push(v);
  });
  return { text, params };
}

export function join(parts: readonly Frag[], sep: string): Frag {
  const params: unknown[] = [];
  for (const p of parts) for (const v of p.params) params.push(v);
  return { text: parts.map((p) => p.text).join(sep), params };
}

export const TRUE: Frag = raw('(1 = 1)');
export const FALSE: Frag = raw('(1 = 0)');
