import type { SourceInput, SourceOrigin } from './source.js';
import { createTextBuilder } from './text.js';

/** A plain record of a collection: an id, a title and text (paragraphs split by blank lines). */
export interface PlainRecord {
  id: string;
  title: string;
  text: string;
  year?: number;
  journal?: string;
}

/**
 * The Source of a plain record (a JSON-lines corpus line, a benchmark document). Its id is
 * `jsonl:<id>`; it has no MeSH, publication types or links, so its evidence level is unknown.
 */
export function plainRecordSource(record: PlainRecord, origin: SourceOrigin): SourceInput {
  const builder = createTextBuilder();
  for (const paragraph of record.text.split(/\n\s*\n/)) builder.addParagraph(['Text'], paragraph);
  return {
    id: `${PLAIN_RECORD_PREFIX}${record.id}`,
    ids: {},
    title: record.title.trim(),
    authors: [],
    publicationTypes: [],
    mesh: [],
    keywords: [],
    correctionLinks: [],
    version: { number: 1 },
    references: [],
    origin,
    ...builder.build(),
    ...(record.year === undefined ? {} : { year: record.year }),
    ...(record.journal === undefined ? {} : { journal: record.journal }),
  };
}

export const PLAIN_RECORD_PREFIX = 'jsonl:';
