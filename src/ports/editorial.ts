import type { Account, ApiKey, Role, Session } from '../domain/accounts.js';
import type {
  Approval,
  Article,
  ArticleStatus,
  ArticleVersion,
  ReReviewFlag,
  ReviewDecision,
  StatementComment,
} from '../domain/article.js';
import type { AuditEntry, AuditInput } from '../domain/audit.js';
import type { SourceId } from '../domain/source.js';

/**
 * The service's own records beside the library: accounts, sessions and API keys; articles, their
 * versions, review decisions, comments and re-review flags; and the audit log. Every method that
 * changes state takes the audit entry (or entries) describing the change and writes them in the
 * same transaction, so the log never misses a change nor records one that did not happen.
 * Every implementation passes test/contracts/editorial.contract.ts. Async, like the Store port,
 * so a PostgreSQL implementation fits.
 *
 * Conflicts (a taken username, an article changed since it was read) throw CitemedError 'conflict'.
 */
export interface EditorialStore {
  readonly accounts: AccountStore;
  readonly articles: ArticleStore;
  readonly audit: AuditLog;
}

/** An account as it is made: enabled, with its password's hash. */
export type NewAccount = Omit<Account, 'disabled'> & { passwordHash: string };

export interface AccountChanges {
  displayName?: string;
  roles?: Role[];
  /** null removes them. */
  credentials?: string | null;
  disabled?: boolean;
  passwordHash?: string;
}

export interface AccountStore {
  /** Throws 'conflict' when the username is taken. */
  create(account: NewAccount, audit: AuditInput): Promise<Account>;
  get(id: string): Promise<Account | undefined>;
  /** With the password hash, for signing in. */
  findByUsername(username: string): Promise<{ account: Account; passwordHash: string } | undefined>;
  /** Every account, by username. */
  list(): Promise<Account[]>;
  count(): Promise<number>;
  /** Throws 'not-found' when there is no such account. */
  update(id: string, changes: AccountChanges, audit: AuditInput): Promise<Account>;

  /** Sessions are found by the hash of their cookie token; the token itself is never stored. */
  createSession(tokenHash: string, session: Session, audit: AuditInput): Promise<void>;
  /** The session, expired or not (callers check `expiresAt`), or undefined. */
  getSession(tokenHash: string): Promise<Session | undefined>;
  /** Returns whether there was one. */
  deleteSession(tokenHash: string, audit?: AuditInput): Promise<boolean>;
  /** Signs an account out everywhere (password change, disabling); returns how many sessions ended. */
  deleteSessionsOf(accountId: string): Promise<number>;
  /** Removes sessions that expired before `now`; returns how many. */
  deleteExpiredSessions(now: string): Promise<number>;

  /** Keys are found by id; the secret is kept only as a hash. */
  createKey(key: ApiKey, secretHash: string, audit: AuditInput): Promise<void>;
  findKey(id: string): Promise<{ key: ApiKey; secretHash: string } | undefined>;
  /** One account's keys, or every key when no account is given; newest first. Revoked ones included. */
  listKeys(accountId?: string): Promise<ApiKey[]>;
  /** Marks the key revoked at `at`; undefined when there is no such key. Revoking twice keeps the first time. */
  revokeKey(id: string, at: string, audit: AuditInput): Promise<ApiKey | undefined>;
  /**
   * Records that the key was used (not audited: it is not a change of state). Best effort: when
   * the library is busy with another writer it returns false at once instead of waiting, so a
   * request made with the key is never held up, or failed, by bookkeeping.
   */
  touchKey(id: string, at: string): Promise<boolean>;
}

/** What an article must still be for a change to apply: it fails with 'conflict' otherwise. */
export interface ArticleExpectation {
  status: ArticleStatus;
  currentVersion: number;
}

export interface ArticleChanges {
  status?: ArticleStatus;
  title?: string;
  slug?: string;
  approvedVersion?: number;
  approval?: Approval;
  updatedAt: string;
}

export interface ArticleQuery {
  /** Any of these statuses; all when absent. */
  status?: ArticleStatus[];
  /** Only articles with (true) or without (false) open re-review flags. */
  flagged?: boolean;
  /** Only articles with an approved version (what anonymous readers may list). */
  approvedOnly?: boolean;
  /** Words that must all appear in the title or the question (case-insensitive). */
  text?: string;
  /** Newest update first. */
  limit: number;
  offset: number;
}

export interface ArticleStore {
  /** Stores a new article with its first version. Throws 'conflict' when the id is taken. */
  create(article: Omit<Article, 'flags'>, version: ArticleVersion, audit: AuditInput): Promise<Article>;
  /** The article with its open flags, or undefined. */
  get(id: string): Promise<Article | undefined>;
  list(query: ArticleQuery): Promise<{ articles: Article[]; total: number }>;
  getVersion(articleId: string, number: number): Promise<ArticleVersion | undefined>;
  /** Every version's metadata (no answer), oldest first. */
  listVersions(articleId: string): Promise<Omit<ArticleVersion, 'answer'>[]>;
  /**
   * Adds the next version (`version.number` must be `expected.currentVersion + 1`) and applies
   * `changes` to the article, in one transaction.
   */
  addVersion(version: ArticleVersion, expected: ArticleExpectation, changes: ArticleChanges, audit: AuditInput): Promise<Article>;
  /**
   * Applies a review decision's changes and records the decision, in one transaction. The
   * decision, and an approval among `changes`, must name `expected.currentVersion`: one naming
   * another version is refused ('usage'), so a decision is always recorded on the version it was made on.
   */
  decide(articleId: string, expected: ArticleExpectation, changes: ArticleChanges, decision: ReviewDecision, audit: AuditInput): Promise<Article>;
  /** Every decision on the article, oldest first. */
  listDecisions(articleId: string): Promise<ReviewDecision[]>;

  addComment(comment: StatementComment, audit: AuditInput): Promise<void>;
  /** Comments on the article (one version's when given), oldest first. */
  listComments(articleId: string, version?: number): Promise<StatementComment[]>;
  /** Undefined when there is no such comment on that article; resolving twice keeps the first. */
  resolveComment(articleId: string, commentId: string, at: string, by: string, audit: AuditInput): Promise<StatementComment | undefined>;

  /**
   * Raises flags, skipping any that duplicate an open flag (same article, kind and source);
   * `audit(flag)` describes each one raised. Returns the flags raised.
   */
  raiseFlags(flags: ReReviewFlag[], audit: (flag: ReReviewFlag) => AuditInput): Promise<ReReviewFlag[]>;
  /** Every flag of the article, open and resolved, oldest first. */
  listFlags(articleId: string): Promise<ReReviewFlag[]>;
  /** Resolves the article's open flags; returns how many. */
  resolveFlags(articleId: string, at: string, by: string, audit: AuditInput): Promise<number>;
  /** Ids of articles that are not rejected, with the sources their newest and approved versions cite. */
  citations(): Promise<{ articleId: string; sourceIds: SourceId[] }[]>;
}

export interface AuditQuery {
  subjectType?: AuditEntry['subjectType'];
  subjectId?: string;
  actor?: string;
  /** Entries after this sequence number (for paging forward). */
  afterSeq?: number;
  /** Entries before this sequence number (for paging back, newest first). */
  beforeSeq?: number;
  /** Oldest first (the default), or newest first: the latest changes without reading the whole log. */
  order?: 'oldest' | 'newest';
  limit: number;
}

export interface AuditLog {
  /** For changes that touch nothing else in this store. */
  append(entry: AuditInput): Promise<AuditEntry>;
  /** Oldest first. */
  list(query: AuditQuery): Promise<AuditEntry[]>;
}
