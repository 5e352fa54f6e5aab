import { describe, expect, it } from 'vitest';
import type { EvidenceSource } from '../domain/answer.js';
import { amaCitation, buildReferences, referenceLinks } from './references.js';

const paper = (patch: Partial<EvidenceSource> = {}): EvidenceSource => ({
  id: 'pmid:19841363',
  title: 'Management and treatment of iliopsoas abscess',
  authors: ['Doe J', 'Roe R'],
  journal: 'Arch Surg',
  year: 2009,
  ids: { pmid: '19841363', doi: '10.1001/archsurg.2009.144' },
  format: 'medline',
  evidenceLevel: 'observational',
  integrity: 'ok',
  publicationTypes: ['Journal Article'],
  references: [],
  ...patch,
});

describe('references', () => {
  it('formats AMA style: authors, title, journal, year, doi and PMID', () => {
    expect(amaCitation(paper())).toBe('Doe J, Roe R. Management and treatment of iliopsoas abscess. Arch Surg. 2009. doi:10.1001/archsurg.2009.144. PMID: 19841363.');
  });

  it('lists six authors, and past six the first three and et al', () => {
    const six = ['A A', 'B B', 'C C', 'D D', 'E E', 'F F'];
    expect(amaCitation(paper({ authors: six, ids: {} }))).toMatch(/^A A, B B, C C, D D, E E, F F\. /);
    expect(amaCitation(paper({ authors: [...six, 'G G'], ids: {} }))).toMatch(/^A A, B B, C C, et al\. Management/);
  });

  it('cites an in-house overview with its review status', () => {
    const overview = paper({ id: 'doc:x', format: 'markdown', evidenceLevel: 'in-house', authors: [], ids: {}, published: '2026-11-23', statusNote: 'Sample content — not medically reviewed', reviewStatus: 'not-reviewed' });
    expect(amaCitation(overview)).toBe('Management and treatment of iliopsoas abscess. In-house overview, updated 2026-11-23. Sample content — not medically reviewed.');
  });

  it('links PubMed, PMC and the DOI', () => {
    expect(referenceLinks(paper({ ids: { pmid: '1', pmcid: 'PMC2', doi: '10.1/a b' } })).map((l) => l.url)).toEqual([
      'https://pubmed.ncbi.nlm.nih.gov/1/',
      'https://www.ncbi.nlm.nih.gov/pmc/articles/PMC2/',
      'https://doi.org/10.1/a%20b',
    ]);
  });

  it('numbers sources by first citation, one entry per source with every cited passage', () => {
    const a = paper();
    const b = paper({ id: 'pmid:2', evidenceLevel: 'guideline' });
    const refs = buildReferences([
      { evidenceId: 'E3', source: b },
      { evidenceId: 'E1', source: a },
      { evidenceId: 'E4', source: b },
    ]);
    expect(refs.map((r) => [r.number, r.source.id, r.label, r.evidence])).toEqual([
      [1, 'pmid:2', 'Guideline', ['E3', 'E4']],
      [2, 'pmid:19841363', 'Observational study', ['E1']],
    ]);
  });
});
