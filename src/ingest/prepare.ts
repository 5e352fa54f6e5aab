import { withoutControlCharacters } from '../domain/control-characters.js';
import { buildPassages, type ChunkOptions, type Passage } from '../domain/passage.js';
import { buildSource, type Source, type SourceInput } from '../domain/source.js';
import { createTextBuilder } from '../domain/text.js';

/**
 * Turns what a reader produced into a Source and its passages. A record with no text (a MEDLINE
 * citation without an abstract) gets its title as its only passage, so it can still be found.
 * Control characters (NUL …) go first, here, whatever the reader: every backend then stores the
 * same text under the same passage ids.
 */
export function prepareSource(read: SourceInput, chunk: ChunkOptions): { source: Source; passages: Passage[] } {
  const input = withoutControlCharacters(read);
  const complete = input.paragraphs.length > 0 || input.title.trim() === '' ? input : withTitleAsText(input);
  const source = buildSource(complete);
  return { source, passages: buildPassages(source, complete.paragraphs, chunk) };
}

function withTitleAsText(input: SourceInput): SourceInput {
  const builder = createTextBuilder();
  builder.addParagraph(['Title'], input.title);
  return { ...input, ...builder.build() };
}
