import { describe, expect, it } from 'vitest';
import { buildSource, type SourceInput } from '../../../domain/source.js';
import type { ReaderItem } from '../../reader.js';
import { PREPRINT_STATUS_NOTE, refType, resultToItem } from './to-item.js';

const origin = { path: '/fetched/part-0001.europepmc.json', index: 4, line: 9 };

function source(item: ReaderItem): SourceInput {
  if (item.kind !== 'source') throw new Error(`expected a source, got ${JSON.stringify(item)}`);
  return item.source;
}

/** A hand-written result: obviously synthetic, only the fields a case needs. */
const base = { id: '90000201', source: 'MED', pmid: '90000201', title: 'A hand-written result (test fixture, not a real citation).' };

describe('resultToItem: ids', () => {
  it('keys a record with a PMID by it, whatever its other ids', () => {
    const item = resultToItem({ ...base, pmcid: 'pmc9000201', doi: 'https://doi.org/10.5555/x.1' }, origin);
    expect(source(item)).toMatchObject({ id: 'pmid:90000201', ids: { pmid: '90000201', pmcid: 'PMC9000201', doi: '10.5555/x.1' } });
  });

  it('takes the PMID from the id of a MED record, and from a number', () => {
    expect(source(resultToItem({ id: '90000202', source: 'MED', title: 't' }, origin)).id).toBe('pmid:90000202');
    expect(source(resultToItem({ id: 'x', source: 'MED', pmid: 90000203, title: 't' }, origin)).id).toBe('pmid:90000203');
  });

  it('keys a record PMC holds without a PMID by its PMCID, as the JATS reader keys the full text', () => {
    const item = resultToItem({ id: 'PMC9000204', source: 'PMC', title: 't', dateOfRevision: '2024-05-06' }, origin);
    expect(source(item)).toMatchObject({ id: 'pmc:PMC9000204', ids: { pmcid: 'PMC9000204' }, version: { number: 0, revised: '2024-05-06' } });
  });

  it('keys other records by Europe PMC source and id', () => {
    const item = resultToItem({ id: 'PPR900002', source: 'PPR', title: 'A preprint (test fixture, not a real citation).', dateOfRevision: '2024-01-02' }, origin);
    expect(source(item)).toMatchObject({ id: 'europepmc:PPR:PPR900002', ids: {}, version: { number: 1, revised: '2024-01-02' } });
  });

  it('ignores ids that are not what they claim', () => {
    const item = resultToItem({ id: 'AGR123', source: 'AGR', pmid: 'n/a', pmcid: '12345', doi: 'none', title: 't' }, origin);
    expect(source(item)).toMatchObject({ id: 'europepmc:AGR:AGR123', ids: {} });
  });
});

describe('resultToItem: skips', () => {
  it('skips what is not an object, or has no id, naming its index', () => {
    expect(resultToItem('MED:1', origin)).toEqual({ kind: 'skip', line: 9, reason: 'resultList.result[4] is not a JSON object' });
    expect(resultToItem({ title: 'no ids' }, origin)).toEqual({ kind: 'skip', line: 9, reason: 'resultList.result[4] has no PMID, no PMCID and no source and id' });
    expect(resultToItem({ id: 'has space', source: 'ETH', title: 't' }, origin)).toMatchObject({ kind: 'skip' });
  });

  it('skips a record with no title and no abstract, naming its index and id', () => {
    expect(resultToItem({ id: '90000205', source: 'MED', title: ' ', abstractText: '<p> </p>' }, origin)).toEqual({
      kind: 'skip',
      line: 9,
      recordId: 'pmid:90000205',
      reason: 'resultList.result[4] has no title and no abstract',
    });
    // Fields of the wrong type count as absent.
    expect(resultToItem({ id: '90000206', source: 'MED', title: 42, abstractText: ['text'] }, origin)).toMatchObject({ kind: 'skip' });
  });

  it('keeps a record with an abstract but no title', () => {
    const item = source(resultToItem({ id: '90000207', source: 'MED', abstractText: 'Only an abstract.' }, origin));
    expect(item.title).toBe('');
    expect(item.text).toBe('Only an abstract.');
  });
});

