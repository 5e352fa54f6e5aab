import type Database from 'better-sqlite3';
import type { PassageHit, PassageQuery } from '../../ports/store.js';
import { rowToPassage, rowToSummary, type PassageRow, type SummaryRow } from './rows.js';

/**
 * Full-text search over passages with FTS5's BM25, one weight per field (title, section, body,
 * terms). Query terms arrive already analysed; each is quoted here, so nothing a user types can
 * reach FTS5's query syntax.
 */
export function createSearch(db: Database.Database) {
  return function search(query: PassageQuery): PassageHit[] {
    const terms = query.terms.filter((t) => t.trim() !== '');
    if (terms.length === 0) return [];
    const where: string[] = ['passages_fts MATCH @match'];
    const params: Record<string, unknown> = {
      match: terms.map(quoteTerm).join(' OR '),
      limit: query.limit,
      wt: query.weights.title,
      ws: query.weights.section,
      wb: query.weights.body,
      wk: query.weights.terms,
    };
    if (query.evidenceLevels && query.evidenceLevels.length > 0) {
      const names = query.evidenceLevels.map((_, i) => `@level${i}`);
      query.evidenceLevels.forEach((level, i) => (params[`level${i}`] = level));
      where.push(`s.evidence_level IN (${names.join(', ')})`);
    }
    if (query.yearFrom !== undefined) {
      where.push('s.year >= @yearFrom');
      params.yearFrom = query.yearFrom;
    }
    if (query.yearTo !== undefined) {
      where.push('s.year <= @yearTo');
      params.yearTo = query.yearTo;
    }
    // bm25() is lower-is-better and negative; the port's score is higher-is-better.
    const sql = `
      SELECT p.rowid, p.id, p.ordinal, p.section, p.start, p.end, p.text, s.id AS source_id,
             s.title, s.journal, s.year, s.format, s.evidence_level, s.integrity, s.review_status,
             json_extract(s.data, '$.statusNote') AS status_note,
             -bm25(passages_fts, @wt, @ws, @wb, @wk) AS score
      FROM passages_fts
      JOIN passages p ON p.rowid = passages_fts.rowid
      JOIN sources s ON s.rid = p.source_rid
      WHERE ${where.join(' AND ')}
      ORDER BY score DESC
      LIMIT @limit`;
    const rows = db.prepare(sql).all(params) as (PassageRow & SummaryRow & { score: number })[];
    return rows.map((row) => ({ passage: rowToPassage(row), source: rowToSummary(row), score: row.score }));
  };
}

/** An FTS5 string literal: the term in double quotes, inner quotes doubled. */
export function quoteTerm(term: string): string {
  return `"${term.replace(/"/g, '""')}"`;
}
