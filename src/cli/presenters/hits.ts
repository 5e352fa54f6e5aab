import { EVIDENCE_LEVEL_LABELS } from '../../domain/evidence-level.js';
import { INTEGRITY_LABELS } from '../../domain/integrity.js';
import type { PassageHit, SourceSummary } from '../../ports/store.js';
import { truncate, wrap } from '../format.js';

const SNIPPET_CHARS = 420;

/** Ranked passages as text: rank, evidence level, title, journal and year, id, section, snippet, warnings. */
export function presentHits(query: string, hits: readonly PassageHit[], columns: number): string {
  if (hits.length === 0) return `No passages match "${query}". Try other words, or ingest more literature.`;
  const width = Math.max(60, Math.min(columns, 120)) - 6;
  const blocks = hits.map((hit, i) => {
    const s = hit.source;
    const lines = [
      `${String(i + 1).padStart(2)}. [${EVIDENCE_LEVEL_LABELS[s.evidenceLevel]}] ${s.title}`,
      `    ${citation(s)} · ${s.id} · score ${hit.score.toFixed(2)}`,
    ];
    if (hit.passage.section) lines.push(`    § ${hit.passage.section}`);
    lines.push(wrap(truncate(hit.passage.text.replace(/\s+/g, ' '), SNIPPET_CHARS), width, '    '));
    for (const warning of warnings(s)) lines.push(`    ⚠ ${warning}`);
    return lines.join('\n');
  });
  return blocks.join('\n\n');
}

export function citation(s: Pick<SourceSummary, 'journal' | 'year'>): string {
  return [s.journal, s.year].filter((v) => v !== undefined && v !== '').join(', ') || 'no journal or year';
}

/** What a reader must know before relying on a source. */
export function warnings(s: SourceSummary): string[] {
  const out: string[] = [];
  if (s.integrity !== 'ok') out.push(INTEGRITY_LABELS[s.integrity].toUpperCase());
  if (s.reviewStatus !== undefined && s.reviewStatus !== 'approved') out.push(s.statusNote ?? 'Not medically reviewed');
  return out;
}
