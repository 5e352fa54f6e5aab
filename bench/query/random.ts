/**
 * Deterministic randomness for the corpus generator: a seeded 32-bit generator (a Weyl sequence
 * through Murmur3's finaliser; period 2^32 draws, enough for a million passages) and a Zipf–
 * Mandelbrot sampler. No Math.random anywhere, so a seed always gives the same bytes.
 */
export interface Random {
  /** Uniform in [0, 1). */
  float(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Uniform integer in [min, max], both included. */
  between(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  /** Standard normal (Box–Muller). */
  normal(): number;
  chance(p: number): boolean;
}

export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  const float = (): number => {
    state = (state + 0x9e3779b9) | 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return ((z ^ (z >>> 16)) >>> 0) / 4_294_967_296;
  };
  const int = (n: number): number => Math.floor(float() * n);
  return {
    float,
    int,
    between: (min, max) => min + int(max - min + 1),
    pick<T>(items: readonly T[]): T {
      if (items.length === 0) throw new Error('pick from an empty list');
      return items[int(items.length)] as T;
    },
    normal() {
      const u = 1 - float(); // (0, 1], so the log is finite
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * float());
    },
    chance: (p) => float() < p,
  };
}

/** Fisher–Yates, in place. */
export function shuffle<T>(items: T[], random: Random): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = random.int(i + 1);
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}

/**
 * Draws ranks 0 … n-1 with probability ∝ 1 / (rank + 1 + q)^s. s = 1 is Zipf's law; the offset q
 * (Mandelbrot's) flattens the head, so the most common words are not in every passage.
 */
export function createZipf(n: number, s: number, q: number): (random: Random) => number {
  if (n < 1) throw new Error('a Zipf distribution needs at least one rank');
  const cumulative = new Float64Array(n);
  let total = 0;
  for (let rank = 0; rank < n; rank++) {
    total += 1 / Math.pow(rank + 1 + q, s);
    cumulative[rank] = total;
  }
  return (random) => {
    const target = random.float() * total;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((cumulative[mid] as number) <= target) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}
