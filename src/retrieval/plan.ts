import type { QueryTerm } from './query.js';
import { spellingStems, spellingTokens } from './spellings.js';
import { stem } from './tokens.js';

/**
 * What a query searches for: the user's own terms at full weight, and expansions (abbreviations,
 * MeSH, drug names, pseudo-relevance feedback) below them. Each clause knows where it came from,
 * so every result can say why it matched.
 */
export type ClauseOrigin = 'query' | 'part' | 'phrase' | 'abbreviation' | 'mesh' | 'drug' | 'feedback';

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
  /** The word as typed, when no passage held it and the clause is how the library spells it. */
  respelledFrom?: string;
}

export interface QueryPlan {
  text: string;
  clauses: QueryClause[];
  /** Set when the query was read as a statement to check, not a question (query.ts `isStatement`), and ranked as one (rescore.ts). */
  statement?: boolean;
}

/**
 * A user's term. A term the question repeats counts once: weighting repeats (BM25's query term
 * frequency) measured lower on SciFact's training claims (docs/retrieval.md).
 */
export function clauseFromTerm(term: QueryTerm, respellWeight = 1): QueryClause {
  let clause: QueryClause = { label: term.text, forms: term.forms, stems: term.stems, weight: 1, origin: 'query', position: term.position };
  if (term.respelled) {
    // Still the user's word (it counts for proximity, coverage and the third stage), as the library spells it.
    clause = {
      ...clause,
      label: term.respelled.to.join(' '),
      weight: respellWeight,
      reason: `for "${term.respelled.from}", which no passage holds`,
      respelledFrom: term.respelled.from,
    };
  }
  if (!term.otherSpellings) return clause;
  const others = term.otherSpellings.map(({ word }) => word);
  const which = term.otherSpellings.map(({ word, variety }) => (variety === 'drug' ? `"${word}", another name of the same drug` : `"${word}", the ${variety} spelling`)).join('; ');
  return { ...clause, label: [clause.label, ...others].join('/'), reason: [clause.reason, `also as ${which}`].filter(Boolean).join('; ') };
}

/**
 * The question as it was searched: each word no passage held replaced by how the library spells it
 * ("treated in childern" → "treated in children"), for what is built from the question's words
 * afterwards (follow-up suggestions).
 */
export function questionAsSearched(plan: QueryPlan): string {
  let text = plan.text;
  for (const clause of plan.clauses) {
    if (clause.respelledFrom === undefined) continue;
    const typed = clause.respelledFrom.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    text = text.replace(new RegExp(`(?<![\\p{L}\\p{N}])${typed}(?![\\p{L}\\p{N}])`, 'giu'), clause.label);
  }
  return text;
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

/**
 * Neighbouring user terms as phrases ("iliopsoas" + "abscess" → "iliopsoas abscess"), in the
 * manner of the sequential dependence model: a passage that keeps the user's words together
 * scores more, with the phrase's own rarity.
 */
export function phraseClauses(terms: readonly QueryTerm[], weight: number): QueryClause[] {
  if (weight <= 0) return [];
  const out: QueryClause[] = [];
  for (let i = 0; i + 1 < terms.length; i++) {
    const a = terms[i] as QueryTerm;
    const b = terms[i + 1] as QueryTerm;
    const form = [...(a.forms[0] ?? []), ...(b.forms[0] ?? [])];
    const stems = [...(a.stems[0] ?? []), ...(b.stems[0] ?? [])];
    out.push({ label: `${a.text} ${b.text}`, forms: [form], stems: [stems], weight, origin: 'phrase' });
  }
  return out;
}

/**
 * The words of compound terms on their own ("7-day-old" → "day", "old"; "beta-blocker" → "beta",
 * "blocker"), weighted below the compound: a passage writing "7 days old" or "blockers of beta
 * receptors" still counts for something. Numbers, single letters and stop words are left out. A
 * word with other spellings or drug names the library holds (`partSpellings`) matches them too.
 */
export function partClauses(terms: readonly QueryTerm[], weight: number, isStopWord: (word: string) => boolean): QueryClause[] {
  if (weight <= 0) return [];
  const out: QueryClause[] = [];
  for (const term of terms) {
    const form = term.forms[0] ?? [];
    const stems = term.stems[0] ?? [];
    if (form.length < 2) continue;
    form.forEach((word, i) => {
      if (word.length < 2 || /^\d+$/.test(word) || isStopWord(word)) return;
      const others = term.partSpellings?.[i] ?? [];
      out.push({
        label: [word, ...others.map((other) => other.word)].join('/'),
        forms: [[word], ...others.map(spellingTokens)],
        stems: [[stems[i] ?? word], ...others.map(spellingStems)],
        weight,
        origin: 'part',
        reason: `part of "${term.text}"`,
      });
    });
  }
  return out;
}
