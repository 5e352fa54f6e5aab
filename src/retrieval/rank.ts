import type { EvidenceLevel } from '../domain/evidence-level.js';
import type { CorpusStats, FieldWeights, PassageHit } from '../ports/store.js';
import type { ClauseOrigin, QueryClause } from './plan.js';
import { indexTokensFor, stemFilter, stemsFor, wordTokens } from './tokens.js';
import type { FusionExplanation } from './fuse.js';
import type { TopRescore } from './rescore.js';

/**
 * The second stage: candidates from the index are scored again here, with parameters the index
 * cannot take.
 *
 * - BM25F (Robertson & Zaragoza's field-weighted BM25): each field's term frequency is
 *   length-normalised with its own b, weighted, summed, then saturated once with k1.
 * - Source evidence: a passage is also scored as part of its source (its title and every
 *   candidate passage of the source together), so a paper whose abstract was cut into two
 *   passages is not outranked by one that was not.
 * - Proximity: pairs of the user's terms close together in the passage add a bonus.
 * - Priors: evidence level and recency multiply the score; the caller can set them to zero.
 *
 * Every score is broken down in `explanation`.
 */
export interface RankingOptions {
  k1: number;
  /** Length normalisation per field, 0 (none) to 1 (full). */
  b: FieldWeights;
  /** BM25F field weights. */
  fieldWeights: FieldWeights;
  /** How much of the source-level score joins the passage's own. */
  sourceWeight: number;
  proximity: { weight: number; window: number };
  /**
   * Coordination: score × (share of the user's terms the passage or its source holds)^coverage.
   * Long questions (claims, case descriptions) reward passages that cover more of them; 0 is off.
   */
  coverage: number;
  priors: {
    /** Multiplier strength for evidence level: score × (1 + evidence × prior(level)). */
    evidence: number;
    /** Multiplier strength for recency: score × (1 + recency × 2^(−age/halfLife)). */
    recency: number;
    halfLifeYears: number;
    /** Score factor for retracted sources (they are still shown, flagged). */
    retracted: number;
  };
  /** The year recency is measured from. */
  currentYear: number;
}

/** How strongly each evidence level is preferred, 0–1. Unknown design is neutral, not low. */
export const EVIDENCE_PRIOR: Readonly<Record<EvidenceLevel, number>> = {
  guideline: 1,
  'systematic-review': 0.9,
  'randomized-trial': 0.7,
  'in-house': 0.6,
  observational: 0.4,
  'case-report': 0.1,
  'review-opinion': 0.2,
  unclassified: 0,
};

export interface ScoredClause {
  label: string;
  origin: ClauseOrigin;
  weight: number;
  /** Occurrences in each field of the passage. */
  matches: Partial<FieldWeights>;
  score: number;
  reason?: string;
}

export interface Explanation {
  /** The index's own BM25, which chose the candidate. */
  firstStage: number;
  clauses: ScoredClause[];
  /** Source-level BM25F contribution (already multiplied by sourceWeight). */
  source: number;
  proximity: { pair: [string, string]; count: number; score: number }[];
  /** Coordination factor (1 when off). */
  coverage: number;
  priors: { evidence: number; recency: number; integrity: number };
  /** Hybrid search only: the lexical and vector ranks the score was fused from. */
  fusion?: FusionExplanation;
  /** The third stage, on the top of the ranking only: the coverage with associated words (rescore.ts). */
  rescore?: TopRescore;
}

export interface RankedHit extends PassageHit {
  explanation: Explanation;
}

export interface ClauseStats {
  clause: QueryClause;
  /** Passages holding any form of the clause. */
  df: number;
}

/** A candidate's fields as index tokens (cutCandidates). */
export interface FieldTokens {
  title: string[];
  section: string[];
  body: string[];
  terms: string[];
  /** The title's, section's and body's word tokens, unstemmed (tokens.ts `wordTokens`): the third stage stems others from them. */
  words: { title: readonly string[]; section: readonly string[]; body: readonly string[] };
}

