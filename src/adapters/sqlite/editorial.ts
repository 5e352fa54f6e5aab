import type Database from 'better-sqlite3';
import type { EditorialStore } from '../../ports/editorial.js';
import { createSqliteAccounts } from './editorial-accounts.js';
import { createSqliteArticles } from './editorial-articles.js';
import { createAuditTable } from './editorial-audit.js';
import { guard, whileBusy } from './errors.js';

/**
 * The editorial records (accounts, articles, the audit log) in the library's own SQLite file,
 * on the connection the library store opened (`openSqliteLibrary`): one file to back up, and a
 * change and its audit entry commit together. The schema (3) must already be in place, which
 * opening the library sees to; closing the library store closes this too. Writes wait for another
 * process's lock for up to `busyTimeoutMs`, between tries (errors.ts, whileBusy).
 */
export function createSqliteEditorial(db: Database.Database, file: string, busyTimeoutMs: number): EditorialStore {
  const audit = createAuditTable(db);
  return {
    accounts: createSqliteAccounts(db, file, audit, busyTimeoutMs),
    articles: createSqliteArticles(db, file, audit, busyTimeoutMs),
    audit: {
      async append(entry) {
        // One INSERT: atomic without a transaction of its own.
        return whileBusy(busyTimeoutMs, () => guard(file, () => audit.append(entry)));
      },
      async list(query) {
        return guard(file, () => audit.list(query));
      },
    },
  };
}
