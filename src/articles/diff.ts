import type { Answer, Reference } from '../domain/answer.js';
import type { SourceId } from '../domain/source.js';
import { align } from './align.js';
import { type KeyedStatement, type StatementSection, statementKeys } from './statements.js';

/**
 * Two versions of an article compared statement by statement, for the reviewer who must judge
 * what an edit or a regeneration changed. Within each section (matched by kind) statements are
 * aligned on their normalised text (case, whitespace and punctuation do not count), the longest
 * common subsequence first; statements left over on both sides are paired as "changed" when they
 * share enough words, and a changed statement carries a word-level diff. Citations are compared by
 * the sources they cite, not by evidence ids: a regenerated version numbers its passages afresh.
 */

export interface WordOp {
  op: 'same' | 'added' | 'removed';
  /** Words with their whitespace: joining `same`+`removed` gives the before text, `same`+`added` the after text. */
  text: string;
}

export interface StatementChange {
  kind: 'unchanged' | 'changed' | 'added' | 'removed';
  beforeKey?: string;
  afterKey?: string;
  before?: string;
  after?: string;
  /** Changed statements only. */
  words?: WordOp[];
  /** Changed statements only: whether the set of cited sources differs. */
  citationsChanged?: boolean;
}

export interface SectionDiff {
  section: StatementSection;
  title: string;
  changes: StatementChange[];
}

/** A reference that one version has and the other does not; `number` is its number in that version. */
export interface ReferenceChange {
  sourceId: SourceId;
  number: number;
  title: string;
  label: string;
}

export interface AnswerDiff {
  sections: SectionDiff[];
  references: { added: ReferenceChange[]; removed: ReferenceChange[] };
  counts: { unchanged: number; changed: number; added: number; removed: number };
}

/**
 * Two leftover statements pair as one changed statement when the Dice coefficient of their word
 * sets (2·|shared| / (|A| + |B|)) is at least this: half their words in common, so a reworded or
 * re-dosed sentence shows as an edit while a different sentence shows as removed and added.
 */
export const CHANGED_SIMILARITY = 0.5;

export function diffAnswers(before: Answer, after: Answer): AnswerDiff {
  const beforeSections = bySection(statementKeys(before));
  const afterSections = bySection(statementKeys(after));
  const beforeSources = sourcesByEvidence(before);
  const afterSources = sourcesByEvidence(after);
  const sections: SectionDiff[] = [];
  for (const section of sectionOrder([...beforeSections.keys()], [...afterSections.keys()])) {
    const old = beforeSections.get(section) ?? [];
    const now = afterSections.get(section) ?? [];
    const title = (now[0] ?? old[0])?.sectionTitle ?? section;
    const changes = diffStatements(old, now, (keyed) => citedSources(keyed, beforeSources), (keyed) => citedSources(keyed, afterSources));
    sections.push({ section, title, changes });
  }
  const counts = { unchanged: 0, changed: 0, added: 0, removed: 0 };
  for (const change of sections.flatMap((s) => s.changes)) counts[change.kind] += 1;
  return { sections, references: diffReferences(before.references, after.references), counts };
}

/**
 * A word-level diff of two texts. Words and the whitespace between them are aligned as separate
 * tokens (a word match weighs more than a whitespace match), so the ops keep every character of
 * both sides; neighbouring ops of one kind are merged.
 */
export function diffWords(before: string, after: string): WordOp[] {
  const a = tokens(before);
  const b = tokens(after);
  const ops: WordOp[] = [];
  const push = (op: WordOp['op'], text: string): void => {
    const last = ops.at(-1);
    if (last?.op === op) last.text += text;
    else ops.push({ op, text });
  };
  for (const step of align(a, b, (x, y) => (x !== y ? 0 : /\s/.test(x) ? 1 : 2))) {
    if (step.kind === 'pair') push('same', a[step.a] ?? '');
    else if (step.kind === 'only-a') push('removed', a[step.a] ?? '');
    else push('added', b[step.b] ?? '');
  }
  return ops;
}

/** Case-, whitespace- and punctuation-insensitive text; symbols (%, <, ≥) are kept, they carry meaning. */
export function normalizeStatementText(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/[\p{P}\s]+/gu, ' ').trim();
}

/** Dice coefficient of the two texts' sets of normalised words, 0 when either has none. */
export function wordSimilarity(a: string, b: string): number {
  return dice(wordSet(a), wordSet(b));
}

function dice(left: ReadonlySet<string>, right: ReadonlySet<string>): number {
  if (left.size === 0 || right.size === 0) return 0;
  let shared = 0;
  for (const word of left) if (right.has(word)) shared += 1;
  return (2 * shared) / (left.size + right.size);
}

