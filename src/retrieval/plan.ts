import type { QueryTerm } from './query.js';
import { stem } from './tokens.js';

/**
 * What a query searches for: the user's own terms at full weight, and expansions (abbreviations,
 * MeSH, drug names, pseudo-relevance feedback) below them. Each clause knows where it came from,
 * so every result can say why it matched.
 */
export type ClauseOrigin = 'query' | 'abbreviation' | 'mesh' | 'drug' | 'feedback';

export interface QueryClause {
  /** Shown in explanations: the term as typed, or the expansion's text. */
  label: string;
  /** Alternatives, each a run of folded, unstemmed index tokens. */
  forms: string[][];
  /** The same alternatives, stemmed as the index stems them. */
  stems: string[][];
  /** 1 for the user's terms; below 1 for expansions. */
  weight: number;
  origin: ClauseOrigin;
  /** Why an expansion was added, e.g. "MI → myocardial infarction (abbreviation)". */
  reason?: string;
  /** Order among the user's terms, for proximity; absent on expansions. */
  position?: number;
}

export interface QueryPlan {
  text: string;
  clauses: QueryClause[];
}

export function clauseFromTerm(term: QueryTerm): QueryClause {
  return { label: term.text, forms: term.forms, stems: term.stems, weight: 1, origin: 'query', position: term.position };
}

/** An expansion clause from plain text ("myocardial infarction"), tokenised as the index does. */
export function expansionClause(
  tokens: string[],
  label: string,
  weight: number,
  origin: Exclude<ClauseOrigin, 'query'>,
  reason?: string,
): QueryClause | undefined {
  if (tokens.length === 0) return undefined;
  const clause: QueryClause = { label, forms: [tokens], stems: [tokens.map(stem)], weight, origin };
  if (reason !== undefined) clause.reason = reason;
  return clause;
}

/**
 * Adds expansion clauses to a plan, skipping any whose stemmed form the plan already holds (an
 * expansion never repeats a term the user typed, nor another expansion).
 */
export function withClauses(plan: QueryPlan, extra: readonly QueryClause[]): QueryPlan {
  const seen = new Set(plan.clauses.flatMap((c) => c.stems.map((s) => s.join(' '))));
  const clauses = [...plan.clauses];
  for (const clause of extra) {
    const keys = clause.stems.map((s) => s.join(' '));
    if (keys.some((k) => seen.has(k))) continue;
    keys.forEach((k) => seen.add(k));
    clauses.push(clause);
  }
  return { ...plan, clauses };
}
