import type { FieldWeights, SearchFilters, Store } from '../ports/store.js';
import { diversify, type DiversityOptions } from './diversify.js';
import { feedbackClauses, type FeedbackOptions } from './feedback.js';
import { clauseFromTerm, withClauses, type QueryClause, type QueryPlan } from './plan.js';
import { analyzeQuery, type QueryTerm } from './query.js';
import { rankCandidates, type ClauseStats, type RankedHit, type RankingOptions } from './rank.js';

/**
 * The retrieval use case: analyse the question, expand it, fetch candidates from the index,
 * re-rank them, optionally feed the best back as new terms, and pick a varied top list.
 */
export interface RetrievalOptions {
  limit: number;
  /** How many passages the index hands to the re-ranker. */
  candidates: number;
  /** Field weights of the index's own BM25, which only chooses candidates. */
  firstStageWeights: FieldWeights;
  /**
   * Terms in more than this share of passages are left out of the candidate query when rarer
   * terms are present (they still score in re-ranking). 1 keeps every term.
   */
  maxCommonShare: number;
  ranking: RankingOptions;
  diversity: DiversityOptions;
  feedback: FeedbackOptions;
  filters?: SearchFilters;
}

/** Turns the user's terms into expansion clauses (abbreviations, MeSH, drug names). */
export type Expander = (terms: readonly QueryTerm[]) => QueryClause[];

export interface RetrievalResult {
  plan: QueryPlan;
  hits: RankedHit[];
  /** How many candidates the index returned for the final pass. */
  candidates: number;
}

export interface RetrieverDeps {
  store: Store;
  expander?: Expander;
}

export function createRetriever({ store, expander }: RetrieverDeps) {
  async function rankPlan(plan: QueryPlan, options: RetrievalOptions): Promise<{ ranked: RankedHit[]; candidates: number }> {
    const stats = await store.corpusStats();
    const forms = plan.clauses.flatMap((c) => c.forms);
    const frequencies = await store.frequencies(forms);
    let f = 0;
    const clauseStats: ClauseStats[] = plan.clauses.map((clause) => {
      let df = 0;
      for (let i = 0; i < clause.forms.length; i++) df += frequencies[f++] ?? 0;
      return { clause, df: Math.min(df, stats.passages) };
    });
    const matched = clauseStats.filter((c) => c.df > 0);
    if (matched.length === 0) return { ranked: [], candidates: 0 };
    const hits = await store.search({
      phrases: candidatePhrases(matched, stats.passages, options.maxCommonShare),
      limit: options.candidates,
      weights: options.firstStageWeights,
      ...(options.filters ? { filters: options.filters } : {}),
    });
    return { ranked: rankCandidates(hits, matched, stats, options.ranking), candidates: hits.length };
  }

  return async function retrieve(text: string, options: RetrievalOptions): Promise<RetrievalResult> {
    const terms = analyzeQuery(text);
    let plan: QueryPlan = { text, clauses: terms.map(clauseFromTerm) };
    if (expander && terms.length > 0) plan = withClauses(plan, expander(terms));
    if (plan.clauses.length === 0) return { plan, hits: [], candidates: 0 };

    let { ranked, candidates } = await rankPlan(plan, options);
    if (options.feedback.terms > 0 && options.feedback.weight > 0 && ranked.length > 0) {
      const extra = feedbackClauses(ranked, plan, options.feedback);
      if (extra.length > 0) {
        plan = withClauses(plan, extra);
        ({ ranked, candidates } = await rankPlan(plan, options));
      }
    }
    return { plan, hits: diversify(ranked, options.limit, options.diversity), candidates };
  };
}

/**
 * The phrases sent to the index. Very common terms are dropped when rarer ones remain: they would
 * make the index score most of the library for little gain (the re-ranker still counts them).
 */
function candidatePhrases(clauses: readonly ClauseStats[], passages: number, maxCommonShare: number): string[][] {
  const limit = maxCommonShare * passages;
  const rare = clauses.filter((c) => c.df <= limit);
  const chosen = rare.length > 0 ? rare : clauses;
  return chosen.flatMap((c) => c.clause.forms);
}
