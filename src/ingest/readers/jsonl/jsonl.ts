import { PLAIN_RECORD_PREFIX, plainRecordSource } from '../../../domain/record-source.js';
import type { Reader, ReaderItem } from '../../reader.js';
import { decodeUtf8 } from '../bytes.js';
import { splitLines } from '../documents/lines.js';

/**
 * JSON lines: one work per line, `{"_id" | "id", "title", "text", "metadata"?}` — the corpus
 * layout of BEIR benchmarks, and an easy export format for other collections. `text` may hold
 * paragraphs separated by blank lines. Optional fields: `year`, `journal`, `url`, and in
 * `metadata` the same. Source ids are `jsonl:<id>`. A bad line is skipped with its number, and so
 * is a line whose id an earlier line of the file had (it would replace that work unseen): the
 * first is kept. Ids are remembered for the first `DUPLICATE_CHECK_LIMIT` works of a file.
 */
export const readJsonl: Reader = async function* ({ bytes, path }) {
  let line = 0;
  const seen = new Map<string, number>();
  for await (const raw of splitLines(decodeUtf8(bytes))) {
    line++;
    if (raw.trim() === '') continue;
    const item = parseLine(raw, line, path);
    if (item.kind === 'source') {
      const id = item.source.id;
      const first = seen.get(id);
      if (first !== undefined) {
        yield { kind: 'skip', line, recordId: id.slice(PLAIN_RECORD_PREFIX.length), reason: `the same id as line ${first}, which was kept`, repeated: true };
        continue;
      }
      if (seen.size < DUPLICATE_CHECK_LIMIT) seen.set(id, line);
    }
    yield item;
  }
};

/** Works of one file whose ids are remembered for finding duplicates (about 100 MB at most). */
const DUPLICATE_CHECK_LIMIT = 1_000_000;

function parseLine(raw: string, line: number, path: string): ReaderItem {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    return { kind: 'skip', line, reason: `not valid JSON (${(error as Error).message})` };
  }
  if (!isObject(value)) return { kind: 'skip', line, reason: 'not a JSON object' };
  const record = value;
  const meta = isObject(record.metadata) ? record.metadata : {};
  const rawId = record._id ?? record.id;
  const id = typeof rawId === 'number' && Number.isFinite(rawId) ? String(rawId) : typeof rawId === 'string' ? rawId.trim() : '';
  if (id === '') return { kind: 'skip', line, reason: 'no "_id" or "id"' };
  const title = typeof record.title === 'string' ? record.title.trim() : '';
  const text = typeof record.text === 'string' ? record.text : '';
  if (title === '' && text.trim() === '') return { kind: 'skip', line, recordId: id, reason: 'no title and no text' };

  const year = yearOf(record.year ?? meta.year);
  const journal = stringOf(record.journal ?? meta.journal);
  const source = plainRecordSource(
    { id, title, text, ...(year === undefined ? {} : { year }), ...(journal === undefined ? {} : { journal }) },
    { format: 'jsonl', path, line },
  );
  return { kind: 'source', source };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function yearOf(value: unknown): number | undefined {
  const n = typeof value === 'string' ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) && n >= 1000 && n <= 9999 ? n : undefined;
}