describe('resultToItem: fields', () => {
  it('reads title and abstract HTML to text, headings as sections', () => {
    const item = source(
      resultToItem({ ...base, title: 'Effect of <i>x</i> on CD4<sup>+</sup> counts', abstractText: 'Lead.<h4>OBJECTIVE</h4>Aim &gt; 1.<h4>Results</h4><p>R1.</p><p>R2.</p>' }, origin),
    );
    expect(item.title).toBe('Effect of x on CD4+ counts');
    expect(item.text).toBe('Lead.\n\nAim > 1.\n\nR1.\n\nR2.');
    expect(item.sections.map((section) => [section.path, item.text.slice(section.start, section.end)])).toEqual([
      [['Abstract'], 'Lead.'],
      [['Objective'], 'Aim > 1.'],
      [['Results'], 'R1.\n\nR2.'],
    ]);
    expect(item.paragraphs).toHaveLength(4);
  });

  it('writes authors as the MEDLINE reader does', () => {
    const authorList = {
      author: [
        { fullName: 'Fixture A', lastName: 'Fixture', initials: 'A.' },
        { lastName: 'Example', firstName: 'Jean-Paul' },
        { collectiveName: 'Citemed Fixture Group' },
        { fullName: 'Only Fullname' },
        'not an author',
        { lastName: 'Fixture', initials: 'A' },
      ],
    };
    expect(source(resultToItem({ ...base, authorList }, origin)).authors).toEqual(['Fixture A', 'Example JP', 'Citemed Fixture Group', 'Only Fullname']);
    expect(source(resultToItem({ ...base, authorString: 'Fixture A, Example BG, Sample D.' }, origin)).authors).toEqual(['Fixture A', 'Example BG', 'Sample D']);
    expect(source(resultToItem(base, origin)).authors).toEqual([]);
  });

  it('maps JATS article types and journal spellings to NLM publication types', () => {
    const pubTypeList = { pubType: ['research-article', 'review-article', 'Randomised controlled trial', 'Journal Article', 'Some Other Type'] };
    expect(source(resultToItem({ ...base, pubTypeList }, origin)).publicationTypes).toEqual([
      'Journal Article',
      'Review',
      'Randomized Controlled Trial',
      'Some Other Type',
    ]);
    // A single value, as converters of Europe PMC's XML write it, is a list of one.
    expect(source(resultToItem({ ...base, pubTypeList: { pubType: 'Practice Guideline' } }, origin)).publicationTypes).toEqual(['Practice Guideline']);
  });

  it('marks preprints, even when the record forgot to say', () => {
    const item = source(resultToItem({ id: 'PPR900003', source: 'PPR', title: 't', bookOrReportDetails: { publisher: 'Fixture Preprint Server' } }, origin));
    expect(item.publicationTypes).toEqual(['Preprint']);
    expect(item.statusNote).toBe(PREPRINT_STATUS_NOTE);
    expect(item.journal).toBe('Fixture Preprint Server');
    expect(source(resultToItem(base, origin)).statusNote).toBeUndefined();
  });

  it('reads MeSH headings, major when a qualifier is', () => {
    const meshHeadingList = {
      meshHeading: [
        { majorTopic_YN: 'N', descriptorName: 'Imaginary Fever', meshQualifierList: { meshQualifier: [{ qualifierName: 'therapy', majorTopic_YN: 'Y' }, { qualifierName: 'diagnosis', majorTopic_YN: 'N' }] } },
        { majorTopic_YN: 'Y', descriptorName: 'Fixtures' },
        { majorTopic_YN: 'N', descriptorName: 'Humans' },
        { majorTopic_YN: 'Y' },
      ],
    };
    expect(source(resultToItem({ ...base, meshHeadingList }, origin)).mesh).toEqual([
      { descriptor: 'Imaginary Fever', majorTopic: true, qualifiers: ['therapy', 'diagnosis'] },
      { descriptor: 'Fixtures', majorTopic: true, qualifiers: [] },
      { descriptor: 'Humans', majorTopic: false, qualifiers: [] },
    ]);
  });

  it('reads keywords, journal, year, date, language and licence', () => {
    const item = source(
      resultToItem(
        {
          ...base,
          keywordList: { keyword: ['fixturol', ' <i>test</i> data ', '', 'fixturol'] },
          journalInfo: { yearOfPublication: 2019, printPublicationDate: '2019-07-00', journal: { title: 'Citemed Test Fixtures', isoabbreviation: 'Citemed Test Fix' } },
          pubYear: '2019',
          firstPublicationDate: '2018-12-20',
          electronicPublicationDate: '2019-01-03',
          language: 'eng',
          license: 'cc by',
        },
        origin,
      ),
    );
    expect(item).toMatchObject({ keywords: ['fixturol', 'test data'], journal: 'Citemed Test Fixtures', year: 2019, published: '2019-07', language: 'eng', licence: 'cc by' });
    const sparse = source(resultToItem({ ...base, journalTitle: 'Citemed Test Fixtures', journalInfo: { yearOfPublication: 2017 } }, origin));
    expect(sparse).toMatchObject({ journal: 'Citemed Test Fixtures', year: 2017, published: '2017' });
    // A date of another year than the publication year (an early online date) is passed over.
    const early = source(resultToItem({ ...base, pubYear: '2019', firstPublicationDate: '2018-12-20', electronicPublicationDate: '2019-01-03' }, origin));
    expect(early).toMatchObject({ year: 2019, published: '2019-01-03' });
    expect(source(resultToItem(base, origin))).not.toHaveProperty('year');
  });
});

