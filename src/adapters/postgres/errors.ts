import { CitemedError } from '../../domain/errors.js';

/**
 * Turns PostgreSQL and connection failures into errors that say what happened to the library and
 * what to do, as src/adapters/sqlite/errors.ts does for SQLite. Server errors carry a SQLSTATE
 * (`code`, five characters); socket failures a Node code (ECONNREFUSED …); some of pg's own
 * errors only a message. Anything else passes through unchanged.
 *
 * `where` is the store's description: host, port, database and schema, never credentials.
 */
export function translatePgError(error: unknown, where: string): unknown {
  if (error instanceof CitemedError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const detail = (error as Error | null)?.message ?? String(error);
  const routine = (error as { routine?: unknown } | null)?.routine;
  const make = (kind: ConstructorParameters<typeof CitemedError>[0], message: string, hint: string) =>
    new CitemedError(kind, `${message} (PostgreSQL: ${detail})`, { hint, cause: error });

  if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) {
    return make('service-unavailable', `cannot reach ${where}`, 'check that PostgreSQL runs and that the store URL is right; a write in progress was rolled back');
  }
  if (typeof code !== 'string') {
    if (/Connection terminated|connection error|timeout exceeded when trying to connect|not queryable/i.test(detail)) {
      return make('service-unavailable', `lost the connection to ${where}`, 'check that PostgreSQL runs, then re-run the command; a write in progress was rolled back');
    }
    return error;
  }
  const sqlClass = code.slice(0, 2);
  if (sqlClass === '08' || code === '57P01' || code === '57P02' || code === '57P03') {
    return make('service-unavailable', `${where} is not accepting connections`, 'wait for the server to come back (or start it), then re-run the command; nothing half-written was kept');
  }
  if (code === '53300') {
    return make('service-unavailable', `${where} has no free connections`, 'lower the pool size of citemed processes or raise max_connections on the server');
  }
  if (sqlClass === '28') {
    return make('bad-config', `${where} refused the login`, 'check the user and password in the store URL');
  }
  if (code === '3D000') {
    return make('bad-config', `the database of ${where} does not exist`, 'create it (createdb) or point the store URL at an existing database');
  }
  // 55P03 is also NOWAIT's refusal, raised where the lock is taken; lock_timeout's comes from the
  // interrupt handler, which tells them apart whatever language the server writes messages in.
  if (code === '55P03' && (routine === 'ProcessInterrupts' || /lock timeout/i.test(detail))) {
    return make(
      'database-locked',
      `a statement on ${where} waited longer than store.lockTimeoutMs for a lock another session holds`,
      'find the session holding it (pg_stat_activity, pg_locks: an open transaction, a VACUUM FULL, a migration) and end it, or raise store.lockTimeoutMs; a write in progress was rolled back',
    );
  }
  if (code === '55P03' || code === '40P01' || code === '40001') {
    return make('database-locked', `the library ${where} is busy: another writer holds what this one needs`, 'wait for the other citemed command to finish and re-run this one; nothing was lost');
  }
  if (code === '57014' && /statement timeout/i.test(detail)) {
    return make(
      'service-failed',
      `a statement on ${where} ran longer than its statement timeout (store.statementTimeoutMs, or the server's statement_timeout)`,
      'retry; if it recurs, raise store.statementTimeoutMs (0: no limit) or the statement_timeout of the citemed user',
    );
  }
  if (code === '57014') {
    return make('service-failed', `a query on ${where} was cancelled (by an administrator or a client)`, "retry; if it recurs, ask the database administrator what cancels citemed's queries");
  }
  if (code === '25006' || code === '42501') {
    return make('database-readonly', `cannot write the library ${where}`, 'point the store URL at the primary server, or grant the user write access to the schema');
  }
  if (code === '53100' || sqlClass === '58') {
    return make('database-corrupt', `disk error on ${where}`, 'free disk space on the database server and re-run the same command; the interrupted batch was rolled back');
  }
  if (sqlClass === 'XX') {
    return make('database-corrupt', `${where} reports damaged data`, 'have the database administrator check the server (REINDEX, or restore from a backup)');
  }
  if (code === '3F000' || code === '42P01') {
    return make('not-found', `the library's tables are missing from ${where}`, 'the schema was dropped or changed by hand: open the library again to recreate it, then re-run the ingest');
  }
  if (code === '22021' || code === '22P05') {
    return make('unreadable', `a record holds a character PostgreSQL cannot store (such as NUL) for ${where}`, 'remove NUL characters from the input file; the batch holding it was rolled back');
  }
  if (code === '54000') {
    return make('unreadable', `a passage is too large for PostgreSQL's full-text index on ${where}`, 'split the document into smaller files (or lower ingest.chunk.maxChars); the batch holding it was rolled back');
  }
  return error;
}

/** Runs a database call, turning failures into errors that tell the user what to do. */
export async function guard<T>(where: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw translatePgError(error, where);
  }
}

/**
 * Whether running the same transaction again can succeed: a deadlock, a serialization failure,
 * or a unique key taken by a concurrent writer between this one's read and its insert (two
 * workers ingesting one record at once). On the retry, the read sees the other's commit.
 */
export function isRetryable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '40P01' || code === '40001' || code === '23505';
}