const FIELDS = ['title', 'section', 'body', 'terms'] as const;

/**
 * Each candidate's fields cut into index tokens, of which only those that can equal one of
 * `stems` are stemmed; every other position holds '' (tokens.ts `indexTokensFor`). A source's
 * title is cut once. The third stage (rescore.ts) counts the question's words in the same tokens,
 * and stems other words from the same word tokens.
 */
export function cutCandidates(candidates: readonly PassageHit[], stems: Iterable<string>): FieldTokens[] {
  const could = stemFilter(stems);
  const cut = (text: string) => {
    const words = wordTokens(text);
    return { words, stems: stemsFor(words, could) };
  };
  const titles = new Map<string, { words: string[]; stems: string[] }>();
  return candidates.map((hit) => {
    let title = titles.get(hit.source.id);
    if (!title) titles.set(hit.source.id, (title = cut(hit.fields.title)));
    const section = cut(hit.fields.section);
    const body = cut(hit.passage.text);
    return {
      title: title.stems,
      section: section.stems,
      body: body.stems,
      terms: indexTokensFor(hit.fields.terms, could),
      words: { title: title.words, section: section.words, body: body.words },
    };
  });
}

/** The stems of the clauses' forms: what the re-ranker must find in a candidate. */
export function clauseStems(clauses: readonly ClauseStats[]): string[] {
  return clauses.flatMap(({ clause }) => clause.stems.flat());
}

/** `tokens` are the candidates' fields as cutCandidates gives them, for at least the clauses' stems. */
export function rankCandidates(
  candidates: readonly PassageHit[],
  clauses: readonly ClauseStats[],
  stats: CorpusStats,
  options: RankingOptions,
  tokens: readonly FieldTokens[] = cutCandidates(candidates, clauseStems(clauses)),
): RankedHit[] {
  // With no matched clause every candidate scores 0 (hybrid search still ranks them by vector).
  if (candidates.length === 0) return [];
  const n = Math.max(stats.passages, 1);
  const idf = clauses.map(({ df }) => Math.log(1 + (n - df + 0.5) / (df + 0.5)));
  const counts = tokens.map((fields) => clauses.map(({ clause }) => countFields(fields, clause)));

  const mean = stats.meanTokens;
  const passagesPerSource = stats.sources > 0 ? Math.max(1, stats.passages / stats.sources) : 1;
  const sourceScores = scoreSources(candidates, tokens, counts, idf, clauses, options, { title: mean.title, body: mean.body * passagesPerSource });

  const sourceMatches = options.coverage > 0 ? userTermsBySource(candidates, counts, clauses) : new Map<string, Set<number>>();
  const userTerms = clauses
    .map(({ clause }, i) => ({ clause, i }))
    .filter(({ clause }) => clause.origin === 'query' && clause.position !== undefined)
    .sort((a, b) => (a.clause.position ?? 0) - (b.clause.position ?? 0));

  return candidates
    .map((hit, c) => {
      const fields = tokens[c] as FieldTokens;
      const scored: ScoredClause[] = [];
      let total = 0;
      clauses.forEach(({ clause }, q) => {
        const tf = counts[c]?.[q] as FieldWeights;
        let pseudo = 0;
        for (const field of FIELDS) {
          if (tf[field] === 0) continue;
          const norm = 1 - options.b[field] + options.b[field] * (fields[field].length / Math.max(mean[field], 1));
          pseudo += (options.fieldWeights[field] * tf[field]) / norm;
        }
        if (pseudo === 0) return;
        const score = clause.weight * (idf[q] ?? 0) * ((pseudo * (options.k1 + 1)) / (options.k1 + pseudo));
        total += score;
        const matches: Partial<FieldWeights> = {};
        for (const field of FIELDS) if (tf[field] > 0) matches[field] = tf[field];
        const entry: ScoredClause = { label: clause.label, origin: clause.origin, weight: clause.weight, matches, score };
        if (clause.reason !== undefined) entry.reason = clause.reason;
        scored.push(entry);
      });
      const source = options.sourceWeight * (sourceScores.get(hit.source.id) ?? 0);
      const proximity = options.proximity.weight > 0 ? scoreProximity(fields, userTerms, idf, options) : [];
      const base = total + source + proximity.reduce((sum, p) => sum + p.score, 0);
      const priors = priorFactors(hit, options);
      const coverage = options.coverage > 0 ? coverageFactor(scored, userTerms.length, sourceMatches.get(hit.source.id), options.coverage) : 1;
      const explanation: Explanation = { firstStage: hit.score, clauses: scored, source, proximity, coverage, priors };
      return { ...hit, score: base * coverage * priors.evidence * priors.recency * priors.integrity, explanation };
    })
    .sort((a, b) => b.score - a.score);
}