describe('resultToItem: comments, corrections and retraction status', () => {
  it('turns Europe PMC relation words into MEDLINE RefTypes', () => {
    expect(refType('Retraction in')).toBe('RetractionIn');
    expect(refType('Expression of concern for')).toBe('ExpressionOfConcernFor');
    expect(refType('Corrected and republished in')).toBe('CorrectedAndRepublishedIn');
  });

  it('reads the links and lets the domain derive the status from them', () => {
    const links = (type: string) => ({ ...base, commentCorrectionList: { commentCorrection: [{ id: '90000299', source: 'MED', type, reference: 'Citemed Test Fixtures. 2020;1:2', orderIn: 1 }] } });
    const retracted = source(resultToItem(links('Retraction in'), origin));
    expect(retracted.correctionLinks).toEqual([{ relation: 'RetractionIn', pmid: '90000299', citation: 'Citemed Test Fixtures. 2020;1:2' }]);
    const statusOf = (type: string) => buildSource(source(resultToItem(links(type), origin))).integrity.status;
    expect(statusOf('Retraction in')).toBe('retracted');
    expect(statusOf('Retraction of')).toBe('retraction-notice');
    expect(statusOf('Erratum in')).toBe('corrected');
    expect(statusOf('Expression of concern in')).toBe('expression-of-concern');
    expect(statusOf('Update in')).toBe('superseded');
    expect(statusOf('Comment in')).toBe('ok');
  });

  it('keeps a link to a record outside MEDLINE without a PMID, citing its note', () => {
    const item = source(resultToItem({ ...base, commentCorrectionList: { commentCorrection: [{ id: 'PMC1', source: 'PMC', type: 'Erratum in', note: 'See the erratum' }, { type: '' }] } }, origin));
    expect(item.correctionLinks).toEqual([{ relation: 'ErratumIn', citation: 'See the erratum' }]);
  });
});

describe('resultToItem: versions', () => {
  it('dates a PMID record by its revision, or ranks it below any MEDLINE record when it has none', () => {
    expect(source(resultToItem({ ...base, dateOfRevision: '2021-03-04' }, origin)).version).toEqual({ number: 1, revised: '2021-03-04' });
    expect(source(resultToItem(base, origin)).version).toEqual({ number: 0 });
    expect(source(resultToItem({ ...base, dateOfRevision: 'March 2021' }, origin)).version).toEqual({ number: 0 });
  });
});
