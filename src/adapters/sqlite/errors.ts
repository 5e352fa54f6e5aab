import type Database from 'better-sqlite3';
import { CitemedError } from '../../domain/errors.js';

/** Turns SQLite's error codes into errors that say what happened to the library and what to do. */
export function translateSqliteError(error: unknown, file: string): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return error;
  const detail = (error as Error).message;
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new CitemedError('database-locked', `the library ${file} is locked by another process (SQLite: ${detail})`, {
      hint: 'wait for the other citemed command to finish, or point --db at another file; nothing was lost',
      cause: error,
    });
  }
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') {
    return new CitemedError('database-corrupt', `the library ${file} is damaged or is not a database (SQLite: ${detail})`, {
      hint: 'restore it from a backup, or move it aside and re-run the ingest to rebuild it; citemed did not write to it',
      cause: error,
    });
  }
  if (code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_PERM')) {
    return new CitemedError('database-readonly', `cannot write the library ${file} (SQLite: ${detail})`, {
      hint: 'check that the file and its folder exist and are writable, or point --db elsewhere',
      cause: error,
    });
  }
  if (code.startsWith('SQLITE_FULL') || code.startsWith('SQLITE_IOERR')) {
    return new CitemedError('database-corrupt', `disk error while writing the library ${file} (SQLite: ${detail})`, {
      hint: 'free disk space and re-run the same command; the interrupted batch was rolled back',
      cause: error,
    });
  }
  return error;
}

/** Runs a database call, turning SQLite failures into errors that tell the user what to do. */
export function guard<T>(file: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw translateSqliteError(error, file);
  }
}

/**
 * `guard` for the editorial tables. Writes there check first what a user can get wrong (a taken
 * username, an unknown article) and say so in words; a constraint those checks did not foresee
 * still reaches the caller in the port's terms: a duplicate is a 'conflict', a reference to
 * something missing is 'not-found'.
 */
export function guardEditorial<T>(file: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    const detail = (error as Error | null)?.message;
    if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
      throw new CitemedError('conflict', `that record already exists (SQLite: ${detail})`, {
        hint: 'reload and try again; nothing was changed',
        cause: error,
      });
    }
    if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY') {
      throw new CitemedError('not-found', `the account, article or version it refers to does not exist (SQLite: ${detail})`, {
        hint: 'check the ids and reload; nothing was changed',
        cause: error,
      });
    }
    throw translateSqliteError(error, file);
  }
}

/**
 * How long SQLite itself waits for a lock on the library's connection (ms). better-sqlite3 is
 * synchronous: SQLite's own wait would stop the server's only thread (every request, /health
 * included) for as long as it lasts. So it waits only this briefly, and `whileBusy` waits the rest
 * of `store.busyTimeoutMs` between tries, without holding the thread.
 */
export const SYNC_BUSY_WAIT_MS = 10;

/** Longest pause between two tries of a write that found the library locked (ms). */
const MAX_PAUSE_MS = 50;

/** Whether an error (SQLite's own, or `guard`'s translation of it) says another connection holds a lock. */
export function isBusy(error: unknown): boolean {
  const codeOf = (e: unknown): unknown => (e as { code?: unknown } | null)?.code;
  const code = error instanceof CitemedError ? codeOf(error.cause) : codeOf(error);
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

export interface BusyClock {
  /** Milliseconds on a monotonic clock. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

const REAL_CLOCK: BusyClock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * Runs `attempt` (a whole transaction, or one statement), trying again while it fails because
 * another connection holds the library's lock, until `waitMs` have passed since the first try;
 * then the last failure (database-locked) goes to the caller. Pauses between tries grow from 5 to
 * 50 ms and are asynchronous, so the server answers other requests meanwhile. A failed attempt
 * changed nothing: better-sqlite3 rolls a transaction back when its function throws, and an
 * IMMEDIATE transaction meets the lock at BEGIN, before any of its work.
 */
export async function whileBusy<T>(waitMs: number, attempt: () => T, clock: BusyClock = REAL_CLOCK): Promise<T> {
  const started = clock.now();
  for (let tries = 0; ; tries++) {
    try {
      return attempt();
    } catch (error) {
      const left = waitMs - (clock.now() - started);
      if (!isBusy(error) || left <= 0) throw error;
      await clock.sleep(Math.min(left, MAX_PAUSE_MS, 5 * 2 ** tries));
    }
  }
}

/**
 * Runs `fn` with SQLite's own busy wait set to `waitMs`, then puts the connection's back. For work
 * that may block its thread: opening a library, `citemed index` building on the CLI's connection.
 */
export function withSyncBusyWait<T>(db: Database.Database, waitMs: number, fn: () => T): T {
  const before = db.pragma('busy_timeout', { simple: true }) as number;
  db.pragma(`busy_timeout = ${waitMs}`);
  try {
    return fn();
  } finally {
    db.pragma(`busy_timeout = ${before}`);
  }
}