/** For each source, which of the user's terms any of its candidate passages holds. */
function userTermsBySource(
  candidates: readonly PassageHit[],
  counts: readonly FieldWeights[][],
  clauses: readonly ClauseStats[],
): Map<string, Set<number>> {
  const out = new Map<string, Set<number>>();
  candidates.forEach((hit, c) => {
    let set = out.get(hit.source.id);
    if (!set) out.set(hit.source.id, (set = new Set()));
    clauses.forEach(({ clause }, q) => {
      if (clause.origin !== 'query') return;
      const tf = counts[c]?.[q];
      if (tf && tf.title + tf.section + tf.body + tf.terms > 0) set.add(q);
    });
  });
  return out;
}

function coverageFactor(scored: readonly ScoredClause[], userTermCount: number, inSource: Set<number> | undefined, power: number): number {
  if (userTermCount === 0) return 1;
  const inPassage = scored.filter((c) => c.origin === 'query').length;
  const covered = Math.max(inPassage, inSource?.size ?? 0);
  return (covered / userTermCount) ** power;
}

/** Occurrences of a clause (any of its forms) in each field. */
function countFields(fields: FieldTokens, clause: QueryClause): FieldWeights {
  return {
    title: countForms(fields.title, clause.stems),
    section: countForms(fields.section, clause.stems),
    body: countForms(fields.body, clause.stems),
    terms: countForms(fields.terms, clause.stems),
  };
}

function countForms(tokens: readonly string[], forms: readonly string[][]): number {
  let total = 0;
  for (const form of forms) total += countPhrase(tokens, form);
  return total;
}

export function countPhrase(tokens: readonly string[], phrase: readonly string[]): number {
  let count = 0;
  for (let i = 0; i + phrase.length <= tokens.length; i++) if (phraseAt(tokens, i, phrase)) count++;
  return count;
}

/** True when `phrase` (non-empty) starts at position `i` of `tokens`. */
function phraseAt(tokens: readonly string[], i: number, phrase: readonly string[]): boolean {
  if (phrase.length === 0) return false;
  for (let j = 0; j < phrase.length; j++) if (tokens[i + j] !== phrase[j]) return false;
  return true;
}

/**
 * BM25F of each source over its title and the bodies of all its candidate passages together;
 * sources with one candidate passage get it too, so the term is comparable across sources.
 */
