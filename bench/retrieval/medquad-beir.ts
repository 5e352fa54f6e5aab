import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { hasSharedData, sharedDataDir, sharedDataPath } from '../../test/shared-data.js';

/**
 * Turns MedQuAD (consumer-health questions with the NIH page answers that answer them) into a
 * BEIR-layout retrieval data set, so `citemed eval retrieval` can score us on the kind of
 * question our users ask:
 *
 * - Corpus: the distinct answer texts. An answer that several rows share (the same PDQ
 *   paragraph under several questions) is one document. Its title is the focus of the first row
 *   that holds it, e.g. "Childhood Soft Tissue Sarcoma". That title names the topic the answer
 *   is about, which helps retrieval; a real library has titles too, so this is not a leak.
 * - Queries: the questions. Rows asking the same question about the same focus (compared
 *   ignoring case and runs of whitespace) are one query, with every one of their answers
 *   judged relevant (grade 1).
 * - Splits: each query goes to "test" or "train" by a hash of its id, so the split never depends
 *   on row order. About `testFraction` of the queries are drawn; when that is more than
 *   `maxTestQueries`, the drawn ones with the smallest hashes stay in test and the rest go to
 *   train.
 *
 * Ids are content hashes (answer text for documents, focus + question for queries), because
 * MedQuAD's own row ids repeat across its collections.
 *
 * Only rows with a non-empty answer are used: MedlinePlus answers were removed upstream.
 * The source is read at run time from ../shared/data and never copied into the repository.
 */

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const DEFAULT_OUT_DIR = path.resolve(HERE, '../out/medquad-beir');
export const MEDQUAD_FILE = ['medquad', 'medquad.jsonl.gz'] as const;

export interface MedquadBeirOptions {
  /** Share of queries drawn for the test split (0–1), before the cap. */
  testFraction?: number;
  /** Most queries in the test split. */
  maxTestQueries?: number;
}

export const DEFAULT_OPTIONS: Required<MedquadBeirOptions> = { testFraction: 0.2, maxTestQueries: 2000 };

export interface SplitCounts {
  queries: number;
  /** Rows in qrels/<split>.tsv: one per (query, relevant document). */
  qrels: number;
}

export interface MedquadBeirSummary {
  outDir: string;
  /** Rows in the source file. */
  rows: number;
  /** Rows left out: no answer (removed upstream) or no question. */
  rowsSkipped: number;
  docs: number;
  queries: number;
  /** Rows that asked a question an earlier row had asked about the same focus. */
  rowsMergedIntoEarlierQuery: number;
  test: SplitCounts;
  train: SplitCounts;
}

interface MedquadRow {
  question: string;
  answer: string;
  focus: string;
  qtype: string;
  collection: string;
  url: string;
}

interface Doc {
  id: string;
  title: string;
  text: string;
  collection: string;
  url: string;
}

interface Query {
  id: string;
  text: string;
  focus: string;
  qtype: string;
  /** Relevant document ids, in the order first seen. */
  relevant: Set<string>;
}

export async function buildMedquadBeir(
  srcFile: string,
  outDir: string,
  options: MedquadBeirOptions = {},
): Promise<MedquadBeirSummary> {
  const { testFraction, maxTestQueries } = { ...DEFAULT_OPTIONS, ...options };
  if (!(testFraction >= 0 && testFraction <= 1)) throw new RangeError(`testFraction must be within 0–1, got ${testFraction}`);
  if (!Number.isInteger(maxTestQueries) || maxTestQueries < 0) {
    throw new RangeError(`maxTestQueries must be a whole number ≥ 0, got ${maxTestQueries}`);
  }

  const rows = readRows(srcFile);
  const docs = new Map<string, Doc>();
  const queries = new Map<string, Query>();
  const keyOfId = new Map<string, string>();
  let skipped = 0;
  let merged = 0;

  for (const row of rows) {
    const answer = row.answer.trim();
    const question = row.question.trim();
    if (answer === '' || question === '') {
      skipped++;
      continue;
    }
    const docId = `d${hash16(`doc\u0000${answer}`)}`;
    checkUnique(keyOfId, docId, answer);
    if (!docs.has(docId)) {
      docs.set(docId, { id: docId, title: row.focus.trim(), text: answer, collection: row.collection, url: row.url });
    }

    const key = `${normalise(row.focus)}\u0000${normalise(question)}`;
    const queryId = `q${hash16(`query\u0000${key}`)}`;
    checkUnique(keyOfId, queryId, key);
    const query = queries.get(queryId);
    if (query) {
      merged++;
      query.relevant.add(docId);
    } else {
      const focus = row.focus.trim();
      queries.set(queryId, { id: queryId, text: question, focus, qtype: row.qtype, relevant: new Set([docId]) });
    }
  }

  const testIds = chooseTest([...queries.keys()], testFraction, maxTestQueries);
  const test = [...queries.values()].filter((q) => testIds.has(q.id));
  const train = [...queries.values()].filter((q) => !testIds.has(q.id));

  mkdirSync(path.join(outDir, 'qrels'), { recursive: true });
  const corpusLines = [...docs.values()].map((d) =>
    JSON.stringify({ _id: d.id, title: d.title, text: d.text, metadata: { collection: d.collection, url: d.url } }),
  );
  const queryLines = [...queries.values()].map((q) =>
    JSON.stringify({ _id: q.id, text: q.text, metadata: { focus: q.focus, qtype: q.qtype } }),
  );
  writeFileSync(path.join(outDir, 'corpus.jsonl'), lines(corpusLines));
  writeFileSync(path.join(outDir, 'queries.jsonl'), lines(queryLines));
  writeFileSync(path.join(outDir, 'qrels', 'test.tsv'), qrelsTsv(test));
  writeFileSync(path.join(outDir, 'qrels', 'train.tsv'), qrelsTsv(train));

  const count = (split: Query[]): SplitCounts => ({
    queries: split.length,
    qrels: split.reduce((sum, q) => sum + q.relevant.size, 0),
  });
  return {
    outDir,
    rows: rows.length,
    rowsSkipped: skipped,
    docs: docs.size,
    queries: queries.size,
    rowsMergedIntoEarlierQuery: merged,
    test: count(test),
    train: count(train),
  };
}

