import type { Reader, ReaderItem } from '../../../reader.js';
import type { SourceInput } from '../../../../domain/source.js';

/** The bytes as a stream cut at the given offsets (sorted, duplicates allowed). */
export async function* chunked(bytes: Uint8Array, cuts: readonly number[] = []): AsyncIterable<Uint8Array> {
  let from = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    if (cut <= from || cut >= bytes.length) continue;
    yield bytes.subarray(from, cut);
    from = cut;
  }
  yield bytes.subarray(from);
}

export async function readAll(reader: Reader, content: string | Uint8Array, path: string, cuts: readonly number[] = []): Promise<ReaderItem[]> {
  const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : content;
  const items: ReaderItem[] = [];
  for await (const item of reader({ bytes: chunked(bytes, cuts), path })) items.push(item);
  return items;
}

/** The one source a single-document reader yields; fails the test with the items otherwise. */
export async function readOne(reader: Reader, content: string | Uint8Array, path: string, cuts: readonly number[] = []): Promise<SourceInput> {
  const items = await readAll(reader, content, path, cuts);
  const only = items[0];
  if (items.length !== 1 || only?.kind !== 'source') throw new Error(`expected one source, got ${JSON.stringify(items)}`);
  return only.source;
}

/** Paragraph texts of a source, in order. */
export function paragraphTexts(source: SourceInput): string[] {
  return source.paragraphs.map((p) => source.text.slice(p.start, p.end));
}

/** Paragraph texts with the path of their section: "Treatment > Oral iron: Take it daily". */
export function paragraphsWithPaths(source: SourceInput): string[] {
  return source.paragraphs.map((p) => `${source.sections[p.section]!.path.join(' > ')}: ${source.text.slice(p.start, p.end)}`);
}
