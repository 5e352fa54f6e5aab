import { createContext, useContext, useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { post } from '../../api';
import type { StatementComment } from '../../types';
import { ErrorBanner, When } from './format';
import { useAction } from './use-action';
import { PersonName } from './people';

/**
 * Comments on single statements. The compare view draws statements deep inside its rows; what
 * each statement needs to show its comments (and take a new one) comes through this context
 * rather than through every component in between.
 */
export interface CommentDesk {
  /** The article's API path: /api/v1/articles/<id>. */
  base: string;
  comments: readonly StatementComment[];
  /** The account signed in, to show "you" beside one's own comments. */
  me: string | undefined;
  /** The statement whose comment form is open ("3:treatment.2"); one at a time, so one "Comment" field is on the page. */
  open: string | undefined;
  setOpen: (target: string | undefined) => void;
  reload: () => void;
  /** A rejected article is final: its comments are read, not resolved. */
  final: boolean;
}

export const CommentDeskContext = createContext<CommentDesk | undefined>(undefined);

const target = (version: number, key: string) => `${version}:${key}`;

/** The comments on one statement of one version (none without a statement or outside the desk). */
export function useStatementComments(version: number, statementKey: string | undefined): StatementComment[] {
  const desk = useContext(CommentDeskContext);
  if (!desk || statementKey === undefined) return [];
  return desk.comments.filter((c) => c.version === version && c.statement === statementKey);
}

/** The comments on statement `key` of `version`, and the button and form for a new one when `canComment`. */
export function StatementComments({ version, statementKey, canComment }: { version: number; statementKey: string; canComment: boolean }) {
  const desk = useContext(CommentDeskContext);
  const mine = useStatementComments(version, statementKey);
  if (!desk) return null;
  const isOpen = desk.open === target(version, statementKey);
  return (
    <div className="statement-comments">
      {mine.length > 0 ? (
        <ul className="plain comments" aria-label={`Comments on statement ${statementKey}`}>
          {mine.map((comment) => <CommentItem key={comment.id} comment={comment} desk={desk} />)}
        </ul>
      ) : null}
      {canComment ? (
        <>
          <button
            type="button"
            className="secondary compact"
            aria-label={`Comment on statement ${statementKey}`}
            aria-expanded={isOpen}
            onClick={() => desk.setOpen(isOpen ? undefined : target(version, statementKey))}
          >
            Comment
          </button>
          {isOpen ? <CommentForm version={version} statementKey={statementKey} desk={desk} /> : null}
        </>
      ) : null}
    </div>
  );
}

function CommentItem({ comment, desk }: { comment: StatementComment; desk: CommentDesk }) {
  const action = useAction();
  const textId = useId();
  const resolve = async () => {
    if (await action.run(() => post(`${desk.base}/comments/${encodeURIComponent(comment.id)}/resolve`))) desk.reload();
  };
  return (
    <li className={comment.resolvedAt ? 'comment resolved' : 'comment'}>
      <p id={textId} className="comment-text">{comment.text}</p>
      <p className="small comment-meta">
        <PersonName id={comment.authorId} />, <When at={comment.createdAt} />
        {comment.resolvedAt ? (
          <span>
            {' '}· resolved{comment.resolvedBy ? <> by <PersonName id={comment.resolvedBy} /></> : ''}, <When at={comment.resolvedAt} />
          </span>
        ) : desk.final ? null : (
          <>
            {' '}
            <button type="button" className="link" aria-describedby={textId} disabled={action.busy} onClick={() => void resolve()}>
              Resolve
            </button>
          </>
        )}
      </p>
      <ErrorBanner error={action.error} />
    </li>
  );
}

function CommentForm({ version, statementKey, desk }: { version: number; statementKey: string; desk: CommentDesk }) {
  const [text, setText] = useState('');
  const action = useAction();
  const field = useRef<HTMLTextAreaElement>(null);
  const id = useId();
  // The form opens because the user asked for it: take them to the field they will type in.
  useEffect(() => field.current?.focus(), []);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const body = { version, statement: statementKey, text: text.trim() };
    if (await action.run(() => post(`${desk.base}/comments`, body))) {
      desk.setOpen(undefined);
      desk.reload();
    }
  };
  return (
    <form className="comment-form" onSubmit={(e) => void submit(e)}>
      <label htmlFor={id}>Comment</label>
      <textarea id={id} ref={field} value={text} onChange={(e) => setText(e.target.value)} required maxLength={5000} />
      <ErrorBanner error={action.error} />
      <div className="buttons">
        <button type="submit" disabled={action.busy || text.trim() === ''}>Add comment</button>
        <button type="button" className="secondary" onClick={() => desk.setOpen(undefined)}>Cancel</button>
      </div>
    </form>
  );
}
