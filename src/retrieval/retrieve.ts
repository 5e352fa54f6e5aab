import { isCitemedError } from '../domain/errors.js';
import type { Embedder } from '../ports/embedder.js';
import type { FieldWeights, PassageHit, SearchFilters, Store } from '../ports/store.js';
import { diversify, type DiversityOptions } from './diversify.js';
import { feedbackClauses, type FeedbackOptions } from './feedback.js';
import { fuseRankings, type HybridOptions } from './fuse.js';
import { clauseFromTerm, partClauses, phraseClauses, withClauses, type QueryClause, type QueryPlan } from './plan.js';
import { analyzeQuery, isStatement, STOP_WORDS, type QueryTerm } from './query.js';
import { asWritten, compoundRespelled, isShouted, keptAsFound, respellable, respellableParts, respelledTerm, respellingNote, respellWords, type Respelling } from './respell.js';
import { compoundWords, drugPhrases, joinedTerm, otherCompounds, otherNames, plainWord, spellingStems, spellingTokens, withOtherSpellings, type OtherSpelling } from './spellings.js';
import { stem } from './tokens.js';
import type { TermAssociations } from './associations.js';
import { clauseStems, cutCandidates, rankCandidates, type ClauseStats, type RankedHit, type RankingOptions } from './rank.js';
import { rescoreOptions, rescoreTop, singleStem, type RescoreSettings } from './rescore.js';

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
  /** The top of the ranking ordered again by the question's coverage with associated words, a statement's its own way (rescore.ts); depth 0 is off. */
  rescore: RescoreSettings;
  diversity: DiversityOptions;
  feedback: FeedbackOptions;
  /** Weight of the single words of compound terms ("7-day-old" → "day", "old"); 0 turns them off. */
  partWeight: number;
  /** Weight of neighbouring-term phrases relative to single terms; 0 turns them off. */
  phraseWeight: number;
  /**
   * Weight of a question word searched as the library spells it, when no passage holds it as typed
   * ("amoxicilin" → "amoxicillin"; respell.ts); 0 turns respelling off.
   */
  respellWeight: number;
  /** A question word also searched in its other spelling, British or American, where a passage holds it (spellings.ts). */
  otherSpellings: boolean;
  /**
   * A question word that names a drug also searched under the drug's other generic names
   * ("paracetamol", "acetaminophen"), where a passage holds them (drug-names.ts).
   */
  otherDrugNames: boolean;
  /** Use the expander (abbreviations, MeSH, drug names), when there is one. */
  expand: boolean;
  /** Lexical ranking fused with nearest passages by embedding (needs an embedder). */
  hybrid: HybridOptions;
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
  /** For hybrid search; without one, hybrid searches are lexical and say so. */
  embedder?: Embedder;
  /** The library's associations for these words (associations.ts `createAssociationSource`); without them the top is not rescored. */
  associations?: (terms: readonly string[]) => Promise<TermAssociations>;
}

/** A plan's ranking, with the candidates' passage words as the re-ranker cut them (for diversity). */
interface RankedPlan {
  ranked: RankedHit[];
  /** How many candidates the index returned. */
  candidates: number;
  wordsOf: (hit: RankedHit) => readonly string[] | undefined;
}

/** Passages read to see how the library writes a respelled word. */
const SPELLING_SAMPLE = 20;

interface VectorHits {
  hits: PassageHit[];
  notes: string[];
}

