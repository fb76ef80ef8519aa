/** Names and a seeded random source shared by the seed of the directory and of the configurations. */

/** Realistic names; the benchmarks build the same data from these. */
export const FIRST_NAMES = [
  'Adele',
  'Alex',
  'Diego',
  'Grady',
  'Henrietta',
  'Isaiah',
  'Johanna',
  'Joni',
  'Lee',
  'Lidia',
  'Lynne',
  'Megan',
  'Miriam',
  'Nestor',
  'Patti',
  'Pradeep',
  'Renée',
  'Zoë',
  'Jörg',
  'Ines',
];
export const LAST_NAMES = [
  'Vance',
  'Wilber',
  'Siciliani',
  'Archie',
  'Fuller',
  'Goodwin',
  'Christie',
  'Sherman',
  'Gu',
  'Holloway',
  'Valdez',
  'Bowen',
  'Graham',
  'Wilke',
  'Fernandez',
  'Gupta',
  'Müller',
  'Ørsted',
  'Åberg',
  'García',
];
/** A deterministic pseudo-random sequence, so `seed` makes the same data every time. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function pick<T>(r: () => number, xs: readonly T[], weights?: readonly number[]): T {
  if (!weights) return xs[Math.floor(r() * xs.length)]!;
  let x = r() * weights.reduce((a, b) => a + b, 0);
  for (let i = 0; i < xs.length; i++) {
    x -= weights[i]!;
    if (x < 0) return xs[i]!;
  }
  return xs[xs.length - 1]!;
}
