import type { Passage } from '../../domain/passage.js';
import { DOCUMENT_FORMATS, type RecordVersion, type Source, type SourceId } from '../../domain/source.js';
import { decideUpsert } from '../../domain/versioning.js';
import type { WriteOp, WriteResult } from '../../ports/store.js';

/**
 * What a write batch does, decided before any row is written. The SQLite writer applies ops one
 * by one; over a network that would be several round trips per record. Here the batch's stored
 * rows and tombstones are read at once, every op is decided in order against a running picture
 * of the library (so an op sees the ops before it in the same batch, exactly as one by one), and
 * only the net change is written, in a few bulk statements.
 */
export interface StoredSource {
  rid: string;
  contentHash: string;
  version: RecordVersion;
  originPath: string;
  format: string;
}

export interface Content {
  source: Source;
  passages: readonly Passage[];
}

export interface WritePlan {
  /** One per op, in order: what the port reports. */
  results: WriteResult[];
  /** Sources the library did not hold before the batch. */
  inserts: Content[];
  /** Stored sources whose row and passages are replaced. */
  updates: (Content & { rid: string })[];
  /** Row ids of stored sources to remove with their passages. */
  deletes: string[];
  /** Tombstones to write (the last delete of an id wins). */
  tombstones: { sourceId: SourceId; originPath: string }[];
}


/** What the batch has made of one id so far: a stored version, or nothing (null). */
type Current = Omit<StoredSource, 'rid'> | null;

export function planWrite(
  ops: readonly WriteOp[],
  stored: ReadonlyMap<SourceId, StoredSource>,
  tombstones: ReadonlyMap<SourceId, string>,
): WritePlan {
  const current = new Map<SourceId, Current>();
  const replaced = new Map<SourceId, Content>();
  const tombs = new Map(tombstones);
  const newTombs = new Map<SourceId, string>();
  const now = (id: SourceId): Current => (current.has(id) ? (current.get(id) ?? null) : (stored.get(id) ?? null));

  function upsert(source: Source, passages: readonly Passage[]): WriteResult {
    const existing = now(source.id);
    if (!existing) {
      const tomb = tombs.get(source.id);
      if (tomb !== undefined) return { sourceId: source.id, outcome: 'deleted-earlier', detail: tomb };
    }
    if (existing && DOCUMENT_FORMATS.has(existing.format) && existing.originPath !== source.origin.path) {
      return { sourceId: source.id, outcome: 'id-collision', detail: existing.originPath };
    }
    const decision = decideUpsert(existing ?? undefined, { contentHash: source.contentHash, version: source.version });
    if (decision === 'unchanged') return { sourceId: source.id, outcome: 'unchanged' };
    if (decision === 'keep-newer') return { sourceId: source.id, outcome: 'kept-newer', detail: existing?.originPath ?? '' };
    current.set(source.id, {
      contentHash: source.contentHash,
      version: source.version,
      originPath: source.origin.path,
      format: source.origin.format,
    });
    replaced.set(source.id, { source, passages });
    return { sourceId: source.id, outcome: existing ? 'updated' : 'added' };
  }

  function remove(sourceId: SourceId, origin: string): WriteResult {
    const existing = now(sourceId);
    tombs.set(sourceId, origin);
    newTombs.set(sourceId, origin);
    if (!existing) return { sourceId, outcome: 'delete-missing' };
    current.set(sourceId, null);
    replaced.delete(sourceId);
    return { sourceId, outcome: 'deleted' };
  }

  const results = ops.map((op): WriteResult => {
    const result = op.kind === 'upsert' ? upsert(op.source, op.passages) : remove(op.sourceId, op.origin);
    const line = op.kind === 'upsert' ? op.source.origin.line : op.line;
    return line === undefined ? result : { ...result, line };
  });

  const plan: WritePlan = { results, inserts: [], updates: [], deletes: [], tombstones: [] };
  for (const [id, final] of current) {
    const before = stored.get(id);
    const content = replaced.get(id);
    if (before && final === null) plan.deletes.push(before.rid);
    else if (before && content) plan.updates.push({ ...content, rid: before.rid });
    else if (!before && content) plan.inserts.push(content);
    // Added and deleted again within the batch: only the tombstone remains.
  }
  for (const [sourceId, originPath] of newTombs) plan.tombstones.push({ sourceId, originPath });
  return plan;
}
