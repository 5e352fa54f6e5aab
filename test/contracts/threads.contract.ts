import { afterEach, describe, expect, it } from 'vitest';
import type { RecordedTurn, ThreadStore } from '../../src/ports/threads.js';

export interface ThreadStoreOptions {
  maxTurns: number;
  maxThreads: number;
  now?: () => Date;
}

/**
 * The behaviour every ThreadStore implementation must have (src/ports/threads.ts). Run it from each
 * adapter's test file with a factory that returns a fresh, empty store bounded as asked, and a way
 * to close it. Bounds are parameters because they are part of the promise: a server must not grow
 * without limit, whatever stores its threads.
 */
export function describeThreadStoreContract(
  name: string,
  make: (options: ThreadStoreOptions) => Promise<{ threads: ThreadStore; close(): Promise<void> }>,
): void {
  describe(`ThreadStore contract: ${name}`, () => {
    const opened: (() => Promise<void>)[] = [];
    const open = async (options: Partial<ThreadStoreOptions> = {}): Promise<ThreadStore> => {
      const { threads, close } = await make({ maxTurns: 20, maxThreads: 100, ...options });
      opened.push(close);
      return threads;
    };
    afterEach(async () => {
      for (const close of opened.splice(0)) await close();
    });

    it('creates an empty thread with a random id (a v4 UUID: 122 random bits) and ISO timestamps', async () => {
      const threads = await open({ now: () => new Date('2026-02-03T04:05:06.789Z') });
      const thread = await threads.create();
      expect(thread).toEqual({ id: expect.any(String), createdAt: '2026-02-03T04:05:06.789Z', updatedAt: '2026-02-03T04:05:06.789Z', turns: [] });
      expect(thread.id).toMatch(UUID_V4);
      const ids = new Set([thread.id]);
      for (let i = 0; i < 20; i++) ids.add((await threads.create()).id);
      expect(ids.size).toBe(21);
      expect(await threads.get(thread.id)).toEqual(thread);
    });

    it('keeps timestamps as ISO strings with the real clock too', async () => {
      const threads = await open();
      const { createdAt, updatedAt } = await threads.create();
      expect(new Date(createdAt).toISOString()).toBe(createdAt);
      expect(updatedAt).toBe(createdAt);
    });

    it('answers undefined for an id it does not hold, to get and to append, creating nothing', async () => {
      const threads = await open();
      expect(await threads.get('no-such-thread')).toBeUndefined();
      expect(await threads.get('6f1c0f5e-0a51-4c1e-9a57-2d8f0b6f3a10')).toBeUndefined();
      expect(await threads.append('no-such-thread', turn(1))).toBeUndefined();
      expect(await threads.get('no-such-thread')).toBeUndefined();
    });

    it('appends turns oldest first, returning the thread as it now is, and moves updatedAt', async () => {
      let clock = Date.parse('2026-01-01T00:00:00.000Z');
      const threads = await open({ now: () => new Date(clock) });
      const created = await threads.create();
      clock += 1_500;
      const first = await threads.append(created.id, turn(1));
      expect(first).toEqual({ id: created.id, createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:01.500Z', turns: [turn(1)] });
      clock += 60_000;
      const second = await threads.append(created.id, turn(2));
      expect(second?.turns).toEqual([turn(1), turn(2)]);
      expect(second?.createdAt).toBe('2026-01-01T00:00:00.000Z');
      expect(second?.updatedAt).toBe('2026-01-01T00:01:01.500Z');
      expect(await threads.get(created.id)).toEqual(second);
    });

    it('keeps each thread to itself', async () => {
      const threads = await open();
      const a = await threads.create();
      const b = await threads.create();
      await threads.append(a.id, turn(1));
      await threads.append(b.id, turn(2));
      await threads.append(a.id, turn(3));
      expect((await threads.get(a.id))?.turns).toEqual([turn(1), turn(3)]);
      expect((await threads.get(b.id))?.turns).toEqual([turn(2)]);
    });

    it('keeps at most maxTurns turns per thread, dropping the oldest', async () => {
      const threads = await open({ maxTurns: 3 });
      const { id } = await threads.create();
      for (const n of [1, 2, 3]) await threads.append(id, turn(n));
      expect((await threads.get(id))?.turns.map((t) => t.question)).toEqual(['q1', 'q2', 'q3']);
      const appended = await threads.append(id, turn(4));
      expect(appended?.turns.map((t) => t.question)).toEqual(['q2', 'q3', 'q4']);
      for (const n of [5, 6, 7]) await threads.append(id, turn(n));
      expect((await threads.get(id))?.turns).toEqual([turn(5), turn(6), turn(7)]);

      const single = await open({ maxTurns: 1 });
      const one = await single.create();
      await single.append(one.id, turn(1));
      expect((await single.append(one.id, turn(2)))?.turns).toEqual([turn(2)]);
    });

    it('keeps at most maxThreads threads, deleting the least recently continued first', async () => {
      let clock = Date.parse('2026-01-01T00:00:00.000Z');
      const threads = await open({ maxThreads: 2, now: () => new Date((clock += 1_000)) });
      const t1 = await threads.create();
      const t2 = await threads.create();
      await threads.append(t1.id, turn(1)); // t2 is now the least recently continued
      const t3 = await threads.create();
      expect(await threads.get(t2.id)).toBeUndefined();
      expect(await threads.append(t2.id, turn(2))).toBeUndefined();
      expect((await threads.get(t1.id))?.turns).toEqual([turn(1)]);
      expect(await threads.get(t3.id)).toBeDefined();
      await threads.append(t3.id, turn(3)); // t1 is now the least recently continued
      await threads.create();
      expect(await threads.get(t1.id)).toBeUndefined();
      expect((await threads.get(t3.id))?.turns).toEqual([turn(3)]);
    });

    it('keeps the order of creation even when the clock does not move', async () => {
      const threads = await open({ maxThreads: 2, now: () => new Date('2026-01-01T00:00:00.000Z') });
      const t1 = await threads.create();
      const t2 = await threads.create();
      await threads.append(t1.id, turn(1));
      await threads.create();
      expect(await threads.get(t2.id)).toBeUndefined();
      expect(await threads.get(t1.id)).toBeDefined();
    });

    it('hands out copies: changing a returned thread changes nothing stored', async () => {
      const threads = await open();
      const created = await threads.create();
      created.turns.push(turn(9));
      created.updatedAt = 'never';
      const appended = await threads.append(created.id, turn(1));
      appended!.turns[0]!.answer = 'tampered';
      appended!.turns.push(turn(8));
      const read = await threads.get(created.id);
      read!.turns[0]!.question = 'tampered';
      read!.id = 'other';
      const again = await threads.get(created.id);
      expect(again?.turns).toEqual([turn(1)]);
      expect(again?.id).toBe(created.id);
      expect(again?.updatedAt).not.toBe('never');
    });

    it('stores the turn it was given, not a reference to it', async () => {
      const threads = await open();
      const { id } = await threads.create();
      const given = turn(1);
      await threads.append(id, given);
      given.question = 'changed after the append';
      expect((await threads.get(id))?.turns).toEqual([turn(1)]);
    });

    it('round-trips long text and unusual Unicode exactly', async () => {
      const threads = await open();
      const { id } = await threads.create();
      const odd: RecordedTurn = {
        question: 'Dosis für Kinder? 小児の用量 — ¿y en niños? 🧒🏽 👨‍👩‍👧 e\u0301 vs é, \u200b zero-width, \u00a0nbsp, RTL \u202e txet',
        searchedFor: 'quotes " \' ` backslash \\ \\u0000 as text, newline\nand tab\t, NUL \u0000 and control \u0001\u001f',
        answer: `${'Long answer. '.repeat(20_000)}lone surrogates \ud800 and \udfff, BOM \ufeff, U+FFFF \uffff, 𝔘𝔫𝔦𝔠𝔬𝔡𝔢`,
        askedAt: '2026-12-31T23:59:59.999Z',
      };
      await threads.append(id, odd);
      await threads.append(id, turn(2));
      const read = await threads.get(id);
      expect(read?.turns[0]).toEqual(odd);
      expect(read?.turns[0]?.answer.length).toBe(odd.answer.length);
      expect(read?.turns[1]).toEqual(turn(2));
    });
  });
}

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

export const turn = (n: number): RecordedTurn => ({
  question: `q${n}`,
  searchedFor: `s${n}`,
  answer: `a${n}`,
  askedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString(),
});
