import { randomUUID } from 'node:crypto';
import type { RecordedTurn, Thread, ThreadStore } from '../../ports/threads.js';

/**
 * Threads in this process's memory, until accounts bring persistent storage: lost on restart, and
 * bounded so that no client can grow the server without limit. Beyond `maxThreads` the least
 * recently used thread (created, read or continued longest ago) is forgotten; beyond `maxTurns`
 * a thread drops its oldest turn, which costs nothing because a follow-up is read against the
 * latest turn only.
 */
export interface MemoryThreadStoreOptions {
  maxThreads: number;
  maxTurns: number;
  now?: () => Date;
  newId?: () => string;
}

export function createMemoryThreadStore(options: MemoryThreadStoreOptions): ThreadStore & { readonly size: number } {
  const now = options.now ?? (() => new Date());
  const newId = options.newId ?? randomUUID;
  // A Map iterates in insertion order: re-inserting on every use keeps the least recently used first.
  const threads = new Map<string, Thread>();

  const touch = (thread: Thread): void => {
    threads.delete(thread.id);
    threads.set(thread.id, thread);
  };
  // Callers get copies, so nothing they do to a returned thread changes the stored one.
  const copy = (thread: Thread): Thread => ({ ...thread, turns: thread.turns.map((turn) => ({ ...turn })) });

  return {
    get size() {
      return threads.size;
    },
    async create() {
      const at = now().toISOString();
      const thread: Thread = { id: newId(), createdAt: at, updatedAt: at, turns: [] };
      while (threads.size >= options.maxThreads) {
        const oldest = threads.keys().next().value;
        if (oldest === undefined) break;
        threads.delete(oldest);
      }
      threads.set(thread.id, thread);
      return copy(thread);
    },
    async get(id) {
      const thread = threads.get(id);
      if (!thread) return undefined;
      touch(thread);
      return copy(thread);
    },
    async append(id, turn: RecordedTurn) {
      const thread = threads.get(id);
      if (!thread) return undefined;
      thread.turns.push({ ...turn });
      if (thread.turns.length > options.maxTurns) thread.turns.splice(0, thread.turns.length - options.maxTurns);
      thread.updatedAt = now().toISOString();
      touch(thread);
      return copy(thread);
    },
  };
}
