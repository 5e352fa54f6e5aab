import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createNodeFileSystem } from '../adapters/fs/node-files.js';
import { openSqliteStore } from '../adapters/sqlite/sqlite-store.js';
import { CitemedError } from '../domain/errors.js';
import type { SourceFormat } from '../domain/source.js';
import type { Store } from '../ports/store.js';
import { sourceInput } from '../../test/factories/sources.js';
import { planIngest, runIngest, type IngestDeps, type IngestEvent } from './pipeline.js';
import { createInProcessPreparer } from './prepare-items.js';
import type { Reader } from './reader.js';
import { decodeUtf8 } from './readers/bytes.js';

/**
 * A line-per-record reader standing in for the real ones: "id|title|body", "-id" deletes,
 * "!reason" is a malformed record, "=reason" a record whose id repeats an earlier one, "THROW"
 * makes the file unreadable from there on.
 */
const lineReader: Reader = async function* ({ bytes, path: file }) {
  let text = '';
  for await (const chunk of decodeUtf8(bytes)) text += chunk;
  let line = 0;
  for (const row of text.split('\n')) {
    line++;
    if (row === '') continue;
    if (row === 'THROW') throw new Error('unexpected end of file');
    if (row.startsWith('-')) yield { kind: 'delete', sourceIds: [row.slice(1)], line };
    else if (row.startsWith('!')) yield { kind: 'skip', reason: row.slice(1), line };
    else if (row.startsWith('=')) yield { kind: 'skip', reason: row.slice(1), line, repeated: true };
    else {
      const [id = '', title = '', body = ''] = row.split('|');
      yield {
        kind: 'source',
        source: sourceInput({ id, ids: {}, title, origin: { format: 'medline', path: file, line }, paragraphsText: [[['Abstract'], body]] }),
      };
    }
  }
};

