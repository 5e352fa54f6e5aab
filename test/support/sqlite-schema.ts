import type Database from 'better-sqlite3';

/** What schema 5 added (the postings index), for tests that turn a library back into an older schema. */
export const POSTINGS_TABLES = ['postings_0', 'postings_1', 'postings_meta', 'postings_gone', 'postings_build', 'postings_build_gone'] as const;

/** Removes schema 5's tables and triggers from a library file opened with better-sqlite3. */
export function dropPostingsSchema(db: Database.Database): void {
  db.exec('DROP TRIGGER IF EXISTS postings_gone_on_delete');
  db.exec('DROP TRIGGER IF EXISTS postings_build_gone_on_delete');
  for (const table of POSTINGS_TABLES) db.exec(`DROP TABLE IF EXISTS ${table}`);
}
