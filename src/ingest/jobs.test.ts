import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createNodeFileSystem } from '../adapters/fs/node-files.js';
import { realPathOf } from '../adapters/fs/real-path.js';
import { openSqliteStore } from '../adapters/sqlite/sqlite-store.js';
import type { AuditInput } from '../domain/audit.js';
import type { SourceFormat } from '../domain/source.js';
import type { Store } from '../ports/store.js';
import { sourceInput } from '../../test/factories/sources.js';
import { createJobAudit } from './job-audit.js';
import { createIngestJobQueue, type IngestJob, type IngestJobs, type IngestJobsDeps, type JobEvent } from './jobs.js';
import { createInProcessPreparer } from './prepare-items.js';
import type { Reader } from './reader.js';
import { decodeUtf8 } from './readers/bytes.js';
import { openServerRoots } from './server-roots.js';

/** One record per line ("id|title"); "THROW" makes the file unreadable there, naming the file. */
const lineReader: Reader = async function* ({ bytes, path: file }) {
  let text = '';
  for await (const chunk of decodeUtf8(bytes)) text += chunk;
  let line = 0;
  for (const row of text.split('\n')) {
    line++;
    if (row === '') continue;
    if (row === 'THROW') throw new Error(`unexpected end of ${file}`);
    const [id = '', title = ''] = row.split('|');
    yield { kind: 'source', source: sourceInput({ id, ids: {}, title, origin: { format: 'markdown', path: file, line }, paragraphsText: [[['Body'], `${title} body text.`]] }) };
  }
};

