import type { Ref } from 'react';
import { AUDIENCE_LABELS, type Answer } from '../../types';

/** How an answer's review stands when it is shown as an article; plain answers are never reviewed. */
export interface ReviewState {
  reviewed: boolean;
  /** "Approved", "Under review", … as the API words it. */
  statusLine?: string;
  /** ISO date of the version shown; a plain answer uses when it was generated. */
  lastUpdated?: string;
}

interface Props {
  answer: Answer;
  review?: ReviewState;
  headingRef?: Ref<HTMLHeadingElement> | undefined;
  editorialPolicyUrl: string;
}

/**
 * The top of an answer, as on the reference product's pages: the question as the heading, the
 * review status (a generated answer always says it is pending human review), who it is written
 * for, when it was last updated and where the editorial policy is.
 */
export function AnswerHeader({ answer, review, headingRef, editorialPolicyUrl }: Props) {
  const updated = review?.lastUpdated ?? answer.provenance.generatedAt;
  return (
    <header className="answer-header">
      <h1 ref={headingRef} tabIndex={-1}>
        {answer.question}
      </h1>
      {review?.reviewed ? (
        <p className="banner ok">
          <strong>Reviewed by the medical review board.</strong> {review.statusLine && review.statusLine !== 'Approved' ? review.statusLine : ''}
        </p>
      ) : (
        <p className="banner pending">
          <strong>Pending human review:</strong> generated from the library and checked against its sources by software, not yet reviewed by a clinician
          {review?.statusLine ? ` (status: ${review.statusLine})` : ''}.
        </p>
      )}
      <p className="answer-meta muted small">
        <span>Written for: {AUDIENCE_LABELS[answer.audience]}</span>
        <span>
          Last updated: <time dateTime={updated}>{formatDate(updated)}</time>
        </span>
        <a href={editorialPolicyUrl}>View editorial policy</a>
      </p>
      {answer.searchedFor && answer.searchedFor !== answer.question ? (
        <p className="muted small">Read as a follow-up and searched for: “{answer.searchedFor}”</p>
      ) : null}
    </header>
  );
}

export function formatDate(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleDateString(undefined, { year: 'numeric', month: 'long', day: 'numeric' });
}
