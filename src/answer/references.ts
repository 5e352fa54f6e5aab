import type { EvidenceSource, Reference } from '../domain/answer.js';
import { EVIDENCE_LEVEL_LABELS, type EvidenceLevel } from '../domain/evidence-level.js';

/**
 * The reference list: AMA style (American Medical Association Manual of Style, 11th edition),
 * with links and the evidence level of each source.
 *
 *   Doe J, Roe R, Poe P, et al. Title of the article. Journal. 2020. doi:10.1000/xyz. PMID: 123.
 *
 * AMA lists up to six authors and, past six, the first three and "et al". Volume, issue and pages
 * are not kept by the library, so a citation ends with the year and the identifiers, which find
 * the work unambiguously.
 */

/** Short labels, as the reference product shows them beside each reference. */
export const REFERENCE_LABELS: Readonly<Record<EvidenceLevel, string>> = {
  guideline: 'Guideline',
  'systematic-review': 'Systematic review',
  'randomized-trial': 'Randomized trial',
  observational: 'Observational study',
  'case-report': 'Case report',
  'review-opinion': 'Review',
  'in-house': 'In-house overview',
  unclassified: EVIDENCE_LEVEL_LABELS.unclassified,
};

export function amaCitation(source: EvidenceSource): string {
  if (source.format === 'markdown' || source.format === 'html' || source.format === 'pdf') {
    if (source.evidenceLevel === 'in-house') {
      const status = source.statusNote ?? (source.reviewStatus === 'approved' ? 'Approved by a medical reviewer' : 'Not medically reviewed');
      return `${sentence(source.title)} In-house overview${source.published ? `, updated ${source.published}` : ''}. ${sentence(status)}`;
    }
  }
  const parts: string[] = [];
  const authors = amaAuthors(source.authors);
  if (authors) parts.push(`${authors}.`);
  parts.push(sentence(source.title));
  if (source.journal) parts.push(`${source.journal.replace(/\.$/, '')}.`);
  if (source.year !== undefined) parts.push(`${source.year}.`);
  if (source.ids.doi) parts.push(`doi:${source.ids.doi}.`);
  if (source.ids.pmid) parts.push(`PMID: ${source.ids.pmid}.`);
  if (source.ids.pmcid) parts.push(`PMCID: ${source.ids.pmcid}.`);
  return parts.join(' ');
}

function amaAuthors(authors: readonly string[]): string {
  if (authors.length === 0) return '';
  const shown = authors.length > 6 ? [...authors.slice(0, 3), 'et al'] : authors;
  return shown.join(', ');
}

/** Ends with one full stop (or the title's own ? or !). */
function sentence(text: string): string {
  const trimmed = text.trim();
  return /[.?!]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

export function referenceLinks(source: EvidenceSource): { label: string; url: string }[] {
  const links: { label: string; url: string }[] = [];
  if (source.ids.pmid) links.push({ label: `PubMed ${source.ids.pmid}`, url: `https://pubmed.ncbi.nlm.nih.gov/${encodeURIComponent(source.ids.pmid)}/` });
  if (source.ids.pmcid) links.push({ label: source.ids.pmcid, url: `https://www.ncbi.nlm.nih.gov/pmc/articles/${encodeURIComponent(source.ids.pmcid)}/` });
  if (source.ids.doi) links.push({ label: `doi:${source.ids.doi}`, url: `https://doi.org/${source.ids.doi.split('/').map(encodeURIComponent).join('/')}` });
  return links;
}

/**
 * Numbers the cited sources 1, 2, … in order of first citation (bottom line first, then the
 * sections in order), as a reader meets them.
 */
export function buildReferences(citedInOrder: readonly { evidenceId: string; source: EvidenceSource }[]): Reference[] {
  const bySource = new Map<string, Reference>();
  for (const { evidenceId, source } of citedInOrder) {
    let reference = bySource.get(source.id);
    if (!reference) {
      reference = {
        number: bySource.size + 1,
        source,
        citation: amaCitation(source),
        label: REFERENCE_LABELS[source.evidenceLevel],
        links: referenceLinks(source),
        evidence: [],
      };
      bySource.set(source.id, reference);
    }
    if (!reference.evidence.includes(evidenceId)) reference.evidence.push(evidenceId);
  }
  return [...bySource.values()];
}
