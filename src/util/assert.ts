/** Ends every exhaustive switch over a kind-tagged union: a forgotten kind does not compile. */
export function assertNever(x: never, what = 'value'): never {
  throw new Error(`Unexpected ${what}: ${JSON.stringify(x)}`);
}