export function createRetriever({ store, expander, embedder, associations }: RetrieverDeps) {
  /**
   * The passages nearest the question by embedding. A search still answers, lexically, when the
   * embedding server fails or the library has no vectors; the notes say so.
   */
  async function nearestByVector(text: string, options: RetrievalOptions): Promise<VectorHits> {
    if (!embedder) {
      return { hits: [], notes: ['hybrid search is on but no embedder is set (embedder.baseUrl, embedder.model): lexical results only'] };
    }
    let vector: Float32Array | undefined;
    try {
      [vector] = await embedder.embed([text], 'query');
    } catch (error) {
      if (!isCitemedError(error) || error.code === 'interrupted') throw error;
      return { hits: [], notes: [`hybrid search skipped, lexical results only: ${error.message}${error.hint ? ` (${error.hint})` : ''}`] };
    }
    if (!vector) return { hits: [], notes: [] };
    const [hits, stats] = await Promise.all([
      store.nearest({ model: embedder.model, vector, limit: options.hybrid.candidates, ...(options.filters ? { filters: options.filters } : {}) }),
      store.vectorStats(embedder.model),
    ]);
    const notes: string[] = [];
    const near = hits.filter((hit) => hit.score > options.hybrid.minSimilarity);
    if (stats.embedded === 0) notes.push(`no passage has a vector for ${embedder.model} yet, so results are lexical only: run \`citemed embed\``);
    else if (stats.embedded < stats.passages) {
      notes.push(`${stats.embedded} of ${stats.passages} passages have vectors for ${embedder.model}; run \`citemed embed\` for the rest`);
    }
    return { hits: near, notes };
  }

  /**
   * Candidates from the index (plus, in hybrid search, the nearest passages by vector), re-ranked
   * lexically. Passages found only by vector enter with no first-stage score. The vector search is
   * awaited only after the index's work, so the embedding request overlaps it.
   */
  async function rankPlan(plan: QueryPlan, options: RetrievalOptions, vector?: Promise<VectorHits>): Promise<RankedPlan> {
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
    // The third stage's associations are read while the index finds candidates.
    const rescore = rescoreOptions(options.rescore, plan.statement === true);
    const { depth, likelihood, associated } = rescore;
    const words = matched.flatMap(({ clause }) => (clause.origin === 'query' ? (singleStem(clause) ?? []) : []));
    const lookup = associations && depth > 0 && (likelihood > 0 || associated > 0) && matched.length > 0 ? associations(words) : undefined;
    lookup?.catch(() => {}); // awaited below; this only keeps a rejection during the search from going unhandled
    const lexical =
      matched.length === 0
        ? []
        : await store.search({
            phrases: candidatePhrases(matched, stats.passages, options),
            // Sources can have several candidate passages: fetch at least twice the results asked for.
            limit: Math.max(options.candidates, options.limit * 2),
            weights: options.firstStageWeights,
            ...(options.filters ? { filters: options.filters } : {}),
          });
    const byVector = vector ? (await vector).hits : [];
    const seen = new Set(lexical.map((hit) => hit.passage.id));
    const extra = byVector.filter((hit) => !seen.has(hit.passage.id)).map((hit) => ({ ...hit, score: 0 }));
    const hits = [...lexical, ...extra];
    const tokens = cutCandidates(hits, clauseStems(matched));
    const ranked = rankCandidates(hits, matched, stats, options.ranking, tokens);
    const byPassage = new Map(hits.map((hit, i) => [hit.passage.id, tokens[i]]));
    const tokensOf = (hit: RankedHit) => byPassage.get(hit.passage.id);
    const wordsOf = (hit: RankedHit) => tokensOf(hit)?.words.body;
    const found = await lookup;
    if (!found) return { ranked, candidates: hits.length, wordsOf };
    return { ranked: rescoreTop(ranked, matched, stats, found, rescore, tokensOf), candidates: hits.length, wordsOf };
  }

  /**
   * The question's terms, each plain word that no passage holds replaced by how the library spells
   * it, when it spells it somehow (respell.ts). The words' frequencies asked here are the ones
   * rankPlan asks for again, from the store's cache.
   */
  async function respelled(text: string, terms: QueryTerm[], notes: string[], weights: FieldWeights): Promise<QueryTerm[]> {
    const shouted = isShouted(text);
    const words = terms.map((term) => respellable(term, shouted));
    // The words of a compound ("anti-inflamatory") are tried as words of their own.
    const parts = terms.map((term) => respellableParts(term, shouted));
    const asked = [...new Set([...words.filter((word): word is string => word !== undefined), ...parts.flat()])];
    if (asked.length === 0) return terms;
    const counts = await store.frequencies(asked.map((word) => ({ tokens: [word], stems: [stem(word)] })));
    const absent = asked.filter((_, i) => (counts[i] ?? 0) === 0);
    if (absent.length === 0) return terms;
    const found = await respellWords(absent, (phrases) => store.frequencies(phrases), (w) => STOP_WORDS.has(w));
    const shown = new Map(await Promise.all([...found].map(async ([word, r]) => [word, await asTheLibrarySpells(r, weights)] as const)));
    // A respelling that the question also holds as typed ("pnuemonia or pneumonia") is that term already.
    const typed = new Set(terms.map((term) => term.stems[0]?.join(' ')));
    return terms.flatMap((term, i) => {
      const respelling = shown.get(words[i] ?? '');
      const respelled = respelling ? { term: respelledTerm(term, respelling), used: [respelling] } : compoundRespelled(term, parts[i] ?? [], shown);
      if (!respelled) return [term];
      if (typed.has(respelled.term.stems[0]?.join(' '))) return [];
      notes.push(...respelled.used.map(respellingNote));
      return [respelled.term];
    });
  }

  /**
   * Each plain word of the question with its other spelling, British or American, and a drug's
   * other generic names (spellings.ts), where some passage holds them: one frequency look-up for
   * all of them. A compound is also searched written otherwise ("tumour-associated" as
   * "tumor-associated"), and its words' part clauses match their other names.
   */
  async function inOtherSpellings(terms: QueryTerm[], options: RetrievalOptions): Promise<QueryTerm[]> {
    // A spelling the question holds too ("tumour or tumor") is its own term already.
    const key = (other: OtherSpelling) => spellingStems(other).join(' ');
    const typed = new Set(terms.map((term) => term.stems[0]?.join(' ')));
    const which = { spellings: options.otherSpellings, drugs: options.otherDrugNames };
    const compounds = terms.map(compoundWords);
    const partOthers = compounds.map((parts) => (parts ?? []).map((part) => otherNames(part, which)));
    const candidates = terms.map((term, i) => {
      const word = plainWord(term);
      const parts = compounds[i];
      const others = word !== undefined ? otherNames(word, which) : parts ? otherCompounds(parts, partOthers[i] ?? []) : [];
      return others.filter((other) => !typed.has(key(other)));
    });
    // A drug named in several words ("glyceryl trinitrate") becomes one term when the library holds
    // another of its names; a compound that names one ("co-trimoxazole") gets them as a word does.
    const phrases = options.otherDrugNames ? drugPhrases(terms).map((phrase) => ({ ...phrase, others: phrase.others.filter((other) => !typed.has(key(other))) })) : [];
    const all = [...candidates.flat(), ...partOthers.flat(2), ...phrases.flatMap((phrase) => phrase.others)];
    if (all.length === 0) return terms;
    const counts = await store.frequencies(all.map((other) => ({ tokens: spellingTokens(other), stems: spellingStems(other) })));
    const held = new Set(all.filter((_, i) => (counts[i] ?? 0) > 0));
    const out: QueryTerm[] = [];
    for (let i = 0; i < terms.length; i++) {
      const phrase = phrases.find((p) => p.start === i && p.others.some((other) => held.has(other)));
      if (phrase) {
        const named = phrase.length === 1 ? (terms[i] as QueryTerm) : joinedTerm(terms.slice(i, i + phrase.length));
        out.push(withOtherSpellings(named, phrase.others.filter((other) => held.has(other))));
        i += phrase.length - 1;
        continue;
      }
      const term = terms[i] as QueryTerm;
      const found = (candidates[i] ?? []).filter((other) => held.has(other));
      const withFound = found.length === 0 ? term : withOtherSpellings(term, found);
      const parts = (partOthers[i] ?? []).map((others) => others.filter((other) => held.has(other)));
      out.push(parts.some((others) => others.length > 0) ? { ...withFound, partSpellings: parts } : withFound);
    }
    return out;
  }

  /** A respelling as a few passages holding it write it (respell.ts `asWritten`), or undefined when they do not bear it out. */
  async function asTheLibrarySpells(respelling: Respelling, weights: FieldWeights): Promise<Respelling | undefined> {
    const [word] = respelling.to;
    if (keptAsFound(respelling) || word === undefined) return respelling;
    const hits = await store.search({ phrases: [[word]], limit: SPELLING_SAMPLE, weights });
    return asWritten(respelling, hits.flatMap((hit) => [hit.fields.title, hit.passage.text]));
  }

  return async function retrieve(text: string, options: RetrievalOptions): Promise<RetrievalResult> {
    const notes: string[] = [];
    const typed = analyzeQuery(text);
    const read = options.respellWeight > 0 ? await respelled(text, typed, notes, options.firstStageWeights) : typed;
    const terms = options.otherSpellings || options.otherDrugNames ? await inOtherSpellings(read, options) : read;
    // A drug's other name changes what the answer quotes ("acetaminophen" for "paracetamol"): say so,
    // for a compound's word ("acetaminophen-induced") by the word.
    const drugNotes = new Set<string>();
    const noteDrugNames = (named: string, others: readonly OtherSpelling[]) => {
      const names = others.filter((other) => other.variety === 'drug').map((other) => `"${other.word}"`);
      if (names.length > 0) drugNotes.add(`"${named}" also searched as ${names.join(' and ')}, another name of the same drug`);
    };
    for (const term of terms) {
      if (term.partSpellings) term.partSpellings.forEach((others, i) => noteDrugNames(term.forms[0]?.[i] ?? '', others));
      else noteDrugNames(term.respelled ? term.respelled.to.join(' ') : term.text, term.otherSpellings ?? []);
    }
    notes.push(...drugNotes);
    let plan: QueryPlan = { text, clauses: terms.map((term) => clauseFromTerm(term, options.respellWeight)) };
    if (options.rescore.depth > 0 && options.rescore.statements.enabled && isStatement(text)) plan.statement = true;
    plan = withClauses(plan, [...partClauses(terms, options.partWeight, (w) => STOP_WORDS.has(w)), ...phraseClauses(terms, options.phraseWeight)]);
    if (expander && terms.length > 0 && options.expand) {
      const expansion = await expander(terms);
      plan = withClauses(plan, expansion.clauses);
      notes.push(...expansion.notes);
    }
    if (plan.clauses.length === 0) return { plan, hits: [], candidates: 0, notes };

    // The question is embedded while the index finds candidates (rankPlan awaits it last).
    const vector = options.hybrid.enabled ? nearestByVector(text, options) : undefined;
    vector?.catch(() => {}); // awaited in rankPlan; this only keeps an early rejection from going unhandled
    let { ranked, candidates, wordsOf } = await rankPlan(plan, options, vector);
    if (options.feedback.terms > 0 && options.feedback.weight > 0 && ranked.some((hit) => hit.score > 0)) {
      const extra = feedbackClauses(ranked, plan, options.feedback);
      if (extra.length > 0) {
        plan = withClauses(plan, extra);
        ({ ranked, candidates, wordsOf } = await rankPlan(plan, options, vector));
      }
    }
    const { hits: byVector, notes: vectorNotes } = vector ? await vector : { hits: [], notes: [] };
    notes.push(...vectorNotes);
    const final =
      byVector.length > 0
        ? fuseRankings(ranked, byVector.map((hit) => ({ passageId: hit.passage.id, similarity: hit.score })), options.hybrid)
        : ranked.filter((hit) => hit.score > 0);
    return { plan, hits: diversify(final, options.limit, options.diversity, wordsOf), candidates, notes };
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
