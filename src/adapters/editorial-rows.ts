import type { Account, ApiKey, Role, Session } from '../domain/accounts.js';
import type { Answer, Audience } from '../domain/answer.js';
import type {
  Approval,
  Article,
  ArticleStatus,
  ArticleVersion,
  FlagKind,
  ReReviewFlag,
  ReviewAction,
  ReviewDecision,
  StatementComment,
} from '../domain/article.js';
import type { AuditEntry, AuditSubject } from '../domain/audit.js';
import type { ArticleQuery } from '../ports/editorial.js';

/**
 * Row shapes of the editorial tables and their mapping to domain objects, shared by the SQLite
 * (schema 3) and PostgreSQL (migrations/0002_editorial.sql) adapters, whose tables have the same
 * columns. Where the two drivers hand values over differently (roles as JSON text or an array,
 * booleans as 0/1 or true/false, bigint as a string), the row types say both and the mapping
 * reads either. JSON columns arrive as text and are parsed here. Optional fields are left out of
 * the domain object when their column is NULL, never set to undefined.
 */

export interface AccountRow {
  id: string;
  username: string;
  display_name: string;
  /** A JSON array of roles (SQLite) or the array itself (PostgreSQL `text[]`). */
  roles: string | Role[];
  credentials: string | null;
  password_hash: string;
  created_at: string;
  /** 0 or 1 (SQLite), or a boolean (PostgreSQL). */
  disabled: number | boolean;
}

export function rowToAccount(row: AccountRow): Account {
  const account: Account = {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    roles: typeof row.roles === 'string' ? (JSON.parse(row.roles) as Role[]) : row.roles,
    createdAt: row.created_at,
    disabled: row.disabled === true || row.disabled === 1,
  };
  if (row.credentials !== null) account.credentials = row.credentials;
  return account;
}

export interface SessionRow {
  token_hash: string;
  account_id: string;
  csrf_token: string;
  created_at: string;
  expires_at: string;
}

export function rowToSession(row: SessionRow): Session {
  return { accountId: row.account_id, csrfToken: row.csrf_token, createdAt: row.created_at, expiresAt: row.expires_at };
}

