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
