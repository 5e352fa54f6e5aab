import type { Judgement, ModelJudge } from '../ports/judge.js';
import type { Evidence, Statement, Support, Verdict } from '../domain/answer.js';
import { splitSentences } from '../domain/sentences.js';
import {
  backsMeasurement,
  backsNumber,
  backsSchedule,
  type ClinicalFacts,
  extractFacts,
  findDrugMentions,
  isContentToken,
  isCueWord,
  type Measurement,
  type NegationCue,
  negationCues,
  normalizeClinicalText,
  type QuantityKind,
  type Schedule,
  type Token,
  tokenize,
} from './clinical-facts.js';
import { ADULTS, POPULATIONS, populationsOf } from './populations.js';

/**
 * The verifier: every statement of an answer is checked against the passages it cites, and only
 * those. A statement fails outright ('unsupported') when it cites nothing or an unknown passage,
 * or when it states a fact its passages do not hold — a number, a dose or duration with its unit,
 * a dosing interval, a drug, a name with digits (IL-6) — or turns around what they say (negation).
 * These are the ways a fluent answer misleads a clinician, so each is a hard check with a problem
 * written for a reader. A statement that passes them is graded by how much of its content the
 * cited passages hold (lexical entailment): 'supported', 'partial' or 'unsupported'.
 *
 * Deterministic and pure: no model, no I/O. A model judge may be added on top
 * (`combineWithJudge`), and it can only lower a verdict.
 */

export interface VerifyOptions {
  /** Support score at or above which a statement is 'supported'. */
  supportedAt: number;
  /** Below this, 'unsupported'; between, 'partial'. */
  partialAt: number;
  /** Known drug names (lower-case), to recognise drug mentions; may be empty. */
  drugNames?: ReadonlySet<string>;
}

/**
 * Thresholds. Stemming cannot see synonyms ("death" for "mortality", "lowered" for "reduced"),
 * so a faithful paraphrase typically keeps two thirds to four fifths of its weighted content
 * words in the passage: 0.6 lets it through as 'supported', while the hard checks still catch the
 * specifics a paraphrase must not change (numbers, doses, drugs, negation). Below 0.3 the cited
 * passage shares little more than the topic with the statement, which is what 'unsupported'
 * means; in between the passage backs part of the claim, and the answer should say so.
 */
export const DEFAULT_VERIFY_OPTIONS: VerifyOptions = { supportedAt: 0.6, partialAt: 0.3 };

/**
 * How far below a band's lower threshold the score of a lowered verdict is capped (a hard-check
 * failure: below `partialAt`; a judge's 'partial': below `supportedAt`), so that score and support
 * never disagree (an 'unsupported' statement never shows a score that reads as 'partial').
 */
const HARD_FAILURE_MARGIN = 0.01;

/**
 * The support score: a weighted share of the statement's content words found in the passages.
 * UNIGRAM_SHARE of it is word coverage, the rest the share of the statement's word pairs
 * (adjacent content words) the passages also hold, which rewards saying it the passage's way
 * round ("drainage failed" versus "failed drainage" weigh the same as words but not as pairs).
 */
const UNIGRAM_SHARE = 0.85;
const BIGRAM_SHARE = 1 - UNIGRAM_SHARE;
/** Two clauses are compared for negation only when they share this much of the statement clause's weight… */
const NEGATION_MIN_OVERLAP = 0.5;
/** …and at least this many content words. */
const NEGATION_MIN_SHARED = 2;

// ---------------------------------------------------------------------------------------------
// Entry points

/** Judges one statement against the passages it cites. */
export function verifyStatement(
  statement: Statement,
  evidence: ReadonlyMap<string, Evidence>,
  options: VerifyOptions = DEFAULT_VERIFY_OPTIONS,
): Verdict {
  checkOptions(options);
  const problems: string[] = [];
  const cited = [...new Set(statement.evidence)];
  if (cited.length === 0) problems.push('the statement cites no passage');
  const passages: CitedPassage[] = [];
  const citedEvidence: Evidence[] = [];
  for (const id of cited) {
    const found = evidence.get(id);
    if (found) {
      passages.push({ id, analysis: analysisOf(found) });
      citedEvidence.push(found);
    } else problems.push(`cites ${id}, which is not in the evidence set`);
  }
  if (passages.length === 0) return { support: 'unsupported', score: 0, problems };

  problems.push(...checkQuote(statement, cited, evidence));
  const claim = analyzeText(statement.text);
  const weight = rarityWeights(evidence);
  if (claim.contentStems.length === 0) problems.push('the statement has no words that can be checked against its passages');
  problems.push(...checkFacts(claim.facts, passages));
  problems.push(...checkIdentifiers(claim.facts, passages));
  problems.push(...checkDrugs(claim, passages, options.drugNames));
  problems.push(...checkNegation(claim, passages, weight));
  problems.push(...checkPopulations(statement.text, citedEvidence));
  problems.push(...checkDoseWords(statement.text, citedEvidence));

  const score = round(supportScore(claim, passages, weight));
  const unique = [...new Set(problems)];
  if (unique.length > 0) {
    return { support: 'unsupported', score: Math.min(score, hardFailureCap(options)), problems: unique };
  }
  return { support: supportFor(score, options), score, problems: [] };
}

