import type { Answer } from '../../../../src/domain/answer.js';
import type { AskedQuestion } from './askUrl.js';

/**
 * Conversations on the ask page, kept in sessionStorage for the history entry they were shown in,
 * so Back (from an article page too), Forward and reload show the answers and the thread again
 * without asking again. sessionStorage belongs to the tab and ends with it; the newest few
 * conversations are kept (answers carry their passages: tens of KB each), and a browser that
 * refuses storage just asks again. Pure but for the Storage it is given.
 */
export interface SavedTurn {
  answer: Answer;
  filters?: AskedQuestion['filters'];
}

export interface SavedConversation {
  /** The ask page's URL of the first question (askUrl), so a stale entry is never shown for another. */
  url: string;
  threadId?: string;
  turns: SavedTurn[];
}

/** Conversations kept per tab (the oldest go first). */
export const KEEP_CONVERSATIONS = 8;
const PREFIX = 'citemed.ask.';
const INDEX = `${PREFIX}index`;

/** What is used of the Web Storage API (written out: the server's type-check has no DOM types). */
interface KeyValue {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** A key for a new history entry: unique in the tab, and no secure context needed (crypto.randomUUID needs one). */
export function newEntryKey(now: number = Date.now()): string {
  return `${now.toString(36)}${Math.random().toString(36).slice(2, 8)}`;
}

/** The entry key a history state holds (the router's `location.state`), if any. */
export function entryKeyOf(state: unknown): string | undefined {
  const key = (state as { askKey?: unknown } | null)?.askKey;
  return typeof key === 'string' ? key : undefined;
}

export function createAskHistory(storage: KeyValue | undefined) {
  const index = (): string[] => {
    try {
      const keys: unknown = JSON.parse(storage?.getItem(INDEX) ?? '[]');
      return Array.isArray(keys) ? keys.filter((k): k is string => typeof k === 'string') : [];
    } catch {
      return [];
    }
  };

  const load = (key: string): SavedConversation | undefined => {
    try {
      const saved = JSON.parse(storage?.getItem(PREFIX + key) ?? 'null') as SavedConversation | null;
      return saved && typeof saved.url === 'string' && Array.isArray(saved.turns) ? saved : undefined;
    } catch {
      return undefined;
    }
  };

  return {
    load,

    /** The newest conversation kept for `url` in any entry (a sign-in and back lands on a new entry). */
    findByUrl(url: string): SavedConversation | undefined {
      for (const key of index().reverse()) {
        const saved = load(key);
        if (saved?.url === url) return saved;
      }
      return undefined;
    },

    /** Keeps `conversation` for the entry `key`; true when stored. */
    save(key: string, conversation: SavedConversation): boolean {
      if (!storage) return false;
      const text = JSON.stringify(conversation);
      let keys = [...index().filter((k) => k !== key), key];
      // Over the count, or over the browser's quota (about 5 MB): the oldest make room.
      for (;;) {
        while (keys.length > KEEP_CONVERSATIONS) storage.removeItem(PREFIX + keys.shift());
        try {
          storage.setItem(PREFIX + key, text);
          storage.setItem(INDEX, JSON.stringify(keys));
          return true;
        } catch {
          if (keys.length <= 1) {
            // Too big to keep even alone: asked again after a reload, as without storage.
            storage.removeItem(PREFIX + key);
            storage.removeItem(INDEX);
            return false;
          }
          storage.removeItem(PREFIX + keys.shift());
        }
      }
    },
  };
}

export type AskHistory = ReturnType<typeof createAskHistory>;

/** This tab's sessionStorage, or none where the browser refuses it (some private windows). */
export function sessionAskHistory(): AskHistory {
  try {
    return createAskHistory((globalThis as { sessionStorage?: KeyValue }).sessionStorage);
  } catch {
    return createAskHistory(undefined);
  }
}