export interface ApiKeyRow {
  id: string;
  account_id: string;
  name: string;
  secret_hash: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export function rowToApiKey(row: ApiKeyRow): ApiKey {
  const key: ApiKey = { id: row.id, accountId: row.account_id, name: row.name, createdAt: row.created_at };
  if (row.last_used_at !== null) key.lastUsedAt = row.last_used_at;
  if (row.revoked_at !== null) key.revokedAt = row.revoked_at;
  return key;
}

export interface ArticleRow {
  id: string;
  slug: string;
  title: string;
  question: string;
  audience: Audience;
  status: ArticleStatus;
  current_version: number;
  approved_version: number | null;
  /** JSON of an Approval. */
  approval: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
}

export function rowToArticle(row: ArticleRow, flags: ReReviewFlag[]): Article {
  const article: Article = {
    id: row.id,
    slug: row.slug,
    title: row.title,
    question: row.question,
    audience: row.audience,
    status: row.status,
    currentVersion: row.current_version,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    flags,
  };
  if (row.approved_version !== null) article.approvedVersion = row.approved_version;
  if (row.approval !== null) article.approval = JSON.parse(row.approval) as Approval;
  return article;
}

export interface VersionRow {
  article_id: string;
  number: number;
  title: string;
  origin: ArticleVersion['origin'];
  note: string | null;
  created_by: string;
  created_at: string;
}

export function rowToVersionMeta(row: VersionRow): Omit<ArticleVersion, 'answer'> {
  const version: Omit<ArticleVersion, 'answer'> = {
    articleId: row.article_id,
    number: row.number,
    title: row.title,
    origin: row.origin,
    createdBy: row.created_by,
    createdAt: row.created_at,
  };
  if (row.note !== null) version.note = row.note;
  return version;
}

export function rowToVersion(row: VersionRow & { answer: string }): ArticleVersion {
  return { ...rowToVersionMeta(row), answer: JSON.parse(row.answer) as Answer };
}

export interface DecisionRow {
  article_id: string;
  version: number;
  action: ReviewAction;
  reviewer_id: string;
  comment: string | null;
  at: string;
}

export function rowToDecision(row: DecisionRow): ReviewDecision {
  const decision: ReviewDecision = {
    articleId: row.article_id,
    version: row.version,
    action: row.action,
    reviewerId: row.reviewer_id,
    at: row.at,
  };
  if (row.comment !== null) decision.comment = row.comment;
  return decision;
}

export interface CommentRow {
  id: string;
  article_id: string;
  version: number;
  statement: string;
  author_id: string;
  text: string;
  created_at: string;
  resolved_at: string | null;
  resolved_by: string | null;
}

export function rowToComment(row: CommentRow): StatementComment {
  const comment: StatementComment = {
    id: row.id,
    articleId: row.article_id,
    version: row.version,
    statement: row.statement,
    authorId: row.author_id,
    text: row.text,
    createdAt: row.created_at,
  };
  if (row.resolved_at !== null) comment.resolvedAt = row.resolved_at;
  if (row.resolved_by !== null) comment.resolvedBy = row.resolved_by;
  return comment;
}

export interface FlagRow {
  id: string;
  article_id: string;
  kind: FlagKind;
  source_id: string;
  detail: string;
  version: number;
  raised_at: string;
  resolved_at: string | null;
  resolved_by: string | null;
}

export function rowToFlag(row: FlagRow): ReReviewFlag {
  const flag: ReReviewFlag = {
    id: row.id,
    articleId: row.article_id,
    kind: row.kind,
    sourceId: row.source_id,
    detail: row.detail,
    version: row.version,
    raisedAt: row.raised_at,
  };
  if (row.resolved_at !== null) flag.resolvedAt = row.resolved_at;
  if (row.resolved_by !== null) flag.resolvedBy = row.resolved_by;
  return flag;
}

export interface AuditRow {
  /** A number (SQLite) or a bigint as text (PostgreSQL). */
  seq: number | string;
  at: string;
  actor: string;
  action: string;
  subject_type: AuditSubject;
  subject_id: string;
  /** JSON; NULL when the entry has no before (creations) or after (deletions). */
  state_before: string | null;
  state_after: string | null;
}

export function rowToAuditEntry(row: AuditRow): AuditEntry {
  const entry: AuditEntry = {
    seq: Number(row.seq),
    at: row.at,
    actor: row.actor,
    action: row.action,
    subjectType: row.subject_type,
    subjectId: row.subject_id,
  };
  if (row.state_before !== null) entry.before = JSON.parse(row.state_before);
  if (row.state_after !== null) entry.after = JSON.parse(row.state_after);
  return entry;
}

/** JSON text of a value, or NULL for undefined (JSON.stringify returns undefined for it). */
export function jsonOrNull(value: unknown): string | null {
  return value === undefined ? null : (JSON.stringify(value) ?? null);
}

/**
 * `list()`'s conditions that read the same in both dialects, on the article row `a`: flagged or
 * not (an unresolved re-review flag) and approved only. Status and text, whose parameters each
 * driver passes its own way, are the adapters'.
 */
export function articleStateClauses(query: Pick<ArticleQuery, 'flagged' | 'approvedOnly'>): string[] {
  const where: string[] = [];
  if (query.flagged !== undefined) {
    const open = 'EXISTS (SELECT 1 FROM article_flags f WHERE f.article_id = a.id AND f.resolved_at IS NULL)';
    where.push(query.flagged ? open : `NOT ${open}`);
  }
  if (query.approvedOnly) where.push('a.approved_version IS NOT NULL');
  return where;
}

/**
 * `list()`'s text filter as LIKE patterns: one per distinct whitespace-separated word, each
 * matching the word anywhere, with `%`, `_` and `\` matching only themselves (ESCAPE '\').
 * Case is the query's business: SQLite compares lower-cased text, so its words come lower-cased
 * (`lowerCase`); PostgreSQL's ILIKE folds case itself.
 */
export function wordPatterns(text: string | undefined, options: { lowerCase: boolean }): string[] {
  const words = (options.lowerCase ? (text ?? '').toLowerCase() : (text ?? '')).split(/\s+/).filter((w) => w !== '');
  return [...new Set(words)].map((w) => `%${w.replace(/[\\%_]/g, '\\$&')}%`);
}
