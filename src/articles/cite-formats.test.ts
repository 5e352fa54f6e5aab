import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { referenceLinks } from '../answer/references.js';
import type { EvidenceSource } from '../domain/answer.js';
import { EVIDENCE_LEVELS } from '../domain/evidence-level.js';
import { INTEGRITY_STATUSES } from '../domain/integrity.js';
import { SOURCE_FORMATS } from '../domain/source.js';
import { bibtexEntries, citeItems, formatReferences, parseAuthorName, type CitableReference } from './cite-formats.js';

/** The sources are invented for these tests; ids and DOIs point nowhere real. */
const cite = (source: EvidenceSource): CitableReference => ({ source, links: referenceLinks(source) });

const trial: EvidenceSource = {
  id: 'pmid:32000001',
  title: 'Colchicine versus placebo for gout flares: a trial',
  authors: ['Smith JA', 'Nguyen VA'],
  journal: 'Arthritis Care & Research',
  year: 2020,
  published: '2020-05',
  ids: { pmid: '32000001', doi: '10.1002/acr_24180' },
  format: 'medline',
  evidenceLevel: 'randomized-trial',
  integrity: 'ok',
  publicationTypes: ['Randomized Controlled Trial'],
  references: [],
};

const anonymous: EvidenceSource = {
  id: 'pmid:31000002',
  title: 'Potassium above 6.5 mmol/L in 100% of {cases}: $5 & #1 ~ ^ \\ notes',
  authors: [],
  journal: 'Lancet',
  year: 2019,
  ids: { pmid: '31000002' },
  format: 'medline',
  evidenceLevel: 'case-report',
  integrity: 'retracted',
  publicationTypes: ['Case Reports'],
  references: [],
};

const overview: EvidenceSource = {
  id: 'doc:overview-iliopsoas-abscess',
  title: 'Management of iliopsoas abscess',
  authors: [],
  year: 2026,
  published: '2026-11-23',
  ids: {},
  format: 'markdown',
  evidenceLevel: 'in-house',
  integrity: 'ok',
  reviewStatus: 'not-reviewed',
  statusNote: 'Sample content — not medically reviewed',
  publicationTypes: [],
  references: [],
};

const ris = (...lines: string[]) => `${lines.join('\r\n')}\r\n`;

describe('RIS', () => {
  it('writes a journal article with its authors, journal, DOI, PMID, links and evidence level', () => {
    expect(formatReferences([cite(trial)], 'ris')).toBe(
      ris(
        'TY  - JOUR',
        'TI  - Colchicine versus placebo for gout flares: a trial',
        'AU  - Smith, J. A.',
        'AU  - Nguyen, V. A.',
        'JO  - Arthritis Care & Research',
        'PY  - 2020',
        'DO  - 10.1002/acr_24180',
        'AN  - 32000001',
        'UR  - https://pubmed.ncbi.nlm.nih.gov/32000001/',
        'UR  - https://doi.org/10.1002/acr_24180',
        'N1  - Evidence level: Randomized trial',
        'ER  - ',
      ),
    );
  });

  it('writes a work without authors, and says it is retracted', () => {
    expect(formatReferences([cite(anonymous)], 'ris')).toBe(
      ris(
        'TY  - JOUR',
        'TI  - Potassium above 6.5 mmol/L in 100% of {cases}: $5 & #1 ~ ^ \\ notes',
        'JO  - Lancet',
        'PY  - 2019',
        'AN  - 31000002',
        'UR  - https://pubmed.ncbi.nlm.nih.gov/31000002/',
        'N1  - Evidence level: Case report',
        'N1  - Retracted',
        'ER  - ',
      ),
    );
  });

  it('writes an in-house overview as a generic document with its review status', () => {
    expect(formatReferences([cite(overview)], 'ris')).toBe(
      ris(
        'TY  - GEN',
        'TI  - Management of iliopsoas abscess',
        'PY  - 2026',
        'N1  - Evidence level: In-house overview',
        'N1  - Updated 2026-11-23',
        'N1  - Sample content — not medically reviewed',
        'ER  - ',
      ),
    );
  });

  it('separates records by a blank line and keeps line breaks in titles from splitting a record', () => {
    const text = formatReferences([cite({ ...trial, title: 'Line one\nER  - line two' }), cite(overview)], 'ris');
    expect(text.split('\r\n').filter((line) => line.startsWith('ER  - '))).toHaveLength(2);
    expect(text).toContain('TI  - Line one ER - line two\r\n');
    expect(text).toContain('ER  - \r\n\r\nTY  - GEN\r\n');
  });
});

