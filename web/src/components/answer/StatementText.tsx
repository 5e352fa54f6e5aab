import { Fragment } from 'react';
import type { Statement } from '../../types';
import { useAnswerContext } from './AnswerContext';
import { CitationButton } from './CitationButton';
import { citedNumbers } from './citations';
import { problemsText } from './statementNotes';

const PARTIAL_FALLBACK = 'the cited passages hold only part of it';

/**
 * One statement as a reader meets it: its text, its citation numbers (each opens the passages it
 * rests on), and, when the verifier found the passages hold only part of it, a visible note with
 * the verifier's reasons (as a tooltip, and as text for screen readers).
 */
export function StatementText({ statement }: { statement: Statement }) {
  const partial = statement.verdict?.support === 'partial';
  const why = partial ? problemsText(statement, PARTIAL_FALLBACK) : '';
  return (
    <>
      <span className={partial ? 'statement partial' : 'statement'} title={partial ? `Partly supported: ${why}` : undefined}>
        {statement.text}
      </span>
      <StatementCitations statement={statement} />
    </>
  );
}

/**
 * What follows a statement's text: its citation numbers, the verifier's "partly supported" note,
 * and the subsection it was quoted from when that is deeper than a top-level section ("§ Why
 * opioids are a last resort": the sentence may leave its subject to that heading). Apart from the text so that the review desk, which draws the text itself (with the words
 * changed between versions marked), shows the same citations as the ask page.
 */
export function StatementCitations({ statement }: { statement: Statement }) {
  const { numberOf, subsectionOf } = useAnswerContext();
  const heading = subsectionOf(statement);
  const numbers = citedNumbers(statement, numberOf);
  const partial = statement.verdict?.support === 'partial';
  const why = partial ? problemsText(statement, PARTIAL_FALLBACK) : '';
  return (
    <>
      {numbers.map((number, index) => (
        <Fragment key={number}>
          {index > 0 ? <sup className="cite-separator" aria-hidden="true">,</sup> : null}
          <CitationButton number={number} statement={statement} />
        </Fragment>
      ))}
      {partial ? (
        <span className="partial-note" title={why}>
          {' '}(partly supported<span className="sr-only">: {why}</span>)
        </span>
      ) : null}
      {heading ? <span className="statement-heading muted small"> (§ {heading})</span> : null}
    </>
  );
}