/** The statements with `verdict` set; the input is not changed. */
export function verifyAll(
  statements: readonly Statement[],
  evidence: ReadonlyMap<string, Evidence>,
  options: VerifyOptions = DEFAULT_VERIFY_OPTIONS,
): Statement[] {
  return statements.map((statement) => ({ ...statement, verdict: verifyStatement(statement, evidence, options) }));
}

// ---------------------------------------------------------------------------------------------
// The optional model judge

export type { Judgement, ModelJudge } from '../ports/judge.js';

const RANK: Readonly<Record<Support, number>> = { unsupported: 0, partial: 1, supported: 2 };

/**
 * Folds a judge's opinion into a verdict. The judge can only lower support: a model that misreads
 * a passage must not lift a statement over a failed hard check or a weak lexical match. When it
 * lowers, its reason joins the problems and the score is capped to the new band.
 */
export function combineWithJudge(
  verdict: Verdict,
  judgement: Judgement,
  options: VerifyOptions = DEFAULT_VERIFY_OPTIONS,
): Verdict {
  if (RANK[judgement.support] >= RANK[verdict.support]) return verdict;
  const cap = judgement.support === 'partial' ? Math.max(0, round(options.supportedAt - HARD_FAILURE_MARGIN)) : hardFailureCap(options);
  const how = judgement.support === 'partial' ? 'only partly supported' : 'unsupported';
  const reason = judgement.reason.trim();
  return {
    support: judgement.support,
    score: Math.min(verdict.score, cap),
    problems: [...verdict.problems, `a model judge found it ${how}${reason ? `: ${reason}` : ''}`],
  };
}

/**
 * Verifies, then asks the judge — unless the statement already failed, since the judge could not
 * raise it. The judge sees only the passages the statement cites.
 */
export async function verifyWithJudge(
  statement: Statement,
  evidence: ReadonlyMap<string, Evidence>,
  judge: ModelJudge,
  options: VerifyOptions = DEFAULT_VERIFY_OPTIONS,
): Promise<Verdict> {
  const verdict = verifyStatement(statement, evidence, options);
  if (verdict.support === 'unsupported') return verdict;
  const passages = [...new Set(statement.evidence)].flatMap((id) => evidence.get(id) ?? []);
  return combineWithJudge(verdict, await judge.judge(statement, passages), options);
}

// ---------------------------------------------------------------------------------------------
// Options and bands

function checkOptions(options: VerifyOptions): void {
  const { supportedAt, partialAt } = options;
  if (!(partialAt >= 0 && partialAt <= supportedAt && supportedAt <= 1)) {
    throw new RangeError(`verifier thresholds must satisfy 0 ≤ partialAt ≤ supportedAt ≤ 1 (got ${partialAt}, ${supportedAt})`);
  }
}

function supportFor(score: number, options: VerifyOptions): Support {
  if (score >= options.supportedAt) return 'supported';
  return score >= options.partialAt ? 'partial' : 'unsupported';
}

function hardFailureCap(options: VerifyOptions): number {
  return Math.max(0, round(options.partialAt - HARD_FAILURE_MARGIN));
}

const round = (x: number): number => Math.round(Math.min(1, Math.max(0, x)) * 1000) / 1000;

// ---------------------------------------------------------------------------------------------
// Text analysis (statements and passages alike)

/**
 * Citation marks ("[E2]", "[1, 3–4]", "(E1; E4)") cite; they claim nothing, and their digits must
 * not be checked as numbers or names. Composers may leave them in a statement, and in-house
 * overviews carry them in passages (the extractive composer drops them from the statement but its
 * quote span keeps them), so both sides lose them before comparison. Numbers in parentheses stay:
 * "(2019)" or "(78%)" are facts.
 */
