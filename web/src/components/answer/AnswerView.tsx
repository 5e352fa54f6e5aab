import { useMemo, useState, type ReactNode, type Ref } from 'react';
import { headingOf, type Answer } from '../../types';
import { AnswerBody } from './AnswerBody';
import { AnswerContext } from './AnswerContext';
import { AnswerHeader, type ReviewState } from './AnswerHeader';
import { FollowUpSuggestions, Glossary, RemovedStatements } from './AnswerExtras';
import { referenceNumbers } from './citations';
import { EvidenceSummary } from './EvidenceSummary';
import { InsufficientAnswer, type FiltersLeftNothing } from './InsufficientAnswer';
import { Notices } from './Notices';
import { ReferenceList } from './ReferenceList';
import './answer.css';

export type { ReviewState } from './AnswerHeader';

export interface AnswerViewProps {
  answer: Answer;
  /** For an answer shown as an article; without it the answer says it is pending human review. */
  review?: ReviewState;
  /** Prefixes element ids (ref-1 …) when a page shows several answers; the first may leave it empty. */
  idPrefix?: string;
  /** Lets a page move focus to the question heading when the answer arrives. */
  headingRef?: Ref<HTMLHeadingElement>;
  /** Called with a suggested follow-up question; without it no suggestions are shown. */
  onFollowUp?: (question: string) => void;
  editorialPolicyUrl?: string;
  /** When the answer was asked with filters and nothing matched: the filters in words, and asking without them. */
  filtersLeftNothing?: FiltersLeftNothing;
  /** Actions shown under the answer (publishing, …). */
  children?: ReactNode;
}

/**
 * A cited, verified answer as a reader checks it: every statement carries the numbers of its
 * references, and each number opens the passages it rests on with the supporting words marked.
 * Reusable wherever an Answer is shown (the ask page, the review desk).
 */
export function AnswerView({ answer, review, idPrefix = '', headingRef, onFollowUp, editorialPolicyUrl = '/editorial-policy', filtersLeftNothing, children }: AnswerViewProps) {
  const [popoverHost, setPopoverHost] = useState<HTMLElement | null>(null);
  const numberOf = useMemo(() => referenceNumbers(answer), [answer]);
  const subsectionOf = useMemo(() => headingOf(answer), [answer]);
  const context = useMemo(() => ({ answer, numberOf, subsectionOf, popoverHost, idPrefix }), [answer, numberOf, subsectionOf, popoverHost, idPrefix]);
  return (
    <AnswerContext.Provider value={context}>
      <article aria-label="Answer" className="answer" ref={setPopoverHost}>
        <AnswerHeader answer={answer} review={review} headingRef={headingRef} editorialPolicyUrl={editorialPolicyUrl} />
        <Notices answer={answer} />
        {answer.status === 'insufficient' ? (
          <InsufficientAnswer answer={answer} filtersLeftNothing={filtersLeftNothing} />
        ) : (
          <>
            <AnswerBody answer={answer} />
            <EvidenceSummary answer={answer} />
            <ReferenceList answer={answer} />
            <Glossary answer={answer} />
          </>
        )}
        <RemovedStatements answer={answer} />
        {onFollowUp ? <FollowUpSuggestions answer={answer} onChoose={onFollowUp} /> : null}
        {children}
      </article>
    </AnswerContext.Provider>
  );
}
