import { CitemedError } from '../../domain/errors.js';
import type { AccountStore } from '../../ports/editorial.js';
import { appendEntry } from './editorial-audit.js';
import { CONSTRAINTS, explain } from './editorial-errors.js';
import { rowToAccount, rowToApiKey, rowToSession, type AccountRow, type ApiKeyRow, type SessionRow } from './editorial-rows.js';
import type { EditorialSql } from './editorial-sql.js';

const ACCOUNTS_HINT = 'reload the list of accounts; it may have changed';

/**
 * Accounts, sessions and API keys in PostgreSQL; each change and its audit entry in one
 * transaction. Uniqueness and references are left to the constraints (one statement, no race
 * between a check and a write), whose violations each change words for its caller.
 */
export function createPostgresAccounts(sql: EditorialSql): AccountStore {
  return {
    async create(account, entry) {
      return sql.change(async (db) => {
        const { rows } = await db
          .query<AccountRow>(
            `INSERT INTO accounts (id, username, display_name, roles, credentials, password_hash, created_at)
             VALUES ($1, $2, $3, $4::text[], $5, $6, $7) RETURNING *`,
            [account.id, account.username, account.displayName, account.roles, account.credentials ?? null, account.passwordHash, account.createdAt],
          )
          .catch(
            explain({
              [CONSTRAINTS.username]: { code: 'conflict', message: `the username "${account.username}" is taken`, hint: 'choose another username' },
              [CONSTRAINTS.accountId]: {
                code: 'conflict',
                message: `an account with id ${account.id} already exists`,
                hint: 'create it again: a new id is drawn each time',
              },
            }),
          );
        await appendEntry(db, entry);
        return rowToAccount(one(rows, 'account'));
      });
    },
    async get(id) {
      const { rows } = await sql.single((db) => db.query<AccountRow>('SELECT * FROM accounts WHERE id = $1', [id]));
      return rows[0] ? rowToAccount(rows[0]) : undefined;
    },
    async findByUsername(username) {
      const { rows } = await sql.single((db) => db.query<AccountRow>('SELECT * FROM accounts WHERE username = $1', [username]));
      return rows[0] ? { account: rowToAccount(rows[0]), passwordHash: rows[0].password_hash } : undefined;
    },
    async list() {
      const { rows } = await sql.single((db) => db.query<AccountRow>('SELECT * FROM accounts ORDER BY username'));
      return rows.map(rowToAccount);
    },
    async count() {
      const { rows } = await sql.single((db) => db.query<{ n: string }>('SELECT count(*) AS n FROM accounts'));
      return Number(rows[0]?.n ?? 0);
    },
    async update(id, changes, entry) {
      return sql.change(async (db) => {
        // Absent changes are NULL and keep the column; credentials need a flag, as null removes them.
        const { rows } = await db.query<AccountRow>(
          `UPDATE accounts SET display_name = coalesce($2, display_name), roles = coalesce($3::text[], roles),
             credentials = CASE WHEN $4 THEN $5 ELSE credentials END, disabled = coalesce($6, disabled),
             password_hash = coalesce($7, password_hash)
           WHERE id = $1 RETURNING *`,
          [
            id,
            changes.displayName ?? null,
            changes.roles ?? null,
            changes.credentials !== undefined,
            changes.credentials ?? null,
            changes.disabled ?? null,
            changes.passwordHash ?? null,
          ],
        );
        const row = rows[0];
        if (!row) throw new CitemedError('not-found', `no account ${id}`, { hint: ACCOUNTS_HINT });
        await appendEntry(db, entry);
        return rowToAccount(row);
      });
    },

    async createSession(tokenHash, session, entry) {
      await sql.change(async (db) => {
        await db
          .query(
            `INSERT INTO sessions (token_hash, account_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)`,
            [tokenHash, session.accountId, session.csrfToken, session.createdAt, session.expiresAt],
          )
          .catch(
            explain({
              [CONSTRAINTS.sessionAccount]: { code: 'not-found', message: `no account ${session.accountId} to sign in as`, hint: ACCOUNTS_HINT },
              [CONSTRAINTS.sessionToken]: { code: 'conflict', message: 'a session with that token already exists', hint: 'sign in again: a new token is drawn each time' },
            }),
          );
        await appendEntry(db, entry);
      });
    },
    async getSession(tokenHash) {
      const { rows } = await sql.single((db) => db.query<SessionRow>('SELECT * FROM sessions WHERE token_hash = $1', [tokenHash]));
      return rows[0] ? rowToSession(rows[0]) : undefined;
    },
    async deleteSession(tokenHash, entry) {
      return sql.change(async (db) => {
        const { rowCount } = await db.query('DELETE FROM sessions WHERE token_hash = $1', [tokenHash]);
        const deleted = (rowCount ?? 0) > 0;
        // Only a session that existed ended: the log records no change that did not happen.
        if (deleted && entry) await appendEntry(db, entry);
        return deleted;
      });
    },
    // Not audited, but run as changes all the same: two deletes of many rows each, at once, could
    // lock the same sessions in opposite orders and deadlock; under the lock they take turns.
    async deleteSessionsOf(accountId) {
      const { rowCount } = await sql.change((db) => db.query('DELETE FROM sessions WHERE account_id = $1', [accountId]));
      return rowCount ?? 0;
    },
    async deleteExpiredSessions(now) {
      // Byte order of ISO timestamps is time order (the column compares with COLLATE "C").
      const { rowCount } = await sql.change((db) => db.query('DELETE FROM sessions WHERE expires_at < $1', [now]));
      return rowCount ?? 0;
    },

    async createKey(key, secretHash, entry) {
      await sql.change(async (db) => {
        await db
          .query(
            `INSERT INTO api_keys (id, account_id, name, secret_hash, created_at, last_used_at, revoked_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)`,
            [key.id, key.accountId, key.name, secretHash, key.createdAt, key.lastUsedAt ?? null, key.revokedAt ?? null],
          )
          .catch(
            explain({
              [CONSTRAINTS.keyAccount]: { code: 'not-found', message: `no account ${key.accountId} to give a key to`, hint: ACCOUNTS_HINT },
              [CONSTRAINTS.keyId]: { code: 'conflict', message: `an API key with id ${key.id} already exists`, hint: 'create it again: a new id is drawn each time' },
            }),
          );
        await appendEntry(db, entry);
      });
    },
    async findKey(id) {
      const { rows } = await sql.single((db) => db.query<ApiKeyRow>('SELECT * FROM api_keys WHERE id = $1', [id]));
      return rows[0] ? { key: rowToApiKey(rows[0]), secretHash: rows[0].secret_hash } : undefined;
    },
    async listKeys(accountId) {
      // Ties in created_at (keys made in the same millisecond) fall back to insertion order.
      const { rows } = await sql.single((db) =>
        accountId === undefined
          ? db.query<ApiKeyRow>('SELECT * FROM api_keys ORDER BY created_at DESC, rid DESC')
          : db.query<ApiKeyRow>('SELECT * FROM api_keys WHERE account_id = $1 ORDER BY created_at DESC, rid DESC', [accountId]),
      );
      return rows.map(rowToApiKey);
    },
    async revokeKey(id, at, entry) {
      return sql.change(async (db) => {
        const revoked = await db.query('UPDATE api_keys SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL', [id, at]);
        // A second revocation changes nothing, so it is not logged either.
        if ((revoked.rowCount ?? 0) > 0) await appendEntry(db, entry);
        const { rows } = await db.query<ApiKeyRow>('SELECT * FROM api_keys WHERE id = $1', [id]);
        return rows[0] ? rowToApiKey(rows[0]) : undefined;
      });
    },
    async touchKey(id, at) {
      // On every request made with the key: one row, no lock of the log, so it never queues behind changes.
      await sql.single((db) => db.query('UPDATE api_keys SET last_used_at = $2 WHERE id = $1', [id, at]));
      return true;
    },
  };
}

/** The one row a statement that cannot miss returned. */
function one<T>(rows: T[], what: string): T {
  const row = rows[0];
  if (row === undefined) throw new Error(`the ${what} written in this transaction was not returned`);
  return row;
}
