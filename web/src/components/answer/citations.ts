import type { Answer, Evidence, Reference, Statement } from '../../types';

/**
 * Pure helpers behind checkable citations: which reference numbers a statement cites, which
 * passages of one reference it cites, and which words of a passage to highlight so a reader can
 * see at a glance where the statement comes from. Kept free of React so they read (and test) alone.
 */

/** Evidence id ("E3") → the number of the reference that holds it. */
export function referenceNumbers(answer: Answer): Map<string, number> {
  const numberOf = new Map<string, number>();
  for (const reference of answer.references) for (const id of reference.evidence) numberOf.set(id, reference.number);
  return numberOf;
}

/** The reference numbers a statement cites: deduped and ascending, as the text shows them. */
export function citedNumbers(statement: Statement, numberOf: ReadonlyMap<string, number>): number[] {
  const numbers = statement.evidence.map((id) => numberOf.get(id)).filter((n): n is number => n !== undefined);
  return [...new Set(numbers)].sort((a, b) => a - b);
}

/** The passages of `reference` that `statement` cites, in the order the statement cites them. */
export function citedPassages(statement: Statement, reference: Reference, evidence: readonly Evidence[]): Evidence[] {
  const byId = new Map(evidence.map((e) => [e.id, e]));
  return statement.evidence
    .filter((id) => reference.evidence.includes(id))
    .map((id) => byId.get(id))
    .filter((e): e is Evidence => e !== undefined);
}

/** A run of passage text, highlighted or not. */
export interface Segment {
  text: string;
  marked: boolean;
}

/**
 * Where a passage supports a statement. An extractive statement quotes its passage exactly, so
 * the quoted span is marked as it is; otherwise the words the two share are marked, which is a
 * reading aid (not the verifier's judgement, which is the statement's verdict).
 */
export function supportSegments(passage: Evidence, statement: Statement): Segment[] {
  const quote = statement.quote;
  if (quote && quote.evidenceId === passage.id && quote.start >= 0 && quote.end > quote.start && quote.end <= passage.text.length) {
    return compact([
      { text: passage.text.slice(0, quote.start), marked: false },
      { text: passage.text.slice(quote.start, quote.end), marked: true },
      { text: passage.text.slice(quote.end), marked: false },
    ]);
  }
  return sharedWordSegments(passage.text, statement.text);
}

// Letters and digits of any script: "haematogenous", "β-lactam", "500".
const WORD = /[\p{L}\p{N}]+/gu;
/** Shorter words are mostly function words ("the", "and", "with") and would mark everything. */
const MIN_WORD_LENGTH = 4;

/** A deliberately simple stem, so "abscesses" meets "abscess" and "drained" meets "drainage"'s "drain". */
export function stem(word: string): string {
  const lower = word.toLowerCase();
  for (const suffix of ['ing', 'es', 'ed', 's']) {
    if (lower.endsWith(suffix) && lower.length - suffix.length >= 3) return lower.slice(0, -suffix.length);
  }
  return lower;
}

function stemsOf(text: string): Set<string> {
  return new Set([...text.matchAll(WORD)].map((m) => m[0]).filter((w) => w.length >= MIN_WORD_LENGTH).map(stem));
}

/** Marks the passage's words (4+ characters) whose stems occur in the statement; runs of them are one mark. */
export function sharedWordSegments(passageText: string, statementText: string): Segment[] {
  const wanted = stemsOf(statementText);
  const segments: Segment[] = [];
  let last = 0;
  for (const match of passageText.matchAll(WORD)) {
    const word = match[0];
    const start = match.index;
    if (word.length < MIN_WORD_LENGTH || !wanted.has(stem(word))) continue;
    const gap = passageText.slice(last, start);
    const previous = segments.at(-1);
    // "percutaneous drainage" reads better as one highlight than as two with a gap between.
    if (previous?.marked && /^[ \t]+$/.test(gap)) previous.text += gap + word;
    else {
      segments.push({ text: gap, marked: false });
      segments.push({ text: word, marked: true });
    }
    last = start + word.length;
  }
  segments.push({ text: passageText.slice(last), marked: false });
  return compact(segments);
}

function compact(segments: Segment[]): Segment[] {
  return segments.filter((s) => s.text !== '');
}