describe('ingest pipeline', () => {
  let dir: string;
  let store: Store;
  let deps: IngestDeps;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'citemed-pipeline-'));
    const dbDir = mkdtempSync(path.join(tmpdir(), 'citemed-pipeline-db-'));
    store = openSqliteStore({ path: path.join(dbDir, 'lib.db'), busyTimeoutMs: 1000, cacheMiB: 8 });
    const readers = Object.fromEntries(
      (['medline', 'jats', 'markdown', 'html', 'pdf'] as SourceFormat[]).map((f) => [f, lineReader]),
    ) as Record<SourceFormat, Reader>;
    let t = 0;
    deps = {
      store,
      files: createNodeFileSystem(dir),
      prepare: createInProcessPreparer(readers),
      now: () => new Date('2026-01-01T00:00:00Z'),
      elapsedMs: () => (t += 1000), // every item is a progress event
      settings: { batchSize: 2, chunk: { maxChars: 1200, minChars: 0 } },
    };
  });
  afterEach(async () => {
    await store.close();
  });

  const writeRecords = (name: string, rows: string[]) => {
    const file = path.join(dir, name);
    writeFileSync(file, rows.join("\n"));
    return file;
  };
  const records = (n: number, prefix = 'pmid:') => Array.from({ length: n }, (_, i) => `${prefix}${i + 1}|Title ${i + 1}|Body text number ${i + 1}.`);

  it('refuses missing paths and unsupported files before writing anything', async () => {
    await expect(planIngest(['nope.xml'], deps.files)).rejects.toMatchObject({ code: 'not-found' });
    writeFileSync(path.join(dir, 'notes.docx'), 'x');
    await expect(planIngest(['notes.docx'], deps.files)).rejects.toMatchObject({ code: 'unsupported-format' });
    writeFileSync(path.join(dir, 'data.xml'), '{"json": true}');
    await expect(planIngest(['data.xml'], deps.files)).rejects.toThrow(/no XML root element/);
    await expect(planIngest([], deps.files)).rejects.toBeInstanceOf(CitemedError);
    expect((await store.stats()).sources).toBe(0);
  });

  it('in folders, ignores paperwork and unknown files but reads the rest', async () => {
    writeFileSync(path.join(dir, 'README.md'), '# read me');
    writeFileSync(path.join(dir, 'notes.docx'), 'x');
    writeFileSync(path.join(dir, 'manifest.json'), '{"ids": []}');
    writeFileSync(path.join(dir, 'part-0001.done'), '{"pieces": []}');
    writeFileSync(path.join(dir, 'a.md'), 'doc:a|A|Alpha body.');
    const planned = await planIngest([dir], deps.files);
    const read = planned.filter((p) => p.format).map((p) => path.basename(p.entry.path));
    expect(read).toEqual(['a.md']);
    expect(planned.filter((p) => p.ignored).map((p) => path.basename(p.entry.path)).sort()).toEqual(['README.md', 'manifest.json', 'notes.docx', 'part-0001.done']);
    expect(planned.find((p) => p.entry.path.endsWith('manifest.json'))?.ignored).toMatch(/^a `citemed fetch` bookkeeping file/);
  });

  it('counts added, updated, deleted and skipped records, with reasons', async () => {
    const file = path.join(dir, 'one.md');
    writeFileSync(file, [...records(3), '!mismatched tag', '-pmid:2', '-pmid:99', '=same id as line 1'].join('\n'));
    const report = await runIngest(await planIngest([file], deps.files), deps);
    expect(report.totals).toEqual({ added: 3, updated: 0, deleted: 1, skipped: { malformed: 1, 'nothing-to-delete': 1, 'repeated-id': 1 } });
    expect(report.files[0]?.skippedSample.map((s) => [s.line, s.reason, s.detail ?? s.sourceId])).toEqual([
      [4, 'malformed', 'mismatched tag'],
      [6, 'nothing-to-delete', 'pmid:99'],
      [7, 'repeated-id', 'same id as line 1'],
    ]);
    const stats = await store.stats();
    expect(stats.sources).toBe(2);
    expect(stats.files).toEqual({ done: 1, running: 0, failed: 0 });
  });

  it('does not read a finished file twice, unless forced, and then rewrites nothing', async () => {
    const file = writeRecords('a.md', records(5));
    await runIngest(await planIngest([file], deps.files), deps);
    const again = await runIngest(await planIngest([file], deps.files), deps);
    expect(again.files[0]?.status).toBe('already-done');
    expect(again.totals.added).toBe(0);
    const forced = await runIngest(await planIngest([file], deps.files), deps, { force: true });
    expect(forced.totals).toEqual({ added: 0, updated: 0, deleted: 0, skipped: { unchanged: 5 } });
    expect((await store.stats()).passages).toBe(5);
  });

  it('calls a file whose every record is malformed failed, not done, and reads it again next time', async () => {
    const bad = writeRecords('bad.md', ['!no title and no text', '!no title and no text']);
    const report = await runIngest(await planIngest([bad], deps.files), deps);
    expect(report.files[0]).toMatchObject({ status: 'failed', error: 'none of its 2 records could be used (line 1: no title and no text)' });
    expect(report.failedFiles).toBe(1);
    expect((await store.stats()).files).toEqual({ done: 0, running: 0, failed: 1 });
    expect((await runIngest(await planIngest([bad], deps.files), deps)).files[0]?.status).toBe('failed');
    // One usable record is enough for the file to be done, its bad ones reported as skipped.
    const mixed = writeRecords('mixed.md', ['!no title and no text', ...records(1)]);
    expect((await runIngest(await planIngest([mixed], deps.files), deps)).files[0]).toMatchObject({ status: 'done', counts: { added: 1, skipped: { malformed: 1 } } });
  });

  it('reads two documents with the same bytes under two names: their names can be their ids', async () => {
    const a = writeRecords('a.md', records(2));
    const b = writeRecords('b.md', records(2));
    const both = await runIngest(await planIngest([a, b], deps.files), deps);
    expect(both.files.map((f) => f.status)).toEqual(['done', 'done']);
    expect((await runIngest(await planIngest([b], deps.files), deps)).files[0]?.status).toBe('already-done');
  });

  it('stops at a batch boundary when interrupted and resumes exactly there', async () => {
    const file = writeRecords('big.md', records(9));
    const controller = new AbortController();
    const events: IngestEvent[] = [];
    const first = await runIngest(await planIngest([file], deps.files), deps, {
      signal: controller.signal,
      onEvent: (e) => {
        events.push(e);
        if (e.type === 'progress' && e.items === 4) controller.abort(); // after the second batch of 2
      },
    });
    expect(first.interrupted).toBe(true);
    expect(first.files[0]?.status).toBe('interrupted');
    const partial = (await store.stats()).sources;
    expect(partial).toBe(4);
    const second = await runIngest(await planIngest([file], deps.files), deps);
    expect(second.files[0]?.resumedFromItem).toBe(4);
    expect(second.items).toBe(5);
    expect(second.files[0]?.counts.added).toBe(9); // whole-file counts survive the resume
    expect((await store.stats()).sources).toBe(9);
    expect((await store.stats()).passages).toBe(9);
  });

  it('keeps every record before a file breaks, reports the failure, and goes on to the next file', async () => {
    const broken = writeRecords('broken.md', [...records(3), 'THROW', 'pmid:50|Lost|never read']);
    const fine = writeRecords('fine.md', records(2, 'pmid:10'));
    const report = await runIngest(await planIngest([broken, fine], deps.files), deps);
    expect(report.files.map((f) => f.status)).toEqual(['failed', 'done']);
    expect(report.files[0]?.error).toMatch(/unexpected end of file/);
    expect(report.failedFiles).toBe(1);
    expect((await store.stats()).sources).toBe(5);
    expect((await store.stats()).files).toEqual({ done: 1, running: 0, failed: 1 });
  });

  it('gives a record without text its title as its one passage', async () => {
    const file = writeRecords('t.md', ['pmid:7|Only a title here|']);
    await runIngest(await planIngest([file], deps.files), deps);
    const passages = await store.listPassages('pmid:7');
    expect(passages.map((p) => [p.section, p.text])).toEqual([['Title', 'Only a title here']]);
  });
});