const CITATION_MARK = /\s*(?:\[E?\d+(?:\s*[,;\u2013-]\s*E?\d+)*\]|\(E\d+(?:\s*[,;\u2013-]\s*E\d+)*\))/g;

function withoutCitationMarks(text: string): string {
  return text.replace(CITATION_MARK, '');
}

interface Clause {
  text: string;
  tokens: Token[];
  /** Content stems, negation cue words excluded: what two clauses are matched on. */
  terms: Set<string>;
  cues: NegationCue[];
}

interface TextAnalysis {
  /** Content stems in order. */
  contentStems: string[];
  terms: Set<string>;
  /** "stem stem" for adjacent content words. */
  bigrams: Set<string>;
  /** Content stems of each sentence, in order (a statement may join two neighbours). */
  sentences: Set<string>[];
  clauses: Clause[];
  facts: ClinicalFacts;
  tokens: Token[];
  folded: Set<string>;
  stems: Set<string>;
  /** Folded words and adjacent pairs joined ("il" + "6" → "il6"), for names with digits. */
  joined: Set<string>;
  /** " word word … " of folded words, for verbatim matching up to punctuation and case. */
  wordLine: string;
}

interface CitedPassage {
  /** The id as cited (the evidence map's key). */
  id: string;
  analysis: TextAnalysis;
}

/** Between clauses of one sentence: semicolons, brackets, dashes, and contrasting conjunctions. */
const CLAUSE_BREAK =
  /[;:()[\]]|\s-\s|—|,?\s+(?:but|whereas|although|though|however|yet|except|unless)\s+|,\s+(?:and|or|so|which|while|because|since)\s+|\s+while\s+/giu;

function analyzeText(input: string): TextAnalysis {
  const text = normalizeClinicalText(withoutCitationMarks(input));
  const tokens = tokenize(text);
  const content = tokens.filter(isContentToken);
  const contentStems = content.map((t) => t.stem);
  const bigrams = new Set<string>();
  for (let i = 1; i < contentStems.length; i++) bigrams.add(`${contentStems[i - 1]} ${contentStems[i]}`);
  const sentences: Set<string>[] = [];
  const clauses: Clause[] = [];
  for (const span of splitSentences(text)) {
    const sentence = text.slice(span.start, span.end);
    sentences.push(new Set(tokenize(sentence).filter(isContentToken).map((t) => t.stem)));
    for (const part of sentence.split(CLAUSE_BREAK)) {
      if (part.trim() !== '') clauses.push(analyzeClause(part.trim()));
    }
  }
  const joined = new Set<string>();
  tokens.forEach((t, i) => {
    joined.add(t.folded);
    const next = tokens[i + 1];
    if (next) joined.add(t.folded + next.folded);
  });
  return {
    contentStems,
    terms: new Set(contentStems),
    bigrams,
    sentences,
    clauses,
    facts: extractFacts(text),
    tokens,
    folded: new Set(tokens.map((t) => t.folded)),
    stems: new Set(tokens.map((t) => t.stem)),
    joined,
    wordLine: ` ${tokens.map((t) => t.folded).join(' ')} `,
  };
}

function analyzeClause(text: string): Clause {
  const tokens = tokenize(text);
  const cues = negationCues(tokens);
  const terms = new Set(tokens.filter((t) => isContentToken(t) && !isCueWord(t)).map((t) => t.stem));
  return { text, tokens, terms, cues };
}

/** A negation cue that bears on the words two clauses share, with the shared word it denies. */
interface CountingCue {
  cue: NegationCue;
  denied: Token;
}

/** How many tokens after a cue (and, for self-contained cues, before it) a shared word may be. */
const CUE_WINDOW_AFTER = 4;
const CUE_WINDOW_BEFORE = 3;

/**
 * The cues of `clause` near the content words it shares with the clause it is compared with
 * (`shared`): a negation elsewhere in the clause denies something the other clause does not
 * speak of ("steroids are not recommended for children" says nothing against "steroids shorten
 * fever in adults"). "not"/"no" count when a shared word follows within a few tokens;
 * "contraindicated"/"avoid" when one stands on either side; "without X"/"non-X" when X is shared.
 */
