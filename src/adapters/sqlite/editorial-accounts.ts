import type Database from 'better-sqlite3';
import type { Account, ApiKey } from '../../domain/accounts.js';
import { CitemedError } from '../../domain/errors.js';
import type { AccountStore } from '../../ports/editorial.js';
import type { AuditTable } from './editorial-audit.js';
import { rowToAccount, rowToApiKey, rowToSession, type AccountRow, type ApiKeyRow, type SessionRow } from './editorial-rows.js';
import { guard, guardEditorial, whileBusy } from './errors.js';

/** Accounts, sessions and API keys in SQLite; each change and its audit entry in one transaction. */
export function createSqliteAccounts(db: Database.Database, file: string, audit: AuditTable, busyTimeoutMs: number): AccountStore {
  const q = {
    insert: db.prepare(
      `INSERT INTO accounts (id, username, display_name, roles, credentials, password_hash, created_at, disabled)
       VALUES (@id, @username, @display_name, @roles, @credentials, @password_hash, @created_at, 0)`,
    ),
    byId: db.prepare('SELECT * FROM accounts WHERE id = ?'),
    byUsername: db.prepare('SELECT * FROM accounts WHERE username = ?'),
    all: db.prepare('SELECT * FROM accounts ORDER BY username'),
    count: db.prepare('SELECT count(*) AS n FROM accounts'),
    update: db.prepare(
      `UPDATE accounts SET display_name = @display_name, roles = @roles, credentials = @credentials,
         disabled = @disabled, password_hash = @password_hash WHERE id = @id`,
    ),
    insertSession: db.prepare(
      `INSERT INTO sessions (token_hash, account_id, csrf_token, created_at, expires_at)
       VALUES (@token_hash, @account_id, @csrf_token, @created_at, @expires_at)`,
    ),
    session: db.prepare('SELECT * FROM sessions WHERE token_hash = ?'),
    deleteSession: db.prepare('DELETE FROM sessions WHERE token_hash = ?'),
    deleteSessionsOf: db.prepare('DELETE FROM sessions WHERE account_id = ?'),
    deleteExpired: db.prepare('DELETE FROM sessions WHERE expires_at < ?'),
    insertKey: db.prepare(
      `INSERT INTO api_keys (id, account_id, name, secret_hash, created_at, last_used_at, revoked_at)
       VALUES (@id, @account_id, @name, @secret_hash, @created_at, @last_used_at, @revoked_at)`,
    ),
    key: db.prepare('SELECT * FROM api_keys WHERE id = ?'),
    // Ties in created_at (keys made in the same millisecond) fall back to insertion order.
    keysOf: db.prepare('SELECT * FROM api_keys WHERE account_id = ? ORDER BY created_at DESC, rowid DESC'),
    allKeys: db.prepare('SELECT * FROM api_keys ORDER BY created_at DESC, rowid DESC'),
    revokeKey: db.prepare('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL'),
    touchKey: db.prepare('UPDATE api_keys SET last_used_at = ? WHERE id = ?'),
  };

  const read = <T>(fn: () => T): T => guard(file, fn);
  /** IMMEDIATE: takes the write lock at BEGIN, so the checks inside see what the writes will change. */
  const writeOnce = <T>(fn: () => T): T => guardEditorial(file, () => db.transaction(fn).immediate());
  /** While another process holds the lock, tries again for up to busyTimeoutMs (errors.ts, whileBusy). */
  const write = <T>(fn: () => T): Promise<T> => whileBusy(busyTimeoutMs, () => writeOnce(fn));
  const getAccount = (id: string): Account | undefined => {
    const row = q.byId.get(id) as AccountRow | undefined;
    return row ? rowToAccount(row) : undefined;
  };
  const requireAccount = (id: string, what: string): void => {
    if (!q.byId.get(id)) {
      throw new CitemedError('not-found', `no account ${id} to ${what}`, { hint: 'reload the list of accounts; it may have changed' });
    }
  };

  return {
    async create(account, entry) {
      return write(() => {
        if (q.byUsername.get(account.username)) {
          throw new CitemedError('conflict', `the username "${account.username}" is taken`, { hint: 'choose another username' });
        }
        if (q.byId.get(account.id)) {
          throw new CitemedError('conflict', `an account with id ${account.id} already exists`, { hint: 'create it again: a new id is drawn each time' });
        }
        q.insert.run({
          id: account.id,
          username: account.username,
          display_name: account.displayName,
          roles: JSON.stringify(account.roles),
          credentials: account.credentials ?? null,
          password_hash: account.passwordHash,
          created_at: account.createdAt,
        });
        audit.append(entry);
        const created = getAccount(account.id);
        if (!created) throw new Error(`account ${account.id} vanished inside its own transaction`);
        return created;
      });
    },
    async get(id) {
      return read(() => getAccount(id));
    },
    async findByUsername(username) {
      const row = read(() => q.byUsername.get(username)) as AccountRow | undefined;
      return row ? { account: rowToAccount(row), passwordHash: row.password_hash } : undefined;
    },
    async list() {
      return read(() => (q.all.all() as AccountRow[]).map(rowToAccount));
    },
    async count() {
      return read(() => (q.count.get() as { n: number }).n);
    },
    async update(id, changes, entry) {
      return write(() => {
        const row = q.byId.get(id) as AccountRow | undefined;
        if (!row) throw new CitemedError('not-found', `no account ${id}`, { hint: 'reload the list of accounts; it may have changed' });
        const credentials = changes.credentials === undefined ? row.credentials : changes.credentials;
        q.update.run({
          id,
          display_name: changes.displayName ?? row.display_name,
          roles: changes.roles ? JSON.stringify(changes.roles) : row.roles,
          credentials,
          disabled: changes.disabled === undefined ? row.disabled : Number(changes.disabled),
          password_hash: changes.passwordHash ?? row.password_hash,
        });
        audit.append(entry);
        const updated = getAccount(id);
        if (!updated) throw new Error(`account ${id} vanished inside its own transaction`);
        return updated;
      });
    },

    async createSession(tokenHash, session, entry) {
      await write(() => {
        requireAccount(session.accountId, 'sign in as');
        q.insertSession.run({
          token_hash: tokenHash,
          account_id: session.accountId,
          csrf_token: session.csrfToken,
          created_at: session.createdAt,
          expires_at: session.expiresAt,
        });
        audit.append(entry);
      });
    },
    async getSession(tokenHash) {
      const row = read(() => q.session.get(tokenHash)) as SessionRow | undefined;
      return row ? rowToSession(row) : undefined;
    },
    async deleteSession(tokenHash, entry) {
      return write(() => {
        const deleted = q.deleteSession.run(tokenHash).changes > 0;
        // Only a session that existed ended: the log records no change that did not happen.
        if (deleted && entry) audit.append(entry);
        return deleted;
      });
    },
    async deleteSessionsOf(accountId) {
      return write(() => q.deleteSessionsOf.run(accountId).changes);
    },
    async deleteExpiredSessions(now) {
      return write(() => q.deleteExpired.run(now).changes);
    },

    async createKey(key, secretHash, entry) {
      await write(() => {
        requireAccount(key.accountId, 'give a key to');
        if (q.key.get(key.id)) {
          throw new CitemedError('conflict', `an API key with id ${key.id} already exists`, { hint: 'create it again: a new id is drawn each time' });
        }
        q.insertKey.run({
          id: key.id,
          account_id: key.accountId,
          name: key.name,
          secret_hash: secretHash,
          created_at: key.createdAt,
          last_used_at: key.lastUsedAt ?? null,
          revoked_at: key.revokedAt ?? null,
        });
        audit.append(entry);
      });
    },
    async findKey(id) {
      const row = read(() => q.key.get(id)) as ApiKeyRow | undefined;
      return row ? { key: rowToApiKey(row), secretHash: row.secret_hash } : undefined;
    },
    async listKeys(accountId) {
      const rows = read(() => (accountId === undefined ? q.allKeys.all() : q.keysOf.all(accountId))) as ApiKeyRow[];
      return rows.map(rowToApiKey);
    },
    async revokeKey(id, at, entry) {
      return write((): ApiKey | undefined => {
        // A second revocation changes nothing, so it is not logged either.
        if (q.revokeKey.run(at, id).changes > 0) audit.append(entry);
        const row = q.key.get(id) as ApiKeyRow | undefined;
        return row ? rowToApiKey(row) : undefined;
      });
    },
    async touchKey(id, at) {
      // A last use is not worth a wait: while an ingest or an index build holds the write lock,
      // every request made with a key would wait for it (or, with SQLite's own wait, stop the
      // server's thread for its few ms each time). So this one write does not wait: it is skipped.
      const waitMs = db.pragma('busy_timeout', { simple: true }) as number;
      db.pragma('busy_timeout = 0');
      try {
        writeOnce(() => q.touchKey.run(at, id));
        return true;
      } catch (error) {
        if (error instanceof CitemedError && error.code === 'database-locked') return false;
        throw error;
      } finally {
        db.pragma(`busy_timeout = ${waitMs}`);
      }
    },
  };
}
