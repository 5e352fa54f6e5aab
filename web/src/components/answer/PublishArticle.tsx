import { useId, useState } from 'react';
import { post } from '../../api';
import { STATUS_LABELS, type Audience, type ListedArticle } from '../../types';
import type { AskFilters } from './askTypes';
import { ErrorMessage } from './ErrorMessage';

type State = { kind: 'idle' } | { kind: 'busy' } | { kind: 'done'; article: ListedArticle } | { kind: 'failed'; error: Error };

/**
 * For editors: publish the question as an article. The server composes and verifies it again (as
 * version 1) and submits it to the review board; the article page is server-rendered, so the link
 * is a plain one.
 *
 * A follow-up ("and when is surgery needed?") means nothing without its thread, and an article
 * has none: its question becomes the article's title and is asked again on every regeneration.
 * So for a follow-up the editor gets the question as it was read against the thread, to put into
 * words that stand alone before publishing.
 */
export function PublishArticle({
  question,
  searchedFor,
  audience,
  filters,
  answered,
}: {
  question: string;
  /** The question as searched; differs from `question` when it was read as a follow-up. */
  searchedFor: string;
  audience: Audience;
  filters?: AskFilters | undefined;
  /** False when the library could not answer (status `insufficient`): the server refuses to publish it. */
  answered: boolean;
}) {
  const [state, setState] = useState<State>({ kind: 'idle' });
  const hintId = useId();
  const followUp = searchedFor !== question;
  const [articleQuestion, setArticleQuestion] = useState(followUp ? searchedFor : question);
  const publish = async () => {
    if (articleQuestion.trim() === '') {
      setState({ kind: 'failed', error: new Error('The article needs a question: write one that stands alone.') });
      return;
    }
    setState({ kind: 'busy' });
    try {
      const body = { question: articleQuestion.trim(), audience, ...(filters ? { filters } : {}) };
      const article = await post<ListedArticle>('/api/v1/articles', body);
      setState({ kind: 'done', article });
    } catch (e) {
      setState({ kind: 'failed', error: e instanceof Error ? e : new Error(String(e)) });
    }
  };
  if (!answered) {
    return (
      <div className="answer-actions noprint">
        <p className="small muted">Not offered as an article: the library could not answer this question, so there is nothing to publish.</p>
      </div>
    );
  }
  if (state.kind === 'done') {
    return (
      <div className="answer-actions noprint">
        <p className="banner ok" role="status">
          Published as an article: it is now <strong>{STATUS_LABELS[state.article.status]}</strong> for review by the medical review board.{' '}
          <a href={state.article.url}>Open the article page</a>
        </p>
      </div>
    );
  }
  return (
    <div className="answer-actions noprint">
      {followUp ? (
        <label className="publish-question">
          Article question
          <input
            type="text"
            value={articleQuestion}
            maxLength={2_000}
            onChange={(event) => setArticleQuestion(event.target.value)}
            aria-describedby={hintId}
          />
          <span id={hintId} className="small muted">
            This answer is a follow-up. An article has no thread, so its question must stand alone: it becomes the title and is asked
            again whenever the article is regenerated.
          </span>
        </label>
      ) : null}
      <button type="button" className="secondary" onClick={() => void publish()} disabled={state.kind === 'busy'}>
        {state.kind === 'busy' ? 'Publishing…' : 'Publish as article'}
      </button>
      {state.kind === 'busy' ? (
        <p role="status" className="small muted">
          Composing and checking the article…
        </p>
      ) : null}
      {state.kind === 'failed' ? <ErrorMessage error={state.error} action="Publishing" /> : null}
    </div>
  );
}

