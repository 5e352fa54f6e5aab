/**
 * Follow-up threads of the HTTP API: the earlier turns a follow-up question ("and in children?")
 * is read against. Kept behind a port so that where threads live can change without touching the
 * routes: in the library's database (SQLite or PostgreSQL, shared by every server on it), or in
 * memory. Async for the same reason as the Store port.
 */
export interface ThreadStore {
  /** Starts an empty thread with a new, hard-to-guess id (the id is all a client needs to use it). */
  create(): Promise<Thread>;
  /** The thread, or undefined when there is none with this id (never created, or forgotten). */
  get(id: string): Promise<Thread | undefined>;
  /** Adds a turn at the end; returns the thread as it now is, or undefined when it is gone. */
  append(id: string, turn: RecordedTurn): Promise<Thread | undefined>;
}

export interface Thread {
  id: string;
  /** ISO timestamps. */
  createdAt: string;
  updatedAt: string;
  /** Oldest first. A store may keep only the latest turns (follow-ups read the last one). */
  turns: RecordedTurn[];
}

export interface RecordedTurn {
  /** The question as the user asked it. */
  question: string;
  /** The question as searched, after it was resolved against the turn before: what the next follow-up continues. */
  searchedFor: string;
  /** The answer's bottom line as plain text. */
  answer: string;
  askedAt: string;
}
