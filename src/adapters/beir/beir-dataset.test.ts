import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { hasSharedData, SHARED_DATA_SKIP_MESSAGE, sharedDataPath } from '../../../test/shared-data.js';
import { openBeirDataset } from './beir-dataset.js';

const scratch = mkdtempSync(path.join(tmpdir(), 'citemed-beir-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let folders = 0;
/** Writes a data set folder; a value that is a Buffer is written as is (for .gz files). */
function dataset(files: Record<string, string | Buffer>): string {
  const dir = path.join(scratch, `set-${++folders}`);
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), content);
  }
  mkdirSync(dir, { recursive: true });
  return dir;
}

const jsonl = (...rows: unknown[]) => rows.map((row) => JSON.stringify(row)).join('\n') + '\n';

const CORPUS = jsonl(
  { _id: 'd1', title: 'Aspirin', text: 'Aspirin lowers fever.', metadata: { year: 2001 } },
  { _id: 'd2', title: '', text: 'An untitled note.' },
  { _id: 3, text: 'A numeric id and no title.' },
);
const QUERIES = jsonl({ _id: 'q1', text: 'fever', metadata: {} }, { _id: 'q2', text: 'notes' });
const TEST_QRELS = 'query-id\tcorpus-id\tscore\r\nq1\td1\t2\r\nq1\t3\t0\r\nq2\td2\t1\r\n';
const TRAIN_QRELS = 'query-id\tcorpus-id\tscore\nq2\td2\t1\n';

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

function plain(overrides: Record<string, string | Buffer> = {}): string {
  return dataset({
    'corpus.jsonl': CORPUS,
    'queries.jsonl': QUERIES,
    'qrels/test.tsv': TEST_QRELS,
    'qrels/train.tsv': TRAIN_QRELS,
    ...overrides,
  });
}

describe('openBeirDataset', () => {
  it('reads documents, queries and graded judgments', async () => {
    const data = await openBeirDataset(plain());
    expect(await collect(data.corpus())).toEqual([
      { id: 'd1', title: 'Aspirin', text: 'Aspirin lowers fever.' },
      { id: 'd2', title: '', text: 'An untitled note.' },
      { id: '3', title: '', text: 'A numeric id and no title.' },
    ]);
    expect(await data.queries()).toEqual([
      { id: 'q1', text: 'fever' },
      { id: 'q2', text: 'notes' },
    ]);
    expect(await data.splits()).toEqual(['test', 'train']);
    expect(await data.qrels('test')).toEqual(
      new Map([
        [
          'q1',
          new Map([
            ['d1', 2],
            ['3', 0],
          ]),
        ],
        ['q2', new Map([['d2', 1]])],
      ]),
    );
    expect(await data.qrels('train')).toEqual(new Map([['q2', new Map([['d2', 1]])]]));
    expect(data.description).toMatch(/corpus\.jsonl, queries\.jsonl; splits test, train/);
  });

  it('reads gzip-compressed corpus and queries, CRLF line ends and a byte-order mark', async () => {
    const crlf = (text: string) => text.replaceAll('\n', '\r\n');
    const data = await openBeirDataset(
      dataset({
        'corpus.jsonl.gz': gzipSync(`\uFEFF${crlf(CORPUS)}\r\n`),
        'queries.jsonl.gz': gzipSync(crlf(QUERIES)),
        'qrels/test.tsv': TEST_QRELS,
      }),
    );
    expect((await collect(data.corpus())).map((doc) => doc.id)).toEqual(['d1', 'd2', '3']);
    expect((await data.queries()).map((query) => query.text)).toEqual(['fever', 'notes']);
    expect(data.description).toMatch(/corpus\.jsonl\.gz, queries\.jsonl\.gz/);
  });

  it('streams the corpus: stopping early is fine', async () => {
    const many = jsonl(...Array.from({ length: 5000 }, (_, i) => ({ _id: `d${i}`, title: '', text: `text ${i}` })));
    const data = await openBeirDataset(plain({ 'corpus.jsonl': many }));
    const firstTwo: string[] = [];
    for await (const doc of data.corpus()) {
      firstTwo.push(doc.id);
      if (firstTwo.length === 2) break;
    }
    expect(firstTwo).toEqual(['d0', 'd1']);
    expect((await collect(data.corpus())).length).toBe(5000);
  });
});

describe('openBeirDataset on a wrong layout', () => {
  it('says when the folder does not exist, and what the layout should be', async () => {
    const missing = path.join(scratch, 'no-such-folder');
    await expect(openBeirDataset(missing)).rejects.toMatchObject({
      code: 'not-found',
      message: expect.stringContaining(`${missing}: the folder does not exist`),
      hint: expect.stringContaining('qrels/<split>.tsv'),
    });
  });

  it('names the missing corpus, queries or qrels', async () => {
    const noCorpus = dataset({ 'queries.jsonl': QUERIES, 'qrels/test.tsv': TEST_QRELS });
    await expect(openBeirDataset(noCorpus)).rejects.toMatchObject({
      code: 'not-found',
      message: `${noCorpus} has no corpus.jsonl or corpus.jsonl.gz`,
    });
    const noQueries = dataset({ 'corpus.jsonl': CORPUS, 'qrels/test.tsv': TEST_QRELS });
    await expect(openBeirDataset(noQueries)).rejects.toThrow(/has no queries\.jsonl or queries\.jsonl\.gz/);
    const noQrels = dataset({ 'corpus.jsonl': CORPUS, 'queries.jsonl': QUERIES });
    await expect(openBeirDataset(noQrels)).rejects.toThrow(/no qrels\/<split>\.tsv files/);
    const aFile = path.join(noQrels, 'corpus.jsonl');
    await expect(openBeirDataset(aFile)).rejects.toThrow(`${aFile} is not a folder`);
  });

  it('names the splits there are when asked for another', async () => {
    const data = await openBeirDataset(plain());
    await expect(data.qrels('dev')).rejects.toMatchObject({
      code: 'not-found',
      message: expect.stringContaining('no qrels for split "dev"'),
      hint: 'choose one of: test, train',
    });
  });
});