function countingCues(clause: Clause, shared: ReadonlySet<string>): CountingCue[] {
  const tokens = clause.tokens;
  const isShared = (t: Token | undefined): t is Token => t !== undefined && shared.has(t.stem) && isContentToken(t) && !isCueWord(t);
  const counting: CountingCue[] = [];
  for (const cue of clause.cues) {
    let denied: Token | undefined;
    if (cue.kind === 'scoped') {
      denied = cue.target !== undefined && shared.has(cue.target) ? tokens.find((t, i) => i > cue.index && t.stem === cue.target) : undefined;
    } else {
      for (let i = cue.index + 1; !denied && i <= cue.index + CUE_WINDOW_AFTER; i++) if (isShared(tokens[i])) denied = tokens[i];
      for (let i = cue.index - 1; cue.kind === 'self' && !denied && i >= cue.index - CUE_WINDOW_BEFORE; i--) {
        if (isShared(tokens[i])) denied = tokens[i];
      }
    }
    if (denied) counting.push({ cue, denied });
  }
  return counting;
}

/** An odd number of counting cues: the clause denies what the two clauses speak of. */
function isNegative(clause: Clause, shared: ReadonlySet<string>): boolean {
  return countingCues(clause, shared).length % 2 === 1;
}

/**
 * Passages are analysed once, however many statements cite them. Keyed by the evidence object;
 * the text is compared too, so an edited passage is never judged by a stale analysis.
 */
const PASSAGE_CACHE = new WeakMap<Evidence, { text: string; analysis: TextAnalysis }>();

function analysisOf(evidence: Evidence): TextAnalysis {
  const cached = PASSAGE_CACHE.get(evidence);
  if (cached && cached.text === evidence.text) return cached.analysis;
  const analysis = analyzeText(evidence.text);
  PASSAGE_CACHE.set(evidence, { text: evidence.text, analysis });
  return analysis;
}

/**
 * Rarity weights from the evidence set: w(t) = 1 + ln((N + 1) / (df(t) + 1)), where N is the
 * number of passages and df(t) how many hold the stem. A word every passage holds (the question's
 * topic) weighs 1; a word no passage holds weighs most, so an invented specific costs more than a
 * dropped generic word. The evidence set is the only corpus the verifier has, and the right one:
 * rarity within what was retrieved is what distinguishes one passage's claims from another's.
 */
type Weight = (stem: string) => number;
const WEIGHT_CACHE = new WeakMap<ReadonlyMap<string, Evidence>, { passages: Evidence[]; weight: Weight }>();

function rarityWeights(evidence: ReadonlyMap<string, Evidence>): Weight {
  const passages = [...evidence.values()];
  const cached = WEIGHT_CACHE.get(evidence);
  // Reused only while the map holds the very same passages (callers may add to a map between calls).
  if (cached && cached.passages.length === passages.length && cached.passages.every((p, i) => p === passages[i])) {
    return cached.weight;
  }
  const df = new Map<string, number>();
  for (const passage of passages) {
    for (const term of analysisOf(passage).terms) df.set(term, (df.get(term) ?? 0) + 1);
  }
  const n = passages.length;
  const weight: Weight = (stem) => 1 + Math.log((n + 1) / ((df.get(stem) ?? 0) + 1));
  WEIGHT_CACHE.set(evidence, { passages, weight });
  return weight;
}

// ---------------------------------------------------------------------------------------------
// Hard checks

/** An extractive statement's quote must point into a passage it cites and hold its words. */
function checkQuote(statement: Statement, cited: readonly string[], evidence: ReadonlyMap<string, Evidence>): string[] {
  const quote = statement.quote;
  if (!quote) return [];
  if (!cited.includes(quote.evidenceId)) return [`quotes ${quote.evidenceId}, which it does not cite`];
  const passage = evidence.get(quote.evidenceId);
  if (!passage) return [];
  const words = (text: string) => tokenize(normalizeClinicalText(withoutCitationMarks(text))).map((t) => t.folded).join(' ');
  return words(passage.text.slice(quote.start, quote.end)) === words(statement.text)
    ? []
    : [`the quoted span of ${quote.evidenceId} does not hold the statement's words`];
}

const KIND_NAMES: Readonly<Record<QuantityKind, string>> = {
  dose: 'dose',
  concentration: 'value',
  percentage: 'percentage',
  duration: 'duration',
  age: 'age',
  value: 'value',
};

