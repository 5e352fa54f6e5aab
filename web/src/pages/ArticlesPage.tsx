import { useEffect, useId, useState, type FormEvent } from 'react';
import { ErrorMessage } from '../components/answer/ErrorMessage';
import { ArticleListItem } from '../components/articles/ArticleListItem';
import { Pager } from '../components/articles/Pager';
import { useArticleSearch, type ArticleSearch } from '../components/articles/useArticleSearch';
import '../components/articles/articles.css';
import { Link, useRouter } from '../router';

const PAGE_SIZE = 20;

/** The URL of a search, so a search and its page can be bookmarked, shared and gone back to. */
function articlesUrl(q: string, page: number): string {
  const params = new URLSearchParams();
  if (q.trim() !== '') params.set('q', q.trim());
  if (page > 1) params.set('page', String(page));
  const query = params.toString();
  return query ? `/articles?${query}` : '/articles';
}

function pageFrom(text: string | null): number {
  const page = Number(text ?? '1');
  return Number.isInteger(page) && page >= 1 ? page : 1;
}

/**
 * Browse and search the published articles. The words and the page live in the URL
 * (/articles?q=…&page=2); each title links to the article's server-rendered page.
 */
export function ArticlesPage() {
  const { location, navigate } = useRouter();
  const q = location.query.get('q') ?? '';
  const page = pageFrom(location.query.get('page'));
  const [text, setText] = useState(q);
  const inputId = useId();
  const search = useArticleSearch(q, page, PAGE_SIZE);

  // Back and forward change the URL under the box: keep the box saying what is searched for.
  useEffect(() => setText(q), [q]);

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    navigate(articlesUrl(text, 1));
  };

  return (
    <section className="articles-page">
      <h1>Articles</h1>
      <p className="muted">
        Answers published by editors for review by the medical review board. Only those marked Approved have been reviewed; the others are pending
        human review, not yet reviewed by a clinician.
      </p>
      <form className="article-search" role="search" onSubmit={onSubmit}>
        <div>
          <label htmlFor={inputId}>Search articles</label>
          <input id={inputId} type="search" value={text} maxLength={500} onChange={(e) => setText(e.target.value)} />
        </div>
        <button type="submit">Search</button>
      </form>
      <p role="status" className="articles-status">
        {statusText(search, q, page)}
      </p>
      <Results search={search} q={q} page={page} onPage={(next) => navigate(articlesUrl(q, next))} />
    </section>
  );
}

function Results({ search, q, page, onPage }: { search: ArticleSearch; q: string; page: number; onPage: (page: number) => void }) {
  if (search.kind === 'loading') return null;
  if (search.kind === 'failed') return <ErrorMessage error={search.error} action="Loading the articles" />;
  const pages = Math.ceil(search.total / PAGE_SIZE);
  if (search.total === 0) {
    return (
      <div className="empty-state">
        {q ? (
          <>
            <p>
              <strong>No articles match</strong> “{q}”.
            </p>
            <p>Every word must appear in an article's title or question: try fewer or other words.</p>
          </>
        ) : (
          <>
            <p>
              <strong>No articles yet.</strong>
            </p>
            <p>
              Editors publish articles from answers: <Link to="/">ask a question</Link> first.
            </p>
          </>
        )}
      </div>
    );
  }
  if (search.articles.length === 0) {
    return (
      <div className="empty-state">
        <p>
          There is no page {page}: the results end at page {pages}. <Link to={articlesUrl(q, 1)}>Go to the first page</Link>.
        </p>
      </div>
    );
  }
  return (
    <>
      <ul className="article-list">
        {search.articles.map((article) => (
          <ArticleListItem key={article.id} article={article} />
        ))}
      </ul>
      <Pager page={page} pages={pages} onPage={onPage} />
    </>
  );
}

function statusText(search: ArticleSearch, q: string, page: number): string {
  if (search.kind === 'loading') return 'Loading articles…';
  if (search.kind === 'failed' || search.total === 0 || search.articles.length === 0) return '';
  const first = (page - 1) * PAGE_SIZE + 1;
  const last = first + search.articles.length - 1;
  const what = `${search.total} article${search.total === 1 ? '' : 's'}${q ? ` matching “${q}”` : ''}`;
  return search.total <= PAGE_SIZE && page === 1 ? `${what}.` : `Showing ${first}–${last} of ${what}.`;
}
