import type { Passage } from '../../domain/passage.js';
import type { Source } from '../../domain/source.js';

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

export { rowToSummary, rowToVersion, type SummaryRow, type VersionRow } from '../summary-rows.js';
