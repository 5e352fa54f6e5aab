import { describe, expect, it } from 'vitest';
import { describeThreadStoreContract } from '../../../test/contracts/threads.contract.js';
import type { RecordedTurn } from '../../ports/threads.js';
import { createMemoryThreadStore } from './memory.js';

describeThreadStoreContract('memory', async (options) => ({ threads: createMemoryThreadStore(options), close: async () => undefined }));

const turn = (n: number): RecordedTurn => ({ question: `q${n}`, searchedFor: `s${n}`, answer: `a${n}`, askedAt: '2026-01-01T00:00:00.000Z' });

describe('in-memory thread store', () => {
  it('creates threads with unguessable ids and keeps their turns in order', async () => {
    const store = createMemoryThreadStore({ maxThreads: 10, maxTurns: 10 });
    const thread = await store.create();
    expect(thread.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect((await store.create()).id).not.toBe(thread.id);
    await store.append(thread.id, turn(1));
    const after = await store.append(thread.id, turn(2));
    expect(after?.turns.map((t) => t.question)).toEqual(['q1', 'q2']);
    expect((await store.get(thread.id))?.turns).toEqual([turn(1), turn(2)]);
  });

  it('answers undefined for threads it does not hold', async () => {
    const store = createMemoryThreadStore({ maxThreads: 10, maxTurns: 10 });
    expect(await store.get('nope')).toBeUndefined();
    expect(await store.append('nope', turn(1))).toBeUndefined();
  });

  it('forgets the least recently used thread beyond maxThreads', async () => {
    let ids = 0;
    const store = createMemoryThreadStore({ maxThreads: 2, maxTurns: 10, newId: () => `t${++ids}` });
    await store.create(); // t1
    await store.create(); // t2
    await store.get('t1'); // t1 used more recently than t2
    await store.create(); // t3: t2 goes
    expect(await store.get('t2')).toBeUndefined();
    expect(await store.get('t1')).toBeDefined();
    await store.append('t3', turn(1)); // t1 is now the least recently used
    await store.create(); // t4: t1 goes
    expect(await store.get('t1')).toBeUndefined();
    expect(await store.get('t3')).toBeDefined();
    expect(store.size).toBe(2);
  });

  it('keeps only the latest maxTurns turns', async () => {
    const store = createMemoryThreadStore({ maxThreads: 2, maxTurns: 2 });
    const { id } = await store.create();
    for (const n of [1, 2, 3]) await store.append(id, turn(n));
    expect((await store.get(id))?.turns.map((t) => t.question)).toEqual(['q2', 'q3']);
  });

  it('hands out copies, so callers cannot change what is stored', async () => {
    const store = createMemoryThreadStore({ maxThreads: 2, maxTurns: 5, now: () => new Date('2026-02-03T04:05:06Z') });
    const thread = await store.create();
    expect(thread.createdAt).toBe('2026-02-03T04:05:06.000Z');
    thread.turns.push(turn(9));
    const read = await store.get(thread.id);
    read!.turns.push(turn(8));
    expect((await store.get(thread.id))?.turns).toEqual([]);
  });
});
