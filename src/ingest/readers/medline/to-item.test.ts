import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeSpace } from '../../../domain/text.js';
import { emptyRecord } from './record.js';
import { normalizeFieldText, recordToItem, sectionLabel } from './to-item.js';

const origin = { path: '/data/x.xml', line: 7 };

describe('sectionLabel', () => {
  it.each([
    ['BACKGROUND', 'Background'],
    ['METHODS AND RESULTS', 'Methods and results'],
    ['DIAGNOSIS/TESTING', 'Diagnosis/testing'],
    ['RÉSULTATS', 'Résultats'],
    ['Methods and Findings', 'Methods and Findings'],
    ['HbA1c targets', 'HbA1c targets'],
    ['  AIMS\n ', 'Aims'],
    ['2016', '2016'],
  ])('%j → %j', (label, expected) => {
    expect(sectionLabel(label)).toBe(expected);
  });
});

describe('normalizeFieldText', () => {
  it('always agrees with normalizeSpace', () => {
    const unit = fc.constantFrom('a', ' ', '  ', '\t', '\n', '\r', '\f', '\v', '\u00a0', '\u2003', '\u3000', '\ufeff', '\u2028', 'é');
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 12 }), (value) => {
        expect(normalizeFieldText(value)).toBe(normalizeSpace(value));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('recordToItem', () => {
  it('skips records without a usable PMID', () => {
    expect(recordToItem({ ...emptyRecord('PubmedArticle') }, origin)).toEqual({
      kind: 'skip',
      line: 7,
      reason: '<PubmedArticle> has no PMID, so it cannot be identified',
    });
    expect(recordToItem({ ...emptyRecord('MedlineCitation'), pmid: '12a' }, origin)).toEqual({
      kind: 'skip',
      line: 7,
      reason: '<MedlineCitation> has PMID "12a", which is not a number',
    });
  });

  it('turns a DeleteCitation into a delete of its valid PMIDs, or a skip when there are none', () => {
    expect(recordToItem({ ...emptyRecord('DeleteCitation'), deletedPmids: ['1', 'x', '22'] }, origin)).toEqual({
      kind: 'delete',
      sourceIds: ['pmid:1', 'pmid:22'],
      line: 7,
    });
    expect(recordToItem(emptyRecord('DeleteCitation'), origin)).toEqual({ kind: 'skip', line: 7, reason: '<DeleteCitation> lists no valid PMID' });
  });

  it('reads PMID versions, defaulting to 1', () => {
    const version = (pmidVersion: string | undefined) => {
      const item = recordToItem({ ...emptyRecord('PubmedArticle'), pmid: '5', ...(pmidVersion === undefined ? {} : { pmidVersion }) }, origin);
      return item.kind === 'source' ? item.source.version.number : undefined;
    };
    expect([version(undefined), version('1'), version('3'), version('0'), version('x')]).toEqual([1, 1, 3, 1, 1]);
  });

  it('takes a PMC id from OtherID text like "PMC4688250 [Available on 12/22/16]" when PubmedData has none', () => {
    const item = recordToItem({ ...emptyRecord('MedlineCitation'), pmid: '5', nlmOtherIds: ['NIHMS703885', 'PMC4688250 [Available on 12/22/16]'] }, origin);
    expect(item.kind === 'source' && item.source.ids).toEqual({ pmid: '5', pmcid: 'PMC4688250' });
  });

  it('uses a whole book\'s publisher as its container and the book\'s authors when the document names none', () => {
    const item = recordToItem(
      {
        ...emptyRecord('PubmedBookArticle'),
        pmid: '9',
        bookTitle: 'Clinical Methods',
        publisher: 'Butterworths',
        bookAuthors: [{ valid: true, lastName: 'Walker', initials: 'HK' }],
      },
      origin,
    );
    expect(item.kind === 'source' && item.source).toMatchObject({ title: 'Clinical Methods', journal: 'Butterworths', authors: ['Walker HK'] });
  });
});
