import type pg from 'pg';
import { recordOutcomes } from '../../domain/ingest-progress.js';
import type { Passage } from '../../domain/passage.js';
import type { Source } from '../../domain/source.js';
import type { FileProgress, WriteBatch, WriteResult } from '../../ports/store.js';
import { slices, unnestFrom, type Column } from './bulk.js';
import type { PostgresDatabase } from './connection.js';
import { isRetryable } from './errors.js';
import { indexLexemes, tsvectorText } from './lexemes.js';
import { sourceToData, termsOf } from './rows.js';
import { recordDataChange, type StateDelta } from './state.js';
import { planWrite, type Content, type StoredSource } from './write-plan.js';

/**
 * Applies write batches: each batch, with its file checkpoint, is one transaction. The batch's
 * stored sources are locked (FOR UPDATE, in id order so two writers cannot deadlock on them)
 * before its ops are decided, so two writers of one record take turns. Two writers adding the
 * same new record meet on its unique id instead; the loser's transaction is rolled back and run
 * again, and then finds the record stored (`unchanged`).
 */
export function createWriter(db: PostgresDatabase) {
  async function write(batch: WriteBatch): Promise<WriteResult[]> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await db.transaction((client) => writeBatch(client, batch));
      } catch (error) {
        if (!isRetryable(error) || attempt >= MAX_ATTEMPTS) throw error;
        // A little jitter, so two retrying writers do not collide again at once.
        await new Promise((resolve) => setTimeout(resolve, attempt * (10 + Math.random() * 40)));
      }
    }
  }
  return { write };
}

const MAX_ATTEMPTS = 5;

async function writeBatch(client: pg.PoolClient, batch: WriteBatch): Promise<WriteResult[]> {
  const ids = [...new Set(batch.ops.map((op) => (op.kind === 'upsert' ? op.source.id : op.sourceId)))].sort();
  const stored = await readStored(client, ids);
  const tombstones = await readTombstones(client, ids);
  const plan = planWrite(batch.ops, stored, tombstones);

  const delta: StateDelta = { sources: 0, passages: 0, tokens: { title: 0, section: 0, body: 0, terms: 0 } };
  await removePassages(client, [...plan.deletes, ...plan.updates.map((u) => u.rid)], delta);
  if (plan.deletes.length > 0) {
    await client.query('DELETE FROM sources WHERE rid = ANY($1::bigint[])', [plan.deletes]);
    delta.sources -= plan.deletes.length;
  }
  for (const slice of slices(plan.updates)) await updateSources(client, slice, batch.now);
  const added = await insertSources(client, plan.inserts, batch.now);
  delta.sources += added.length;
  await insertPassages(client, [...plan.updates, ...added], delta);
  // In id order, like the locks above: two writers' tombstones never wait on each other in a cycle.
  await writeTombstones(client, [...plan.tombstones].sort((a, b) => (a.sourceId < b.sourceId ? -1 : 1)), batch.now);
  if (batch.progress) await saveProgress(client, recordOutcomes(batch.progress, plan.results), batch.now);
  // Last, so the state row stays locked only for the commit (state.ts).
  if (plan.deletes.length > 0 || plan.updates.length > 0 || plan.inserts.length > 0) await recordDataChange(client, delta);
  return plan.results;
}

async function readStored(client: pg.PoolClient, ids: readonly string[]): Promise<Map<string, StoredSource>> {
  const { rows } = await client.query<{
    rid: string;
    id: string;
    content_hash: string;
    version_number: number;
    version_revised: string | null;
    origin_path: string;
    format: string;
  }>(
    `SELECT rid, id, content_hash, version_number, version_revised, origin_path, format FROM sources
     WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE`,
    [ids],
  );
  return new Map(
    rows.map((r) => [
      r.id,
      {
        rid: r.rid,
        contentHash: r.content_hash,
        version: r.version_revised === null ? { number: r.version_number } : { number: r.version_number, revised: r.version_revised },
        originPath: r.origin_path,
        format: r.format,
      },
    ]),
  );
}

async function readTombstones(client: pg.PoolClient, ids: readonly string[]): Promise<Map<string, string>> {
  const { rows } = await client.query<{ source_id: string; origin_path: string }>(
    'SELECT source_id, origin_path FROM tombstones WHERE source_id = ANY($1::text[])',
    [ids],
  );
  return new Map(rows.map((r) => [r.source_id, r.origin_path]));
}

