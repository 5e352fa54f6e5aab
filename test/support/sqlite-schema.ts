import type Database from 'better-sqlite3';

/** What schema 5 added (the postings index), for tests that turn a library back into an older schema. */
export const POSTINGS_TABLES = ['postings', 'postings_meta', 'postings_gone'] as const;

/** Removes schema 5's tables and trigger from a library file opened with better-sqlite3. */
export function dropPostingsSchema(db: Database.Database): void {
  db.exec('DROP TRIGGER IF EXISTS postings_gone_on_delete');
  for (const table of POSTINGS_TABLES) db.exec(`DROP TABLE IF EXISTS ${table}`);
}
