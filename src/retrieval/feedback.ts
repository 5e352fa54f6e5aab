import { expansionClause, type QueryClause, type QueryPlan } from './plan.js';
import { STOP_WORDS } from './query.js';
import type { RankedHit } from './rank.js';
import { stem, wordTokens } from './tokens.js';

/**
 * Pseudo-relevance feedback in the manner of RM3 (Lavrenko & Croft's relevance model, mixed with
 * the original query): the best sources of a first pass are assumed relevant, their words are
 * weighted by how often they occur there and how well those sources scored, and the strongest
 * new words join the query below the user's own.
 */
export interface FeedbackOptions {
  /** How many top sources feed the model. */
  documents: number;
  /** How many new terms to add; 0 turns feedback off. */
  terms: number;
  /** Weight of the strongest new term, relative to the user's terms (the others scale down). */
  weight: number;
}

export function feedbackClauses(ranked: readonly RankedHit[], plan: QueryPlan, options: FeedbackOptions): QueryClause[] {
  const top: RankedHit[] = [];
  const seenSources = new Set<string>();
  for (const hit of ranked) {
    if (seenSources.has(hit.source.id)) continue;
    seenSources.add(hit.source.id);
    top.push(hit);
    if (top.length === options.documents) break;
  }
  if (top.length === 0) return [];

  const queryStems = new Set(plan.clauses.flatMap((c) => c.stems.flat()));
  const best = Math.max(top[0]?.score ?? 0, Number.MIN_VALUE);
  const weights = new Map<string, number>();
  const surface = new Map<string, string>();
  const presentIn = new Map<string, number>();
  for (const hit of top) {
    const words = [...wordTokens(hit.source.title), ...wordTokens(hit.passage.text)];
    if (words.length === 0) continue;
    const counts = new Map<string, number>();
    for (const word of words) {
      if (word.length < 3 || STOP_WORDS.has(word) || /^\d/.test(word)) continue;
      const s = stem(word);
      if (queryStems.has(s)) continue;
      counts.set(s, (counts.get(s) ?? 0) + 1);
      if (!surface.has(s)) surface.set(s, word);
    }
    // P(w|D) · relevance of D, with relevance the score relative to the best source.
    const relevance = Math.exp(hit.score / best - 1);
    for (const [s, n] of counts) {
      weights.set(s, (weights.get(s) ?? 0) + (n / words.length) * relevance);
      presentIn.set(s, (presentIn.get(s) ?? 0) + 1);
    }
  }
  // A word in only one of several feedback sources is more likely that source's own topic.
  const minSources = top.length >= 3 ? 2 : 1;
  const chosen = [...weights]
    .filter(([s]) => (presentIn.get(s) ?? 0) >= minSources)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, options.terms);
  const strongest = chosen[0]?.[1] ?? 0;
  if (strongest === 0) return [];
  return chosen.flatMap(([s, w]) => {
    const word = surface.get(s) ?? s;
    const clause = expansionClause(
      [word],
      word,
      options.weight * (w / strongest),
      'feedback',
      `feedback: frequent in the top ${top.length} sources of a first pass`,
    );
    return clause ? [clause] : [];
  });
}
