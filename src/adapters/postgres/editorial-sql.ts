import type pg from 'pg';
import type { PostgresDatabase } from './connection.js';
import { translateEditorialError } from './editorial-errors.js';

/** What the editorial queries need of a connection: the pool, or one client inside a transaction. */
export interface Sql {
  query<R extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
}

/** How the editorial stores reach PostgreSQL: three kinds of work, each with errors in the port's terms. */
export interface EditorialSql {
  /**
   * Work of one statement on the pool: a statement is atomic and reads one snapshot on its own.
   * Reads, and touching an API key (one row, not audited).
   */
  single<T>(work: (sql: Sql) => Promise<T>): Promise<T>;
  /** Several reads that must agree (a page and its total): one read-only REPEATABLE READ transaction. */
  snapshot<T>(work: (sql: Sql) => Promise<T>): Promise<T>;
  /**
   * A change and its audit entries: one READ COMMITTED transaction that takes the audit log's
   * lock before anything else (see migrations/0002_editorial.sql). Editorial changes thus run one
   * at a time, like SQLite's single writer: what a change reads still holds when it writes, each
   * entry takes the next number, and no change waits for the lock while holding rows another
   * holder needs, so changes cannot deadlock each other. They are few (people's actions) and
   * short (a few statements on one connection), so the queue stays short; reads never join it.
   * READ COMMITTED is set, not assumed: each statement after the lock must see what the previous
   * holder committed, whatever the server's default isolation.
   */
  change<T>(work: (sql: Sql) => Promise<T>): Promise<T>;
}

export function editorialSql(db: PostgresDatabase): EditorialSql {
  const translated = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      throw translateEditorialError(error, db.description);
    }
  };
  return {
    single: (work) => translated(() => work(db.pool)),
    snapshot: (work) =>
      translated(() =>
        db.transaction(async (client) => {
          await client.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
          return work(client);
        }),
      ),
    change: (work) =>
      translated(() =>
        db.transaction(async (client) => {
          // One round trip: the simple protocol runs both statements.
          await client.query('SET TRANSACTION ISOLATION LEVEL READ COMMITTED; SELECT audit_log_lock()');
          return work(client);
        }),
      ),
  };
}
