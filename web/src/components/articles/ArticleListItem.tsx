import { AUDIENCE_LABELS, publicStatus, type ListedArticle } from '../../types';
import { formatDate } from '../answer/AnswerHeader';

/**
 * One article in the list: its title links to the server-rendered page (a plain link: article
 * pages are not app routes), with its review status as its page words it (publicStatus: an
 * approved article with a newer version under review is still Approved), an explicit marker on
 * text no clinician has reviewed yet, any re-review flag and when it last changed.
 */
export function ArticleListItem({ article }: { article: ListedArticle }) {
  const status = publicStatus(article);
  const statusClass = status.reviewed ? ' approved' : article.status === 'rejected' ? ' rejected' : '';
  return (
    <li className="card article-item">
      <h2 className="article-title">
        <a href={article.url}>{article.title}</a>
      </h2>
      <p className="article-meta small">
        <span className={`badge${statusClass}`}>{status.label}</span>
        {status.reviewed ? (
          status.detail ? <span className="muted">({status.detail})</span> : null
        ) : article.status !== 'rejected' ? (
          <span className="not-reviewed">Pending human review: not yet reviewed by a clinician</span>
        ) : null}
        {article.flags.length > 0 ? <span className="badge flagged">Flagged for re-review</span> : null}
        <span>
          Last updated <time dateTime={article.updatedAt}>{formatDate(article.updatedAt)}</time>
        </span>
        <span className="muted">For: {AUDIENCE_LABELS[article.audience]}</span>
      </p>
      {article.question.trim() !== article.title.trim() ? <p className="muted small article-question">Question: {article.question}</p> : null}
    </li>
  );
}
