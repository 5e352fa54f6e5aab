import type Database from 'better-sqlite3';
import type { Passage } from '../../domain/passage.js';
import { DOCUMENT_FORMATS, type Source } from '../../domain/source.js';
import { recordOutcomes } from '../../domain/ingest-progress.js';
import { decideUpsert } from '../../domain/versioning.js';
import type { FileProgress, WriteBatch, WriteOp, WriteResult } from '../../ports/store.js';
import { sourceToData } from './rows.js';

interface ExistingRow {
  rid: number;
  content_hash: string;
  version_number: number;
  version_revised: string | null;
  origin_path: string;
  format: string;
}


/** Applies write batches: each batch, with its file checkpoint, is one IMMEDIATE transaction. */
export function createWriter(db: Database.Database) {
  const q = {
    existing: db.prepare(
      'SELECT rid, content_hash, version_number, version_revised, origin_path, format FROM sources WHERE id = ?',
    ),
    tombstone: db.prepare('SELECT origin_path FROM tombstones WHERE source_id = ?'),
    insertSource: db.prepare(
      `INSERT INTO sources (id, pmid, pmcid, doi, format, title, journal, year, evidence_level, integrity,
         review_status, version_number, version_revised, content_hash, origin_path, data, text, terms, status_note, ingested_at, updated_at)
       VALUES (@id, @pmid, @pmcid, @doi, @format, @title, @journal, @year, @evidence_level, @integrity,
         @review_status, @version_number, @version_revised, @content_hash, @origin_path, @data, @text, @terms, @status_note, @now, @now)`,
    ),
    updateSource: db.prepare(
      `UPDATE sources SET pmid = @pmid, pmcid = @pmcid, doi = @doi, format = @format, title = @title,
         journal = @journal, year = @year, evidence_level = @evidence_level, integrity = @integrity,
         review_status = @review_status, version_number = @version_number, version_revised = @version_revised,
         content_hash = @content_hash, origin_path = @origin_path, data = @data, text = @text, terms = @terms,
         status_note = @status_note, updated_at = @now
       WHERE rid = @rid`,
    ),
    deleteSource: db.prepare('DELETE FROM sources WHERE rid = ?'),
    deleteFts: db.prepare('DELETE FROM passages_fts WHERE rowid IN (SELECT rowid FROM passages WHERE source_rid = ?)'),
    deletePassages: db.prepare('DELETE FROM passages WHERE source_rid = ?'),
    insertPassage: db.prepare(
      'INSERT INTO passages (id, source_rid, ordinal, section, start, end, text) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    insertFts: db.prepare('INSERT INTO passages_fts (rowid, title, section, body, terms) VALUES (?, ?, ?, ?, ?)'),
    tomb: db.prepare(
      `INSERT INTO tombstones (source_id, origin_path, deleted_at) VALUES (?, ?, ?)
       ON CONFLICT(source_id) DO UPDATE SET origin_path = excluded.origin_path, deleted_at = excluded.deleted_at`,
    ),
    progress: db.prepare(
      `INSERT INTO ingest_files (key, path, status, data, updated_at) VALUES (@key, @path, @status, @data, @now)
       ON CONFLICT(key) DO UPDATE SET path = excluded.path, status = excluded.status, data = excluded.data,
         updated_at = excluded.updated_at`,
    ),
  };

  /** A source's passages, each indexed with its source's title and terms (as `sourceParams` gives them). */
  function insertPassages(rid: number, { title, terms }: { title: string; terms: string | null }, passages: readonly Passage[]): void {
    for (const p of passages) {
      const { lastInsertRowid } = q.insertPassage.run(p.id, rid, p.ordinal, p.section, p.start, p.end, p.text);
      q.insertFts.run(lastInsertRowid, title, p.section, p.text, terms ?? '');
    }
  }

  function removePassages(rid: number): void {
    q.deleteFts.run(rid);
    q.deletePassages.run(rid);
  }

  function upsert(source: Source, passages: readonly Passage[], now: string): WriteResult {
    const existing = q.existing.get(source.id) as ExistingRow | undefined;
    if (!existing) {
      const tomb = q.tombstone.get(source.id) as { origin_path: string } | undefined;
      if (tomb) return { sourceId: source.id, outcome: 'deleted-earlier', detail: tomb.origin_path };
    }
    if (existing && DOCUMENT_FORMATS.has(existing.format) && existing.origin_path !== source.origin.path) {
      return { sourceId: source.id, outcome: 'id-collision', detail: existing.origin_path };
    }
    const stored = existing && {
      contentHash: existing.content_hash,
      version: existing.version_revised
        ? { number: existing.version_number, revised: existing.version_revised }
        : { number: existing.version_number },
    };
    const decision = decideUpsert(stored, { contentHash: source.contentHash, version: source.version });
    if (decision === 'unchanged') return { sourceId: source.id, outcome: 'unchanged' };
    if (decision === 'keep-newer') return { sourceId: source.id, outcome: 'kept-newer', detail: existing?.origin_path ?? '' };
    const params = sourceParams(source, now);
    if (existing) {
      removePassages(existing.rid);
      q.updateSource.run({ ...params, rid: existing.rid });
      insertPassages(existing.rid, params, passages);
      return { sourceId: source.id, outcome: 'updated' };
    }
    const { lastInsertRowid } = q.insertSource.run(params);
    insertPassages(Number(lastInsertRowid), params, passages);
    return { sourceId: source.id, outcome: 'added' };
  }

  function remove(sourceId: string, origin: string, now: string): WriteResult {
    const existing = q.existing.get(sourceId) as ExistingRow | undefined;
    q.tomb.run(sourceId, origin, now);
    if (!existing) return { sourceId, outcome: 'delete-missing' };
    removePassages(existing.rid);
    q.deleteSource.run(existing.rid);
    return { sourceId, outcome: 'deleted' };
  }

  function apply(op: WriteOp, now: string): WriteResult {
    const result = op.kind === 'upsert' ? upsert(op.source, op.passages, now) : remove(op.sourceId, op.origin, now);
    const line = op.kind === 'upsert' ? op.source.origin.line : op.line;
    return line === undefined ? result : { ...result, line };
  }

  function saveProgress(progress: FileProgress, now: string): void {
    q.progress.run({ key: progress.key, path: progress.path, status: progress.status, data: JSON.stringify(progress), now });
  }

  const transaction = db.transaction((batch: WriteBatch) => {
    const results = batch.ops.map((op) => apply(op, batch.now));
    if (batch.progress) saveProgress(recordOutcomes(batch.progress, results), batch.now);
    return results;
  });

  return {
    write(batch: WriteBatch): WriteResult[] {
      // IMMEDIATE takes the write lock at the start, so a busy library fails before any work.
      return transaction.immediate(batch);
    },
  };
}

function sourceParams(source: Source, now: string) {
  return {
    id: source.id,
    pmid: source.ids.pmid ?? null,
    pmcid: source.ids.pmcid ?? null,
    doi: source.ids.doi ?? null,
    format: source.origin.format,
    title: source.title,
    journal: source.journal ?? null,
    year: source.year ?? null,
    evidence_level: source.evidenceLevel,
    integrity: source.integrity.status,
    review_status: source.reviewStatus ?? null,
    version_number: source.version.number,
    version_revised: source.version.revised ?? null,
    content_hash: source.contentHash,
    origin_path: source.origin.path,
    data: sourceToData(source),
    text: source.text,
    // What a search reads with every candidate (schema 7): as TERMS_FIELD_SQL reads them from `data`.
    terms: indexTerms(source) || null,
    status_note: source.statusNote ?? null,
    now,
  };
}

/** A source's MeSH descriptors and keywords as the index's terms field holds them. */
function indexTerms(source: Source): string {
  return [...source.mesh.map((m) => m.descriptor), ...source.keywords].join('; ');
}
