import {
  type Answer,
  type AnswerSection,
  type Evidence,
  SECTION_KINDS,
  SECTION_TITLES,
  type SectionKind,
  type Statement,
} from '../domain/answer.js';
import { INTEGRITY_LABELS } from '../domain/integrity.js';
import { hasDosing } from '../answer/audience.js';
import { buildReferences } from '../answer/references.js';
import { summarizeEvidence } from '../answer/summary.js';
import { verifyStatement, type VerifyOptions } from '../answer/verify.js';
import { canSupport } from '../domain/integrity.js';
import { diffAnswers } from './diff.js';
import { BOTTOM_LINE, statementKey } from './statements.js';

/**
 * An editor's hand edit of an article version, checked as strictly as a composer's draft: every
 * statement must cite passages of the version's evidence and is judged against them by the same
 * verifier `ask` uses. One unsupported statement refuses the whole edit, with the verifier's own
 * words, because the product's promise is that no statement — typed by a person or a model —
 * reaches a reader without a passage that says it. A 'partial' verdict is kept, flagged, as in
 * a generated answer.
 */

export interface EditedStatement {
  text: string;
  /** Evidence ids of the base answer ("E1", "E2", …), in the order the statement cites them. */
  evidence: string[];
}

export interface AnswerEdit {
  bottomLine: EditedStatement[];
  /** Sections in reading order; a section with no statements is left out of the new version. */
  sections: { kind: SectionKind; statements: EditedStatement[] }[];
}

export interface EditProblem {
  /** The statement's key in the edit ("bottom-line.2", "treatment.1"), or the section it is about. */
  where: string;
  problem: string;
}

export interface EditOptions {
  verify: VerifyOptions;
  now: Date;
}

/**
 * `changed` counts the statements the version diff (`diffAnswers`) marks as changed, added or
 * removed, what a reviewer will see highlighted: a statement replaced by a dissimilar one counts
 * twice (removed and added). 0 means the edit changed no statement.
 */
export type EditResult = { ok: true; answer: Answer; changed: number } | { ok: false; problems: EditProblem[] };

/** Longest statement an editor may write, in characters (Unicode code points): a few sentences. */
export const MAX_STATEMENT_CHARS = 1000;

export const EDITED_COMPOSER = 'edited by hand';

export function applyEdit(base: Answer, edit: AnswerEdit, options: EditOptions): EditResult {
  const problems = structureProblems(edit);
  // The verifier sees what `ask` let the composer cite: rarity weights come from this set, so an
  // unchanged statement is judged as it was when the answer was made.
  const citeable = new Map(base.evidence.filter((e) => canSupport(e.source.integrity)).map((e) => [e.id, e]));
  const context: StatementContext = { base, citeable, identical: baseStatements(base), options };

  const placed = placeStatements(edit);
  const checked = placed.map((p) => ({ ...p, result: checkStatement(p.edited, p.where, context) }));
  for (const { result } of checked) if (!result.ok) problems.push(...result.problems);
  if (problems.length > 0) return { ok: false, problems };

  const statementsOf = (sectionIndex: number): Statement[] =>
    checked.flatMap((c) => (c.sectionIndex === sectionIndex && c.result.ok ? [c.result.statement] : []));
  const bottomLine = statementsOf(BOTTOM_LINE_INDEX);
  const sections: AnswerSection[] = edit.sections
    .map((s, i) => ({ kind: s.kind, title: SECTION_TITLES[s.kind], statements: statementsOf(i) }))
    .filter((s) => s.statements.length > 0);
  const kept = [...bottomLine, ...sections.flatMap((s) => s.statements)];
  const references = buildReferences(kept.flatMap((s) => s.evidence.flatMap((id) => citedPassage(id, citeable))));
  const answer: Answer = {
    ...base,
    status: 'answered',
    bottomLine,
    sections,
    references,
    summary: summarizeEvidence(references, base.evidence, kept),
    // The base's removed statements belong to the version they were removed from.
    removed: [],
    provenance: { ...base.provenance, composer: EDITED_COMPOSER, generatedAt: options.now.toISOString() },
  };
  const { changed, added, removed } = diffAnswers(base, answer).counts;
  return { ok: true, answer, changed: changed + added + removed };
}

// ---------------------------------------------------------------------------------------------
// Structure: the bottom line and the sections

function structureProblems(edit: AnswerEdit): EditProblem[] {
  const problems: EditProblem[] = [];
  if (edit.bottomLine.length === 0) {
    problems.push({ where: BOTTOM_LINE, problem: 'the bottom line is empty; an article needs at least one bottom-line statement' });
  }
  const seen = new Set<string>();
  for (const { kind } of edit.sections) {
    if (!isSectionKind(kind)) {
      problems.push({ where: String(kind), problem: `"${String(kind)}" is not a section kind; use one of ${SECTION_KINDS.join(', ')}` });
    } else if (seen.has(kind)) {
      problems.push({ where: kind, problem: `the section "${SECTION_TITLES[kind]}" appears more than once; put its statements in one section` });
    }
    seen.add(kind);
  }
  return problems;
}

