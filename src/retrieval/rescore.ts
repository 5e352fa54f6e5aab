import type { CorpusStats } from '../ports/store.js';
import type { Associate, TermAssociations } from './associations.js';
import type { QueryClause } from './plan.js';
import type { ClauseStats, FieldTokens, RankedHit } from './rank.js';
import { countPhrase, cutCandidates } from './rank.js';
import { stem, stemFilter } from './tokens.js';

/**
 * The third stage: the top of the ranking is ordered again, per source (its title and every
 * candidate passage of it), with scores that BM25F does not give, added in proportion to the best
 * hit's score.
 *
 * - **Associated words** (on by default; associations.ts): the idf-weighted share of the question
 *   the source covers, where a word it holds counts 1 and a word it lacks counts P(word | w) for
 *   the strongest associate w that it holds. A source that says "acetylcysteine" then covers most
 *   of "NAC"; it never covers a word more than a source that holds the word.
 * - **Query likelihood** (off by default; Dirichlet smoothing as in Zhai & Lafferty, SIGIR 2001;
 *   μ `mu`): how likely the source's words are to produce the question's, against the
 *   library's background (a word's passage frequency over the library's total of distinct words
 *   per passage). It helped SciFact's claims and hurt MedQuAD's questions (docs/retrieval.md).
 *
 * A **statement** ("NAC reduces cocaine relapse.", query.ts `isStatement`) is scored otherwise
 * (`statements`): with the query likelihood, and with credit only for the words a source lacks,
 * through their associates, since BM25 has already counted the words it holds. A statement is
 * something to check, and a source that states it in other words is what is looked for. On
 * SciFact's training claims this gained +0.014 (with its own depth, 50); used for questions too,
 * it cost MedQuAD's 0.05: a question's kind words ("symptoms", "treatment") are what tell its
 * answers apart, and an associate's credit blurs them (docs/retrieval.md, "Statements").
 *
 * Only the first `depth` hits are scored, and every bonus is ≥ 0 (likelihoods are taken from the
 * lowest among them), so these hits are re-ordered among themselves and stay above the rest. A
 * bonus is multiplied by the hit's priors (evidence level, recency, retraction), as its score was.
 */
export interface RescoreOptions {
  /** Hits scored again; 0 turns the stage off. */
  depth: number;
  /** Weight of the query likelihood (per question word), × the best hit's score. */
  likelihood: number;
  /** Weight of the question's coverage with associated words (0–1), × the best hit's score. */
  associated: number;
  /**
   * Whether the words a source holds count towards its coverage (questions), or only the words it
   * lacks, credited through an associate (statements).
   */
  heldWords: boolean;
  /** Dirichlet smoothing μ, in words. */
  mu: number;
}

/** The third stage's settings (`search.rescore`): a question's weights, and a statement's. */
export interface RescoreSettings {
  depth: number;
  likelihood: number;
  associated: number;
  mu: number;
  statements: {
    /** Score a statement its own way; false scores it as a question. */
    enabled: boolean;
    depth: number;
    likelihood: number;
    associated: number;
  };
}

/** How the top is scored for a query: as a statement (query.ts `isStatement`) or as a question. */
export function rescoreOptions(settings: RescoreSettings, statement: boolean): RescoreOptions {
  const { depth, likelihood, associated, mu, statements } = settings;
  return statement && statements.enabled
    ? { depth: depth > 0 ? statements.depth : 0, mu, likelihood: statements.likelihood, associated: statements.associated, heldWords: false }
    : { depth, mu, likelihood, associated, heldWords: true };
}

export interface TopRescore {
  /** Mean log-likelihood ratio per question word, against the background. */
  likelihood: number;
  /**
   * Idf-weighted share of the question the source covers, associated words included (0–1), over
   * the question's words that some passage of the library holds (the others cannot be covered).
   */
  coverage: number;
  /** Question words the source lacks, credited through a word it holds. */
  associated: { term: string; via: string; share: number }[];
  /** Scored as a statement: `coverage` is then the share credited through associates alone (`RescoreOptions.heldWords` false). */
  statement: boolean;
  /** What was added to the score. */
  bonus: number;
}

interface Word {
  label: string;
  forms: readonly string[][];
  /** The single stem associations are kept under, when the word is one token. */
  stem?: string;
  idf: number;
  background: number;
}

/**
 * The stem a question word's associations are kept under: only a word whose every form is one
 * token has one, its first form's (a word with its other spelling, "tumour" or "tumor", is looked
 * up as typed).
 */
export function singleStem(clause: QueryClause): string | undefined {
  return clause.stems.length > 0 && clause.stems.every((form) => form.length === 1) ? clause.stems[0]?.[0] : undefined;
}

/**
 * `tokensOf` gives a hit's fields as the re-ranker cut them (rank.ts `cutCandidates`), for the
 * question's stems at least; without it they are cut here, with the same function.
 */
