import { type Answer, type SectionKind, type Statement } from '../domain/answer.js';

/**
 * Statement keys: the names reviewers' comments use to point at one statement of one version
 * ("bottom-line.2", "treatment.1"). A key is the statement's section and its 1-based place there,
 * in reading order, so the same answer always yields the same keys: a comment stored against a
 * version finds its statement again whenever that version is read.
 */

/** Where a statement sits: the bottom line or one of the answer's sections. */
export type StatementSection = 'bottom-line' | SectionKind;

export const BOTTOM_LINE: StatementSection = 'bottom-line';
export const BOTTOM_LINE_TITLE = 'Bottom line';

export interface KeyedStatement {
  key: string;
  section: StatementSection;
  sectionTitle: string;
  /** 1-based within its section. */
  index: number;
  statement: Statement;
}

/**
 * Every statement of the answer with its key, bottom line first, then the sections in order.
 * Answers from `ask` hold each section kind once; should one hold a kind twice, numbering goes on
 * across both (treatment.1–3, then treatment.4…), so keys stay unique.
 */
export function statementKeys(answer: Answer): KeyedStatement[] {
  const out: KeyedStatement[] = [];
  const counts = new Map<StatementSection, number>();
  const add = (section: StatementSection, sectionTitle: string, statement: Statement): void => {
    const index = (counts.get(section) ?? 0) + 1;
    counts.set(section, index);
    out.push({ key: statementKey(section, index), section, sectionTitle, index, statement });
  };
  for (const statement of answer.bottomLine) add(BOTTOM_LINE, BOTTOM_LINE_TITLE, statement);
  for (const section of answer.sections) {
    for (const statement of section.statements) add(section.kind, section.title, statement);
  }
  return out;
}

/** The statement a key names in this answer, or undefined when the answer has no such statement. */
export function findStatement(answer: Answer, key: string): KeyedStatement | undefined {
  return statementKeys(answer).find((keyed) => keyed.key === key);
}

export function statementKey(section: string, index: number): string {
  return `${section}.${index}`;
}