/**
 * Numbers, doses, durations and schedules: each must be in some cited passage (the statement may
 * draw its dose from one passage and its duration from another), a value with its unit, a
 * schedule as an interval. A number held only by an uncited passage does not count.
 */
function checkFacts(facts: ClinicalFacts, passages: readonly CitedPassage[]): string[] {
  const problems: string[] = [];
  for (const number of facts.numbers) {
    if (!passages.some((p) => p.analysis.facts.allValues.some((v) => backsNumber(number, v, true)))) {
      problems.push(`the number "${number.raw}" appears in no cited passage`);
    }
  }
  const reported = new Set<string>();
  for (const measurement of facts.measurements) {
    if (reported.has(measurement.raw)) continue;
    if (passages.some((p) => p.analysis.facts.measurements.some((m) => backsMeasurement(measurement, m)))) continue;
    reported.add(measurement.raw);
    problems.push(`the ${KIND_NAMES[measurement.kind]} "${measurement.raw}" appears in no cited passage${unitHint(measurement, passages)}`);
  }
  for (const schedule of facts.schedules) {
    if (schedule.bare || reported.has(schedule.raw)) continue;
    if (passages.some((p) => p.analysis.facts.schedules.some((s) => backsSchedule(schedule, s)))) continue;
    reported.add(schedule.raw);
    const what = schedule.kind === 'interval' ? 'interval' : 'frequency';
    problems.push(`the ${what} "${schedule.raw}" appears in no cited passage${scheduleHint(passages)}`);
  }
  return problems;
}

/** "(E1 has "100 mg")": the same number with another unit is the likeliest slip, so name it. */
function unitHint(measurement: Measurement, passages: readonly CitedPassage[]): string {
  for (const p of passages) {
    const near = p.analysis.facts.measurements.find((m) => m.value === measurement.value && m.unit.canonical !== measurement.unit.canonical);
    if (near) return ` (${p.id} has "${near.raw}")`;
  }
  // A different dose or duration is worth naming (the nearest in size, likeliest the one meant);
  // a different percentage is usually another result altogether.
  if (measurement.kind !== 'dose' && measurement.kind !== 'duration') return '';
  const size = (m: Measurement): number => Math.abs(Math.log((m.value * m.unit.factor) / (measurement.value * measurement.unit.factor)));
  let nearest: { id: string; raw: string; distance: number } | undefined;
  for (const p of passages) {
    for (const m of p.analysis.facts.measurements) {
      if (m.kind !== measurement.kind || m.unit.dimension !== measurement.unit.dimension) continue;
      const distance = size(m);
      if (Number.isFinite(distance) && (!nearest || distance < nearest.distance)) nearest = { id: p.id, raw: m.raw, distance };
    }
  }
  return nearest ? ` (${nearest.id} has "${nearest.raw}")` : '';
}

function scheduleHint(passages: readonly CitedPassage[]): string {
  for (const p of passages) {
    const given: Schedule | undefined = p.analysis.facts.schedules.find((s) => !s.bare);
    if (given) return ` (${p.id} has "${given.raw}")`;
  }
  return '';
}

/** Names with digits (IL-6, CYP3A4, COVID-19): a changed digit names another thing. */
function checkIdentifiers(facts: ClinicalFacts, passages: readonly CitedPassage[]): string[] {
  const problems: string[] = [];
  for (const identifier of facts.identifiers) {
    if (!passages.some((p) => p.analysis.joined.has(identifier.key))) {
      problems.push(`the name "${identifier.raw}" appears in no cited passage`);
    }
  }
  return problems;
}

/** A drug the cited passages never name is a drug they say nothing about. */
function checkDrugs(claim: TextAnalysis, passages: readonly CitedPassage[], drugNames?: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  for (const drug of findDrugMentions(claim.tokens, drugNames)) {
    const named = passages.some((p) => {
      const a = p.analysis;
      if (drug.words.length === 1) {
        const word = drug.words[0] ?? '';
        return a.folded.has(word) || a.stems.has(tokenize(word)[0]?.stem ?? word);
      }
      return a.wordLine.includes(` ${drug.words.join(' ')} `);
    });
    if (!named) problems.push(`the drug "${drug.raw}" appears in no cited passage`);
  }
  return problems;
}

