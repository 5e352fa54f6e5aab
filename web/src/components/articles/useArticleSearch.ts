import { useEffect, useState } from 'react';
import { get } from '../../api';
import type { ListedArticle } from '../../types';

export type ArticleSearch =
  | { kind: 'loading' }
  | { kind: 'loaded'; total: number; articles: ListedArticle[] }
  | { kind: 'failed'; error: Error };

/**
 * One page of GET /api/v1/articles for the words `q`. A newer search aborts the one before, so a
 * slow answer to an old query can never overwrite a newer one.
 */
export function useArticleSearch(q: string, page: number, pageSize: number): ArticleSearch {
  const [state, setState] = useState<ArticleSearch>({ kind: 'loading' });
  useEffect(() => {
    const controller = new AbortController();
    setState({ kind: 'loading' });
    const params = new URLSearchParams({ limit: String(pageSize), offset: String((page - 1) * pageSize) });
    if (q.trim() !== '') params.set('q', q.trim());
    get<{ total: number; articles: ListedArticle[] }>(`/api/v1/articles?${params.toString()}`, { signal: controller.signal }).then(
      (found) => setState({ kind: 'loaded', total: found.total, articles: found.articles }),
      (error: unknown) => {
        if (!controller.signal.aborted) setState({ kind: 'failed', error: error instanceof Error ? error : new Error(String(error)) });
      },
    );
    return () => controller.abort();
  }, [q, page, pageSize]);
  return state;
}
