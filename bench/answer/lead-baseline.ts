import { verifyStatement, type VerifyOptions } from '../../src/answer/verify.js';
import type { Answer, Evidence, Statement } from '../../src/domain/answer.js';
import { splitSentences } from '../../src/domain/sentences.js';

/**
 * The baseline the answer benchmark sets the extractive composer beside, and the checks both
 * systems go through.
 *
 * "Lead sentences": the first few sentences of the retrieved passages, in rank order — the top
 * passage's opening sentences, spilling into the next passage only when the top one is shorter.
 * Each sentence is a statement citing the passage it was cut from, with its exact span, as the
 * extractive composer's statements are. No question analysis, no section sorting, no filtering:
 * what a reader gets from "show the best hit's first lines". On collections whose documents open
 * with a summary (MedQuAD's answers do), this is the classic hard-to-beat summarisation baseline.
 */
export const LEAD_SENTENCES = 3;

/** The first `count` sentences of the passages, in the order given, each citing its own passage. */
export function leadStatements(evidence: readonly Evidence[], count = LEAD_SENTENCES): Statement[] {
  const statements: Statement[] = [];
  for (const passage of evidence) {
    for (const span of splitSentences(passage.text)) {
      if (statements.length >= count) return statements;
      const text = passage.text.slice(span.start, span.end).replace(/\s+/g, ' ').trim();
      if (text === '') continue;
      statements.push({ text, evidence: [passage.id], quote: { evidenceId: passage.id, start: span.start, end: span.end } });
    }
  }
  return statements;
}

/** Passages a statement may cite: the answer's evidence without retracted sources, as `ask` offers them. */
export function citeableEvidence(answer: Answer): Map<string, Evidence> {
  return new Map(answer.evidence.filter((e) => e.source.integrity !== 'retracted').map((e) => [e.id, e]));
}

/** Every statement the reader is shown: the bottom line, then each section's, in order. */
export function shownStatements(answer: Answer): Statement[] {
  return [...answer.bottomLine, ...answer.sections.flatMap((section) => section.statements)];
}

/** The text ROUGE is computed on: the statements joined with spaces. */
export function statementsText(statements: readonly Statement[]): string {
  return statements.map((s) => s.text).join(' ');
}

/**
 * The stricter check: the statement judged against only the passages it cites, so the verifier's
 * rarity weights come from those passages alone rather than from the whole evidence set.
 */
export function verifyAgainstCitedOnly(statement: Statement, evidence: ReadonlyMap<string, Evidence>, options: VerifyOptions): boolean {
  const cited = new Map<string, Evidence>();
  for (const id of statement.evidence) {
    const passage = evidence.get(id);
    if (passage) cited.set(id, passage);
  }
  return verifyStatement(statement, cited, options).support === 'supported';
}
