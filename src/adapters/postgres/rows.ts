import type { Passage } from '../../domain/passage.js';
import type { Source } from '../../domain/source.js';
import type { PassageHit } from '../../ports/store.js';
import { rowToSummary, type SummaryRow } from '../summary-rows.js';

/**
 * Row shapes of the PostgreSQL schema (migrations/0001_library.sql) and their mapping to domain
 * objects. `bigint` columns arrive from pg as strings; rows ids are only ever passed back to SQL.
 */

/** Everything of a Source but its text, stored as JSON text in sources.data. */
export type SourceData = Omit<Source, 'text'>;

export function sourceToData(source: Source): string {
  const { text: _text, ...data } = source;
  return JSON.stringify(data);
}

export function rowToSource(row: { data: string; text: string }): Source {
  return { ...(JSON.parse(row.data) as SourceData), text: row.text };
}

/** The index's fourth field: MeSH descriptors, then keywords, as the SQLite writer joins them. */
export function termsOf(source: Source): string {
  return [...source.mesh.map((m) => m.descriptor), ...source.keywords].join('; ');
}

export interface PassageRow {
  id: string;
  source_id: string;
  ordinal: number;
  section: string;
  start_offset: number;
  end_offset: number;
  text: string;
}

export function rowToPassage(row: PassageRow): Passage {
  return {
    id: row.id,
    sourceId: row.source_id,
    ordinal: row.ordinal,
    section: row.section,
    start: row.start_offset,
    end: row.end_offset,
    text: row.text,
  };
}

export { rowToSummary, rowToVersion, type SummaryRow, type VersionRow } from '../summary-rows.js';

/** What `hitColumns` selects: a passage, its source's summary, its other fields and a score. */
export type HitRow = PassageRow & SummaryRow & { terms: string; score: number };

/**
 * The columns of a search hit, for a query that joins `passages p` and `sources s` and has a
 * `score` from its ranking.
 */
export const HIT_COLUMNS = `p.id, p.ordinal, p.section, p.start_offset, p.end_offset, p.text, s.id AS source_id,
  s.title, s.journal, s.year, s.format, s.evidence_level, s.integrity, s.review_status, s.status_note, s.pmid, s.doi, s.terms`;

export function rowToHit(row: HitRow): PassageHit {
  return {
    passage: rowToPassage(row),
    source: rowToSummary(row),
    score: Number(row.score),
    fields: { title: row.title, section: row.section, terms: row.terms },
  };
}