describe('BibTeX', () => {
  it('writes a journal article with a key from surname, year and a letter', () => {
    expect(formatReferences([cite(trial)], 'bibtex')).toBe(
      [
        '@article{smith2020a,',
        '  author = {Smith, J. A. and Nguyen, V. A.},',
        '  title = {{Colchicine versus placebo for gout flares: a trial}},',
        '  journal = {Arthritis Care \\& Research},',
        '  year = {2020},',
        '  doi = {10.1002/acr_24180},',
        '  url = {https://doi.org/10.1002/acr_24180},',
        '  pmid = {32000001},',
        '  note = {Evidence level: Randomized trial}',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('escapes every special character and keys a work without authors by its title', () => {
    expect(formatReferences([cite(anonymous)], 'bibtex')).toBe(
      [
        '@article{potassium2019a,',
        '  title = {{Potassium above 6.5 mmol/L in 100\\% of \\textbraceleft{}cases\\textbraceright{}: \\$5 \\& \\#1 \\textasciitilde{} \\textasciicircum{} \\textbackslash{} notes}},',
        '  journal = {Lancet},',
        '  year = {2019},',
        '  url = {https://pubmed.ncbi.nlm.nih.gov/31000002/},',
        '  pmid = {31000002},',
        '  note = {Evidence level: Case report. Retracted}',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('writes an in-house overview as @misc', () => {
    expect(formatReferences([cite(overview)], 'bibtex')).toBe(
      [
        '@misc{management2026a,',
        '  title = {{Management of iliopsoas abscess}},',
        '  howpublished = {In-house overview},',
        '  year = {2026},',
        '  note = {Evidence level: In-house overview. Updated 2026-11-23. Sample content — not medically reviewed}',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('gives works of the same first author and year the next letter', () => {
    const keys = citeItems([cite(trial), cite({ ...trial, id: 'pmid:2', title: 'Another' }), cite({ ...trial, id: 'pmid:3', authors: ['Smith B'] })]).map((i) => i.key);
    expect(keys).toEqual(['smith2020a', 'smith2020b', 'smith2020c']);
  });

  it('keeps a group author whole and braced', () => {
    const [entry] = bibtexEntries(citeItems([cite({ ...trial, authors: ['Smith JA', 'Heart Failure Society of America and Friends'] })]));
    expect(entry?.text).toContain('author = {Smith, J. A. and {Heart Failure Society of America and Friends}}');
  });

  it('has balanced braces and unique keys whatever the text (property)', () => {
    const text = fc.string({ unit: fc.constantFrom('{', '}', '\\', '%', '&', '$', '#', '_', '~', '^', 'a', 'Z', ' ', '\n', 'é', 'and', ',') , maxLength: 40 });
    const source = fc.record({
      title: text,
      authors: fc.array(text, { maxLength: 4 }),
      journal: fc.option(text, { nil: undefined }),
      year: fc.option(fc.integer({ min: 1900, max: 2030 }), { nil: undefined }),
      doi: fc.option(text, { nil: undefined }),
      pmid: fc.option(text, { nil: undefined }),
      format: fc.constantFrom(...SOURCE_FORMATS),
      evidenceLevel: fc.constantFrom(...EVIDENCE_LEVELS),
      integrity: fc.constantFrom(...INTEGRITY_STATUSES),
      statusNote: fc.option(text, { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.array(source, { maxLength: 12 }), (drawn) => {
        const references = drawn.map(({ doi, pmid, journal, year, statusNote, ...rest }, i): CitableReference =>
          cite({
            ...rest,
            id: `x:${i}`,
            ids: { ...(doi ? { doi } : {}), ...(pmid ? { pmid } : {}) },
            ...(journal ? { journal } : {}),
            ...(year !== undefined ? { year } : {}),
            ...(statusNote ? { statusNote } : {}),
            publicationTypes: [],
            references: [],
          }),
        );
        const entries = bibtexEntries(citeItems(references));
        expect(new Set(entries.map((e) => e.key)).size).toBe(entries.length);
        for (const entry of entries) {
          expect(entry.key).toMatch(/^[a-z]+(\d+|nd)[a-z]+$/);
          expect(entry.text.startsWith(`@`)).toBe(true);
          expect(balanced(entry.text)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});

/** BibTeX's own rule: every brace counts, escaped or not; depth never below zero and back to zero at the end. */
function balanced(text: string): boolean {
  let depth = 0;
  for (const c of text) {
    if (c === '{') depth += 1;
    if (c === '}') depth -= 1;
    if (depth < 0) return false;
  }
  return depth === 0;
}

describe('CSL-JSON', () => {
  it('writes items per the CSL schema', () => {
    expect(JSON.parse(formatReferences([cite(trial), cite(anonymous), cite(overview)], 'csl-json'))).toEqual([
      {
        id: 'smith2020a',
        type: 'article-journal',
        title: 'Colchicine versus placebo for gout flares: a trial',
        author: [
          { family: 'Smith', given: 'J. A.' },
          { family: 'Nguyen', given: 'V. A.' },
        ],
        'container-title': 'Arthritis Care & Research',
        issued: { 'date-parts': [[2020, 5]] },
        DOI: '10.1002/acr_24180',
        PMID: '32000001',
        URL: 'https://doi.org/10.1002/acr_24180',
        note: 'Evidence level: Randomized trial',
      },
      {
        id: 'potassium2019a',
        type: 'article-journal',
        title: 'Potassium above 6.5 mmol/L in 100% of {cases}: $5 & #1 ~ ^ \\ notes',
        'container-title': 'Lancet',
        issued: { 'date-parts': [[2019]] },
        PMID: '31000002',
        URL: 'https://pubmed.ncbi.nlm.nih.gov/31000002/',
        note: 'Evidence level: Case report. Retracted',
      },
      {
        id: 'management2026a',
        type: 'document',
        genre: 'In-house overview',
        title: 'Management of iliopsoas abscess',
        issued: { 'date-parts': [[2026, 11, 23]] },
        note: 'Evidence level: In-house overview. Updated 2026-11-23. Sample content — not medically reviewed',
      },
    ]);
  });
});

describe('author names', () => {
  it('reads the forms the library holds', () => {
    expect(parseAuthorName('van der Berg K', 'medline')).toEqual({ family: 'van der Berg', given: 'K.' });
    expect(parseAuthorName('GOUT Trial Group', 'medline')).toEqual({ literal: 'GOUT Trial Group' });
    expect(parseAuthorName('Lovelace, Ada', 'html')).toEqual({ family: 'Lovelace', given: 'Ada' });
    expect(parseAuthorName('Ada Lovelace', 'markdown')).toEqual({ family: 'Lovelace', given: 'Ada' });
    expect(parseAuthorName('Walker', 'medline')).toEqual({ family: 'Walker' });
  });
});