export function rescoreTop(
  ranked: readonly RankedHit[],
  clauses: readonly ClauseStats[],
  stats: CorpusStats,
  associations: TermAssociations | undefined,
  options: RescoreOptions,
  tokensOf?: (hit: RankedHit) => FieldTokens | undefined,
): RankedHit[] {
  const top = ranked[0]?.score ?? 0;
  const depth = Math.min(options.depth, ranked.filter((hit) => hit.score > 0).length);
  if (depth < 2 || top <= 0 || !associations || associations.passages === 0) return [...ranked];
  const n = Math.max(stats.passages, 1);
  const distinctTotal = n * Math.max(associations.meanDistinctTerms, 1);
  const words: Word[] = clauses
    .filter(({ clause, df }) => clause.origin === 'query' && df > 0)
    .map(({ clause, df }) => {
      const word: Word = {
        label: clause.label,
        forms: clause.stems,
        idf: Math.log(1 + (n - df + 0.5) / (df + 0.5)),
        background: (df + 0.5) / distinctTotal,
      };
      const only = singleStem(clause);
      if (only !== undefined) word.stem = only;
      return word;
    });
  if (words.length === 0) return [...ranked];
  const idfSum = words.reduce((sum, w) => sum + w.idf, 0) || 1;

  // Scored per source, over its title and every candidate passage of it: a passage that is half an
  // abstract should not be charged for the question words its other half holds.
  const members = new Map<string, RankedHit[]>();
  for (const hit of ranked) {
    const hits = members.get(hit.source.id);
    if (hits) hits.push(hit);
    else members.set(hit.source.id, [hit]);
  }
  // A source's fields: its title, then each candidate passage's section and text, as word tokens
  // and as stems where one can be a question word's (the rest are ''), as the re-ranker cut them
  // or, without `tokensOf`, cut here the same way. A phrase is counted within a field, never across two.
  let cutHere: Map<string, FieldTokens> | undefined;
  const fieldsOf = (hit: RankedHit): FieldTokens => {
    const given = tokensOf?.(hit);
    if (given) return given;
    cutHere ??= new Map(cutCandidates(ranked, words.flatMap((word) => word.forms.flat())).map((fields, i) => [ranked[i]?.passage.id ?? '', fields]));
    return cutHere.get(hit.passage.id) as FieldTokens;
  };
  const sourceFields = (hits: readonly RankedHit[]): { words: readonly string[]; tokens: readonly string[] }[] => {
    const cut = hits.map(fieldsOf);
    const title = cut[0] ? [{ words: cut[0].words.title, tokens: cut[0].title }] : [];
    return [...title, ...cut.flatMap((fields) => [{ words: fields.words.section, tokens: fields.section }, { words: fields.words.body, tokens: fields.body }])];
  };
  const bySource = new Map<string, { likelihood: number; credit: number; associated: TopRescore['associated'] }>();
  const scoreSource = (id: string) => {
    const fields = sourceFields(members.get(id) ?? []);
    let length = 0;
    for (const field of fields) length += field.tokens.length;
    let likelihood = 0;
    let credit = 0;
    const lacking: { word: Word; associates: readonly Associate[] }[] = [];
    for (const word of words) {
      let tf = 0;
      for (const field of fields) for (const form of word.forms) tf += countPhrase(field.tokens, form);
      likelihood += Math.log((tf + options.mu * word.background) / (length + options.mu)) - Math.log(word.background);
      if (tf > 0) credit += options.heldWords ? word.idf : 0;
      else if (word.stem !== undefined && options.associated > 0) lacking.push({ word, associates: associations.associates(word.stem) });
    }
    // Only for a word it lacks are the source's other words stemmed, and only those that may be its associates.
    const associated: TopRescore['associated'] = [];
    const present = new Set<string>();
    if (lacking.length > 0) {
      const could = stemFilter(lacking.flatMap(({ associates }) => associates.map((a) => a.term)));
      for (const field of fields) for (const word of field.words) if (could(word)) present.add(stem(word));
    }
    for (const { word, associates } of lacking) {
      const via = associates.find((a) => present.has(a.term));
      if (!via) continue;
      credit += word.idf * via.share;
      associated.push({ term: word.label, via: via.term, share: via.share });
    }
    const scores = { likelihood: likelihood / words.length, credit: credit / idfSum, associated };
    bySource.set(id, scores);
    return scores;
  };
  const scored = ranked.slice(0, depth).map((hit) => ({ hit, ...(bySource.get(hit.source.id) ?? scoreSource(hit.source.id)) }));
  const floor = Math.min(...scored.map((s) => s.likelihood));
  const rescored = scored
    .map(({ hit, likelihood, credit, associated }) => {
      // The priors scale the bonus as they scale the score: a retracted source gains a fifth as much.
      const { evidence, recency, integrity } = hit.explanation.priors;
      const bonus = top * (options.likelihood * (likelihood - floor) + options.associated * credit) * evidence * recency * integrity;
      const rescore: TopRescore = { likelihood, coverage: credit, associated, bonus, statement: !options.heldWords };
      return { ...hit, score: hit.score + bonus, explanation: { ...hit.explanation, rescore } };
    })
    .sort((a, b) => b.score - a.score);
  return [...rescored, ...ranked.slice(depth)];
}
