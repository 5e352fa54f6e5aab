import { useRef, type KeyboardEvent } from 'react';
import { Link, useRouter } from '../../router';
import { ARTICLE_STATUSES, STATUS_LABELS, type ArticleStatus, type ListedArticle } from '../../types';
import { ErrorBanner, When } from './format';
import { badgeClass } from './labels';
import { useFetched } from './use-fetched';
import './review.css';

/** A queue: one status, or the articles with open re-review flags (whatever their status). */
type Queue = ArticleStatus | 'flagged';
const QUEUES: readonly Queue[] = [...ARTICLE_STATUSES, 'flagged'];
const queueLabel = (queue: Queue): string => (queue === 'flagged' ? 'Flagged' : STATUS_LABELS[queue]);
const queuePath = (queue: Queue, limit: number): string =>
  queue === 'flagged' ? `/api/v1/articles?flagged=true&limit=${limit}` : `/api/v1/articles?status=${queue}&limit=${limit}`;

interface ArticleList {
  total: number;
  articles: ListedArticle[];
}

/**
 * The review queue. The chosen queue lives in the URL (?queue=under-review), so a reviewer can
 * bookmark it and the back button returns to it from an article.
 */
export function ReviewQueue() {
  const { location, navigate } = useRouter();
  const asked = location.query.get('queue');
  const queue: Queue = QUEUES.find((q) => q === asked) ?? 'submitted';
  const list = useFetched<ArticleList>(queuePath(queue, 50));
  return (
    <section className="review-desk">
      <h1>Review desk</h1>
      <QueueTabs current={queue} onChoose={(q) => navigate(`/review?queue=${q}`)} />
      <div role="tabpanel" id="queue-panel" aria-labelledby={`queue-tab-${queue}`} tabIndex={0}>
        <ErrorBanner error={list.error} />
        {list.data ? <QueueTable queue={queue} list={list.data} /> : list.loading ? <p className="muted">Loading…</p> : null}
      </div>
    </section>
  );
}

/**
 * The queues as tabs (WAI-ARIA tabs pattern: one tab stop, arrow keys move between tabs). Each
 * tab's count is the `total` of a one-article list call, which costs the server one COUNT query.
 */
function QueueTabs({ current, onChoose }: { current: Queue; onChoose: (queue: Queue) => void }) {
  const tabs = useRef<(HTMLButtonElement | null)[]>([]);
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const at = QUEUES.indexOf(current);
    const next =
      event.key === 'ArrowRight' ? (at + 1) % QUEUES.length
      : event.key === 'ArrowLeft' ? (at - 1 + QUEUES.length) % QUEUES.length
      : event.key === 'Home' ? 0
      : event.key === 'End' ? QUEUES.length - 1
      : -1;
    const queue = QUEUES[next];
    if (queue === undefined) return;
    event.preventDefault();
    onChoose(queue);
    tabs.current[next]?.focus();
  };
  return (
    <div role="tablist" aria-label="Review queues" className="queue-tabs" onKeyDown={onKeyDown}>
      {QUEUES.map((queue, i) => (
        <button
          key={queue}
          ref={(el) => {
            tabs.current[i] = el;
          }}
          type="button"
          role="tab"
          id={`queue-tab-${queue}`}
          aria-selected={queue === current}
          aria-controls="queue-panel"
          tabIndex={queue === current ? 0 : -1}
          onClick={() => onChoose(queue)}
        >
          {queueLabel(queue)} <QueueCount queue={queue} />
        </button>
      ))}
    </div>
  );
}

function QueueCount({ queue }: { queue: Queue }) {
  const { data } = useFetched<ArticleList>(queuePath(queue, 1));
  return data ? <span className="count">{data.total}</span> : null;
}

function QueueTable({ queue, list }: { queue: Queue; list: ArticleList }) {
  if (list.articles.length === 0) return <p className="muted">No articles are {queue === 'flagged' ? 'flagged for re-review' : STATUS_LABELS[queue].toLowerCase()}.</p>;
  return (
    <>
      <table className="stack-table">
        <caption className="visually-hidden">{queueLabel(queue)} articles</caption>
        <thead>
          <tr>
            <th scope="col">Title</th>
            <th scope="col">Status</th>
            <th scope="col">Version</th>
            <th scope="col">Updated</th>
            <th scope="col">Open flags</th>
          </tr>
        </thead>
        <tbody>
          {list.articles.map((article) => (
            <tr key={article.id}>
              <td><Link to={`/review/${article.id}`}>{article.title}</Link></td>
              <td data-label="Status"><span className={badgeClass(article.status)}>{STATUS_LABELS[article.status]}</span></td>
              <td data-label="Version">{article.currentVersion}</td>
              <td data-label="Updated"><When at={article.updatedAt} /></td>
              <td data-label="Open flags">{article.flags.length > 0 ? <strong className="flag-count">{article.flags.length}</strong> : 0}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {list.total > list.articles.length ? <p className="muted small">Showing the {list.articles.length} most recently updated of {list.total}.</p> : null}
    </>
  );
}
