import type { Passage } from '../../domain/passage.js';
import type { Source } from '../../domain/source.js';
import type { SourceSummary } from '../../ports/store.js';

/** Row shapes of the SQLite schema and their mapping to domain objects. */
export interface SourceRow {
  rid: number;
  id: string;
  data: string;
  text: string;
}

export interface PassageRow {
  rowid: number;
  id: string;
  source_id: string;
  ordinal: number;
  section: string;
  start: number;
  end: number;
  text: string;
}

/** Everything of a Source but its text, stored as JSON in sources.data. */
export type SourceData = Omit<Source, 'text'>;

export function sourceToData(source: Source): string {
  const { text: _text, ...data } = source;
  return JSON.stringify(data);
}

export function rowToSource(row: SourceRow): Source {
  return { ...(JSON.parse(row.data) as SourceData), text: row.text };
}

export function rowToPassage(row: PassageRow): Passage {
  return {
    id: row.id,
    sourceId: row.source_id,
    ordinal: row.ordinal,
    section: row.section,
    start: row.start,
    end: row.end,
    text: row.text,
  };
}

export interface SummaryRow {
  source_id: string;
  title: string;
  journal: string | null;
  year: number | null;
  format: Source['origin']['format'];
  evidence_level: Source['evidenceLevel'];
  integrity: Source['integrity']['status'];
  review_status: Source['reviewStatus'] | null;
  status_note: string | null;
}

export function rowToSummary(row: SummaryRow): SourceSummary {
  const summary: SourceSummary = {
    id: row.source_id,
    title: row.title,
    format: row.format,
    evidenceLevel: row.evidence_level,
    integrity: row.integrity,
  };
  if (row.journal !== null) summary.journal = row.journal;
  if (row.year !== null) summary.year = row.year;
  if (row.review_status !== null) summary.reviewStatus = row.review_status;
  if (row.status_note !== null) summary.statusNote = row.status_note;
  return summary;
}
