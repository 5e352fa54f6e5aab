import type { Article, ReReviewFlag } from '../../domain/article.js';
import { rowToArticle, rowToFlag, type ArticleRow, type FlagRow } from '../editorial-rows.js';

/**
 * The editorial tables' rows as the PostgreSQL queries select them. The row shapes and their
 * mapping are shared with SQLite (../editorial-rows.ts); `json` columns are selected as text
 * (`x::text`) and parsed there: pg's own parsing would read SQL NULL and a JSON null alike (an
 * audit entry's `before: null` is not its absence), and a type parser set elsewhere in the
 * process cannot change what these rows hold.
 */
export * from '../editorial-rows.js';

/** SELECT list of an article with its open flags, oldest first, as JSON text (alias `a`). */
export const ARTICLE_COLUMNS = `a.id, a.slug, a.title, a.question, a.audience, a.status, a.current_version, a.approved_version,
  a.approval::text AS approval, a.created_by, a.created_at, a.updated_at,
  (SELECT coalesce(json_agg(f ORDER BY f.rid), '[]'::json)::text FROM article_flags f
    WHERE f.article_id = a.id AND f.resolved_at IS NULL) AS open_flags`;

export const AUDIT_COLUMNS = `seq, at, actor, action, subject_type, subject_id,
  state_before::text AS state_before, state_after::text AS state_after`;

export const VERSION_META_COLUMNS = 'article_id, number, title, origin, note, created_by, created_at';

/** An article row with its open flags, which PostgreSQL gathers in the same query as JSON text. */
export type PgArticleRow = ArticleRow & { open_flags: string };

export function rowToPgArticle(row: PgArticleRow): Article {
  const flags: ReReviewFlag[] = (JSON.parse(row.open_flags) as FlagRow[]).map(rowToFlag);
  return rowToArticle(row, flags);
}
