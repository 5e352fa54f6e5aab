import { CitemedError, type ErrorCode } from '../../domain/errors.js';
import { translatePgError } from './errors.js';

/**
 * The names migrations/0002_editorial.sql gives the constraints a caller can run into. A change
 * that can meet one explains it in its own words (`explain`), by name; the test beside this file
 * checks that every name here exists in the schema, so a renamed constraint cannot silently fall
 * back to the generic message.
 */
export const CONSTRAINTS = {
  accountId: 'accounts_pkey',
  username: 'accounts_username_key',
  sessionAccount: 'sessions_account_fkey',
  sessionToken: 'sessions_pkey',
  keyId: 'api_keys_pkey',
  keyAccount: 'api_keys_account_fkey',
  articleId: 'articles_pkey',
  decisionVersion: 'review_decisions_version_fkey',
  commentId: 'statement_comments_id_key',
  commentVersion: 'statement_comments_version_fkey',
  flagId: 'article_flags_id_key',
  flagVersion: 'article_flags_version_fkey',
} as const;

/** What a PostgreSQL error carries: its SQLSTATE and, for a violation, the constraint's name. */
interface PgErrorFields {
  code?: unknown;
  constraint?: unknown;
  message?: unknown;
}

const fields = (error: unknown): PgErrorFields => (typeof error === 'object' && error !== null ? (error as PgErrorFields) : {});

/**
 * `translatePgError` (the library's) for the editorial tables, as `guardEditorial` is for SQLite:
 * a constraint no change explained itself still reaches the caller in the port's terms (a
 * duplicate is a 'conflict', a reference to something missing is 'not-found'), and text the
 * server cannot store is the caller's to fix ('usage': it came from a form, not an input file).
 * The rest (an unreachable server, contention, missing tables) is the library's translation.
 */
export function translateEditorialError(error: unknown, where: string): unknown {
  const { code, message } = fields(error);
  const detail = typeof message === 'string' ? message : String(code);
  if (code === '23505') {
    return new CitemedError('conflict', `that record already exists (PostgreSQL: ${detail})`, { hint: 'reload and try again; nothing was changed', cause: error });
  }
  if (code === '23503') {
    return new CitemedError('not-found', `the account, article or version it refers to does not exist (PostgreSQL: ${detail})`, {
      hint: 'check the ids and reload; nothing was changed',
      cause: error,
    });
  }
  if (code === '22021' || code === '22P05') {
    return new CitemedError('usage', `the text holds a character PostgreSQL cannot store (PostgreSQL: ${detail})`, {
      hint: 'remove NUL characters from the text and try again; nothing was changed',
      cause: error,
    });
  }
  return translatePgError(error, where);
}

/** What a change says when it runs into one of its constraints. */
export interface Explanation {
  code: ErrorCode;
  message: string;
  hint: string;
}

/**
 * For `.catch` on one statement: a violation of one of the named constraints becomes the error
 * the change words for it; anything else is rethrown as it is (the transaction's own handler
 * translates it). Inside a transaction the failed statement has aborted it anyway, so throwing
 * straight away loses nothing.
 */
export function explain(cases: Partial<Record<string, Explanation>>): (error: unknown) => never {
  return (error) => {
    const { code, constraint } = fields(error);
    const explanation = (code === '23505' || code === '23503') && typeof constraint === 'string' ? cases[constraint] : undefined;
    if (!explanation) throw error;
    throw new CitemedError(explanation.code, explanation.message, { hint: explanation.hint, cause: error });
  };
}