// ---------------------------------------------------------------------------------------------

function diffStatements(
  before: readonly KeyedStatement[],
  after: readonly KeyedStatement[],
  sourcesBefore: (keyed: KeyedStatement) => string,
  sourcesAfter: (keyed: KeyedStatement) => string,
): StatementChange[] {
  const normalBefore = before.map((k) => normalizeStatementText(k.statement.text));
  const normalAfter = after.map((k) => normalizeStatementText(k.statement.text));
  const wordsBefore = before.map((k) => wordSet(k.statement.text));
  const wordsAfter = after.map((k) => wordSet(k.statement.text));
  // One equal pair outweighs any number of similar ones, so equal statements are aligned first
  // (the longest common subsequence) and similar ones pair only in the gaps it leaves.
  const equalWeight = Math.min(before.length, after.length) + 1;
  const weight = (i: number, j: number): number => {
    if (normalBefore[i] === normalAfter[j]) return equalWeight;
    const similarity = dice(wordsBefore[i] ?? new Set(), wordsAfter[j] ?? new Set());
    return similarity >= CHANGED_SIMILARITY ? similarity : 0;
  };
  const indices = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
  return align(indices(before.length), indices(after.length), weight).flatMap((step): StatementChange[] => {
    const old = step.kind === 'only-b' ? undefined : before[step.a];
    const now = step.kind === 'only-a' ? undefined : after[step.b];
    if (old && now) return [pairChange(old, now, sourcesBefore(old) !== sourcesAfter(now))];
    if (old) return [{ kind: 'removed', beforeKey: old.key, before: old.statement.text }];
    if (now) return [{ kind: 'added', afterKey: now.key, after: now.statement.text }];
    return [];
  });
}

/**
 * Aligned statements are unchanged only when the text is exactly the same and they cite the same
 * sources: normalising finds the match, but a changed capital or decimal point is still shown.
 */
function pairChange(old: KeyedStatement, now: KeyedStatement, citationsChanged: boolean): StatementChange {
  const keys = { beforeKey: old.key, afterKey: now.key, before: old.statement.text, after: now.statement.text };
  if (old.statement.text === now.statement.text && !citationsChanged) return { kind: 'unchanged', ...keys };
  return { kind: 'changed', ...keys, words: diffWords(old.statement.text, now.statement.text), citationsChanged };
}

function bySection(keyed: readonly KeyedStatement[]): Map<StatementSection, KeyedStatement[]> {
  const sections = new Map<StatementSection, KeyedStatement[]>();
  for (const k of keyed) {
    const list = sections.get(k.section);
    if (list) list.push(k);
    else sections.set(k.section, [k]);
  }
  return sections;
}

/**
 * Sections in the after version's order; a section only the before version has goes right after
 * the section that preceded it there, so a reader meets removed text where it used to be.
 */
function sectionOrder(before: readonly StatementSection[], after: readonly StatementSection[]): StatementSection[] {
  const order = [...after];
  let previous = -1;
  for (const section of before) {
    const at = order.indexOf(section);
    if (at >= 0) {
      previous = at;
      continue;
    }
    previous += 1;
    order.splice(previous, 0, section);
  }
  return order;
}

function sourcesByEvidence(answer: Answer): Map<string, SourceId> {
  return new Map(answer.evidence.map((e) => [e.id, e.source.id]));
}

/** The statement's cited sources as one comparable string (sorted, unique); an unknown evidence id stands for itself. */
function citedSources(keyed: KeyedStatement, sources: ReadonlyMap<string, SourceId>): string {
  const ids = keyed.statement.evidence.map((id) => sources.get(id) ?? `unknown evidence ${id}`);
  return JSON.stringify([...new Set(ids)].sort());
}

function diffReferences(before: readonly Reference[], after: readonly Reference[]): AnswerDiff['references'] {
  const ids = (refs: readonly Reference[]): Set<SourceId> => new Set(refs.map((r) => r.source.id));
  const beforeIds = ids(before);
  const afterIds = ids(after);
  const summary = (r: Reference): ReferenceChange => ({ sourceId: r.source.id, number: r.number, title: r.source.title, label: r.label });
  return {
    added: after.filter((r) => !beforeIds.has(r.source.id)).map(summary),
    removed: before.filter((r) => !afterIds.has(r.source.id)).map(summary),
  };
}

function tokens(text: string): string[] {
  return text.match(/\s+|\S+/g) ?? [];
}

function wordSet(text: string): Set<string> {
  return new Set(normalizeStatementText(text).split(' ').filter((w) => w !== ''));
}