/**
 * Patient groups. A statement that names a group (neonates, children, pregnancy, older adults, …)
 * must cite a passage that names the same group, in its text, section or source title: the same
 * treatment "for pregnant women" or "for neonates" is a different claim from one "for children",
 * however many of the other words agree. A statement "for adults" fails when its passages speak
 * of children and never of adults.
 */
function checkPopulations(text: string, cited: readonly Evidence[]): string[] {
  const where = cited.map((e) => `${e.source.title} ${e.section} ${e.text}`);
  const problems: string[] = [];
  for (const population of populationsOf(text)) {
    if (where.some((w) => population.pattern.test(w))) continue;
    problems.push(`it speaks of ${population.name} ("${text.match(population.pattern)?.[0] ?? population.name}"), which no cited passage mentions`);
  }
  const children = POPULATIONS.filter((p) => p.family === 'children');
  if (ADULTS.test(text) && !where.some((w) => ADULTS.test(w)) && where.some((w) => children.some((p) => p.pattern.test(w)))) {
    problems.push('it is about adults, while its passages speak of children and never of adults');
  }
  return problems;
}

/**
 * Words that set the size of a dose ("low-dose", "high dose", "single dose", "loading dose") must be
 * in a cited passage as written: "low-dose amoxicillin" is not backed by a passage on high-dose
 * amoxicillin, though every other word matches.
 */
const DOSE_WORDS = /\b(low|high|single|loading|maximum|maximal|double|standard|reduced|full|split|divided)[-\s]+dos(e|es|ed|ing)\b/gi;

function checkDoseWords(text: string, cited: readonly Evidence[]): string[] {
  const said = (phrase: string) => phrase.toLowerCase().replace(/[-\s]+/g, ' ').replace(/ dos(e|es|ed|ing)$/, ' dose');
  const inPassages = new Set(cited.flatMap((e) => [...e.text.matchAll(DOSE_WORDS)].map((m) => said(m[0]))));
  const problems: string[] = [];
  for (const match of text.matchAll(DOSE_WORDS)) {
    if (!inPassages.has(said(match[0]))) problems.push(`it says "${match[0]}", which no cited passage says`);
  }
  return problems;
}

/**
 * Negation. Each clause of the statement is matched to the cited clause that shares the most of
 * its (weighted) content words. Each side's negative when it has an odd number of negation cues
 * near the words the two share (see `countingCues`); when one side is negative and the other not,
 * the statement has turned the passage around. To keep false alarms low a clause is only compared
 * when it shares at least two content words and half its weight with the passage clause, and a
 * flip is reported only if no equally good clause agrees with the statement (a passage may say
 * "recommended for adults" and "not recommended for children"; clauses split on ";", brackets
 * and contrasting conjunctions keep those apart).
 */
function checkNegation(claim: TextAnalysis, passages: readonly CitedPassage[], weight: Weight): string[] {
  const problems: string[] = [];
  for (const clause of claim.clauses) {
    const total = sumWeights(clause.terms, weight);
    if (clause.terms.size < NEGATION_MIN_SHARED || total === 0) continue;
    let best = 0;
    let matches: { id: string; clause: Clause; shared: Set<string> }[] = [];
    for (const p of passages) {
      for (const other of p.analysis.clauses) {
        const shared = new Set([...clause.terms].filter((t) => other.terms.has(t)));
        const overlap = sumWeights(shared, weight);
        if (shared.size < NEGATION_MIN_SHARED || overlap < NEGATION_MIN_OVERLAP * total) continue;
        if (overlap > best + 1e-9) {
          best = overlap;
          matches = [{ id: p.id, clause: other, shared }];
        } else if (overlap >= best - 1e-9) {
          matches.push({ id: p.id, clause: other, shared });
        }
      }
    }
    const first = matches[0];
    if (!first || matches.some((m) => isNegative(m.clause, m.shared) === isNegative(clause, m.shared))) continue;
    problems.push(describeFlip(clause, first.clause, first.shared, first.id));
  }
  return problems;
}

const AUXILIARIES = new Set(['do', 'does', 'did']);
const EXCERPT_CHARS = 80;

/**
 * The problem, quoting the cue one side has and the other lacks — "did not reduce", "not
 * recommended", "without diabetes", "contraindicated" — against the same words on the other side
 * ("reduced", "recommended", "with diabetes"), or that side's clause when it lacks them.
 */
