import { AUDIENCE_LABELS, STATUS_LABELS, type ListedArticle } from '../../types';

/**
 * One article in the list: its title links to the server-rendered page (a plain link: article
 * pages are not app routes), with its review status, any re-review flag and when it last changed.
 */
export function ArticleListItem({ article }: { article: ListedArticle }) {
  const statusClass = article.status === 'approved' || article.status === 'rejected' ? ` ${article.status}` : '';
  return (
    <li className="card article-item">
      <h2 className="article-title">
        <a href={article.url}>{article.title}</a>
      </h2>
      <p className="article-meta small">
        <span className={`badge${statusClass}`}>{STATUS_LABELS[article.status]}</span>
        {article.flags.length > 0 ? <span className="badge flagged">Flagged for re-review</span> : null}
        <span>
          Last updated <time dateTime={article.updatedAt}>{new Date(article.updatedAt).toLocaleDateString()}</time>
        </span>
        <span className="muted">For: {AUDIENCE_LABELS[article.audience]}</span>
      </p>
      {article.question.trim() !== article.title.trim() ? <p className="muted small article-question">Question: {article.question}</p> : null}
    </li>
  );
}