function isSectionKind(value: unknown): value is SectionKind {
  return (SECTION_KINDS as readonly unknown[]).includes(value);
}

interface PlacedStatement {
  edited: EditedStatement;
  /** The statement's key in the edit, numbered as `statementKeys` numbers the answer. */
  where: string;
  /** Which of the edit's sections holds it (BOTTOM_LINE_INDEX: the bottom line). */
  sectionIndex: number;
}

const BOTTOM_LINE_INDEX = -1;

function placeStatements(edit: AnswerEdit): PlacedStatement[] {
  const counts = new Map<string, number>();
  const place = (edited: EditedStatement, section: string, sectionIndex: number): PlacedStatement => {
    const index = (counts.get(section) ?? 0) + 1;
    counts.set(section, index);
    return { edited, where: statementKey(section, index), sectionIndex };
  };
  return [
    ...edit.bottomLine.map((s) => place(s, BOTTOM_LINE, BOTTOM_LINE_INDEX)),
    ...edit.sections.flatMap((section, i) => section.statements.map((s) => place(s, section.kind, i))),
  ];
}

// ---------------------------------------------------------------------------------------------
// One statement: its text, its citations, the verifier's verdict

interface StatementContext {
  base: Answer;
  citeable: ReadonlyMap<string, Evidence>;
  /** The base's statements by text and citations, so an untouched statement keeps its quote and trail. */
  identical: ReadonlyMap<string, Statement>;
  options: EditOptions;
}

type StatementResult = { ok: true; statement: Statement } | { ok: false; problems: EditProblem[] };

function checkStatement(edited: EditedStatement, where: string, context: StatementContext): StatementResult {
  const text = edited.text.trim();
  const evidence = [...new Set(edited.evidence)];
  const problems = [...textProblems(text), ...citationProblems(evidence, context)];
  if (problems.length > 0) return refused(where, problems);

  const statement: Statement = { text, evidence };
  const same = context.identical.get(identity(text, evidence));
  if (same?.quote) statement.quote = same.quote;
  if (same?.via) statement.via = same.via;
  const verdict = verifyStatement(statement, context.citeable, context.options.verify);
  if (verdict.support === 'unsupported') {
    const { partialAt } = context.options.verify;
    return refused(where, verdict.problems.length > 0 ? verdict.problems : [`the cited passages hold too little of what it says (support ${verdict.score}, below ${partialAt})`]);
  }
  // `ask` leaves individual dosing out of patient answers; an edit must not put it back.
  if (context.base.audience === 'patient' && hasDosing(text)) return refused(where, ['individual dosing is left out of patient answers']);
  return { ok: true, statement: { ...statement, verdict } };
}

function refused(where: string, problems: readonly string[]): StatementResult {
  return { ok: false, problems: problems.map((problem) => ({ where, problem })) };
}

function textProblems(text: string): string[] {
  if (text === '') return ['the statement is empty'];
  const length = [...text].length;
  return length > MAX_STATEMENT_CHARS ? [`the statement is ${length} characters long; at most ${MAX_STATEMENT_CHARS} are allowed`] : [];
}

function citationProblems(evidence: readonly string[], context: StatementContext): string[] {
  if (evidence.length === 0) return ['the statement cites no evidence; cite at least one passage of this version (E1, E2, …)'];
  const problems: string[] = [];
  for (const id of evidence) {
    const passage = context.base.evidence.find((e) => e.id === id);
    if (!passage) {
      problems.push(`cites ${id}, which is not among this version's evidence${evidenceRange(context.base)}`);
    } else if (!context.citeable.has(id)) {
      const { title, integrity } = passage.source;
      problems.push(`cites ${id}, a passage of "${title}", which is marked ${INTEGRITY_LABELS[integrity]} and cannot support a statement`);
    }
  }
  return problems;
}

/** " (E1–E20)" when the evidence ids run E1, E2, … as `ask` numbers them. */
function evidenceRange(answer: Answer): string {
  const first = answer.evidence[0]?.id;
  const last = answer.evidence.at(-1)?.id;
  if (first === undefined || last === undefined) return ' (it has none)';
  return first === last ? ` (${first})` : ` (${first}–${last})`;
}

function baseStatements(base: Answer): Map<string, Statement> {
  const out = new Map<string, Statement>();
  for (const statement of [...base.bottomLine, ...base.sections.flatMap((s) => s.statements)]) {
    const key = identity(statement.text, statement.evidence);
    if (!out.has(key)) out.set(key, statement);
  }
  return out;
}

function identity(text: string, evidence: readonly string[]): string {
  return JSON.stringify([text, evidence]);
}

function citedPassage(id: string, citeable: ReadonlyMap<string, Evidence>): { evidenceId: string; source: Evidence['source'] }[] {
  const passage = citeable.get(id);
  return passage ? [{ evidenceId: id, source: passage.source }] : [];
}
