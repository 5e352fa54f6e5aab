import type { FieldWeights, SearchFilters, Store } from '../ports/store.js';
import { diversify, type DiversityOptions } from './diversify.js';
import { feedbackClauses, type FeedbackOptions } from './feedback.js';
import { clauseFromTerm, partClauses, phraseClauses, withClauses, type QueryClause, type QueryPlan } from './plan.js';
import { analyzeQuery, STOP_WORDS, type QueryTerm } from './query.js';
import { rankCandidates, type ClauseStats, type RankedHit, type RankingOptions } from './rank.js';

/**
 * The retrieval use case: analyse the question, expand it, fetch candidates from the index,
 * re-rank them, optionally feed the best back as new terms, and pick a varied top list.
 */
export interface RetrievalOptions {
  limit: number;
  /** How many passages the index hands to the re-ranker (at least twice `limit`). */
  candidates: number;
  /** Field weights of the index's own BM25, which only chooses candidates. */
  firstStageWeights: FieldWeights;
  /**
   * Terms in more than this share of passages are left out of the candidate query when rarer
   * terms are present (they still score in re-ranking). 1 keeps every term.
   */
  maxCommonShare: number;
  /** Most postings (summed passage frequencies) the candidate query may touch; rarest terms first. */
  maxPostings: number;
  ranking: RankingOptions;
  diversity: DiversityOptions;
  feedback: FeedbackOptions;
  /** Weight of the single words of compound terms ("7-day-old" → "day", "old"); 0 turns them off. */
  partWeight: number;
  /** Weight of neighbouring-term phrases relative to single terms; 0 turns them off. */
  phraseWeight: number;
  /** Use the expander (abbreviations, MeSH, drug names), when there is one. */
  expand: boolean;
  filters?: SearchFilters;
}

/**
 * Turns the user's terms into expansion clauses (abbreviations, MeSH, drug names), with notes
 * for the user (an expansion left out, vocabularies missing).
 */
export type Expander = (terms: readonly QueryTerm[]) => Promise<{ clauses: QueryClause[]; notes: string[] }>;

export interface RetrievalResult {
  plan: QueryPlan;
  hits: RankedHit[];
  /** How many candidates the index returned for the final pass. */
  candidates: number;
  /** What the user should know about how the query was read (expansion notes). */
  notes: string[];
}

export interface RetrieverDeps {
  store: Store;
  expander?: Expander;
}

export function createRetriever({ store, expander }: RetrieverDeps) {
  async function rankPlan(plan: QueryPlan, options: RetrievalOptions): Promise<{ ranked: RankedHit[]; candidates: number }> {
    const stats = await store.corpusStats();
    const frequencies = await store.frequencies(
      plan.clauses.flatMap((c) => c.forms.map((tokens, i) => ({ tokens, stems: c.stems[i] ?? tokens }))),
    );
    let f = 0;
    const clauseStats: ClauseStats[] = plan.clauses.map((clause) => {
      let df = 0;
      for (let i = 0; i < clause.forms.length; i++) df += frequencies[f++] ?? 0;
      return { clause, df: Math.min(df, stats.passages) };
    });
    const matched = clauseStats.filter((c) => c.df > 0);
    if (matched.length === 0) return { ranked: [], candidates: 0 };
    const hits = await store.search({
      phrases: candidatePhrases(matched, stats.passages, options),
      // Sources can have several candidate passages: fetch at least twice the results asked for.
      limit: Math.max(options.candidates, options.limit * 2),
      weights: options.firstStageWeights,
      ...(options.filters ? { filters: options.filters } : {}),
    });
    return { ranked: rankCandidates(hits, matched, stats, options.ranking), candidates: hits.length };
  }

  return async function retrieve(text: string, options: RetrievalOptions): Promise<RetrievalResult> {
    const terms = analyzeQuery(text);
    let plan: QueryPlan = { text, clauses: terms.map(clauseFromTerm) };
    plan = withClauses(plan, [...partClauses(terms, options.partWeight, (w) => STOP_WORDS.has(w)), ...phraseClauses(terms, options.phraseWeight)]);
    const notes: string[] = [];
    if (expander && terms.length > 0 && options.expand) {
      const expansion = await expander(terms);
      plan = withClauses(plan, expansion.clauses);
      notes.push(...expansion.notes);
    }
    if (plan.clauses.length === 0) return { plan, hits: [], candidates: 0, notes };

    let { ranked, candidates } = await rankPlan(plan, options);
    if (options.feedback.terms > 0 && options.feedback.weight > 0 && ranked.length > 0) {
      const extra = feedbackClauses(ranked, plan, options.feedback);
      if (extra.length > 0) {
        plan = withClauses(plan, extra);
        ({ ranked, candidates } = await rankPlan(plan, options));
      }
    }
    return { plan, hits: diversify(ranked, options.limit, options.diversity), candidates, notes };
  };
}

/**
 * The phrases sent to the index. FTS5 scores every passage that holds any of them (it has no
 * early termination), so its work grows with their summed frequencies. Very common terms are
 * dropped when rarer ones remain, and past `maxPostings` the commoner terms stop being added,
 * rarest first, at least one. The re-ranker still counts every term in the candidates.
 */
export function candidatePhrases(
  clauses: readonly ClauseStats[],
  passages: number,
  options: { maxCommonShare: number; maxPostings: number },
): string[][] {
  const limit = options.maxCommonShare * passages;
  // Phrases only re-rank: every passage holding one also holds its words.
  const single = clauses.filter((c) => c.clause.origin !== 'phrase');
  const rare = single.filter((c) => c.df <= limit);
  const pool = [...(rare.length > 0 ? rare : single)].sort((a, b) => a.df - b.df);
  const chosen: ClauseStats[] = [];
  let postings = 0;
  for (const clause of pool) {
    if (chosen.length > 0 && postings + clause.df > options.maxPostings) break;
    chosen.push(clause);
    postings += clause.df;
  }
  return chosen.flatMap((c) => c.clause.forms);
}
