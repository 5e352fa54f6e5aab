import type { Audience, Evidence, SectionKind, Statement } from '../domain/answer.js';
import type { CitedReference } from '../domain/source.js';
import { splitSentences } from '../domain/sentences.js';
import type { ComposeRequest, Composer, Draft } from '../ports/composer.js';
import { analyzeQuery, type QueryTerm } from '../retrieval/query.js';
import { compoundWords, drugPhrases, otherNames, plainWord, spellingStems, type OtherSpelling } from '../retrieval/spellings.js';
import { indexTokens } from '../retrieval/tokens.js';
import { hasDosing } from './audience.js';
import { familiesAskedAbout } from './populations.js';
import { FOCUS } from './thread.js';

/**
 * The default composer: no model. It answers with sentences taken verbatim from the retrieved
 * passages, so every number, dose and unit is exactly as its source wrote it and every statement
 * points at the span it came from.
 *
 * 1. Every sentence of every citeable passage is scored against the question: the question's
 *    terms it holds (weighted by how rare they are among the passages), the passage's retrieval
 *    rank, and its source's evidence level.
 * 2. Each sentence goes to the answer section its wording and its passage's section label point to
 *    (diagnosis, treatment, monitoring, …).
 * 3. The bottom line is the best one or two sentences, preferring an overview's own "Bottom line"
 *    and high-level evidence; each section keeps its best sentences; a sentence too like one
 *    already chosen is skipped.
 */
export interface ExtractiveOptions {
  /** Most statements per section. */
  perSection: number;
  /** Most statements in the whole answer, bottom line included. */
  total: number;
  /** Sentences sharing more than this share of their words with a chosen one are skipped. */
  maxOverlap: number;
  /** A sentence must hold at least this share of the question's (weighted) terms to be used. */
  minRelevance: number;

  /**
   * A passage is used only when it (with its source's title and section) holds at least this
   * share of the question's topic words ("iliopsoas", "abscess"; not "management"): a passage on
   * iliopsoas haematoma or on skin abscesses does not answer a question on iliopsoas abscess.
   */
  minTopicCoverage: number;
}

export const DEFAULT_EXTRACTIVE_OPTIONS: ExtractiveOptions = { perSection: 4, total: 12, maxOverlap: 0.6, minRelevance: 0.2, minTopicCoverage: 0.66 };

export function createExtractiveComposer(options: ExtractiveOptions = DEFAULT_EXTRACTIVE_OPTIONS): Composer {
  return {
    name: 'extractive',
    async compose(request: ComposeRequest): Promise<Draft> {
      return composeExtractive(request, options);
    },
  };
}

interface Candidate {
  statement: Statement;
  words: Set<string>;
  relevance: number;
  score: number;
  kind: SectionKind;
  bottomLine: boolean;
  /** Which of the question's topic words (by index) the sentence or its source's title holds. */
  topic: ReadonlySet<number>;
  /** From a list of pitfalls: a caution that needs its heading to be read right. */
  caution: boolean;
}

const LEVEL_WEIGHT: Readonly<Record<string, number>> = {
  guideline: 1.3,
  'systematic-review': 1.25,
  'in-house': 1.2,
  'randomized-trial': 1.15,
  observational: 1.05,
  'review-opinion': 1,
  'case-report': 0.95,
  unclassified: 1,
};

