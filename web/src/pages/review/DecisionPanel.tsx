import { useEffect, useId, useRef, useState } from 'react';
import { NEEDS_COMMENT, TRANSITIONS } from '../../../../src/domain/article.js';
import { ApiError, post } from '../../api';
import { REVIEW_ACTIONS, STATUS_LABELS, type ListedArticle, type ReviewAction } from '../../types';
import { ErrorBanner } from './format';
import { ACTION_LABELS } from './labels';
import { useAction } from './use-action';

/**
 * A reviewer's decision on the current version: one button per action the status allows (the
 * domain's TRANSITIONS table, the same one the server enforces). Actions that must say why
 * (NEEDS_COMMENT) ask for the reason first; rejecting, which is final, asks to be confirmed.
 * Every decision names the version shown (`version`), so one made on a version an editor has
 * replaced since is refused (409) instead of landing on text the reviewer never read; the page
 * then reloads to show the newer version. The server has the last word, and its refusal ("a
 * reviewer cannot approve a version they made") is shown as it comes.
 */
export function DecisionPanel({ article, base, onDecided }: { article: ListedArticle; base: string; onDecided: () => void }) {
  const [reason, setReason] = useState('');
  const [missing, setMissing] = useState<string | undefined>();
  const [confirming, setConfirming] = useState<ReviewAction | undefined>();
  const action = useAction();
  const reasonField = useRef<HTMLTextAreaElement>(null);
  const reasonId = useId();
  const hintId = useId();
  const allowed = REVIEW_ACTIONS.filter((a) => TRANSITIONS[article.status][a] !== undefined);
  const version = article.currentVersion;

  const decide = async (chosen: ReviewAction, confirmed = false) => {
    const comment = reason.trim();
    if (NEEDS_COMMENT.has(chosen) && comment === '') {
      setMissing(`Give a reason before you choose "${ACTION_LABELS[chosen]}": the editor and the audit log need it.`);
      reasonField.current?.focus();
      return;
    }
    setMissing(undefined);
    if (FINAL.has(chosen) && !confirmed) {
      setConfirming(chosen);
      return;
    }
    setConfirming(undefined);
    const body = { action: chosen, version, ...(comment !== '' ? { comment } : {}) };
    let stale = false;
    const done = await action.run(() =>
      post(`${base}/review`, body).catch((e: unknown) => {
        stale = e instanceof ApiError && e.code === 'conflict';
        throw e;
      }),
    );
    if (done) setReason('');
    // Decided, or refused because the article moved on (a newer version): show it as it is now.
    if (done || stale) onDecided();
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
              <button key={a} type="button" className={a === 'reject' ? 'danger' : a === 'approve' || a === 'start-review' ? undefined : 'secondary'} disabled={action.busy || confirming !== undefined} onClick={() => void decide(a)}>
                {ACTION_LABELS[a]}
              </button>
            ))}
          </div>
          {confirming ? (
            <ConfirmFinal
              action={confirming}
              version={version}
              busy={action.busy}
              onConfirm={() => void decide(confirming, true)}
              onCancel={() => setConfirming(undefined)}
            />
          ) : null}
        </>
      )}
      <ErrorBanner error={missing ? { message: missing } : action.error} />
    </section>
  );
}

/** Decisions that cannot be undone, confirmed before they are sent. */
const FINAL: ReadonlySet<ReviewAction> = new Set(['reject']);

/** "Reject version 2?": what a final decision does, and the one button that makes it. Focus moves to it, so a keyboard user lands on the choice. */
function ConfirmFinal({ action, version, busy, onConfirm, onCancel }: { action: ReviewAction; version: number; busy: boolean; onConfirm: () => void; onCancel: () => void }) {
  const heading = useRef<HTMLParagraphElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const label = ACTION_LABELS[action];
  return (
    <div className="banner warn confirm" role="group" aria-label={`Confirm: ${label.toLowerCase()} version ${version}`}>
      <p ref={heading} tabIndex={-1}>
        <strong>{label} version {version}?</strong> A rejected article is final: it is withdrawn from readers, takes no new versions or
        comments, and stays on the review desk, read only, with your reason.
      </p>
      <div className="buttons">
        <button type="button" className="danger" disabled={busy} onClick={onConfirm}>Yes, {label.toLowerCase()} version {version}</button>
        <button type="button" className="secondary" disabled={busy} onClick={onCancel}>Cancel</button>
      </div>
    </div>
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
