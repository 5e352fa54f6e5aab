import { workKey, type Source } from '../domain/source.js';
import type { SourceSummary, SourceVersion } from '../ports/store.js';

/**
 * A source's summary as a search hit carries it, from the columns both database adapters select
 * under the same names (sources.id AS source_id, title, journal, …, pmid, doi). Optional fields
 * are left out when their column is NULL; `work` only when it is not the source's own id.
 */
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
  pmid: string | null;
  doi: string | null;
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
  const work = workKey(row.source_id, { ...(row.pmid === null ? {} : { pmid: row.pmid }), ...(row.doi === null ? {} : { doi: row.doi }) });
  if (work !== row.source_id) summary.work = work;
  return summary;
}

/** A row of the versions of works (`Store.versionsOf`), as both database adapters select it. */
export interface VersionRow {
  id: string;
  pmid: string | null;
  doi: string | null;
  integrity: Source['integrity']['status'];
}

export function rowToVersion(row: VersionRow): SourceVersion {
  const version: SourceVersion = { id: row.id, integrity: row.integrity };
  if (row.pmid !== null) version.pmid = row.pmid;
  if (row.doi !== null) version.doi = row.doi;
  return version;
}
