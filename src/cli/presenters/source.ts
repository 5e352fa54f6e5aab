import { EVIDENCE_LEVEL_LABELS } from '../../domain/evidence-level.js';
import { INTEGRITY_LABELS } from '../../domain/integrity.js';
import type { Passage } from '../../domain/passage.js';
import type { Source } from '../../domain/source.js';
import { formatCount, truncate, wrap } from '../format.js';

/** A source as text: citation block, status warnings, outline, references, optionally passages and text. */
export function presentSource(
  source: Source,
  passages: readonly Passage[],
  show: { passages: boolean; text: boolean },
  columns: number,
): string {
  const width = Math.max(60, Math.min(columns, 120)) - 4;
  const ids = Object.entries(source.ids)
    .filter(([, v]) => v)
    .map(([k, v]) => `${k.toUpperCase()} ${v}`)
    .join(' · ');
  const lines: string[] = [
    source.title,
    `${source.id}${ids ? ` · ${ids}` : ''}`,
    [source.authors.slice(0, 6).join(', ') + (source.authors.length > 6 ? ', et al.' : ''), source.journal, source.published ?? source.year]
      .filter(Boolean)
      .join(' · '),
    `Evidence level: ${EVIDENCE_LEVEL_LABELS[source.evidenceLevel]}`,
    `Publication types: ${source.publicationTypes.join(', ') || '—'}`,
    `Status: ${INTEGRITY_LABELS[source.integrity.status]}`,
  ];
  for (const link of source.integrity.links) {
    lines.push(`  ${link.relation}${link.pmid ? ` PMID ${link.pmid}` : ''}${link.citation ? ` — ${link.citation}` : ''}`);
  }
  if (source.reviewStatus && source.reviewStatus !== 'approved') {
    lines.push(`⚠ ${source.statusNote ?? 'Not medically reviewed'} (review status: ${source.reviewStatus})`);
  }
  if (source.mesh.length > 0) lines.push(`MeSH: ${source.mesh.map((m) => (m.majorTopic ? `${m.descriptor}*` : m.descriptor)).join('; ')}`);
  if (source.keywords.length > 0) lines.push(`Keywords: ${source.keywords.join('; ')}`);
  if (source.licence) lines.push(`Licence: ${source.licence}`);
  lines.push(`From: ${source.origin.path}${source.origin.line ? `:${source.origin.line}` : ''} (${source.origin.format})`);
  lines.push('', `Sections (${source.sections.length}), ${formatCount(source.text.length)} characters, ${passages.length} passages:`);
  for (const section of source.sections) lines.push(`  ${section.path.join(' › ')}  [${section.start}–${section.end}]`);
  if (source.references.length > 0) {
    lines.push('', `References (${source.references.length}):`);
    for (const ref of source.references) {
      const parts = ref.title ? [ref.title, ref.journal, ref.year] : [ref.text];
      const text = parts
        .filter((p) => p !== undefined && p !== '')
        .map((p) => String(p).replace(/\.$/, ''))
        .join('. ');
      const idText = [ref.pmid && `PMID ${ref.pmid}`, ref.doi && `DOI ${ref.doi}`].filter(Boolean).join(', ');
      const entry = `${ref.label ?? '-'}. ${text}.${idText ? ` ${idText}.` : ''}`;
      // Hanging indent: continuation lines start under the text, not under the number.
      lines.push(wrap(entry, width, '     ').replace(/^ {5}/, '  '));
    }
  }
  if (show.passages) {
    lines.push('', 'Passages:');
    for (const p of passages) {
      lines.push(`  #${p.ordinal} ${p.id} [${p.start}–${p.end}] § ${p.section}`);
      lines.push(wrap(truncate(p.text, 300), width, '      '));
    }
  }
  if (show.text) lines.push('', source.text);
  return lines.join('\n');
}
