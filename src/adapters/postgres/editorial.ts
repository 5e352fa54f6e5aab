import type { EditorialStore } from '../../ports/editorial.js';
import type { PostgresDatabase } from './connection.js';
import { createPostgresAccounts } from './editorial-accounts.js';
import { createPostgresArticles } from './editorial-articles.js';
import { appendEntry, listEntries } from './editorial-audit.js';
import { editorialSql } from './editorial-sql.js';

/**
 * The editorial records (accounts, articles, the audit log) in the library's PostgreSQL schema,
 * on the pool the library opened (`openPostgres`), whose migrations made the tables
 * (migrations/0002_editorial.sql). Any number of processes may share the schema: every change
 * and its audit entry commit in one transaction, changes that write entries take turns on the
 * log's lock, and reads never wait. Closing the database closes this too.
 */
export function createPostgresEditorial(db: PostgresDatabase): EditorialStore {
  const sql = editorialSql(db);
  return {
    accounts: createPostgresAccounts(sql),
    articles: createPostgresArticles(sql),
    audit: {
      async append(entry) {
        return sql.change((client) => appendEntry(client, entry));
      },
      async list(query) {
        return sql.single((client) => listEntries(client, query));
      },
    },
  };
}