export function composeExtractive(request: ComposeRequest, options: ExtractiveOptions = DEFAULT_EXTRACTIVE_OPTIONS): Draft {
  const terms = questionTerms(request.question, request.evidence);
  // Every topic word counts, even one no passage holds: a library without "iliopsoas" has no
  // answer on iliopsoas abscess, however much it says about skin abscesses.
  const topic = topicWords(request.question);
  // A population the question names (children, pregnancy, …) is not optional: a passage on adults
  // does not answer for children, however well it covers the rest.
  const populations = familiesAskedAbout(request.question);
  const onTopic = request.evidence.filter(
    (e) => topicCoverage(e, topic) >= options.minTopicCoverage && populations.every((names) => names.test(`${e.source.title} ${e.section} ${e.text}`)),
  );
  const focus = questionFocus(request.question);
  const candidates = onTopic
    .flatMap((evidence) => sentencesOf(evidence, terms, topic, request.audience, titleCovers(evidence, topic, options)))
    .map((c) => (focus.has(c.kind) ? { ...c, score: c.score * FOCUS_EMPHASIS } : c));
  const usable = candidates.filter((c) => c.relevance >= options.minRelevance).sort((a, b) => b.score - a.score);
  const chosen: Candidate[] = [];
  const tooLike = (c: Candidate) => chosen.some((other) => overlap(c.words, other.words) > options.maxOverlap);

  // The bottom line is read alone, so it takes no sentence from a list of pitfalls ("Relying on
  // regular paracetamol …" reads as advice without its heading), and it names the most specific
  // word of the question that any sentence names (the topic word rarest among the passages): an
  // overview's own bottom line on low back pain care does not answer "Is acetaminophen effective
  // for acute low back pain?", and the trial of paracetamol does.
  const readAlone = usable.filter((c) => !c.caution);
  const specific = rarest(topic, terms, (i) => readAlone.some((c) => c.topic.has(i)));
  const pool = specific === undefined ? readAlone : readAlone.filter((c) => c.topic.has(specific));
  const bottomLine: Statement[] = [];
  for (const c of [...pool].sort((a, b) => Number(b.bottomLine) - Number(a.bottomLine) || b.score - a.score)) {
    if (bottomLine.length === 2) break;
    // A second bottom-line sentence only when it is nearly as strong as the first.
    if (bottomLine.length === 1 && c.score < (chosen[0]?.score ?? 0) * 0.6) break;
    if (tooLike(c)) continue;
    chosen.push(c);
    bottomLine.push(c.statement);
  }

  const sections = new Map<SectionKind, Statement[]>();
  // The sections the question asks about fill first, so "management of …" is not crowded out of
  // its treatment section by better-scoring background.
  const inOrder = [...usable.filter((c) => focus.has(c.kind)), ...usable.filter((c) => !focus.has(c.kind))];
  for (const c of inOrder) {
    if (chosen.length >= options.total) break;
    if (chosen.includes(c) || tooLike(c)) continue;
    const list = sections.get(c.kind) ?? [];
    if (list.length >= options.perSection) continue;
    list.push(c.statement);
    sections.set(c.kind, list);
    chosen.push(c);
  }
  return {
    bottomLine,
    sections: SECTION_ORDER.filter((kind) => sections.has(kind)).map((kind) => ({ kind, statements: sections.get(kind) ?? [] })),
    followUps: [],
  };
}

/**
 * What the question asks about, as answer sections: "management of …" wants treatment first,
 * "how is … diagnosed" the diagnostic approach. Sentences of those sections weigh more.
 */
const FOCUS_SECTIONS: readonly [RegExp, SectionKind][] = [
  [/\b(manag|treat|therap|drug|medication|antibiotic|regimen|dose|first[- ]line|surgery)/i, 'treatment'],
  [/\b(diagnos|test|imaging|work-?up|investigat|detect|screen)/i, 'diagnosis'],
  [/\b(monitor|follow[- ]?up|surveillance)/i, 'monitoring'],
  [/\b(prognos|outcome|mortality|survival|recurren)/i, 'prognosis'],
  [/\b(pregnan|child|elderly|older|renal|hepatic|allerg)/i, 'special-considerations'],
];
const FOCUS_EMPHASIS = 1.5;

function questionFocus(question: string): Set<SectionKind> {
  return new Set(FOCUS_SECTIONS.filter(([pattern]) => pattern.test(question)).map(([, kind]) => kind));
}

/**
 * Audience changes emphasis, not facts: which of the same verified sentences come first. A
 * pharmacist's answer leans to treatment and special populations, a nurse's to monitoring and
 * pitfalls, a student's to background and diagnosis.
 */
const EMPHASIS: Readonly<Record<Audience, Partial<Record<SectionKind, number>>>> = {
  clinician: {},
  patient: {},
  pharmacist: { treatment: 1.3, 'special-considerations': 1.2 },
  nurse: { monitoring: 1.3, pitfalls: 1.2 },
  student: { background: 1.3, diagnosis: 1.2 },
};

const SECTION_ORDER: readonly SectionKind[] = ['diagnosis', 'treatment', 'special-considerations', 'monitoring', 'pitfalls', 'prognosis', 'background'];

