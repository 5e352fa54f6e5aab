import { describe, expect, it } from 'vitest';
import { createAskHistory, entryKeyOf, KEEP_CONVERSATIONS, type SavedConversation } from '../../web/src/components/answer/askHistory.js';
import { askedIn, askUrl } from '../../web/src/components/answer/askUrl.js';

describe("the ask page's URL", () => {
  it('holds the question, its audience and its filters, and reads them back', () => {
    const asked = { question: 'How is cellulitis treated? & why', audience: 'nurse' as const, filters: { from: 2015, to: 2020, level: ['guideline' as const, 'randomized-trial' as const] } };
    const url = askUrl(asked);
    expect(url).toBe('/?q=How+is+cellulitis+treated%3F+%26+why&for=nurse&from=2015&to=2020&level=guideline%2Crandomized-trial');
    expect(askedIn(new URL(url, 'http://x').searchParams, 'clinician')).toEqual(asked);
    expect(askUrl({ question: 'q', audience: 'patient' })).toBe('/?q=q&for=patient');
  });

  it('asks a link as well as it can: what cannot be read is left out, the reader’s audience stands in', () => {
    const read = (query: string) => askedIn(new URLSearchParams(query), 'pharmacist');
    expect(read('')).toBeUndefined();
    expect(read('q=%20%20')).toBeUndefined();
    expect(read('q=gout&for=martian&from=19x&to=99999&level=guideline,nonsense')).toEqual({ question: 'gout', audience: 'pharmacist', filters: { level: ['guideline'] } });
    // Years backwards match nothing: dropped rather than asked.
    expect(read('q=gout&from=2020&to=2010')).toEqual({ question: 'gout', audience: 'pharmacist' });
  });
});

describe('conversations kept for history entries', () => {
  const memory = (quotaChars = Infinity) => {
    const items = new Map<string, string>();
    return {
      items,
      getItem: (key: string) => items.get(key) ?? null,
      setItem: (key: string, value: string) => {
        const used = [...items].reduce((n, [k, v]) => n + (k === key ? 0 : v.length), 0);
        if (used + value.length > quotaChars) throw new Error('QuotaExceededError');
        items.set(key, value);
      },
      removeItem: (key: string) => void items.delete(key),
    };
  };
  const conversation = (url: string, size = 10): SavedConversation => ({ url, threadId: 't1', turns: [{ answer: { question: 'x'.repeat(size) } as never }] });

  it('gives back what was kept for an entry, and the newest for a URL', () => {
    const history = createAskHistory(memory());
    expect(history.save('a', conversation('/?q=1'))).toBe(true);
    expect(history.save('b', conversation('/?q=2'))).toBe(true);
    expect(history.save('c', { ...conversation('/?q=1'), threadId: 't3' })).toBe(true);
    expect(history.load('b')?.url).toBe('/?q=2');
    expect(history.findByUrl('/?q=1')?.threadId).toBe('t3');
    expect(history.findByUrl('/?q=9')).toBeUndefined();
    expect(entryKeyOf({ askKey: 'c' })).toBe('c');
    expect(entryKeyOf(null)).toBeUndefined();
  });

  it('keeps the newest few, and makes room when the browser’s quota is reached', () => {
    const storage = memory();
    const history = createAskHistory(storage);
    for (let i = 0; i < KEEP_CONVERSATIONS + 3; i++) history.save(`k${i}`, conversation(`/?q=${i}`));
    expect(history.load('k0')).toBeUndefined();
    expect(history.load(`k${KEEP_CONVERSATIONS + 2}`)).toBeDefined();
    expect([...storage.items.keys()].filter((k) => k !== 'citemed.ask.index')).toHaveLength(KEEP_CONVERSATIONS);

    const small = createAskHistory(memory(700));
    expect(small.save('a', conversation('/?q=a', 300))).toBe(true);
    expect(small.save('b', conversation('/?q=b', 300))).toBe(true);
    expect(small.load('a')).toBeUndefined();
    expect(small.load('b')).toBeDefined();
    // Too big to keep at all: not kept, and nothing breaks.
    expect(small.save('c', conversation('/?q=c', 5_000))).toBe(false);
    expect(small.load('c')).toBeUndefined();
  });

  it('works without storage (a browser that refuses it): nothing kept, so the question is asked again', () => {
    const history = createAskHistory(undefined);
    expect(history.save('a', conversation('/?q=1'))).toBe(false);
    expect(history.load('a')).toBeUndefined();
  });
});
