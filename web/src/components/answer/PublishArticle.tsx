import { useState } from 'react';
import { post } from '../../api';
import { STATUS_LABELS, type Audience, type ListedArticle } from '../../types';
import type { AskFilters } from './askTypes';
import { ErrorMessage } from './ErrorMessage';

type State = { kind: 'idle' } | { kind: 'busy' } | { kind: 'done'; article: ListedArticle } | { kind: 'failed'; error: Error };

/**
 * For editors: publish the question as an article. The server composes and verifies it again (as
 * version 1) and submits it to the review board; the article page is server-rendered, so the link
 * is a plain one.
 */
export function PublishArticle({ question, audience, filters }: { question: string; audience: Audience; filters?: AskFilters | undefined }) {
  const [state, setState] = useState<State>({ kind: 'idle' });
  const publish = async () => {
    setState({ kind: 'busy' });
    try {
      const article = await post<ListedArticle>('/api/v1/articles', { question, audience, ...(filters ? { filters } : {}) });
      setState({ kind: 'done', article });
    } catch (e) {
      setState({ kind: 'failed', error: e instanceof Error ? e : new Error(String(e)) });
    }
  };
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
