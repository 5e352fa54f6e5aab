import { citedSourceIds, decisionVersionMismatch, type Article, type ArticleVersion, type ReReviewFlag } from '../../domain/article.js';
import { CitemedError } from '../../domain/errors.js';
import type { ArticleChanges, ArticleExpectation, ArticleQuery, ArticleStore } from '../../ports/editorial.js';
import { appendEntry } from './editorial-audit.js';
import { CONSTRAINTS, explain } from './editorial-errors.js';
import {
  articleStateClauses,
  ARTICLE_COLUMNS,
  VERSION_META_COLUMNS,
  rowToPgArticle,
  rowToComment,
  rowToDecision,
  rowToFlag,
  rowToVersion,
  rowToVersionMeta,
  type PgArticleRow,
  type CommentRow,
  type DecisionRow,
  type FlagRow,
  type VersionRow,
  wordPatterns,
} from './editorial-rows.js';
import type { EditorialSql, Sql } from './editorial-sql.js';

/**
 * Articles, versions, review decisions, comments and re-review flags in PostgreSQL. Changes to an
 * article are optimistic: the UPDATE names the status and version the caller read, and matching
 * no row means someone else changed it first ('conflict'), so nobody approves text they never saw.
 */
export function createPostgresArticles(sql: EditorialSql): ArticleStore {
  const articleById = async (db: Sql, id: string): Promise<Article | undefined> => {
    const { rows } = await db.query<PgArticleRow>(`SELECT ${ARTICLE_COLUMNS} FROM articles a WHERE a.id = $1`, [id]);
    return rows[0] ? rowToPgArticle(rows[0]) : undefined;
  };
  const mustGet = async (db: Sql, id: string): Promise<Article> => {
    const article = await articleById(db, id);
    if (!article) throw new Error(`article ${id} vanished inside its own transaction`);
    return article;
  };
  const notFound = (id: string): CitemedError =>
    new CitemedError('not-found', `no article ${id}`, { hint: 'check the article id; it may have been mistyped' });

  const insertVersion = async (db: Sql, version: ArticleVersion): Promise<void> => {
    // The article is there: just inserted, or just updated under the caller's expectation.
    await db.query(
      `INSERT INTO article_versions (article_id, number, title, origin, note, created_by, created_at, answer)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::json)`,
      [version.articleId, version.number, version.title, version.origin, version.note ?? null, version.createdBy, version.createdAt, JSON.stringify(version.answer)],
    );
    // An answer may cite a source twice; its version cites it once.
    const sourceIds = [...new Set(citedSourceIds(version.answer))];
    if (sourceIds.length === 0) return;
    await db.query(
      'INSERT INTO article_citations (article_id, version, source_id) SELECT $1, $2, unnest($3::text[])',
      [version.articleId, version.number, sourceIds],
    );
  };

  /** Applies `changes` if the article is still as the caller read it; 'not-found' or 'conflict' otherwise. */
  const apply = async (db: Sql, id: string, expected: ArticleExpectation, changes: ArticleChanges, currentVersion: number): Promise<void> => {
    // Absent changes are NULL and keep the column as it is.
    const result = await db.query(
      `UPDATE articles SET status = coalesce($4, status), title = coalesce($5, title), slug = coalesce($6, slug),
         approved_version = coalesce($7, approved_version), approval = coalesce($8::json, approval),
         current_version = $9, updated_at = $10
       WHERE id = $1 AND status = $2 AND current_version = $3`,
      [
        id,
        expected.status,
        expected.currentVersion,
        changes.status ?? null,
        changes.title ?? null,
        changes.slug ?? null,
        changes.approvedVersion ?? null,
        changes.approval ? JSON.stringify(changes.approval) : null,
        currentVersion,
        changes.updatedAt,
      ],
    );
    if ((result.rowCount ?? 0) > 0) return;
    const { rows } = await db.query<{ status: string; current_version: number }>('SELECT status, current_version FROM articles WHERE id = $1', [id]);
    const now = rows[0];
    if (!now) throw notFound(id);
    throw new CitemedError(
      'conflict',
      `article ${id} changed since it was read: it is now ${now.status} at version ${now.current_version}, ` +
        `not ${expected.status} at version ${expected.currentVersion}`,
      { hint: 'reload the article and make the change again' },
    );
  };

  return {
    async create(article, version, entry) {
      if (version.articleId !== article.id || version.number !== article.currentVersion) {
        throw new CitemedError('usage', `version ${version.articleId}#${version.number} is not version ${article.currentVersion} of article ${article.id}`, {
          hint: "an article is stored with its current version: set the version's articleId and number to match",
        });
      }
      return sql.change(async (db) => {
        await db
          .query(
            `INSERT INTO articles (id, slug, title, question, audience, status, current_version, approved_version, approval,
               created_by, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::json, $10, $11, $12)`,
            [
              article.id,
              article.slug,
              article.title,
              article.question,
              article.audience,
              article.status,
              article.currentVersion,
              article.approvedVersion ?? null,
              article.approval ? JSON.stringify(article.approval) : null,
              article.createdBy,
              article.createdAt,
              article.updatedAt,
            ],
          )
          .catch(
            explain({
              [CONSTRAINTS.articleId]: { code: 'conflict', message: `the article id ${article.id} is taken`, hint: 'publish it again: a new id is drawn each time' },
            }),
          );
        await insertVersion(db, version);
        await appendEntry(db, entry);
        return mustGet(db, article.id);
      });
    },
    async get(id) {
      return sql.single((db) => articleById(db, id));
    },
    async list(query) {
      const { where, values } = listFilter(query);
      const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
      // One snapshot: the page and the total agree.
      return sql.snapshot(async (db) => {
        const page = await db.query<PgArticleRow>(
          `SELECT ${ARTICLE_COLUMNS} FROM articles a ${clause}
           ORDER BY a.updated_at DESC, a.rid DESC LIMIT $${values.length + 1} OFFSET $${values.length + 2}`,
          [...values, query.limit, query.offset],
        );
        const total = await db.query<{ n: string }>(`SELECT count(*) AS n FROM articles a ${clause}`, values);
        return { articles: page.rows.map(rowToPgArticle), total: Number(total.rows[0]?.n ?? 0) };
      });
    },
    async getVersion(articleId, number) {
      const { rows } = await sql.single((db) =>
        db.query<VersionRow & { answer: string }>(
          `SELECT ${VERSION_META_COLUMNS}, answer::text AS answer FROM article_versions WHERE article_id = $1 AND number = $2`,
          [articleId, number],
        ),
      );
      return rows[0] ? rowToVersion(rows[0]) : undefined;
    },
    async listVersions(articleId) {
      const { rows } = await sql.single((db) =>
        db.query<VersionRow>(`SELECT ${VERSION_META_COLUMNS} FROM article_versions WHERE article_id = $1 ORDER BY number`, [articleId]),
      );
      return rows.map(rowToVersionMeta);
    },
    async addVersion(version, expected, changes, entry) {
      if (version.number !== expected.currentVersion + 1) {
        throw new CitemedError('conflict', `version ${version.number} cannot follow version ${expected.currentVersion} of article ${version.articleId}`, {
          hint: 'reload the article: a new version is numbered one past its current version',
        });
      }
      return sql.change(async (db) => {
        await apply(db, version.articleId, expected, changes, version.number);
        await insertVersion(db, version);
        await appendEntry(db, entry);
        return mustGet(db, version.articleId);
      });
    },
    async decide(articleId, expected, changes, decision, entry) {
      if (decision.articleId !== articleId) {
        throw new CitemedError('usage', `a decision on article ${decision.articleId} cannot be recorded on article ${articleId}`, {
          hint: "set the decision's articleId to the article decided on",
        });
      }
      return sql.change(async (db) => {
        await apply(db, articleId, expected, changes, expected.currentVersion);
        // The article is at the expected version now: a decision (or approval) naming another is refused, rolled back.
        const mismatch = decisionVersionMismatch(expected.currentVersion, decision, changes.approvedVersion, changes.approval);
        if (mismatch) throw new CitemedError('usage', mismatch, { hint: 'decide on the version the article is at, and name that version in the decision' });
        await db
          .query(
            `INSERT INTO review_decisions (article_id, version, action, reviewer_id, comment, at) VALUES ($1, $2, $3, $4, $5, $6)`,
            [articleId, decision.version, decision.action, decision.reviewerId, decision.comment ?? null, decision.at],
          )
          .catch(
            explain({
              [CONSTRAINTS.decisionVersion]: {
                code: 'not-found',
                message: `article ${articleId} has no version ${decision.version} to decide on`,
                hint: 'reload the article and decide on one of its versions',
              },
            }),
          );
        await appendEntry(db, entry);
        return mustGet(db, articleId);
      });
    },
    async listDecisions(articleId) {
      const { rows } = await sql.single((db) =>
        db.query<DecisionRow>(
          'SELECT article_id, version, action, reviewer_id, comment, at FROM review_decisions WHERE article_id = $1 ORDER BY rid',
          [articleId],
        ),
      );
      return rows.map(rowToDecision);
    },

    async addComment(comment, entry) {
      await sql.change(async (db) => {
        await db
          .query(
            `INSERT INTO statement_comments (id, article_id, version, statement, author_id, text, created_at, resolved_at, resolved_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
            [
              comment.id,
              comment.articleId,
              comment.version,
              comment.statement,
              comment.authorId,
              comment.text,
              comment.createdAt,
              comment.resolvedAt ?? null,
              comment.resolvedBy ?? null,
            ],
          )
          .catch(
            explain({
              [CONSTRAINTS.commentVersion]: {
                code: 'not-found',
                message: `article ${comment.articleId} has no version ${comment.version} to comment on`,
                hint: 'reload the article and comment on one of its versions',
              },
              [CONSTRAINTS.commentId]: {
                code: 'conflict',
                message: `article ${comment.articleId} already has a comment ${comment.id}`,
                hint: 'add it again: a new id is drawn each time',
              },
            }),
          );
        await appendEntry(db, entry);
      });
    },
    async listComments(articleId, version) {
      const { rows } = await sql.single((db) =>
        version === undefined
          ? db.query<CommentRow>('SELECT * FROM statement_comments WHERE article_id = $1 ORDER BY rid', [articleId])
          : db.query<CommentRow>('SELECT * FROM statement_comments WHERE article_id = $1 AND version = $2 ORDER BY rid', [articleId, version]),
      );
      return rows.map(rowToComment);
    },
    async resolveComment(articleId, commentId, at, by, entry) {
      return sql.change(async (db) => {
        const resolved = await db.query<CommentRow>(
          `UPDATE statement_comments SET resolved_at = $3, resolved_by = $4
           WHERE article_id = $1 AND id = $2 AND resolved_at IS NULL RETURNING *`,
          [articleId, commentId, at, by],
        );
        if (resolved.rows[0]) {
          await appendEntry(db, entry);
          return rowToComment(resolved.rows[0]);
        }
        // Not there, or resolved already: the first resolution stands, and nothing is logged.
        const { rows } = await db.query<CommentRow>('SELECT * FROM statement_comments WHERE article_id = $1 AND id = $2', [articleId, commentId]);
        return rows[0] ? rowToComment(rows[0]) : undefined;
      });
    },

    async raiseFlags(flags, auditOf) {
      if (flags.length === 0) return [];
      return sql.change(async (db) => {
        const raised: ReReviewFlag[] = [];
        for (const flag of flags) {
          // Skips a flag an open one already covers, one raised earlier in this batch included:
          // the conflict target is the partial unique index of open flags.
          const { rowCount } = await db
            .query(
              `INSERT INTO article_flags (id, article_id, kind, source_id, detail, version, raised_at, resolved_at, resolved_by)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
               ON CONFLICT (article_id, kind, source_id) WHERE resolved_at IS NULL DO NOTHING`,
              [flag.id, flag.articleId, flag.kind, flag.sourceId, flag.detail, flag.version, flag.raisedAt, flag.resolvedAt ?? null, flag.resolvedBy ?? null],
            )
            .catch(
              explain({
                [CONSTRAINTS.flagVersion]: {
                  code: 'not-found',
                  message: `article ${flag.articleId} has no version ${flag.version} to flag`,
                  hint: 'check the article id and version; no flag of this batch was raised',
                },
                [CONSTRAINTS.flagId]: {
                  code: 'conflict',
                  message: `a flag with id ${flag.id} already exists`,
                  hint: 'raise it again: a new id is drawn each time; no flag of this batch was raised',
                },
              }),
            );
          if ((rowCount ?? 0) === 0) continue;
          await appendEntry(db, auditOf(flag));
          raised.push(flag);
        }
        return raised;
      });
    },
    async listFlags(articleId) {
      const { rows } = await sql.single((db) => db.query<FlagRow>('SELECT * FROM article_flags WHERE article_id = $1 ORDER BY rid', [articleId]));
      return rows.map(rowToFlag);
    },
    async resolveFlags(articleId, at, by, entry) {
      return sql.change(async (db) => {
        const { rowCount } = await db.query(
          'UPDATE article_flags SET resolved_at = $2, resolved_by = $3 WHERE article_id = $1 AND resolved_at IS NULL',
          [articleId, at, by],
        );
        const resolved = rowCount ?? 0;
        if (resolved > 0) await appendEntry(db, entry);
        return resolved;
      });
    },
    async citations() {
      // approved_version may be NULL: `IN` then matches the current version only.
      const { rows } = await sql.single((db) =>
        db.query<{ article_id: string; source_ids: string[] }>(
          `SELECT a.id AS article_id,
             coalesce(array_agg(DISTINCT c.source_id ORDER BY c.source_id) FILTER (WHERE c.source_id IS NOT NULL), '{}') AS source_ids
           FROM articles a
           LEFT JOIN article_citations c ON c.article_id = a.id AND c.version IN (a.current_version, a.approved_version)
           WHERE a.status <> 'rejected'
           GROUP BY a.id ORDER BY a.id`,
        ),
      );
      return rows.map((row) => ({ articleId: row.article_id, sourceIds: row.source_ids }));
    },
  };
}

/** The WHERE conditions of a list query over `articles a`, with their parameters ($1 …). */
function listFilter(query: ArticleQuery): { where: string[]; values: unknown[] } {
  const where: string[] = [];
  const values: unknown[] = [];
  const param = (value: unknown): string => {
    values.push(value);
    return `$${values.length}`;
  };
  if (query.status !== undefined) where.push(`a.status = ANY(${param(query.status)}::text[])`);
  where.push(...articleStateClauses(query));
  const patterns = wordPatterns(query.text, { lowerCase: false });
  if (patterns.length > 0) {
    // No word may be missing from both the title and the question. ILIKE folds case with the
    // collation's rules; ICU's root collation folds every script ("É" matches "é"), whatever
    // locale the database was made with (under plain "C", lower() folds ASCII only).
    where.push(
      `NOT EXISTS (SELECT 1 FROM unnest(${param(patterns)}::text[]) AS w(pattern) WHERE NOT (
         a.title COLLATE "und-x-icu" ILIKE w.pattern ESCAPE '\\' OR a.question COLLATE "und-x-icu" ILIKE w.pattern ESCAPE '\\'))`,
    );
  }
  return { where, values };
}