/**
 * One word of the question as a passage may write it: its stem, then the stems of its other
 * spellings and a drug's other names ("oesophagitis", "esophagitis"; "paracetamol",
 * "acetaminophen"), each a list of stems that must all be there ("glyceryl trinitrate").
 * Retrieval searched them all, so a passage that holds one of them holds the word.
 */
type QuestionWord = readonly (readonly string[])[];

/**
 * The question's words, keyed by their stems; a compound's words each count on their own, but a
 * drug named in several words ("glyceryl trinitrate") is one word, held by any of its names, and
 * so is a symbol written in several ways ("IL-6" or "IL6", "TNF-α" or "TNF-alpha", "CDK4/6" as
 * CDK4 or CDK6), held by any of the ways retrieval searched.
 */
function questionWords(terms: readonly QueryTerm[]): Map<string, QuestionWord> {
  const out = new Map<string, QuestionWord>();
  const alternatives = (others: readonly OtherSpelling[]) => others.map(spellingStems);
  const phrases = drugPhrases(terms);
  for (let i = 0; i < terms.length; i++) {
    const phrase = phrases.find((p) => p.start === i);
    if (phrase) {
      const own = terms.slice(i, i + phrase.length).flatMap((term) => term.stems[0] ?? []);
      out.set(own.join(' '), [own, ...alternatives(phrase.others)]);
      i += phrase.length - 1;
      continue;
    }
    const term = terms[i] as QueryTerm;
    // A plain word, or each word of a compound ("tumour-associated"), with its other spellings and names.
    const words = plainWord(term) !== undefined ? term.forms[0] : compoundWords(term);
    if (words === undefined && term.stems.length > 1) {
      out.set((term.stems[0] ?? []).join(' '), term.stems);
      continue;
    }
    (term.stems[0] ?? []).forEach((s, j) => {
      const word = words?.[j];
      out.set(s, [[s], ...(word === undefined ? [] : alternatives(otherNames(word)))]);
    });
  }
  return out;
}

function holds(words: ReadonlySet<string>, word: QuestionWord): boolean {
  return word.some((stems) => stems.every((s) => words.has(s)));
}

/** The question's content words, each weighted by its rarity among the passages. */
function questionTerms(question: string, evidence: readonly Evidence[]): Map<QuestionWord, number> {
  const passages = evidence.map((e) => new Set(indexTokens(`${e.source.title} ${e.text}`)));
  const weights = new Map<QuestionWord, number>();
  for (const word of questionWords(analyzeQuery(question)).values()) {
    const df = passages.filter((p) => holds(p, word)).length;
    weights.set(word, Math.log(1 + (passages.length + 1) / (df + 0.5)));
  }
  return weights;
}

/** The index of the topic word weighted most (the rarest among the passages) of those `named`, if any. */
function rarest(topic: readonly QuestionWord[], terms: ReadonlyMap<QuestionWord, number>, named: (i: number) => boolean): number | undefined {
  const weight = new Map([...terms].map(([word, w]) => [ownStems(word), w]));
  const of = (i: number) => weight.get(ownStems(topic[i] as QuestionWord)) ?? 0;
  let best: number | undefined;
  for (let i = 0; i < topic.length; i++) if (named(i) && (best === undefined || of(i) > of(best))) best = i;
  return best;
}

const ownStems = (word: QuestionWord) => (word[0] ?? []).join(' ');

/** The question's topic words: its words without the "management of …" ones. */
function topicWords(question: string): QuestionWord[] {
  return [...questionWords(analyzeQuery(question).filter((t) => !FOCUS.test(t.text))).values()];
}

/** Share of the topic's words a passage holds, counting its source title and section label. */
export function topicCoverage(evidence: Evidence, topic: readonly QuestionWord[]): number {
  if (topic.length === 0) return 1;
  const words = new Set(indexTokens(`${evidence.source.title} ${evidence.section} ${evidence.text}`));
  return topic.filter((word) => holds(words, word)).length / topic.length;
}

/** In-house overviews cite their own references as "[1]" or "[1, 3–4]" at the end of a sentence. */
const MARKERS = /\s*\[(\d+(?:\s*[,–-]\s*\d+)*)\]/g;

