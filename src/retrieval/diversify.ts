import type { RankedHit } from './rank.js';
import { wordTokens } from './tokens.js';

export interface DiversityOptions {
  /** At most this many passages of one source in the results. */
  maxPerSource: number;
  /**
   * Maximal marginal relevance: 1 ranks by score alone; lower values trade score for passages
   * unlike those already chosen (Carbonell & Goldstein's λ).
   */
  mmrLambda: number;
}

/**
 * Picks `limit` results from hits sorted best first: no more than `maxPerSource` per source (per
 * work: a PubMed abstract and the PMC full text of the same article count as one source), and
 * each next pick maximising λ·relevance − (1−λ)·(greatest similarity to a pick so far), where
 * relevance is the score relative to the best and similarity is the Jaccard overlap of the
 * passages' words (passages of one work count as at least half alike). The words are not
 * stemmed: inflections barely move an overlap of a few hundred words, and stemming every word of
 * fifty passages was about 8% of a search at 1M passages.
 */
export function diversify(hits: readonly RankedHit[], limit: number, options: DiversityOptions): RankedHit[] {
  const perWork = new Map<string, number>();
  const pool = hits.filter((hit) => {
    const work = workOf(hit);
    const n = perWork.get(work) ?? 0;
    perWork.set(work, n + 1);
    return n < options.maxPerSource;
  });
  if (options.mmrLambda >= 1 || pool.length <= 1) return pool.slice(0, limit);

  const top = Math.max(pool[0]?.score ?? 0, Number.MIN_VALUE);
  // MMR is quadratic in the pool; past a few times the limit, candidates cannot win anyway.
  const candidates = pool.slice(0, Math.max(limit * 5, 50));
  const words = candidates.map((hit) => new Set(wordTokens(hit.passage.text)));
  const chosen: number[] = [];
  const maxSimilarity = candidates.map(() => 0);
  const remaining = new Set(candidates.keys());
  while (chosen.length < limit && remaining.size > 0) {
    let best = -1;
    let bestValue = -Infinity;
    for (const i of remaining) {
      const value = options.mmrLambda * ((candidates[i]?.score ?? 0) / top) - (1 - options.mmrLambda) * (maxSimilarity[i] ?? 0);
      if (value > bestValue) [best, bestValue] = [i, value];
    }
    chosen.push(best);
    remaining.delete(best);
    for (const i of remaining) {
      const similarity = Math.max(
        jaccard(words[i] as Set<string>, words[best] as Set<string>),
        workOf(candidates[i] as RankedHit) === workOf(candidates[best] as RankedHit) ? 0.5 : 0,
      );
      if (similarity > (maxSimilarity[i] ?? 0)) maxSimilarity[i] = similarity;
    }
  }
  return chosen.map((i) => candidates[i] as RankedHit);
}

/** The work a hit's source is a version of: the abstract and the full text of one article are one work. */
function workOf(hit: RankedHit): string {
  return hit.source.work ?? hit.source.id;
}

function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 && b.size === 0) return 0;
  let shared = 0;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  for (const word of small) if (large.has(word)) shared++;
  return shared / (a.size + b.size - shared);
}
