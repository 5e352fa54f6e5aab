import { hash } from 'node:crypto';
import { splitSentences, type Span } from './sentences.js';
import type { ParagraphSpan, SectionOutline, Source, SourceId } from './source.js';

/** A contiguous span of a source's text: the unit that is indexed, retrieved and cited. */
export interface Passage {
  /** Hash of source id + text: re-ingesting the same text gives the same id. */
  id: string;
  sourceId: SourceId;
  /** 0-based position among the source's passages. */
  ordinal: number;
  /** Section heading path joined with " › ", e.g. "Methods › Participants". */
  section: string;
  /** UTF-16 offsets into the source text: source.text.slice(start, end) === text. */
  start: number;
  end: number;
  text: string;
}

/** Chunk sizes, in characters (UTF-16 code units), not tokens. */
export interface ChunkOptions {
  /** Longest passage; longer paragraphs are split at sentence boundaries. */
  maxChars: number;
  /** Paragraphs shorter than this are merged with the next one in the same section. */
  minChars: number;
}

export const SECTION_SEPARATOR = ' › ';

export function passageId(sourceId: SourceId, text: string): string {
  return hash('sha256', `${sourceId}\u0000${text}`, 'hex').slice(0, 32);
}

/**
 * Cuts a source's paragraphs into passages that respect sections and sentences:
 * a passage never crosses a section boundary and, unless one sentence alone is longer than
 * maxChars, never ends inside a sentence. Identical text within a source yields one passage.
 */
export function buildPassages(
  source: Pick<Source, 'id' | 'text' | 'sections'>,
  paragraphs: readonly ParagraphSpan[],
  options: ChunkOptions,
): Passage[] {
  const passages: Passage[] = [];
  const seen = new Set<string>();
  for (const chunk of chunkParagraphs(source.text, paragraphs, options)) {
    const text = source.text.slice(chunk.start, chunk.end);
    const id = passageId(source.id, text);
    if (seen.has(id)) continue;
    seen.add(id);
    passages.push({
      id,
      sourceId: source.id,
      ordinal: passages.length,
      section: sectionLabel(source.sections[chunk.section]),
      start: chunk.start,
      end: chunk.end,
      text,
    });
  }
  return passages;
}

export function sectionLabel(section: SectionOutline | undefined): string {
  return section ? section.path.join(SECTION_SEPARATOR) : '';
}

export interface Chunk extends Span {
  section: number;
}

export function chunkParagraphs(
  text: string,
  paragraphs: readonly ParagraphSpan[],
  options: ChunkOptions,
): Chunk[] {
  const pieces: Chunk[] = [];
  for (const paragraph of paragraphs) {
    for (const span of splitLong(text, paragraph, options.maxChars)) {
      pieces.push({ ...span, section: paragraph.section });
    }
  }
  const chunks: Chunk[] = [];
  for (const piece of pieces) {
    const current = chunks[chunks.length - 1];
    const canMerge =
      current !== undefined &&
      current.section === piece.section &&
      current.end - current.start < options.minChars &&
      piece.end - current.start <= options.maxChars;
    if (canMerge) current.end = piece.end;
    else chunks.push({ ...piece });
  }
  return chunks;
}

/** Splits a span longer than maxChars at sentence ends, packing whole sentences up to maxChars. */
function splitLong(text: string, span: Span, maxChars: number): Span[] {
  if (span.end - span.start <= maxChars) return [span];
  const packed: Span[] = [];
  for (const sentence of splitSentences(text, span.start, span.end)) {
    const pieces = sentence.end - sentence.start > maxChars ? hardSplit(text, sentence, maxChars) : [sentence];
    for (const piece of pieces) {
      const current = packed[packed.length - 1];
      if (current && piece.end - current.start <= maxChars) current.end = piece.end;
      else packed.push({ ...piece });
    }
  }
  return packed;
}

/** Last resort for a sentence longer than maxChars: cut at the last space before the limit. */
function hardSplit(text: string, span: Span, maxChars: number): Span[] {
  const pieces: Span[] = [];
  let start = span.start;
  while (span.end - start > maxChars) {
    let cut = text.lastIndexOf(' ', start + maxChars);
    if (cut <= start) cut = start + maxChars;
    // Never cut a surrogate pair (an emoji or a rare CJK character) in half.
    if (isHighSurrogate(text.charCodeAt(cut - 1))) cut = cut - 1 > start ? cut - 1 : cut + 1;
    pieces.push({ start, end: cut });
    start = cut;
    while (start < span.end && text.charAt(start) === ' ') start++;
  }
  if (start < span.end) pieces.push({ start, end: span.end });
  return pieces;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
