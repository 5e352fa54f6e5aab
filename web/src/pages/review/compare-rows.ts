import type { AnswerDiff, StatementChange, WordOp } from '../../../../src/articles/diff.js';
import { SECTION_TITLES, type Answer, type ArticleVersion, type Statement } from '../../types';

/**
 * The rows the side-by-side view draws: one row per aligned pair of statements, so a statement
 * and what it became sit level with each other. Built from the server's diff (two versions) or
 * from one version's statements (one version alone, every row "unchanged" on the right only).
 */

/** One version's statement in a row. `words` only for changed statements. */
export interface Cell {
  key: string;
  text: string;
  words?: WordOp[];
}

export interface Row {
  kind: StatementChange['kind'];
  before?: Cell;
  after?: Cell;
  citationsChanged?: boolean;
}

export interface SectionRows {
  section: string;
  title: string;
  rows: Row[];
}

/** A version as `GET …/versions/:n` returns it. */
export interface VersionDetail {
  version: VersionInfo;
  answer: Answer;
  /** Every statement with its key and section, and what it cites (evidence ids, verdict). */
  statements: (Statement & { key: string; section: string })[];
}

/** A version as listed: everything but its answer. */
export type VersionInfo = Omit<ArticleVersion, 'answer'>;

export function rowsFromDiff(diff: AnswerDiff): SectionRows[] {
  return diff.sections.map((section) => ({
    section: section.section,
    title: section.title,
    rows: section.changes.map(rowFromChange),
  }));
}

function rowFromChange(change: StatementChange): Row {
  const words = change.kind === 'changed' && change.words ? { words: change.words } : {};
  return {
    kind: change.kind,
    ...(change.beforeKey !== undefined ? { before: { key: change.beforeKey, text: change.before ?? '', ...words } } : {}),
    ...(change.afterKey !== undefined ? { after: { key: change.afterKey, text: change.after ?? '', ...words } } : {}),
    ...(change.citationsChanged ? { citationsChanged: true } : {}),
  };
}

/** One version's statements by section, in the order the version lists them. */
export function rowsFromVersion(detail: VersionDetail): SectionRows[] {
  const sections: SectionRows[] = [];
  for (const statement of detail.statements) {
    let section = sections.at(-1);
    if (section?.section !== statement.section) {
      section = { section: statement.section, title: sectionTitle(detail.answer, statement.section), rows: [] };
      sections.push(section);
    }
    section.rows.push({ kind: 'unchanged', after: { key: statement.key, text: statement.text } });
  }
  return sections;
}

/** The version's own heading for a section (answers may word them by audience), else the standard one. */
function sectionTitle(answer: Answer, section: string): string {
  if (section === 'bottom-line') return 'Bottom line';
  const own = answer.sections.find((s) => s.kind === section)?.title;
  if (own) return own;
  return (SECTION_TITLES as Readonly<Record<string, string>>)[section] ?? section;
}