function scoreSources(
  candidates: readonly PassageHit[],
  tokens: readonly FieldTokens[],
  counts: readonly FieldWeights[][],
  idf: readonly number[],
  clauses: readonly ClauseStats[],
  options: RankingOptions,
  meanLength: { title: number; body: number },
): Map<string, number> {
  const scores = new Map<string, number>();
  if (options.sourceWeight === 0) return scores;
  const bySource = new Map<string, number[]>();
  candidates.forEach((hit, c) => {
    const list = bySource.get(hit.source.id);
    if (list) list.push(c);
    else bySource.set(hit.source.id, [c]);
  });
  for (const [sourceId, members] of bySource) {
    const first = members[0] as number;
    const titleLength = tokens[first]?.title.length ?? 0;
    const bodyLength = members.reduce((sum, c) => sum + (tokens[c]?.body.length ?? 0), 0);
    const titleNorm = 1 - options.b.title + options.b.title * (titleLength / Math.max(meanLength.title, 1));
    const bodyNorm = 1 - options.b.body + options.b.body * (bodyLength / Math.max(meanLength.body, 1));
    let total = 0;
    clauses.forEach(({ clause }, q) => {
      const titleTf = counts[first]?.[q]?.title ?? 0;
      const bodyTf = members.reduce((sum, c) => sum + (counts[c]?.[q]?.body ?? 0), 0);
      const pseudo = (options.fieldWeights.title * titleTf) / titleNorm + (options.fieldWeights.body * bodyTf) / bodyNorm;
      if (pseudo > 0) total += clause.weight * (idf[q] ?? 0) * ((pseudo * (options.k1 + 1)) / (options.k1 + pseudo));
    });
    scores.set(sourceId, total);
  }
  return scores;
}

/**
 * Pairs of the user's terms (neighbours in the query, and one apart) found within `window`
 * tokens of each other in the title or body, in either order. Each pair scores like a term whose
 * rarity is the rarer of the two, saturated.
 */
function scoreProximity(
  fields: FieldTokens,
  userTerms: readonly { clause: QueryClause; i: number }[],
  idf: readonly number[],
  options: RankingOptions,
): Explanation['proximity'] {
  const out: Explanation['proximity'] = [];
  if (userTerms.length < 2) return out;
  const text = [...fields.title, '\u0000', ...fields.body];
  const positions = userTerms.map(({ clause }) => phrasePositions(text, clause.stems));
  for (let a = 0; a < userTerms.length; a++) {
    for (let b = a + 1; b < Math.min(userTerms.length, a + 3); b++) {
      const count = pairsWithin(positions[a] ?? [], positions[b] ?? [], options.proximity.window);
      if (count === 0) continue;
      const rarity = Math.min(idf[userTerms[a]?.i ?? 0] ?? 0, idf[userTerms[b]?.i ?? 0] ?? 0);
      const score = options.proximity.weight * rarity * (count / (count + 1));
      out.push({ pair: [userTerms[a]?.clause.label ?? '', userTerms[b]?.clause.label ?? ''], count, score });
    }
  }
  return out;
}

function phrasePositions(tokens: readonly string[], forms: readonly string[][]): number[] {
  const out: number[] = [];
  for (const form of forms) {
    for (let i = 0; i + form.length <= tokens.length; i++) if (phraseAt(tokens, i, form)) out.push(i);
  }
  return out.sort((x, y) => x - y);
}

/** How many positions of `a` have a position of `b` within `window` tokens (either side). */
function pairsWithin(a: readonly number[], b: readonly number[], window: number): number {
  let count = 0;
  let j = 0;
  for (const pa of a) {
    while (j < b.length && (b[j] ?? 0) < pa - window) j++;
    if (j < b.length && Math.abs((b[j] ?? 0) - pa) <= window && b[j] !== pa) count++;
  }
  return count;
}

function priorFactors(hit: PassageHit, options: RankingOptions): Explanation['priors'] {
  const evidence = 1 + options.priors.evidence * (EVIDENCE_PRIOR[hit.source.evidenceLevel] ?? 0);
  let recency = 1;
  if (options.priors.recency > 0 && hit.source.year !== undefined) {
    const age = Math.max(0, options.currentYear - hit.source.year);
    recency = 1 + options.priors.recency * 2 ** (-age / Math.max(options.priors.halfLifeYears, 0.1));
  }
  const integrity = hit.source.integrity === 'retracted' ? options.priors.retracted : 1;
  return { evidence, recency, integrity };
}
