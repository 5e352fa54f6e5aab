import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { CitemedError } from '../../domain/errors.js';
import type { Qrels } from '../../domain/qrels.js';
import type { DatasetDoc, DatasetQuery, RetrievalDataset } from '../../ports/dataset.js';
import { readLines, type Line } from './lines.js';

/**
 * A data set in BEIR's layout (Thakur et al., 2021), as its `GenericDataLoader` reads it:
 *
 *   corpus.jsonl     one document per line: {"_id", "title", "text"}; title may be empty
 *   queries.jsonl    one query per line: {"_id", "text"}
 *   qrels/<split>.tsv  query-id <TAB> corpus-id <TAB> score, after a header line
 *
 * Either .jsonl file may instead be gzip-compressed as .jsonl.gz (when both exist, the plain
 * one is read). Other fields ("metadata") are ignored. Line breaks may be LF or CRLF.
 */

export const BEIR_LAYOUT =
  'a BEIR data set is a folder holding corpus.jsonl (or corpus.jsonl.gz), queries.jsonl (or queries.jsonl.gz) ' +
  'and qrels/<split>.tsv, e.g. qrels/test.tsv';

const JSONL_HINT = 'each line of a BEIR .jsonl file must be one JSON object with a string "_id" and "text"';
const QRELS_HINT = 'each line of a BEIR qrels file is query-id, corpus-id and a whole-number score, separated by tabs';

export async function openBeirDataset(dir: string): Promise<RetrievalDataset> {
  const root = path.resolve(dir);
  const info = await stat(root).catch(() => undefined);
  if (!info) throw missing(`no BEIR data set at ${root}: the folder does not exist`);
  if (!info.isDirectory()) throw missing(`${root} is not a folder`);

  const corpusFile = await pickJsonl(root, 'corpus');
  const queriesFile = await pickJsonl(root, 'queries');
  const qrelsDir = path.join(root, 'qrels');
  const names = await readdir(qrelsDir).catch(() => [] as string[]);
  const splits = names
    .filter((name) => name.endsWith('.tsv'))
    .map((name) => name.slice(0, -'.tsv'.length))
    .sort();
  if (splits.length === 0) throw missing(`${root} has no relevance judgments: no qrels/<split>.tsv files in ${qrelsDir}`);

  return {
    description: `BEIR data set ${root} (${path.basename(corpusFile)}, ${path.basename(queriesFile)}; splits ${splits.join(', ')})`,
    corpus: () => readCorpus(corpusFile),
    queries: () => readQueries(queriesFile),
    async qrels(split) {
      if (!splits.includes(split)) {
        throw new CitemedError('not-found', `no qrels for split "${split}" in ${qrelsDir} (there are: ${splits.join(', ')})`, {
          hint: `choose one of: ${splits.join(', ')}`,
        });
      }
      return readQrels(path.join(qrelsDir, `${split}.tsv`));
    },
    splits: async () => [...splits],
  };
}

async function* readCorpus(file: string): AsyncIterable<DatasetDoc> {
  for await (const line of readLines(file)) {
    if (line.text.trim() === '') continue;
    const record = parseObject(file, line);
    const title = record['title'];
    if (title !== undefined && title !== null && typeof title !== 'string') {
      throw badLine(file, line, '"title" must be a string', JSONL_HINT);
    }
    yield { id: idOf(file, line, record), title: title ?? '', text: textOf(file, line, record) };
  }
}

async function readQueries(file: string): Promise<DatasetQuery[]> {
  const queries: DatasetQuery[] = [];
  const lineOfId = new Map<string, number>();
  for await (const line of readLines(file)) {
    if (line.text.trim() === '') continue;
    const record = parseObject(file, line);
    const id = idOf(file, line, record);
    const earlier = lineOfId.get(id);
    if (earlier !== undefined) throw badLine(file, line, `query id "${id}" was already used on line ${earlier}`, JSONL_HINT);
    lineOfId.set(id, line.number);
    queries.push({ id, text: textOf(file, line, record) });
  }
  return queries;
}

async function readQrels(file: string): Promise<Qrels> {
  const qrels = new Map<string, Map<string, number>>();
  let first = true;
  for await (const line of readLines(file)) {
    if (line.text.trim() === '') continue;
    const fields = line.text.split('\t').map((field) => field.trim());
    const isHeader = first && /^[A-Za-z_-]+$/.test(fields[2] ?? '');
    first = false;
    if (isHeader) continue;
    if (fields.length !== 3) {
      throw badLine(file, line, `expected 3 tab-separated fields (query-id, corpus-id, score), found ${fields.length}`, QRELS_HINT);
    }
    const [queryId = '', docId = '', score = ''] = fields;
    if (queryId === '' || docId === '') throw badLine(file, line, 'empty query-id or corpus-id', QRELS_HINT);
    if (!/^[+-]?\d+$/.test(score)) throw badLine(file, line, `bad score "${score}": expected a whole number`, QRELS_HINT);
    const grade = Number.parseInt(score, 10);
    let judgments = qrels.get(queryId);
    if (!judgments) {
      judgments = new Map();
      qrels.set(queryId, judgments);
    }
    const earlier = judgments.get(docId);
    if (earlier !== undefined && earlier !== grade) {
      throw badLine(
        file,
        line,
        `query "${queryId}", document "${docId}" was already judged ${earlier} on an earlier line; this line says ${grade}`,
        'keep one judgment per query and document',
      );
    }
    judgments.set(docId, grade);
  }
  return qrels;
}

function parseObject(file: string, line: Line): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(line.text);
  } catch (error) {
    throw badLine(file, line, `not valid JSON (${(error as Error).message})`, JSONL_HINT);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw badLine(file, line, 'expected a JSON object', JSONL_HINT);
  }
  return value as Record<string, unknown>;
}

/** BEIR ids are strings; a whole number is accepted and read as its decimal text. */
function idOf(file: string, line: Line, record: Record<string, unknown>): string {
  const id = record['_id'];
  if (typeof id === 'string' && id !== '') return id;
  if (typeof id === 'number' && Number.isSafeInteger(id)) return String(id);
  throw badLine(file, line, id === undefined ? 'no "_id"' : '"_id" must be a non-empty string', JSONL_HINT);
}

function textOf(file: string, line: Line, record: Record<string, unknown>): string {
  const text = record['text'];
  if (typeof text === 'string') return text;
  throw badLine(file, line, text === undefined ? 'no "text"' : '"text" must be a string', JSONL_HINT);
}

async function pickJsonl(root: string, name: 'corpus' | 'queries'): Promise<string> {
  for (const candidate of [`${name}.jsonl`, `${name}.jsonl.gz`]) {
    const file = path.join(root, candidate);
    if ((await stat(file).catch(() => undefined))?.isFile()) return file;
  }
  throw missing(`${root} has no ${name}.jsonl or ${name}.jsonl.gz`);
}

function missing(message: string): CitemedError {
  return new CitemedError('not-found', message, { hint: BEIR_LAYOUT });
}

function badLine(file: string, line: Line, problem: string, hint: string): CitemedError {
  return new CitemedError('unsupported-format', `${file}, line ${line.number}: ${problem}`, { hint });
}
