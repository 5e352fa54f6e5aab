import type { Statement } from '../../types';

/**
 * Short texts about a statement shared by the answer and its popovers: why the verifier doubted
 * it, and which published works an in-house overview's sentence rests on.
 */

/** The verifier's problems as one sentence, or a general reason when it gave none. */
export function problemsText(statement: Statement, fallback: string): string {
  const problems = statement.verdict?.problems ?? [];
  return problems.length > 0 ? problems.join('; ') : fallback;
}

/** "Archives of Surgery 2009; Medicine (Baltimore) 2009": the works an overview's markers point to. */
export function viaWorks(statement: Statement): string {
  return (statement.via ?? [])
    .map((work) => [work.journal, work.year].filter((part) => part !== undefined).join(' ') || work.title || work.text || '')
    .filter((text) => text !== '')
    .join('; ');
}
