import { useId, useRef, useState } from 'react';
import { NEEDS_COMMENT, TRANSITIONS } from '../../../../src/domain/article.js';
import { post } from '../../api';
import { REVIEW_ACTIONS, STATUS_LABELS, type ListedArticle, type ReviewAction } from '../../types';
import { ErrorBanner } from './format';
import { ACTION_LABELS } from './labels';
import { useAction } from './use-action';

/**
 * A reviewer's decision on the current version: one button per action the status allows (the
 * domain's TRANSITIONS table, the same one the server enforces). Actions that must say why
 * (NEEDS_COMMENT) ask for the reason first; the server still has the last word, and its refusal
 * ("a reviewer cannot approve a version they made") is shown as it comes.
 */
export function DecisionPanel({ article, base, onDecided }: { article: ListedArticle; base: string; onDecided: () => void }) {
  const [reason, setReason] = useState('');
  const [missing, setMissing] = useState<string | undefined>();
  const action = useAction();
  const reasonField = useRef<HTMLTextAreaElement>(null);
  const reasonId = useId();
  const hintId = useId();
  const allowed = REVIEW_ACTIONS.filter((a) => TRANSITIONS[article.status][a] !== undefined);

  const decide = async (chosen: ReviewAction) => {
    const comment = reason.trim();
    if (NEEDS_COMMENT.has(chosen) && comment === '') {
      setMissing(`Give a reason before you choose "${ACTION_LABELS[chosen]}": the editor and the audit log need it.`);
      reasonField.current?.focus();
      return;
    }
    setMissing(undefined);
    const body = { action: chosen, ...(comment !== '' ? { comment } : {}) };
    if (await action.run(() => post(`${base}/review`, body))) {
      setReason('');
      onDecided();
    }
  };

  return (
    <section aria-labelledby="decision-heading" className="card decision">
      <h2 id="decision-heading">Decision on version {article.currentVersion}</h2>
      {allowed.length === 0 ? (
        <p className="muted">
          {article.status === 'rejected'
            ? 'A rejected article is final: publish a new article instead.'
            : `Nothing to decide while the article is ${STATUS_LABELS[article.status].toLowerCase()}: an editor must make a new version first.`}
        </p>
      ) : (
        <>
          <p>
            <label htmlFor={reasonId}>Reason</label>
            <textarea
              id={reasonId}
              ref={reasonField}
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              aria-describedby={hintId}
              maxLength={5000}
            />
            <span id={hintId} className="small muted">{reasonHint(allowed)}</span>
          </p>
          <div className="buttons">
            {allowed.map((a) => (
              <button key={a} type="button" className={a === 'reject' ? 'danger' : a === 'approve' || a === 'start-review' ? undefined : 'secondary'} disabled={action.busy} onClick={() => void decide(a)}>
                {ACTION_LABELS[a]}
              </button>
            ))}
          </div>
        </>
      )}
      <ErrorBanner error={missing ? { message: missing } : action.error} />
    </section>
  );
}

/** A reviewer's judgement that the open re-review flags need no new version, with why. */
export function DismissFlags({ base, onDismissed }: { base: string; onDismissed: () => void }) {
  const [reason, setReason] = useState('');
  const action = useAction();
  const id = useId();
  const dismiss = async () => {
    if (await action.run(() => post(`${base}/flags/dismiss`, { reason: reason.trim() }))) {
      setReason('');
      onDismissed();
    }
  };
  return (
    <form
      className="dismiss-flags"
      onSubmit={(e) => {
        e.preventDefault();
        void dismiss();
      }}
    >
      <label htmlFor={id}>Reason for dismissing the flags</label>
      <textarea id={id} value={reason} onChange={(e) => setReason(e.target.value)} required maxLength={5000} />
      <ErrorBanner error={action.error} />
      <button type="submit" className="secondary" disabled={action.busy || reason.trim() === ''}>Dismiss flags</button>
    </form>
  );
}

/** Which of the buttons need the reason, in words: "Needed to request changes or reject; optional to approve." */
function reasonHint(allowed: readonly ReviewAction[]): string {
  const words = (actions: readonly ReviewAction[]) => actions.map((a) => ACTION_LABELS[a].toLowerCase()).join(' or ');
  const needed = allowed.filter((a) => NEEDS_COMMENT.has(a));
  const optional = allowed.filter((a) => !NEEDS_COMMENT.has(a));
  if (needed.length === 0) return `Optional: a note kept with the decision to ${words(optional)}.`;
  return `Needed to ${words(needed)}${optional.length > 0 ? `; optional to ${words(optional)}` : ''}.`;
}