/**
 * The test split: the queries whose split hash falls below `fraction`, at most `max` of them
 * (the smallest hashes first). Depends only on the query ids, never on their order.
 */
export function chooseTest(queryIds: readonly string[], fraction: number, max: number): Set<string> {
  const drawn = queryIds
    .map((id) => ({ id, at: splitPoint(id) }))
    .filter((q) => q.at < fraction)
    .sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return new Set(drawn.slice(0, max).map((q) => q.id));
}

/** A query id's place in [0, 1): the first 52 bits of a sha256, so it is exact in a double. */
export function splitPoint(queryId: string): number {
  return Number.parseInt(createHash('sha256').update(`split\u0000${queryId}`).digest('hex').slice(0, 13), 16) / 2 ** 52;
}

function readRows(file: string): MedquadRow[] {
  const raw = readFileSync(file);
  const text = (raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw) : raw).toString('utf8');
  const rows: MedquadRow[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    let value: Record<string, unknown>;
    try {
      value = JSON.parse(line) as Record<string, unknown>;
    } catch (error) {
      throw new Error(`${file}, line ${index + 1}: not valid JSON (${(error as Error).message})`);
    }
    const field = (name: string) => (typeof value[name] === 'string' ? (value[name] as string) : '');
    rows.push({
      question: field('question'),
      answer: field('answer'),
      focus: field('focus'),
      qtype: field('qtype'),
      collection: field('collection'),
      url: field('url'),
    });
  });
  return rows;
}

function qrelsTsv(queries: readonly Query[]): string {
  const rows = ['query-id\tcorpus-id\tscore'];
  for (const query of queries) for (const docId of query.relevant) rows.push(`${query.id}\t${docId}\t1`);
  return lines(rows);
}

function lines(items: readonly string[]): string {
  return items.length === 0 ? '' : `${items.join('\n')}\n`;
}

function normalise(text: string): string {
  return text.normalize('NFC').replace(/\s+/g, ' ').trim().toLowerCase();
}

/** 64 bits of sha256 as 16 hex digits: collisions among ~30,000 ids are vanishingly unlikely, and checked. */
function hash16(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

function checkUnique(keyOfId: Map<string, string>, id: string, key: string): void {
  const earlier = keyOfId.get(id);
  if (earlier === undefined) keyOfId.set(id, key);
  else if (earlier !== key) throw new Error(`id ${id} was given to two different texts; lengthen the hash`);
}

export const NO_SHARED_DATA_MESSAGE = `bench/retrieval: ${sharedDataDir} is absent, so there is no MedQuAD to build from (the shared public data sets are not committed; place ../shared/data beside the project). Nothing built.`;

async function main(): Promise<void> {
  if (!hasSharedData) {
    console.log(NO_SHARED_DATA_MESSAGE);
    return;
  }
  const outDir = path.resolve(process.argv[2] ?? DEFAULT_OUT_DIR);
  const s = await buildMedquadBeir(sharedDataPath(...MEDQUAD_FILE), outDir);
  const n = (value: number) => value.toLocaleString('en-US');
  const shown = path.relative(process.cwd(), outDir);
  console.log(`MedQuAD → BEIR layout in ${shown === '' ? '.' : shown.startsWith('..') ? outDir : shown}`);
  console.log(`| | count |\n|---|---:|`);
  console.log(`| source rows | ${n(s.rows)} |`);
  console.log(`| rows without an answer (skipped) | ${n(s.rowsSkipped)} |`);
  console.log(`| documents (distinct answers) | ${n(s.docs)} |`);
  console.log(`| queries (distinct focus + question) | ${n(s.queries)} |`);
  console.log(`| rows merged into an earlier query | ${n(s.rowsMergedIntoEarlierQuery)} |`);
  console.log(`| test queries / qrels rows | ${n(s.test.queries)} / ${n(s.test.qrels)} |`);
  console.log(`| train queries / qrels rows | ${n(s.train.queries)} / ${n(s.train.qrels)} |`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