/** Whether the source's title alone names the question's topic ("Management of iliopsoas abscess"). */
function titleCovers(evidence: Evidence, topic: readonly QuestionWord[], options: ExtractiveOptions): boolean {
  return topicCoverage({ ...evidence, section: '', text: '' }, topic) >= options.minTopicCoverage;
}

/** Sentences that say how a study was done ("patients were randomly allocated", "data were obtained"). */
const METHODS_SENTENCE =
  /\b(we (investigated|examined|assessed|studied|conducted|performed|enrolled|reviewed|analy[sz]ed|compared|aimed)|were (randomly )?(allocated|assigned|randomi[sz]ed|enrolled|included|recruited|obtained|collected|analy[sz]ed)|(data|information) (was|were) (collected|obtained|extracted)|this (was|is) a\b[^.]*\b(study|trial)|study design|the (aim|objective|purpose) of|retrospective(ly)? review|follow-up period was|attention was (given|paid)|outcomes? (was|were) (measured|recorded|assessed))/i;

/** Methods and background say how a study was done, not what it found: their sentences rank lower. */
function sectionFactor(label: string): number {
  if (/method|background|introduction|objective|aim|purpose|design|setting|participant/.test(label)) return 0.6;
  if (/result|finding|conclusion|bottom line|summary|recommend|treatment|management/.test(label)) return 1.1;
  return 1;
}

function sentencesOf(
  evidence: Evidence,
  terms: ReadonlyMap<QuestionWord, number>,
  topicWords: readonly QuestionWord[],
  audience: Audience,
  aboutTopic: boolean,
): Candidate[] {
  const totalWeight = [...terms.values()].reduce((a, b) => a + b, 0) || 1;
  const titleWords = new Set(indexTokens(evidence.source.title));
  // Retrieval's order matters: the best-ranked passages are the most likely to answer.
  const rankFactor = 1 / (1 + RANK_DECAY * (evidence.rank - 1));
  const levelFactor = LEVEL_WEIGHT[evidence.source.evidenceLevel] ?? 1;
  const sectionLabel = evidence.section.toLowerCase();
  return splitSentences(evidence.text).flatMap((span, position): Candidate[] => {
    const raw = evidence.text.slice(span.start, span.end);
    const text = cleanSentence(raw);
    // How a study was done is not what it found: not a statement of an answer.
    if (!isStatementLike(text) || METHODS_SENTENCE.test(text) || NAVIGATION.test(text)) return [];
    // A patient answer gives no individual dosing: such sentences stay with the clinician's answer.
    if (audience === 'patient' && hasDosing(text)) return [];
    const words = new Set(indexTokens(text));
    let held = 0;
    for (const [word, weight] of terms) if (holds(words, word)) held += weight;
    // The source title counts for half: a sentence of a paper about the question is more likely about it.
    let fromTitle = 0;
    for (const [word, weight] of terms) if (!holds(words, word) && holds(titleWords, word)) fromTitle += weight / 2;
    // A sentence must hold a question term itself, unless its source is about the question as a
    // whole (an overview titled with the topic): then every sentence of it is on topic.
    const relevance = held > 0 || aboutTopic ? (held + fromTitle) / totalWeight : 0;
    const kind = sectionKind(sectionLabel, text);
    const bottomLine = /bottom line|summary|conclusion/.test(sectionLabel);
    const caution = /pitfall|avoid/.test(sectionLabel);
    const topic = new Set(topicWords.flatMap((word, i) => (holds(words, word) || holds(titleWords, word) ? [i] : [])));
    const statement: Statement = { text, evidence: [evidence.id], quote: { evidenceId: evidence.id, start: span.start, end: span.end } };
    const via = markedReferences(raw, evidence.source.references);
    if (via.length > 0) statement.via = via;
    const lead = position === 0 ? LEAD_BONUS : 1;
    const emphasis = EMPHASIS[audience][kind] ?? 1;
    const score = relevance * rankFactor * levelFactor * sectionFactor(sectionLabel) * lead * emphasis * (bottomLine ? 1.15 : 1);
    return [{ statement, words, relevance, score, kind, bottomLine, topic, caution }];
  });
}

/** The sentence without an overview's reference markers, list bullets or surrounding white space. */
export function cleanSentence(raw: string): string {
  return raw.replace(MARKERS, '').replace(/^[-•*]\s+/, '').replace(/\s+/g, ' ').trim();
}