function describeFlip(statement: Clause, passage: Clause, shared: ReadonlySet<string>, id: string): string {
  const ours = countingCues(statement, shared);
  const theirs = countingCues(passage, shared);
  const deniedBy = (cues: readonly CountingCue[]) => new Set(cues.map((c) => c.denied.stem));
  const ourOwn = ours.find((c) => !deniedBy(theirs).has(c.denied.stem));
  if (ourOwn) return `the statement says "${cueQuote(statement, ourOwn)}" but ${id} says "${counterpart(passage, ourOwn, statement)}"`;
  const theirOwn = theirs.find((c) => !deniedBy(ours).has(c.denied.stem)) ?? theirs[0];
  if (theirOwn) return `the statement says "${counterpart(statement, theirOwn, passage)}" but ${id} says "${cueQuote(passage, theirOwn)}"`;
  return `the statement says "${excerpt(statement.text)}" but ${id} says "${excerpt(passage.text)}"`;
}

/** The cue and the shared word it denies, as written: "did not reduce", "no significant difference". */
function cueQuote(clause: Clause, { cue, denied }: CountingCue): string {
  const tokens = clause.tokens;
  const cueToken = tokens[cue.index];
  if (!cueToken) return excerpt(clause.text);
  if (cue.kind === 'self' || denied.start < cueToken.start) return cueToken.raw;
  const start = cue.index > 0 && AUXILIARIES.has(tokens[cue.index - 1]?.folded ?? '') ? (tokens[cue.index - 1]?.start ?? cueToken.start) : cueToken.start;
  return clause.text.slice(start, denied.end);
}

/**
 * What the other side says where the cue's side denies: the same words, as many as the quote of
 * the cue spans ("shortened the length" against "did not reduce the length"; "with diabetes"
 * against "without diabetes"), or that side's clause when it lacks them.
 */
function counterpart(clause: Clause, { cue, denied }: CountingCue, cueSide: Clause): string {
  if (cue.kind === 'self') return excerpt(clause.text);
  const tokens = clause.tokens;
  const index = tokens.findIndex((t) => t.stem === denied.stem);
  const token = tokens[index];
  if (!token) return excerpt(clause.text);
  const before = tokens[index - 1];
  if (cue.kind === 'scoped') return before?.folded === 'with' ? clause.text.slice(before.start, token.end) : token.raw;
  const gap = Math.max(0, cueSide.tokens.findIndex((t) => t === denied) - cue.index - 1);
  let from = Math.max(0, index - gap);
  while (from < index && !isContentToken(tokens[from] as Token)) from++;
  return clause.text.slice(tokens[from]?.start ?? token.start, token.end);
}

function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= EXCERPT_CHARS ? flat : `${flat.slice(0, EXCERPT_CHARS - 1).trimEnd()}…`;
}

// ---------------------------------------------------------------------------------------------
// Support score

function sumWeights(terms: Iterable<string>, weight: Weight): number {
  let sum = 0;
  for (const t of terms) sum += weight(t);
  return sum;
}

/**
 * Lexical entailment in [0, 1]. Word coverage is the mean of two views: the best single place
 * (one sentence, or two neighbouring sentences, of one cited passage) and all cited passages
 * together. The first rewards a claim a passage makes in one place; the second lets a statement
 * that combines passages get credit, but only half. A statement whose words appear, in order, in a
 * cited passage (an extractive quote, up to punctuation and case) scores 1.
 */
function supportScore(claim: TextAnalysis, passages: readonly CitedPassage[], weight: Weight): number {
  const terms = [...claim.terms];
  if (terms.length === 0) return 0;
  if (passages.some((p) => p.analysis.wordLine.includes(claim.wordLine))) return 1;
  const total = sumWeights(terms, weight);
  const coverage = (holds: (term: string) => boolean): number => sumWeights(terms.filter(holds), weight) / total;
  let local = 0;
  for (const p of passages) {
    const sentences = p.analysis.sentences;
    sentences.forEach((sentence, i) => {
      const next = sentences[i + 1];
      local = Math.max(local, coverage((t) => sentence.has(t) || (next?.has(t) ?? false)));
    });
  }
  const everywhere = coverage((t) => passages.some((p) => p.analysis.terms.has(t)));
  const words = (local + everywhere) / 2;
  if (claim.bigrams.size === 0) return words;
  let shared = 0;
  for (const bigram of claim.bigrams) if (passages.some((p) => p.analysis.bigrams.has(bigram))) shared++;
  return UNIGRAM_SHARE * words + BIGRAM_SHARE * (shared / claim.bigrams.size);
}
