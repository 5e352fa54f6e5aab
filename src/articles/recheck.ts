import type { Answer, EvidenceSource, Reference } from '../domain/answer.js';
import type { FlagKind } from '../domain/article.js';
import { EVIDENCE_LEVEL_LABELS, EVIDENCE_LEVELS, type EvidenceLevel } from '../domain/evidence-level.js';
import { INTEGRITY_LABELS, type IntegrityStatus } from '../domain/integrity.js';
import type { Source, SourceId } from '../domain/source.js';
import { canSupport } from '../domain/integrity.js';

/**
 * Living articles: why an approved version may no longer hold, found by comparing what it cites
 * with the library as it is now. Pure; the caller looks the cited sources up and searches the
 * article's question again, and turns the drafts into flags (id, article, version, time).
 *
 * Three reasons, each a sentence an editor can act on:
 * - a cited source's retraction or correction status changed since the version was made;
 * - a cited source is no longer in the library;
 * - searching the question again finds stronger and newer evidence the version did not have.
 */

export interface RecheckInput {
  version: { number: number; createdAt: string; answer: Answer };
  /**
   * Each cited source as the library holds it now; undefined: no longer in the library. A source
   * the map has no entry for was not looked up, and raises nothing.
   */
  cited: ReadonlyMap<SourceId, Source | undefined>;
  /** Top results of searching the article's question again now, best first. */
  found: readonly EvidenceSource[];
}

export interface FlagDraft {
  kind: FlagKind;
  sourceId: SourceId;
  detail: string;
}

/** More would bury the reason in a list; the editor re-runs the question to see the rest. */
export const MAX_NEWER_EVIDENCE = 3;

/** Titles are cut in details so a flag stays one readable line. */
const TITLE_CHARS = 100;

/**
 * What a status a cited source newly has means for an article:
 * - retracted, expression of concern → 'retracted-source': the findings are withdrawn or formally
 *   doubted by the journal (a concern is the usual step before a retraction), so statements
 *   resting on them need a reviewer now;
 * - retraction notice → 'retracted-source': the record is now indexed as the notice retracting a
 *   paper; it reports no finding, so it backs nothing (`ask` never cites one);
 * - corrected, superseded, correction notice → 'corrected-source': the work still stands but its
 *   text or numbers may have changed, or a newer version replaces it;
 * - ok → nothing: a status lifted is no reason to doubt the article.
 */
const FLAG_FOR_STATUS: Readonly<Record<IntegrityStatus, FlagKind | undefined>> = {
  retracted: 'retracted-source',
  'expression-of-concern': 'retracted-source',
  'retraction-notice': 'retracted-source',
  superseded: 'corrected-source',
  corrected: 'corrected-source',
  'correction-notice': 'corrected-source',
  ok: undefined,
};

export function reReviewReasons(input: RecheckInput): FlagDraft[] {
  const { answer } = input.version;
  const drafts: FlagDraft[] = [];
  for (const reference of [...answer.references].sort((a, b) => a.number - b.number)) {
    const id = reference.source.id;
    if (!input.cited.has(id)) continue;
    const now = input.cited.get(id);
    const draft = now === undefined ? removedFromLibrary(reference) : integrityChanged(reference, now.integrity.status);
    if (draft) drafts.push(draft);
  }
  drafts.push(...newerEvidence(input));
  return drafts;
}

/** A status known when the version was made was weighed then; only a change raises a flag. */
function integrityChanged(reference: Reference, status: IntegrityStatus): FlagDraft | undefined {
  const was = reference.source.integrity;
  const kind = FLAG_FOR_STATUS[status];
  if (status === was || kind === undefined) return undefined;
  const before = was === 'ok' ? '' : ` (when this version was made: ${INTEGRITY_LABELS[was]})`;
  const notice = status === 'retraction-notice' || status === 'correction-notice' ? ': a notice about another publication, which supports no statement' : '';
  return {
    kind,
    sourceId: reference.source.id,
    detail: `Cited source ${describeCited(reference)} is now marked ${INTEGRITY_LABELS[status]}${notice}${before}.`,
  };
}

/**
 * A cited source gone from the library is flagged 'corrected-source', the mildest kind that still
 * asks for review: the statements citing it can no longer be checked against it, but its going
 * says nothing about its findings (a MEDLINE delete, a merged duplicate, a file taken out of the
 * library), so 'retracted-source' would assert what is not known, and 'newer-evidence' is about
 * other sources.
 */
function removedFromLibrary(reference: Reference): FlagDraft {
  return {
    kind: 'corrected-source',
    sourceId: reference.source.id,
    detail: `Cited source ${describeCited(reference)} is no longer in the library: it was removed or withdrawn, so the statements citing it can no longer be checked against it.`,
  };
}

/**
 * Found sources the version could not have weighed: not cited and not among the passages it
 * retrieved (those were in front of its reviewer; flags are about the library changing), able to
 * support a statement, of a strictly higher evidence level than the best the version cites, and
 * published after the newest source it cites (or, citing no dated source, after the version was
 * made). In search order, at most MAX_NEWER_EVIDENCE.
 */
function newerEvidence(input: RecheckInput): FlagDraft[] {
  const { answer, createdAt } = input.version;
  const seen = new Set<SourceId>([...answer.references.map((r) => r.source.id), ...answer.evidence.map((e) => e.source.id)]);
  const bestCited = Math.min(...answer.references.map((r) => levelRank(r.source.evidenceLevel)), levelRank('unclassified'));
  const citedYears = answer.references.flatMap((r) => (r.source.year === undefined ? [] : [r.source.year]));
  const after = citedYears.length > 0 ? Math.max(...citedYears) : new Date(createdAt).getUTCFullYear();
  const drafts: FlagDraft[] = [];
  for (const source of input.found) {
    if (drafts.length >= MAX_NEWER_EVIDENCE) break;
    if (seen.has(source.id)) continue;
    seen.add(source.id);
    if (!canSupport(source.integrity) || levelRank(source.evidenceLevel) >= bestCited) continue;
    if (source.year === undefined || !(source.year > after)) continue;
    drafts.push({
      kind: 'newer-evidence',
      sourceId: source.id,
      detail: `A newer ${EVIDENCE_LEVEL_LABELS[source.evidenceLevel].toLowerCase()} (${source.year}) may change this answer: "${clip(source.title)}" (${source.id}).`,
    });
  }
  return drafts;
}

/** Position in EVIDENCE_LEVELS, the domain's order of trust: lower is stronger. */
function levelRank(level: EvidenceLevel): number {
  return EVIDENCE_LEVELS.indexOf(level);
}

/** '[3] "Title" (pmid:123)': the number the reader sees, the title, the library id. */
function describeCited(reference: Reference): string {
  return `[${reference.number}] "${clip(reference.source.title)}" (${reference.source.id})`;
}

function clip(title: string): string {
  const flat = title.replace(/\s+/g, ' ').trim().replace(/\.$/, '');
  return flat.length <= TITLE_CHARS ? flat : `${flat.slice(0, TITLE_CHARS - 1).trimEnd()}…`;
}