/** Deletes the passages of these sources, taking their tokens off the totals. */
async function removePassages(client: pg.PoolClient, sourceRids: readonly string[], delta: StateDelta): Promise<void> {
  if (sourceRids.length === 0) return;
  const { rows } = await client.query<{ n: number; title: string; section: string; body: string; terms: string }>(
    `WITH gone AS (DELETE FROM passages WHERE source_rid = ANY($1::bigint[])
                   RETURNING title_tokens, section_tokens, body_tokens, terms_tokens)
     SELECT count(*)::int AS n, coalesce(sum(title_tokens), 0) AS title, coalesce(sum(section_tokens), 0) AS section,
            coalesce(sum(body_tokens), 0) AS body, coalesce(sum(terms_tokens), 0) AS terms FROM gone`,
    [sourceRids],
  );
  const gone = rows[0];
  if (!gone) return;
  delta.passages -= gone.n;
  delta.tokens.title -= Number(gone.title);
  delta.tokens.section -= Number(gone.section);
  delta.tokens.body -= Number(gone.body);
  delta.tokens.terms -= Number(gone.terms);
}

/** A source's columns; `expr` reads the unnested value when it needs converting. */
const SOURCE_COLUMNS: readonly (Column<Source> & { expr?: string })[] = [
  { name: 'id', type: 'text[]', value: (s) => s.id },
  { name: 'pmid', type: 'text[]', value: (s) => s.ids.pmid ?? null },
  { name: 'pmcid', type: 'text[]', value: (s) => s.ids.pmcid ?? null },
  { name: 'doi', type: 'text[]', value: (s) => s.ids.doi ?? null },
  { name: 'format', type: 'text[]', value: (s) => s.origin.format },
  { name: 'title', type: 'text[]', value: (s) => s.title },
  { name: 'journal', type: 'text[]', value: (s) => s.journal ?? null },
  { name: 'year', type: 'int[]', value: (s) => s.year ?? null },
  { name: 'evidence_level', type: 'text[]', value: (s) => s.evidenceLevel },
  { name: 'integrity', type: 'text[]', value: (s) => s.integrity.status },
  { name: 'review_status', type: 'text[]', value: (s) => s.reviewStatus ?? null },
  { name: 'status_note', type: 'text[]', value: (s) => s.statusNote ?? null },
  {
    // A list per row: unnest cannot take an array of arrays of different lengths, so JSON.
    name: 'publication_types',
    type: 'text[]',
    value: (s) => JSON.stringify(s.publicationTypes.map((t) => t.toLowerCase())),
    expr: 'ARRAY(SELECT json_array_elements_text(u.publication_types::json))',
  },
  { name: 'terms', type: 'text[]', value: termsOf },
  { name: 'version_number', type: 'int[]', value: (s) => s.version.number },
  { name: 'version_revised', type: 'text[]', value: (s) => s.version.revised ?? null },
  { name: 'content_hash', type: 'text[]', value: (s) => s.contentHash },
  { name: 'origin_path', type: 'text[]', value: (s) => s.origin.path },
  { name: 'data', type: 'text[]', value: sourceToData },
  { name: 'text', type: 'text[]', value: (s) => s.text },
];

const columnExpr = (c: { name: string; expr?: string }): string => c.expr ?? `u.${c.name}`;

async function updateSources(client: pg.PoolClient, updates: readonly (Content & { rid: string })[], now: string): Promise<void> {
  const params: unknown[] = [now];
  const rows = updates.map((u) => ({ ...u.source, rid: u.rid }));
  const columns: (Column<Source & { rid: string }> & { expr?: string })[] = [
    { name: 'rid', type: 'bigint[]', value: (s) => s.rid },
    ...SOURCE_COLUMNS.filter((c) => c.name !== 'id'),
  ];
  const from = unnestFrom(columns, rows, params);
  const set = columns.filter((c) => c.name !== 'rid').map((c) => `${c.name} = ${columnExpr(c)}`);
  await client.query(`UPDATE sources AS s SET ${set.join(', ')}, updated_at = $1::timestamptz FROM ${from} WHERE s.rid = u.rid`, params);
}

/** Inserts new sources; returns them with their row ids. */
async function insertSources(client: pg.PoolClient, inserts: readonly Content[], now: string): Promise<(Content & { rid: string })[]> {
  const out: (Content & { rid: string })[] = [];
  for (const slice of slices(inserts)) {
    const params: unknown[] = [now];
    const from = unnestFrom(SOURCE_COLUMNS, slice.map((c) => c.source), params);
    const { rows } = await client.query<{ rid: string; id: string }>(
      `INSERT INTO sources (${SOURCE_COLUMNS.map((c) => c.name).join(', ')}, ingested_at, updated_at)
       SELECT ${SOURCE_COLUMNS.map(columnExpr).join(', ')}, $1::timestamptz, $1::timestamptz FROM ${from}
       RETURNING rid, id`,
      params,
    );
    const rids = new Map(rows.map((r) => [r.id, r.rid]));
    for (const content of slice) out.push({ ...content, rid: rids.get(content.source.id) ?? '' });
  }
  return out;
}