/** The job queue on a temporary folder and library, with a clock the test moves. */
describe('ingest job queue', () => {
  let parent: string;
  let root: string;
  let store: Store;
  let clockMs: number;
  let tick: number;
  let serverErrors: unknown[];
  /** The audit log, in the order entries were handed to it; `failAudit` makes every write fail. */
  let audited: AuditInput[];
  let failAudit: boolean;
  let jobs: IngestJobs;

  const open = (patch: Partial<IngestJobsDeps> = {}): IngestJobs => {
    const readers = Object.fromEntries((['medline', 'jats', 'markdown', 'html', 'pdf', 'jsonl'] as SourceFormat[]).map((f) => [f, lineReader])) as Record<SourceFormat, Reader>;
    let id = 0;
    return createIngestJobQueue({
      // The root as an operator would configure it: relative to the working directory.
      roots: openServerRoots({ roots: [path.basename(root)], cwd: parent, realPath: realPathOf }),
      ingestDeps: () => ({
        store,
        files: createNodeFileSystem(parent),
        prepare: createInProcessPreparer(readers),
        now: () => new Date(),
        elapsedMs: () => (clockMs += tick),
        settings: { batchSize: 1, chunk: { maxChars: 1200, minChars: 0 } },
      }),
      recheck: async () => ({ checked: 3, raised: 1 }),
      now: () => new Date(),
      elapsedMs: () => (clockMs += tick),
      newId: () => `job-${(id += 1)}`,
      audit: createJobAudit({
        log: {
          append: async (entry) => {
            if (failAudit) throw new Error('disk I/O error');
            audited.push(entry);
            return { ...entry, seq: audited.length };
          },
        },
        now: () => new Date(),
        onFailure: (error) => serverErrors.push(error),
      }),
      onServerError: (_job, error) => serverErrors.push(error),
      ...patch,
    });
  };

  const file = (name: string, rows: string[]): string => {
    writeFileSync(path.join(root, name), `${rows.join('\n')}\n`);
    return path.join(path.basename(root), name);
  };

  /** The events a watcher of the job sees, until done. */
  const watched = (id: string): Promise<JobEvent[]> =>
    new Promise((resolve) => {
      const events: JobEvent[] = [];
      jobs.watch(id, (event) => {
        events.push(event);
        if (event.type === 'done') resolve(events);
      });
    });

  const finished = async (id: string): Promise<IngestJob> => {
    const events = await watched(id);
    return events.at(-1)!.job;
  };

  beforeEach(() => {
    parent = mkdtempSync(path.join(tmpdir(), 'citemed-jobs-'));
    root = mkdtempSync(path.join(parent, 'inbox-'));
    store = openSqliteStore({ path: path.join(parent, 'lib.db'), busyTimeoutMs: 1000, cacheMiB: 8 });
    clockMs = 0;
    tick = 0;
    serverErrors = [];
    audited = [];
    failAudit = false;
    jobs = open();
  });
  afterEach(async () => {
    await jobs.close();
    await store.close();
    rmSync(parent, { recursive: true, force: true });
  });

  it('runs jobs one at a time, in the order they were started', async () => {
    const first = await jobs.start({ paths: [file('a.md', ['a1|A one', 'a2|A two'])], force: false, startedBy: 'admin-1' });
    const second = await jobs.start({ paths: [file('b.md', ['b1|B one'])], force: false, startedBy: 'admin-1' });
    expect(second.status).toBe('queued');
    const [one, two] = await Promise.all([finished(first.id), finished(second.id)]);
    expect(one).toMatchObject({ status: 'done', totals: { added: 2, updated: 0, deleted: 0, skipped: 0 }, recheck: { checked: 3, raised: 1 } });
    expect(two).toMatchObject({ status: 'done', totals: { added: 1 } });
    expect(Date.parse(two.startedAt!)).toBeGreaterThanOrEqual(Date.parse(one.finishedAt!));
    expect((await jobs.list()).map((job) => job.id)).toEqual([second.id, first.id]);
  });

  it('sends progress at most once per interval, whatever the pipeline emits', async () => {
    const rows = Array.from({ length: 6 }, (_, i) => `r${i}|Record ${i}`);
    // The clock stands still: after the job's start, no progress event is due before done.
    const still = await jobs.start({ paths: [file('still.md', rows)], force: false, startedBy: 'a' });
    expect((await watched(still.id)).map((e) => `${e.type} ${e.job.status}`)).toEqual(['progress running', 'done done']);

    // 300 ms pass between readings of the clock: every batch is worth telling.
    tick = 300;
    const moving = await jobs.start({ paths: [file('moving.md', rows.map((r) => `m${r}`))], force: false, startedBy: 'a' });
    const events = await watched(moving.id);
    const progress = events.filter((e) => e.type === 'progress');
    expect(progress.length).toBeGreaterThanOrEqual(rows.length);
    expect(progress.map((e) => e.job.progress.records)).toEqual([...progress.map((e) => e.job.progress.records)].sort((a, b) => a - b));
    expect(progress.some((e) => e.job.progress.currentFile === 'moving.md')).toBe(true);
    expect(events.at(-1)?.job.progress).toMatchObject({ records: rows.length, filesDone: 1, filesTotal: 1, recordsPerSecond: expect.any(Number) });
    expect(events.at(-1)?.job.progress.currentFile).toBeUndefined();
  });

  it('fails a job whose file cannot be read, keeping the rest, naming files without the server\'s paths', async () => {
    const good = file('good.md', ['g1|Good']);
    const bad = file('bad.md', ['b1|Before the damage', 'THROW']);
    const job = await finished((await jobs.start({ paths: [good, bad], force: false, startedBy: 'a' })).id);
    expect(job.status).toBe('failed');
    expect(job.totals?.added).toBe(2);
    expect(job.error).toBe(`1 of 2 files could not be read (the others were ingested): bad.md: unexpected end of ${bad}`);
    expect(job.error).not.toContain(parent);
  });

  it('says a failed re-check apart from the ingest, and tells the log what the job cannot', async () => {
    const broken = new Error('connection to /var/secret refused');
    await jobs.close();
    jobs = open({ recheck: () => Promise.reject(broken) });
    const job = await finished((await jobs.start({ paths: [file('c.md', ['c1|C'])], force: false, startedBy: 'a' })).id);
    expect(job).toMatchObject({ status: 'failed', totals: { added: 1 } });
    expect(job.error).toBe('the files were ingested, but the re-check of articles failed: the ingest failed on the server; its operator can see why in its log');
    expect(serverErrors).toEqual([broken]);
  });

  it('keeps the newest jobs only', async () => {
    await jobs.close();
    jobs = open({ keep: 2 });
    const ids: string[] = [];
    for (const name of ['k1', 'k2', 'k3']) {
      const job = await jobs.start({ paths: [file(`${name}.md`, [`${name}|K`])], force: false, startedBy: 'a' });
      ids.push(job.id);
      await finished(job.id);
    }
    expect((await jobs.list()).map((job) => job.id)).toEqual([ids[2], ids[1]]);
    expect(await jobs.get(ids[0]!)).toBeUndefined();
  });

  it('audits each start and cancel by its account, and each end once, by the system, in the order they happened', async () => {
    await jobs.close();
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    // The first job holds in its re-check (running), so the others wait behind it.
    jobs = open({ recheck: async () => (await held, { checked: 3, raised: 1 }) });
    const running = await jobs.start({ paths: [file('r.md', ['r1|R'])], force: false, startedBy: 'admin-1' });
    await until(async () => (await jobs.get(running.id))?.progress.filesDone === 1);
    const cancelled = await jobs.start({ paths: [file('c.md', ['c1|C'])], force: false, startedBy: 'admin-1' });
    const shutOut = await jobs.start({ paths: [file('s.md', ['s1|S'])], force: false, startedBy: 'admin-1' });
    expect(await jobs.cancel(cancelled.id, 'admin-2')).toMatchObject({ status: 'cancelled' });
    const closing = jobs.close();
    release();
    await closing;

    const entries = audited.map(({ actor, action, subjectType, subjectId, before, after }) => ({ actor, action, subjectType, subjectId, before, after }));
    const none = { added: 0, updated: 0, deleted: 0, skipped: 0 };
    expect(entries).toEqual([
      { actor: 'admin-1', action: 'ingest-job.start', subjectType: 'ingest-job', subjectId: running.id, before: undefined, after: { paths: running.paths, force: false, status: 'queued' } },
      { actor: 'admin-1', action: 'ingest-job.start', subjectType: 'ingest-job', subjectId: cancelled.id, before: undefined, after: { paths: cancelled.paths, force: false, status: 'queued' } },
      { actor: 'admin-1', action: 'ingest-job.start', subjectType: 'ingest-job', subjectId: shutOut.id, before: undefined, after: { paths: shutOut.paths, force: false, status: 'queued' } },
      // A queued job's cancel ends it at once: the cancel, by who asked, then the end.
      { actor: 'admin-2', action: 'ingest-job.cancel', subjectType: 'ingest-job', subjectId: cancelled.id, before: { status: 'queued' }, after: { status: 'cancelled' } },
      { actor: 'system', action: 'ingest-job.end', subjectType: 'ingest-job', subjectId: cancelled.id, before: undefined, after: { status: 'cancelled', startedBy: 'admin-1', totals: none } },
      { actor: 'system', action: 'ingest-job.end', subjectType: 'ingest-job', subjectId: shutOut.id, before: undefined, after: { status: 'cancelled', startedBy: 'admin-1', totals: none, error: 'the server shut down before the job started' } },
      // The running job was past its last batch when the server closed: it ends done.
      { actor: 'system', action: 'ingest-job.end', subjectType: 'ingest-job', subjectId: running.id, before: undefined, after: { status: 'done', startedBy: 'admin-1', totals: { ...none, added: 1 }, recheck: { checked: 3, raised: 1 } } },
    ]);
    expect(serverErrors).toEqual([]);
  });

  it('audits a failed job with its error; a write that fails is reported and the job goes on', async () => {
    const bad = file('bad.md', ['b1|Before the damage', 'THROW']);
    const failed = await finished((await jobs.start({ paths: [bad], force: false, startedBy: 'a' })).id);
    expect(audited.at(-1)).toMatchObject({ actor: 'system', action: 'ingest-job.end', subjectId: failed.id, after: { status: 'failed', totals: { added: 1 }, error: failed.error } });

    failAudit = true;
    const job = await jobs.start({ paths: [file('d.md', ['d1|D'])], force: false, startedBy: 'admin-1' });
    expect(await finished(job.id)).toMatchObject({ status: 'done', totals: { added: 1 } });
    await until(() => serverErrors.length === 2);
    expect(serverErrors.map((error) => (error as Error).message)).toEqual([
      `the audit entry ingest-job.start of ingest job ${job.id} by admin-1 was not written: disk I/O error`,
      `the audit entry ingest-job.end of ingest job ${job.id} by system was not written: disk I/O error`,
    ]);
  });
});

async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
