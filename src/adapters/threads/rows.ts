import type { RecordedTurn, Thread } from '../../ports/threads.js';

/**
 * What the database-backed thread stores (SQLite schema 4, PostgreSQL migration 0003) share: a
 * thread is one row whose turns are a JSON array, written by JSON.stringify, which escapes NUL and
 * lone surrogates, so every string a turn can hold comes back exactly.
 */
export interface ThreadRow {
  id: string;
  created_at: string;
  updated_at: string;
  turns: string;
}

/** Options of the database-backed stores; the same bounds as the in-memory one. */
export interface ThreadTableOptions {
  /** Turns kept per thread; beyond this the oldest are dropped. */
  maxTurns: number;
  /** Threads kept; beyond this the least recently updated are deleted when a thread is created. */
  maxThreads: number;
  now?: () => Date;
}

export function rowToThread(row: ThreadRow): Thread {
  return { id: row.id, createdAt: row.created_at, updatedAt: row.updated_at, turns: JSON.parse(row.turns) as RecordedTurn[] };
}

/** The turn as stored: its four fields only, whatever else the caller's object carries. */
export function storedTurn(turn: RecordedTurn): RecordedTurn {
  return { question: turn.question, searchedFor: turn.searchedFor, answer: turn.answer, askedAt: turn.askedAt };
}

/** The latest `maxTurns` turns, oldest first. */
export function latest<T>(turns: readonly T[], maxTurns: number): T[] {
  return turns.slice(Math.max(0, turns.length - maxTurns));
}
