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
export function diversify(
  hits: readonly RankedHit[],
  limit: number,
  options: DiversityOptions,
  /** A hit's passage text as word tokens (`wordTokens`), when the re-ranker has cut it already (rank.ts `cutCandidates`). */
  wordsOf?: (hit: RankedHit) => readonly string[] | undefined,
): RankedHit[] {
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
  const considered = pool.slice(0, Math.max(limit * 5, 50));
  // Nor can one whose score is too far below the limit-th: some hit at least that good is left
  // in every round, and a similarity (at most 1) costs it at most 1 − λ. Those are left out,
  // which changes nothing chosen and spares cutting their words.
  const floor = ((considered[Math.min(limit, considered.length) - 1]?.score ?? 0) / top) * options.mmrLambda - (1 - options.mmrLambda);
  const candidates = considered.filter((hit) => (hit.score / top) * options.mmrLambda >= floor - 1e-12);
  const words = distinctWordIds(candidates.map((hit) => wordsOf?.(hit) ?? wordTokens(hit.passage.text)));
  const works = candidates.map(workOf);
  const chosen: number[] = [];
  const maxSimilarity = new Float64Array(candidates.length);
  const taken = new Uint8Array(candidates.length);
  while (chosen.length < limit && chosen.length < candidates.length) {
    let best = -1;
    let bestValue = -Infinity;
    for (let i = 0; i < candidates.length; i++) {
      if (taken[i]) continue;
      const value = options.mmrLambda * ((candidates[i]?.score ?? 0) / top) - (1 - options.mmrLambda) * (maxSimilarity[i] ?? 0);
      if (value > bestValue) {
        best = i;
        bestValue = value;
      }
    }
    chosen.push(best);
    taken[best] = 1;
    for (let i = 0; i < candidates.length; i++) {
      if (taken[i]) continue;
      const similarity = Math.max(jaccard(words[i] as Int32Array, words[best] as Int32Array), works[i] === works[best] ? 0.5 : 0);
      if (similarity > (maxSimilarity[i] ?? 0)) maxSimilarity[i] = similarity;
    }
  }
  return chosen.map((i) => candidates[i] as RankedHit);
}

/** The work a hit's source is a version of: the abstract and the full text of one article are one work. */
function workOf(hit: RankedHit): string {
  return hit.source.work ?? hit.source.id;
}

/**
 * Each text's distinct words (given as its word tokens) as ascending ids, numbered in the order
 * first seen across the texts, so that an overlap is a merge of two sorted arrays rather than a
 * string lookup per word.
 */
function distinctWordIds(tokenLists: readonly (readonly string[])[]): Int32Array[] {
  const ids = new Map<string, number>();
  // lastText[id]: the last text the word was found in, so that each text counts it once.
  const lastText: number[] = [];
  return tokenLists.map((tokens, t) => {
    const found: number[] = [];
    for (const word of tokens) {
      let id = ids.get(word);
      if (id === undefined) {
        id = ids.size;
        ids.set(word, id);
        lastText.push(-1);
      }
      if (lastText[id] === t) continue;
      lastText[id] = t;
      found.push(id);
    }
    return Int32Array.from(found).sort();
  });
}

/** Jaccard overlap of two sets given as ascending ids. */
function jaccard(a: Int32Array, b: Int32Array): number {
  if (a.length === 0 && b.length === 0) return 0;
  let shared = 0;
  for (let i = 0, j = 0; i < a.length && j < b.length; ) {
    const x = a[i] as number;
    const y = b[j] as number;
    if (x === y) {
      shared++;
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  return shared / (a.length + b.length - shared);
}