interface PassageInsert {
  passage: Passage;
  sourceRid: string;
  tokens: { title: number; section: number; body: number; terms: number };
  lexemes: string;
}

const PASSAGE_COLUMNS: readonly (Column<PassageInsert> & { expr?: string })[] = [
  { name: 'id', type: 'text[]', value: (r) => r.passage.id },
  { name: 'source_rid', type: 'bigint[]', value: (r) => r.sourceRid },
  { name: 'ordinal', type: 'int[]', value: (r) => r.passage.ordinal },
  { name: 'section', type: 'text[]', value: (r) => r.passage.section },
  { name: 'start_offset', type: 'int[]', value: (r) => r.passage.start },
  { name: 'end_offset', type: 'int[]', value: (r) => r.passage.end },
  { name: 'text', type: 'text[]', value: (r) => r.passage.text },
  { name: 'title_tokens', type: 'int[]', value: (r) => r.tokens.title },
  { name: 'section_tokens', type: 'int[]', value: (r) => r.tokens.section },
  { name: 'body_tokens', type: 'int[]', value: (r) => r.tokens.body },
  { name: 'terms_tokens', type: 'int[]', value: (r) => r.tokens.terms },
  { name: 'lexemes', type: 'text[]', value: (r) => r.lexemes, expr: 'u.lexemes::tsvector' },
];

/** Inserts the passages of written sources with their index vectors, adding their tokens to the totals. */
async function insertPassages(client: pg.PoolClient, written: readonly (Content & { rid: string })[], delta: StateDelta): Promise<void> {
  const rows: PassageInsert[] = [];
  for (const { source, passages, rid } of written) {
    // Title and terms are the same for every passage of a source: cut them once.
    const title = indexLexemes(source.title);
    const terms = indexLexemes(termsOf(source));
    for (const passage of passages) {
      const section = indexLexemes(passage.section);
      const body = indexLexemes(passage.text);
      const tokens = { title: title.length, section: section.length, body: body.length, terms: terms.length };
      rows.push({ passage, sourceRid: rid, tokens, lexemes: tsvectorText({ title, section, body, terms }) });
      delta.passages += 1;
      delta.tokens.title += tokens.title;
      delta.tokens.section += tokens.section;
      delta.tokens.body += tokens.body;
      delta.tokens.terms += tokens.terms;
    }
  }
  for (const slice of slices(rows)) {
    const params: unknown[] = [];
    const from = unnestFrom(PASSAGE_COLUMNS, slice, params);
    await client.query(
      `INSERT INTO passages (${PASSAGE_COLUMNS.map((c) => c.name).join(', ')}) SELECT ${PASSAGE_COLUMNS.map(columnExpr).join(', ')} FROM ${from}`,
      params,
    );
  }
}

async function writeTombstones(client: pg.PoolClient, tombstones: readonly { sourceId: string; originPath: string }[], now: string): Promise<void> {
  for (const slice of slices(tombstones)) {
    const params: unknown[] = [now];
    const from = unnestFrom<{ sourceId: string; originPath: string }>(
      [
        { name: 'source_id', type: 'text[]', value: (t) => t.sourceId },
        { name: 'origin_path', type: 'text[]', value: (t) => t.originPath },
      ],
      slice,
      params,
    );
    await client.query(
      `INSERT INTO tombstones (source_id, origin_path, deleted_at) SELECT u.source_id, u.origin_path, $1::timestamptz FROM ${from}
       ON CONFLICT (source_id) DO UPDATE SET origin_path = excluded.origin_path, deleted_at = excluded.deleted_at`,
      params,
    );
  }
}

async function saveProgress(client: pg.PoolClient, progress: FileProgress, now: string): Promise<void> {
  await client.query(
    `INSERT INTO ingest_files (key, path, status, data, updated_at) VALUES ($1, $2, $3, $4, $5::timestamptz)
     ON CONFLICT (key) DO UPDATE SET path = excluded.path, status = excluded.status, data = excluded.data,
       updated_at = excluded.updated_at`,
    [progress.key, progress.path, progress.status, JSON.stringify(progress), now],
  );
}
