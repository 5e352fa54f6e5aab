import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createContainer, type Container } from '../config/container.js';
import { SettingsSchema } from '../config/settings.js';
import type { JobKind, JobPayloads, QueuedJob, WorkQueue } from '../ports/work-queue.js';
import { startWorker, submitIngest } from './distributed.js';

/**
 * The queue's behaviour as the port promises it, in memory: keyed jobs deduplicated while they
 * wait, handlers registered per kind. (The PostgreSQL queue itself is tested against PostgreSQL.)
 */
function memoryQueue() {
  const waiting: QueuedJob<JobKind>[] = [];
  const keys = new Map<string, string>();
  const handlers = new Map<JobKind, (job: QueuedJob<JobKind>) => Promise<void>>();
  let next = 1;
  const queue: WorkQueue = {
    async submit(kind, data, options = {}) {
      const key = options.key === undefined ? undefined : `${kind}:${options.key}`;
      if (key && keys.has(key)) return undefined;
      const id = String(next++);
      if (key) keys.set(key, id);
      waiting.push({ id, kind, data, retryCount: 0 } as QueuedJob<JobKind>);
      return id;
    },
    async work(kind, handler) {
      handlers.set(kind, handler as (job: QueuedJob<JobKind>) => Promise<void>);
    },
    async counts() {
      throw new Error('not used');
    },
    async cancelLostRuns() {
      throw new Error('not used');
    },
    async stop() {},
  };
  /** Runs the oldest waiting job of `kind` with the registered handler. */
  const runNext = async <K extends JobKind>(kind: K): Promise<QueuedJob<K> | undefined> => {
    const index = waiting.findIndex((job) => job.kind === kind);
    if (index < 0) return undefined;
    const [job] = waiting.splice(index, 1) as QueuedJob<K>[];
    if (!job) return undefined;
    for (const [key, id] of keys) if (id === job.id) keys.delete(key);
    await handlers.get(kind)?.(job as QueuedJob<JobKind>);
    return job;
  };
  return { queue, waiting, runNext };
}

describe('distributed ingest', () => {
  let dir: string;
  let container: Container;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'citemed-distributed-'));
    writeFileSync(path.join(dir, 'a.md'), '---\ntitle: Note A\n---\n\n# A\n\nFirst note about drains.\n');
    writeFileSync(path.join(dir, 'b.md'), '---\ntitle: Note B\n---\n\n# B\n\nSecond note about dressings.\n');
    writeFileSync(path.join(dir, 'notes.bin'), Buffer.from([0, 1, 2, 3]));
    container = createContainer(SettingsSchema.parse({ store: { path: path.join(dir, 'lib.db') }, ingest: { worker: false } }));
  });
  afterEach(async () => {
    await container.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const worker = (queue: WorkQueue, log: string[], signal = new AbortController().signal) =>
    startWorker({
      queue,
      files: container.files,
      ingestDeps: () => container.ingestDeps(),
      recheck: async () => ({ checked: 0, raised: 0 }),
      log: (line) => log.push(line),
      signal,
    });

  it('queues one job per readable file, once while it waits, and reports what it left out', async () => {
    const { queue, waiting } = memoryQueue();
    const first = await submitIngest(queue, container.files, [dir], false);
    expect(first.submitted.map((p) => path.basename(p)).sort()).toEqual(['a.md', 'b.md']);
    expect(first.ignored.map((i) => path.basename(i.path))).toContain('notes.bin');
    const again = await submitIngest(queue, container.files, [dir], false);
    expect(again.submitted).toEqual([]);
    expect(again.alreadyQueued.length).toBe(2);
    expect(waiting.map((j) => (j.data as JobPayloads['ingest-file']).path)).toEqual(first.submitted);
  });

  it('a worker ingests each file and asks for one re-check however many files changed the library', async () => {
    const { queue, waiting, runNext } = memoryQueue();
    const log: string[] = [];
    await worker(queue, log);
    await submitIngest(queue, container.files, [dir], false);
    await runNext('ingest-file');
    await runNext('ingest-file');
    expect((await container.store.stats()).sources).toBe(2);
    expect(waiting.map((j) => j.kind)).toEqual(['recheck-articles']);
    expect(log.filter((l) => /done: 1 added/.test(l))).toHaveLength(2);

    // The same file again changes nothing and asks for no re-check.
    await runNext('recheck-articles');
    await queue.submit('ingest-file', { path: path.join(dir, 'a.md'), force: false });
    await runNext('ingest-file');
    expect(waiting).toEqual([]);
    expect(log.at(-1)).toMatch(/already ingested/);
  });

  it('readies searches for the changed library before the re-check the files asked for; a failure to is logged, and the re-check runs', async () => {
    const { queue, runNext } = memoryQueue();
    const order: string[] = [];
    const log: string[] = [];
    let failing = false;
    await startWorker({
      queue,
      files: container.files,
      ingestDeps: () => container.ingestDeps(),
      prepareSearch: async () => {
        order.push('prepare');
        if (failing) throw new Error('disk gone');
        await container.prepareRanking();
      },
      recheck: async () => {
        order.push('recheck');
        return { checked: 0, raised: 0 };
      },
      log: (line) => log.push(line),
      signal: new AbortController().signal,
    });
    await submitIngest(queue, container.files, [dir], false);
    await runNext('ingest-file');
    await runNext('ingest-file');
    expect(order).toEqual([]);
    await runNext('recheck-articles');
    expect(order).toEqual(['prepare', 'recheck']);
    expect(await container.store.associations?.learned()).toMatchObject({ passages: (await container.store.stats()).passages });

    failing = true;
    await queue.submit('recheck-articles', { actor: 'system' }, { key: 'library' });
    await runNext('recheck-articles');
    expect(order).toEqual(['prepare', 'recheck', 'prepare', 'recheck']);
    expect(log.at(-2)).toMatch(/could not ready searches \(disk gone\)/);
  });

  it('a worker told to stop leaves its job to be retried, and the retry finishes the file', async () => {
    const { queue, runNext } = memoryQueue();
    const stop = new AbortController();
    stop.abort();
    await worker(queue, [], stop.signal);
    await queue.submit('ingest-file', { path: path.join(dir, 'a.md'), force: false });
    await expect(runNext('ingest-file')).rejects.toThrow(/another worker will go on/);

    const retry = memoryQueue();
    await worker(retry.queue, []);
    await retry.queue.submit('ingest-file', { path: path.join(dir, 'a.md'), force: false });
    await retry.runNext('ingest-file');
    expect((await container.store.stats()).sources).toBe(1);
  });

  it('fails a job whose file cannot be read, so the queue retries it and then gives up', async () => {
    const { queue, runNext } = memoryQueue();
    await worker(queue, []);
    await queue.submit('ingest-file', { path: path.join(dir, 'gone.md'), force: false });
    await expect(runNext('ingest-file')).rejects.toThrow(/gone\.md/);
  });
});