/**
 * Chosen on MedQuAD's train questions (bench/answer --split train, ROUGE-L F1 of 300 questions):
 * a steep rank decay (0.15 → 1: 0.2936 → 0.3027) keeps an answer to its best sources, and a
 * passage's first sentence, which usually says what the passage is about, gets a small lead
 * bonus (1 → 1.3: 0.3027 → 0.3037).
 */
const RANK_DECAY = 1;
const LEAD_BONUS = 1.3;

/** Web-page furniture quoted in some sources: "see the table below", "these resources address…". */
const NAVIGATION = /\b(table below|list below|these resources|the following (resources|links|sites)|click here|visit (the|our)|for more information|this (page|section|fact sheet|topic) (describes|includes|provides))\b/i;

function isStatementLike(text: string): boolean {
  // A question is a heading or a prompt, not a statement ("What are the symptoms of X?").
  if (/\?\s*$/.test(text)) return false;
  const words = text.split(' ').length;
  // Headings, labels and fragments ("Results", "Sample content — not medically reviewed.") are not statements.
  if (words < 6 || words > 80) return false;
  if (/not medically reviewed|sample content/i.test(text)) return false;
  return /[a-z]/.test(text);
}

/** The works an overview's markers point to, by their number in its reference list. */
function markedReferences(raw: string, references: readonly CitedReference[]): CitedReference[] {
  const numbers = new Set<number>();
  for (const match of raw.matchAll(MARKERS)) {
    for (const part of (match[1] ?? '').split(',')) {
      const [from, to] = part.split(/[–-]/).map((n) => Number(n.trim()));
      if (from === undefined || !Number.isInteger(from)) continue;
      for (let n = from; n <= (to !== undefined && Number.isInteger(to) && to - from < 20 ? to : from); n++) numbers.add(n);
    }
  }
  return references.filter((r, i) => numbers.has(Number(r.label ?? i + 1)));
}

const CUES: readonly [SectionKind, RegExp][] = [
  ['pitfalls', /\b(pitfall|avoid|mistake|missed|delay(ed)?|do not|should not|caution|beware|contraindicat|omitting|assuming|relying)/],
  ['monitoring', /\b(monitor|follow[- ]?up|repeat(ed)? (imaging|test|measure)|reassess|recheck|surveillance|check(ed)? (at|after|every))/],
  ['prognosis', /\b(mortality|survival|died|death|prognos|recurren|relapse|outcome)/],
  ['special-considerations', /\b(pregnan|child|children|paediatric|pediatric|infant|elderly|older (adults|patients)|renal (impairment|failure)|hepatic|allerg|immunocompromis|hiv|tubercul)/],
  ['diagnosis', /\b(diagnos|imaging|computed tomography|\bct\b|mri|ultrasound|x-ray|radiograph|culture|biopsy|sensitivity|specificity|present(ed|ation|s) with|symptom|sign|test(ing)?|marker|criteria|score)/],
  ['treatment', /\b(treat|therap|drain|antibiotic|antimicrobial|dose|mg\b|surgery|surgical|management|first[- ]line|administer|regimen|initiat|prescri|reduc|lower(ed|s)?|improv|efficacy|effective)/],
];

const LABEL_KINDS: readonly [RegExp, SectionKind][] = [
  [/diagnos|presentation|assessment|work-?up/, 'diagnosis'],
  [/treat|management|therapy|intervention/, 'treatment'],
  [/special|population|consideration/, 'special-considerations'],
  [/monitor|follow/, 'monitoring'],
  [/pitfall|avoid/, 'pitfalls'],
  [/prognos|outcome/, 'prognosis'],
];

/** A passage's own section label wins ("Pitfalls to avoid"); otherwise the sentence's wording decides. */
export function sectionKind(label: string, sentence: string): SectionKind {
  for (const [pattern, kind] of LABEL_KINDS) if (pattern.test(label)) return kind;
  const lower = sentence.toLowerCase();
  for (const [kind, pattern] of CUES) if (pattern.test(lower)) return kind;
  return 'background';
}

function overlap(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  if (small.size === 0) return 0;
  let shared = 0;
  for (const w of small) if (large.has(w)) shared++;
  return shared / small.size;
}
