/**
 * The audit log: one entry per change of state (accounts, keys, sessions, articles, versions,
 * reviews, comments, flags), written in the same transaction as the change; administrators'
 * ingest jobs and postings index jobs started, cancelled and ended (written just after, as a job
 * is not an editorial record: see ingest/job-audit.ts and ingest/postings-jobs.ts); and fetches
 * from PubMed or Europe PMC that an account asked the server for (ingest/fetch-into-library.ts,
 * written when the fetch ends, however it ends). Append-only:
 * no route, command or port method edits or deletes an entry, and the SQLite schema refuses it too.
 */
export interface AuditEntry {
  /** Position in the log, from 1, without gaps. */
  seq: number;
  /** ISO timestamp. */
  at: string;
  /**
   * The account that made the change, or "system" (re-review checks, the command line's admin
   * tasks, the end of an ingest job: see SYSTEM_ACTOR).
   */
  actor: string;
  /** What happened, as "<subject>.<verb>": "article.publish", "article.approve", "account.create". */
  action: string;
  subjectType: AuditSubject;
  subjectId: string;
  /** The subject's relevant state before and after; absent for creations and deletions. No secrets, ever. */
  before?: unknown;
  after?: unknown;
}

export type AuditSubject = 'account' | 'api-key' | 'session' | 'article' | 'comment' | 'flag' | 'ingest-job' | 'postings-job' | 'literature-fetch';

export const AUDIT_SUBJECTS: readonly AuditSubject[] = ['account', 'api-key', 'session', 'article', 'comment', 'flag', 'ingest-job', 'postings-job', 'literature-fetch'];

/** An entry as a change hands it over; the log numbers and keeps it. */
export type AuditInput = Omit<AuditEntry, 'seq'>;

/**
 * The actor name of changes no account made. An ingest job's end is one: whichever process ran
 * the job wrote it, and the account that started the job (hours before, perhaps) did not decide
 * it ended then; that account is in the entry's after-state as `startedBy`.
 */
export const SYSTEM_ACTOR = 'system';
