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
