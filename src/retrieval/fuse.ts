import type { RankedHit } from './rank.js';

export interface HybridOptions {
  /** Fuse lexical ranking with nearest passages by embedding; needs an embedder and stored vectors. */
  enabled: boolean;
  /** Nearest passages fetched by vector. */
  candidates: number;
  /** Passages whose cosine similarity to the question is not above this are not taken from the vectors. */
  minSimilarity: number;
  /** Reciprocal-rank fusion constant: larger flattens the advantage of the very top ranks. */
  rrfK: number;
  lexicalWeight: number;
  vectorWeight: number;
}

/** How a hit's place came from the two rankings. Ranks count from 1. */
export interface FusionExplanation {
  lexicalRank?: number;
  vectorRank?: number;
  /** Cosine similarity of the passage's vector to the question's. */
  similarity?: number;
  /** The lexical score (BM25F, proximity, priors) before fusion; 0 when no question term matched. */
  lexicalScore: number;
  /** The fused score before priors: Σ weight / (rrfK + rank). */
  rrf: number;
}

/**
 * Reciprocal-rank fusion (Cormack, Clarke and Buettcher, "Reciprocal rank fusion outperforms
 * Condorcet and individual rank learning methods", SIGIR 2009): each passage scores
 * Σ weight / (k + rank) over the rankings that hold it, which needs no calibration between BM25
 * scores and cosine similarities. `lexical` is every candidate re-ranked by the lexical scorer
 * (those that match no question term score 0 and have no lexical rank); `vector` is the nearest
 * passages with their similarity, best first. The fused score is multiplied by the same evidence,
 * recency and retraction priors as the lexical score, so a retracted paper stays down whichever
 * ranking found it.
 */
export function fuseRankings(
  lexical: readonly RankedHit[],
  vector: readonly { passageId: string; similarity: number }[],
  options: Pick<HybridOptions, 'rrfK' | 'lexicalWeight' | 'vectorWeight'>,
): RankedHit[] {
  const byId = new Map(lexical.map((hit) => [hit.passage.id, hit]));
  const lexicalRank = new Map<string, number>();
  [...lexical].filter((hit) => hit.score > 0).sort((a, b) => b.score - a.score).forEach((hit, i) => lexicalRank.set(hit.passage.id, i + 1));
  const vectorRank = new Map<string, { rank: number; similarity: number }>();
  vector.forEach(({ passageId, similarity }, i) => {
    if (!vectorRank.has(passageId)) vectorRank.set(passageId, { rank: i + 1, similarity });
  });

  const fused: RankedHit[] = [];
  for (const [id, hit] of byId) {
    const l = lexicalRank.get(id);
    const v = vectorRank.get(id);
    if (l === undefined && v === undefined) continue;
    const rrf = (l === undefined ? 0 : options.lexicalWeight / (options.rrfK + l)) + (v === undefined ? 0 : options.vectorWeight / (options.rrfK + v.rank));
    const fusion: FusionExplanation = { lexicalScore: hit.score, rrf };
    if (l !== undefined) fusion.lexicalRank = l;
    if (v !== undefined) [fusion.vectorRank, fusion.similarity] = [v.rank, v.similarity];
    const { evidence, recency, integrity } = hit.explanation.priors;
    fused.push({ ...hit, score: rrf * evidence * recency * integrity, explanation: { ...hit.explanation, fusion } });
  }
  return fused.sort((a, b) => b.score - a.score);
}
