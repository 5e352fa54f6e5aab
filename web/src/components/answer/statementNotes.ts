import type { Statement } from '../../types';

/**
 * Why the verifier doubted a statement, shared by the answer and its popovers. The works an
 * overview's sentence rests on and the subsection it was quoted from are worded in the domain
 * module (`viaWorks`, `headingOf`), shared with the terminal and the article page.
 */

/** The verifier's problems as one sentence, or a general reason when it gave none. */
export function problemsText(statement: Statement, fallback: string): string {
  const problems = statement.verdict?.problems ?? [];
  return problems.length > 0 ? problems.join('; ') : fallback;
}
