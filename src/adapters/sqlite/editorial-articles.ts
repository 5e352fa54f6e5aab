import type Database from 'better-sqlite3';
import { citedSourceIds, decisionVersionMismatch, type Article, type ArticleVersion, type ReReviewFlag } from '../../domain/article.js';
import { CitemedError } from '../../domain/errors.js';
import type { ArticleChanges, ArticleExpectation, ArticleStore } from '../../ports/editorial.js';
import type { AuditTable } from './editorial-audit.js';
import {
  articleStateClauses,
  rowToArticle,
  rowToComment,
  rowToDecision,
  rowToFlag,
  rowToVersion,
  rowToVersionMeta,
  type ArticleRow,
  type CommentRow,
  type DecisionRow,
  type FlagRow,
  type VersionRow,
  wordPatterns,
} from './editorial-rows.js';
import { guard, guardEditorial, whileBusy } from './errors.js';

/**
 * Articles, versions, review decisions, comments and re-review flags in SQLite. Changes to an
 * article are optimistic: the UPDATE names the status and version the caller read, and matching
 * no row means someone else changed it first ('conflict'), so nobody approves text they never saw.
 */
export function createSqliteArticles(db: Database.Database, file: string, audit: AuditTable, busyTimeoutMs: number): ArticleStore {
  // LIKE folds case for ASCII letters only ("É" LIKE "é" is false); text search folds both sides
  // with JavaScript's full Unicode lower-casing instead. Registered on this connection only.
  db.function('citemed_lower', { deterministic: true }, (value: unknown) => (typeof value === 'string' ? value.toLowerCase() : value));

  const q = {
    article: db.prepare('SELECT * FROM articles WHERE id = ?'),
    state: db.prepare('SELECT status, current_version FROM articles WHERE id = ?'),
    insertArticle: db.prepare(
      `INSERT INTO articles (id, slug, title, question, audience, status, current_version, approved_version, approval,
         created_by, created_at, updated_at)
       VALUES (@id, @slug, @title, @question, @audience, @status, @current_version, @approved_version, @approval,
         @created_by, @created_at, @updated_at)`,
    ),
    // Absent changes are NULL parameters and keep the column as it is.
    apply: db.prepare(
      `UPDATE articles SET status = coalesce(@status, status), title = coalesce(@title, title),
         slug = coalesce(@slug, slug), approved_version = coalesce(@approved_version, approved_version),
         approval = coalesce(@approval, approval), current_version = @current_version, updated_at = @updated_at
       WHERE id = @id AND status = @expected_status AND current_version = @expected_version`,
    ),
    insertVersion: db.prepare(
      `INSERT INTO article_versions (article_id, number, title, origin, note, created_by, created_at, answer)
       VALUES (@article_id, @number, @title, @origin, @note, @created_by, @created_at, @answer)`,
    ),
    insertCitation: db.prepare('INSERT OR IGNORE INTO article_citations (article_id, version, source_id) VALUES (?, ?, ?)'),
    version: db.prepare('SELECT * FROM article_versions WHERE article_id = ? AND number = ?'),
    versions: db.prepare(
      `SELECT article_id, number, title, origin, note, created_by, created_at FROM article_versions
       WHERE article_id = ? ORDER BY number`,
    ),
    insertDecision: db.prepare(
      `INSERT INTO review_decisions (article_id, version, action, reviewer_id, comment, at)
       VALUES (@article_id, @version, @action, @reviewer_id, @comment, @at)`,
    ),
    decisions: db.prepare('SELECT * FROM review_decisions WHERE article_id = ? ORDER BY rid'),
    insertComment: db.prepare(
      `INSERT INTO statement_comments (id, article_id, version, statement, author_id, text, created_at, resolved_at, resolved_by)
       VALUES (@id, @article_id, @version, @statement, @author_id, @text, @created_at, @resolved_at, @resolved_by)`,
    ),
    comment: db.prepare('SELECT * FROM statement_comments WHERE article_id = ? AND id = ?'),
    comments: db.prepare('SELECT * FROM statement_comments WHERE article_id = ? ORDER BY rid'),
    versionComments: db.prepare('SELECT * FROM statement_comments WHERE article_id = ? AND version = ? ORDER BY rid'),
    resolveComment: db.prepare('UPDATE statement_comments SET resolved_at = ?, resolved_by = ? WHERE article_id = ? AND id = ?'),
    openFlag: db.prepare('SELECT 1 FROM article_flags WHERE article_id = ? AND kind = ? AND source_id = ? AND resolved_at IS NULL'),
    insertFlag: db.prepare(
      `INSERT INTO article_flags (id, article_id, kind, source_id, detail, version, raised_at, resolved_at, resolved_by)
       VALUES (@id, @article_id, @kind, @source_id, @detail, @version, @raised_at, @resolved_at, @resolved_by)`,
    ),
    flags: db.prepare('SELECT * FROM article_flags WHERE article_id = ? ORDER BY rid'),
    openFlagsOf: db.prepare(
      `SELECT * FROM article_flags WHERE resolved_at IS NULL AND article_id IN (SELECT value FROM json_each(?))
       ORDER BY rid`,
    ),
    resolveFlags: db.prepare('UPDATE article_flags SET resolved_at = ?, resolved_by = ? WHERE article_id = ? AND resolved_at IS NULL'),
    citations: db.prepare(
      `SELECT DISTINCT a.id AS article_id, c.source_id AS source_id FROM articles a
       LEFT JOIN article_citations c
         ON c.article_id = a.id AND (c.version = a.current_version OR c.version = a.approved_version)
       WHERE a.status <> 'rejected'
       ORDER BY a.id, c.source_id`,
    ),
  };

  const read = <T>(fn: () => T): T => guard(file, () => db.transaction(fn)());
  /**
   * IMMEDIATE: takes the write lock at BEGIN, so the checks inside see what the writes will change;
   * while another process holds it, tries again for up to busyTimeoutMs (errors.ts, whileBusy).
   */
  const write = <T>(fn: () => T): Promise<T> => whileBusy(busyTimeoutMs, () => guardEditorial(file, () => db.transaction(fn).immediate()));

  /** The articles with their open flags (oldest first), in the order of the rows. */
  const withFlags = (rows: ArticleRow[]): Article[] => {
    if (rows.length === 0) return [];
    const open = q.openFlagsOf.all(JSON.stringify(rows.map((r) => r.id))) as FlagRow[];
    const byArticle = new Map<string, ReReviewFlag[]>();
    for (const row of open) {
      const list = byArticle.get(row.article_id) ?? [];
      list.push(rowToFlag(row));
      byArticle.set(row.article_id, list);
    }
    return rows.map((row) => rowToArticle(row, byArticle.get(row.id) ?? []));
  };
  const getArticle = (id: string): Article | undefined => {
    const row = q.article.get(id) as ArticleRow | undefined;
    return row ? withFlags([row])[0] : undefined;
  };
  const mustGet = (id: string): Article => {
    const article = getArticle(id);
    if (!article) throw new Error(`article ${id} vanished inside its own transaction`);
    return article;
  };
  const notFound = (id: string): CitemedError =>
    new CitemedError('not-found', `no article ${id}`, { hint: 'check the article id; it may have been mistyped' });

  const insertVersion = (version: ArticleVersion): void => {
    q.insertVersion.run({
      article_id: version.articleId,
      number: version.number,
      title: version.title,
      origin: version.origin,
      note: version.note ?? null,
      created_by: version.createdBy,
      created_at: version.createdAt,
      answer: JSON.stringify(version.answer),
    });
    for (const sourceId of citedSourceIds(version.answer)) q.insertCitation.run(version.articleId, version.number, sourceId);
  };

  /** Applies `changes` if the article is still as the caller read it; 'not-found' or 'conflict' otherwise. */
  const apply = (id: string, expected: ArticleExpectation, changes: ArticleChanges, currentVersion: number): void => {
    const result = q.apply.run({
      id,
      expected_status: expected.status,
      expected_version: expected.currentVersion,
      status: changes.status ?? null,
      title: changes.title ?? null,
      slug: changes.slug ?? null,
      approved_version: changes.approvedVersion ?? null,
      approval: changes.approval ? JSON.stringify(changes.approval) : null,
      current_version: currentVersion,
      updated_at: changes.updatedAt,
    });
    if (result.changes > 0) return;
    const now = q.state.get(id) as { status: string; current_version: number } | undefined;
    if (!now) throw notFound(id);
    throw new CitemedError(
      'conflict',
      `article ${id} changed since it was read: it is now ${now.status} at version ${now.current_version}, ` +
        `not ${expected.status} at version ${expected.currentVersion}`,
      { hint: 'reload the article and make the change again' },
    );
  };

  const listStatements = new Map<string, { page: Database.Statement; total: Database.Statement }>();
  const listStatement = (where: string[]) => {
    const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    let statements = listStatements.get(clause);
    if (!statements) {
      statements = {
        page: db.prepare(`SELECT a.* FROM articles a ${clause} ORDER BY a.updated_at DESC, a.rowid DESC LIMIT @limit OFFSET @offset`),
        total: db.prepare(`SELECT count(*) AS n FROM articles a ${clause}`),
      };
      listStatements.set(clause, statements);
    }
    return statements;
  };

  return {
    async create(article, version, entry) {
      return write(() => {
        if (version.articleId !== article.id || version.number !== article.currentVersion) {
          throw new CitemedError('usage', `version ${version.articleId}#${version.number} is not version ${article.currentVersion} of article ${article.id}`, {
            hint: "an article is stored with its current version: set the version's articleId and number to match",
          });
        }
        if (q.state.get(article.id)) {
          throw new CitemedError('conflict', `the article id ${article.id} is taken`, { hint: 'publish it again: a new id is drawn each time' });
        }
        q.insertArticle.run({
          id: article.id,
          slug: article.slug,
          title: article.title,
          question: article.question,
          audience: article.audience,
          status: article.status,
          current_version: article.currentVersion,
          approved_version: article.approvedVersion ?? null,
          approval: article.approval ? JSON.stringify(article.approval) : null,
          created_by: article.createdBy,
          created_at: article.createdAt,
          updated_at: article.updatedAt,
        });
        insertVersion(version);
        audit.append(entry);
        return mustGet(article.id);
      });
    },
    async get(id) {
      return read(() => getArticle(id));
    },
    async list(query) {
      const where: string[] = [];
      const params: Record<string, unknown> = { limit: query.limit, offset: query.offset };
      if (query.status !== undefined) {
        where.push('a.status IN (SELECT value FROM json_each(@statuses))');
        params.statuses = JSON.stringify(query.status);
      }
      where.push(...articleStateClauses(query));
      const patterns = wordPatterns(query.text, { lowerCase: true });
      if (patterns.length > 0) {
        // No word may be missing from both the title and the question.
        where.push(
          `NOT EXISTS (SELECT 1 FROM json_each(@patterns) w WHERE NOT (
             citemed_lower(a.title) LIKE w.value ESCAPE '\\' OR citemed_lower(a.question) LIKE w.value ESCAPE '\\'))`,
        );
        params.patterns = JSON.stringify(patterns);
      }
      // One read transaction: the page and the total come from the same snapshot.
      return read(() => {
        const statements = listStatement(where);
        const rows = statements.page.all(params) as ArticleRow[];
        const total = (statements.total.get(params) as { n: number }).n;
        return { articles: withFlags(rows), total };
      });
    },
    async getVersion(articleId, number) {
      const row = read(() => q.version.get(articleId, number)) as (VersionRow & { answer: string }) | undefined;
      return row ? rowToVersion(row) : undefined;
    },
    async listVersions(articleId) {
      return read(() => (q.versions.all(articleId) as VersionRow[]).map(rowToVersionMeta));
    },
    async addVersion(version, expected, changes, entry) {
      return write(() => {
        if (version.number !== expected.currentVersion + 1) {
          throw new CitemedError('conflict', `version ${version.number} cannot follow version ${expected.currentVersion} of article ${version.articleId}`, {
            hint: 'reload the article: a new version is numbered one past its current version',
          });
        }
        apply(version.articleId, expected, changes, version.number);
        insertVersion(version);
        audit.append(entry);
        return mustGet(version.articleId);
      });
    },
    async decide(articleId, expected, changes, decision, entry) {
      return write(() => {
        if (decision.articleId !== articleId) {
          throw new CitemedError('usage', `a decision on article ${decision.articleId} cannot be recorded on article ${articleId}`, {
            hint: "set the decision's articleId to the article decided on",
          });
        }
        apply(articleId, expected, changes, expected.currentVersion);
        // The article is at the expected version now: a decision (or approval) naming another is refused, rolled back.
        const mismatch = decisionVersionMismatch(expected.currentVersion, decision, changes.approvedVersion, changes.approval);
        if (mismatch) throw new CitemedError('usage', mismatch, { hint: 'decide on the version the article is at, and name that version in the decision' });
        q.insertDecision.run({
          article_id: articleId,
          version: decision.version,
          action: decision.action,
          reviewer_id: decision.reviewerId,
          comment: decision.comment ?? null,
          at: decision.at,
        });
        audit.append(entry);
        return mustGet(articleId);
      });
    },
    async listDecisions(articleId) {
      return read(() => (q.decisions.all(articleId) as DecisionRow[]).map(rowToDecision));
    },

    async addComment(comment, entry) {
      await write(() => {
        if (!q.version.get(comment.articleId, comment.version)) {
          throw new CitemedError('not-found', `article ${comment.articleId} has no version ${comment.version} to comment on`, {
            hint: 'reload the article and comment on one of its versions',
          });
        }
        if (q.comment.get(comment.articleId, comment.id)) {
          throw new CitemedError('conflict', `article ${comment.articleId} already has a comment ${comment.id}`, {
            hint: 'add it again: a new id is drawn each time',
          });
        }
        q.insertComment.run({
          id: comment.id,
          article_id: comment.articleId,
          version: comment.version,
          statement: comment.statement,
          author_id: comment.authorId,
          text: comment.text,
          created_at: comment.createdAt,
          resolved_at: comment.resolvedAt ?? null,
          resolved_by: comment.resolvedBy ?? null,
        });
        audit.append(entry);
      });
    },
    async listComments(articleId, version) {
      const rows = read(() => (version === undefined ? q.comments.all(articleId) : q.versionComments.all(articleId, version))) as CommentRow[];
      return rows.map(rowToComment);
    },
    async resolveComment(articleId, commentId, at, by, entry) {
      return write(() => {
        const row = q.comment.get(articleId, commentId) as CommentRow | undefined;
        if (!row) return undefined;
        // Resolving twice keeps the first resolution, and logs nothing the second time.
        if (row.resolved_at !== null) return rowToComment(row);
        q.resolveComment.run(at, by, articleId, commentId);
        audit.append(entry);
        return rowToComment({ ...row, resolved_at: at, resolved_by: by });
      });
    },

    async raiseFlags(flags, auditOf) {
      return write(() => {
        const raised: ReReviewFlag[] = [];
        for (const flag of flags) {
          // Also skips a duplicate earlier in this same batch: it is open by now.
          if (q.openFlag.get(flag.articleId, flag.kind, flag.sourceId)) continue;
          q.insertFlag.run({
            id: flag.id,
            article_id: flag.articleId,
            kind: flag.kind,
            source_id: flag.sourceId,
            detail: flag.detail,
            version: flag.version,
            raised_at: flag.raisedAt,
            resolved_at: flag.resolvedAt ?? null,
            resolved_by: flag.resolvedBy ?? null,
          });
          audit.append(auditOf(flag));
          raised.push(flag);
        }
        return raised;
      });
    },
    async listFlags(articleId) {
      return read(() => (q.flags.all(articleId) as FlagRow[]).map(rowToFlag));
    },
    async resolveFlags(articleId, at, by, entry) {
      return write(() => {
        const resolved = q.resolveFlags.run(at, by, articleId).changes;
        if (resolved > 0) audit.append(entry);
        return resolved;
      });
    },
    async citations() {
      const rows = read(() => q.citations.all()) as { article_id: string; source_id: string | null }[];
      const byArticle = new Map<string, string[]>();
      for (const row of rows) {
        const list = byArticle.get(row.article_id) ?? [];
        if (row.source_id !== null) list.push(row.source_id);
        byArticle.set(row.article_id, list);
      }
      return [...byArticle].map(([articleId, sourceIds]) => ({ articleId, sourceIds }));
    },
  };
}

