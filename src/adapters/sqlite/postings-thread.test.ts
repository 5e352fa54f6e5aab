import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { sourceWithPassages } from '../../../test/factories/sources.js';
import { isCitemedError } from '../../domain/errors.js';
import type { PostingsBuildProgress, Store, WriteOp } from '../../ports/store.js';
import { openSqliteStore } from './sqlite-store.js';

/**
 * The postings index built and dropped in a worker thread (postings-thread.ts), as the server
 * does: the same index as in the caller's thread, progress and errors carried back, and a cancel
 * that reaches the worker through the shared flag while it is inside SQLite.
 */
const NOW = '2026-01-01T00:00:00.000Z';
const TOPICS = ['abscess drainage', 'warfarin bleeding', 'statin prevention', 'sepsis antibiotics', 'hip fracture surgery'];

function sources(count: number): WriteOp[] {
  return Array.from({ length: count }, (_, i) => {
    const topic = TOPICS[i % TOPICS.length]!;
    const { source, passages } = sourceWithPassages({
      id: `pmid:${3_000_000 + i}`,
      ids: { pmid: String(3_000_000 + i) },
      title: `${topic} study ${i}`,
      paragraphsText: [
        [['Background'], `Patients with ${topic} number ${i} were followed for outcomes.`],
        [['Results'], `In ${topic}, mortality fell in ${i % 7} of the cohorts studied.`],
      ],
    });
    return { kind: 'upsert', source, passages } as WriteOp;
  });
}

/** Sources of two long paragraphs each (about 500 token occurrences a source), words drawn by a linear congruential generator. */
function longSources(count: number): WriteOp[] {
  const words = Array.from({ length: 400 }, (_, i) => `w${i.toString(36)}x`);
  let state = 7;
  const text = (n: number) =>
    Array.from({ length: n }, () => {
      state = (state * 1103515245 + 12345) % 2147483648;
      return words[state % words.length]!;
    }).join(' ');
  return Array.from({ length: count }, (_, i) => {
    const { source, passages } = sourceWithPassages({
      id: `pmid:${4_000_000 + i}`,
      ids: { pmid: String(4_000_000 + i) },
      title: text(6),
      paragraphsText: [
        [['Background'], `${text(240)}.`],
        [['Results'], `${text(240)}.`],
      ],
    });
    return { kind: 'upsert', source, passages } as WriteOp;
  });
}

let dirs: string[] = [];
let open: { close(): Promise<void> | void }[] = [];
afterEach(async () => {
  for (const o of open) await o.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs = [];
  open = [];
});

async function library(busyTimeoutMs = 10_000): Promise<{ store: Store; file: string }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'citemed-postings-thread-'));
  dirs.push(dir);
  const file = path.join(dir, 'library.db');
  const store = openSqliteStore({ path: file, busyTimeoutMs, cacheMiB: 4 });
  open.push(store);
  await store.write({ ops: sources(60), now: NOW });
  return { store, file };
}

/** A connection of the test's own holding the library's write lock until `release()`. */
function holdWriteLock(file: string): { raw: Database.Database; release: () => void } {
  const raw = new Database(file);
  open.push({ close: () => void raw.close() });
  raw.exec('BEGIN IMMEDIATE');
  return { raw, release: () => raw.exec('COMMIT') };
}

describe('the postings index in a worker thread', () => {
  it('builds the same index as the caller\'s thread, reports progress, and drops it', async () => {
    const { store } = await library();
    const inThread = await store.postings!.build();
    const ranked = await store.search({ phrases: [['abscess'], ['warfarin']], limit: 20, weights: { title: 4, section: 0.5, body: 1, terms: 2 } });
    await store.postings!.drop();
    expect(await store.postings!.state()).toBeUndefined();

    const seen: PostingsBuildProgress[] = [];
    const inWorker = await store.postings!.build((p) => seen.push(p), { worker: true });
    expect(inWorker).toMatchObject({ passages: inThread.passages, terms: inThread.terms, bytes: inThread.bytes, newer: 0, removed: 0 });
    expect(inWorker.passages).toBe((await store.stats()).passages);
    // The end of the read is always reported: every token occurrence, every term.
    expect(seen.at(-1)).toEqual({ done: seen.at(-1)!.total, total: expect.any(Number), terms: inWorker.terms });
    expect(seen.at(-1)!.total).toBeGreaterThan(0);
    // This connection sees the worker's index at once, and ranks from it as before.
    expect(await store.postings!.state()).toMatchObject({ passages: inThread.passages, builtAt: inWorker.builtAt });
    expect(await store.search({ phrases: [['abscess'], ['warfarin']], limit: 20, weights: { title: 4, section: 0.5, body: 1, terms: 2 } })).toEqual(ranked);

    await store.postings!.drop({ worker: true });
    expect(await store.postings!.state()).toBeUndefined();
    expect((await store.stats()).postings).toBeUndefined();
  }, 60_000);

  it('stops mid-read when its signal aborts, gives up its claim, and leaves the index in service as it was', async () => {
    const { store, file } = await library();
    const before = await store.postings!.build();
    // Enough text for progress before the end of the read (every 1,000,000 token occurrences):
    // the cancel arrives while the worker is inside SQLite, so only the shared flag can reach it.
    await store.write({ ops: longSources(4_000), now: NOW });
    const controller = new AbortController();
    const seen: PostingsBuildProgress[] = [];
    const error = await store.postings!
      .build(
        (p) => {
          seen.push(p);
          controller.abort();
        },
        { worker: true, signal: controller.signal },
      )
      .catch((e: unknown) => e);
    expect(isCitemedError(error) && error.code).toBe('interrupted');
    expect((error as Error).message).toBe('the postings index build was cancelled');
    // It was reading when told, and did not read to the end.
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((p) => p.done < p.total)).toBe(true);
    expect(await store.postings!.state()).toMatchObject({ builtAt: before.builtAt, passages: before.passages });
    const raw = new Database(file, { readonly: true });
    open.push({ close: () => void raw.close() });
    expect(raw.prepare('SELECT count(*) FROM postings_build').pluck().get()).toBe(0);
    // And the next build goes through, covering everything.
    expect((await store.postings!.build(undefined, { worker: true })).passages).toBe((await store.stats()).passages);
  }, 120_000);

  it('carries errors back with their code: a library locked past the busy timeout is database-locked', async () => {
    const { store, file } = await library(100);
    const lock = holdWriteLock(file);
    try {
      const error = await store.postings!.build(undefined, { worker: true }).catch((e: unknown) => e);
      expect(isCitemedError(error) && error.code).toBe('database-locked');
    } finally {
      lock.release();
    }
    expect(await store.postings!.state()).toBeUndefined();
  }, 60_000);

  it('refuses an in-memory library, as in the caller\'s thread', async () => {
    const store = openSqliteStore({ path: ':memory:', busyTimeoutMs: 1_000, cacheMiB: 4 });
    open.push(store);
    await expect(store.postings!.build(undefined, { worker: true })).rejects.toThrow(/in-memory library/);
  });
});