describe('openBeirDataset on bad lines', () => {
  const badCorpus = async (corpus: string | Buffer) => collect((await openBeirDataset(plain({ 'corpus.jsonl': corpus }))).corpus());

  it('names the file and line of malformed JSON', async () => {
    const dir = plain({ 'corpus.jsonl': `${jsonl({ _id: 'a', text: 'x' })}\n{"_id": "b", "text": \n` });
    const error = await collect((await openBeirDataset(dir)).corpus()).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'unsupported-format' });
    expect((error as Error).message).toMatch(new RegExp(`^${path.join(dir, 'corpus.jsonl')}, line 3: not valid JSON`));
  });

  it('refuses records without an id or text, or with a non-string title', async () => {
    await expect(badCorpus(jsonl({ _id: 'a', text: 'x' }, { text: 'no id' }))).rejects.toThrow(/line 2: no "_id"/);
    await expect(badCorpus(jsonl({ _id: '', text: 'x' }))).rejects.toThrow(/line 1: "_id" must be a non-empty string/);
    await expect(badCorpus(jsonl({ _id: 'a' }))).rejects.toThrow(/line 1: no "text"/);
    await expect(badCorpus(jsonl({ _id: 'a', title: 7, text: 'x' }))).rejects.toThrow(/line 1: "title" must be a string/);
    await expect(badCorpus(jsonl(['a', 'x']))).rejects.toThrow(/line 1: expected a JSON object/);
  });

  it('refuses a query id used twice', async () => {
    const data = await openBeirDataset(plain({ 'queries.jsonl': jsonl({ _id: 'q', text: 'a' }, { _id: 'q', text: 'b' }) }));
    await expect(data.queries()).rejects.toThrow(/line 2: query id "q" was already used on line 1/);
  });

  it('names the line of a bad qrels row', async () => {
    const qrels = async (text: string) => (await openBeirDataset(plain({ 'qrels/test.tsv': text }))).qrels('test');
    await expect(qrels('query-id\tcorpus-id\tscore\nq1\td1\t1\nq1\td2\t1.5\n')).rejects.toMatchObject({
      code: 'unsupported-format',
      message: expect.stringMatching(/test\.tsv, line 3: bad score "1\.5": expected a whole number$/),
    });
    await expect(qrels('q1 d1 1\n')).rejects.toThrow(/line 1: expected 3 tab-separated fields .* found 1/);
    await expect(qrels('q1\td1\t1\nq1\td1\t2\n')).rejects.toThrow(/line 2: query "q1", document "d1" was already judged 1/);
    // A repeated identical judgment is harmless; a first line that is data, not a header, is read.
    expect(await qrels('q1\td1\t1\nq1\td1\t1\n')).toEqual(new Map([['q1', new Map([['d1', 1]])]]));
  });

  it('says when a gzip corpus is truncated', async () => {
    const gz = gzipSync(jsonl(...Array.from({ length: 2000 }, (_, i) => ({ _id: `d${i}`, text: `text ${i} `.repeat(20) }))));
    const dir = dataset({ 'corpus.jsonl.gz': gz.subarray(0, gz.length - 40), 'queries.jsonl': QUERIES, 'qrels/test.tsv': TEST_QRELS });
    await expect(collect((await openBeirDataset(dir)).corpus())).rejects.toMatchObject({
      code: 'unreadable',
      message: expect.stringContaining('truncated or damaged gzip file'),
    });
  });
});

describe.skipIf(!hasSharedData)(`openBeirDataset on BEIR SciFact ${hasSharedData ? '' : SHARED_DATA_SKIP_MESSAGE}`, () => {
  it('has the published counts', async () => {
    const data = await openBeirDataset(sharedDataPath('beir_scifact'));
    let docs = 0;
    for await (const doc of data.corpus()) if (doc.id !== '') docs++;
    expect(docs).toBe(5183);
    expect((await data.queries()).length).toBe(1109);
    expect(await data.splits()).toEqual(['test', 'train']);

    const rows = async (split: string) => {
      const qrels = await data.qrels(split);
      return { queries: qrels.size, rows: [...qrels.values()].reduce((sum, judged) => sum + judged.size, 0) };
    };
    expect(await rows('test')).toEqual({ queries: 300, rows: 339 });
    expect(await rows('train')).toEqual({ queries: 809, rows: 919 });
  });
});
