import type Database from 'better-sqlite3';

/**
 * A check to call before reading a cache: it calls `onChange` when another connection has
 * committed since the previous check (SQLite's `data_version` changed). This connection's own
 * writes do not change it; their caches are dropped where the writes are made.
 */
export function dataVersionCheck(db: Database.Database, onChange: () => void): () => void {
  let version: unknown;
  return () => {
    const now = db.pragma('data_version', { simple: true });
    if (now !== version) onChange();
    version = now;
  };
}
