import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  deriveIntegrity,
  inheritedIntegrity,
  INTEGRITY_LABELS,
  INTEGRITY_STATUSES,
  type CorrectionLink,
  type IntegrityStatus,
} from './integrity.js';

const fromTypes = (...publicationTypes: string[]): IntegrityStatus =>
  deriveIntegrity({ publicationTypes, links: [] }).status;
const fromLinks = (...relations: string[]): IntegrityStatus =>
  deriveIntegrity({ publicationTypes: [], links: relations.map((relation) => ({ relation })) }).status;

describe('deriveIntegrity from publication types', () => {
  it.each([
    [['Journal Article', 'Retracted Publication'], 'retracted'],
    [['Retraction of Publication'], 'retraction-notice'],
    [['Published Erratum'], 'correction-notice'],
    [['Expression of Concern'], 'correction-notice'],
    [['Journal Article', 'Corrected and Republished Article'], 'ok'],
    [['Journal Article', 'Randomized Controlled Trial'], 'ok'],
    [[], 'ok'],
  ] as const)('%j → %s', (types, expected) => {
    expect(fromTypes(...types)).toBe(expected);
  });

  it('ignores case and surrounding whitespace', () => {
    expect(fromTypes('  RETRACTED publication\n')).toBe('retracted');
    expect(fromTypes('retraction OF publication')).toBe('retraction-notice');
  });
});

describe('deriveIntegrity from CommentsCorrections links', () => {
  it.each([
    ['RetractionIn', 'retracted'],
    ['ExpressionOfConcernIn', 'expression-of-concern'],
    ['UpdateIn', 'superseded'],
    ['CorrectedandRepublishedIn', 'superseded'],
    ['ErratumIn', 'corrected'],
    ['PartialRetractionIn', 'corrected'],
    ['RetractionOf', 'retraction-notice'],
    ['ErratumFor', 'correction-notice'],
    ['ExpressionOfConcernFor', 'correction-notice'],
    ['CommentOn', 'ok'],
    ['CommentIn', 'ok'],
    ['ReprintOf', 'ok'],
    ['Cites', 'ok'],
  ] as const)('%s → %s', (relation, expected) => {
    expect(fromLinks(relation)).toBe(expected);
  });

  it('ignores case and surrounding whitespace in the relation', () => {
    expect(fromLinks(' retractionin ')).toBe('retracted');
    expect(fromLinks('ERRATUMIN')).toBe('corrected');
  });

  it('keeps only links that bear on integrity, unchanged and in order', () => {
    const links: CorrectionLink[] = [
      { relation: 'CommentOn', pmid: '111', citation: 'BMJ. 2010;340:c1' },
      { relation: 'ErratumIn', pmid: '222', citation: 'Lancet. 2010 Feb 6;375(9713):445' },
      { relation: 'ReprintIn', pmid: '333' },
      { relation: 'RetractionIn', pmid: '444' },
      { relation: 'CommentIn', pmid: '555' },
    ];
    const integrity = deriveIntegrity({ publicationTypes: ['Journal Article'], links });
    expect(integrity).toEqual({ status: 'retracted', links: [links[1], links[3]] });
  });

  it('keeps an UpdateOf link without changing the status (the newer version is not suspect)', () => {
    const link = { relation: 'UpdateOf', pmid: '999' };
    expect(deriveIntegrity({ publicationTypes: [], links: [link] })).toEqual({ status: 'ok', links: [link] });
  });
});

describe('most serious status wins', () => {
  it('combines publication types and links', () => {
    expect(
      deriveIntegrity({
        publicationTypes: ['Published Erratum'],
        links: [{ relation: 'ErratumIn' }, { relation: 'ExpressionOfConcernIn' }],
      }).status,
    ).toBe('expression-of-concern');
    expect(
      deriveIntegrity({ publicationTypes: ['Retracted Publication'], links: [{ relation: 'ErratumIn' }] }).status,
    ).toBe('retracted');
    expect(fromLinks('ErratumIn', 'UpdateIn')).toBe('superseded');
    expect(fromLinks('CommentOn', 'ErratumIn', 'CommentIn')).toBe('corrected');
  });

  // Reference: the status that comes first in INTEGRITY_STATUSES among those each input gives alone.
  const relations = [
    'RetractionIn', 'RetractionOf', 'ExpressionOfConcernIn', 'ExpressionOfConcernFor', 'UpdateIn', 'UpdateOf',
    'ErratumIn', 'ErratumFor', 'PartialRetractionIn', 'CommentOn', 'CommentIn', 'ReprintOf', 'Cites',
  ];
  const types = [
    'Journal Article', 'Retracted Publication', 'Retraction of Publication', 'Published Erratum',
    'Expression of Concern', 'Review',
  ];
  it('matches the rank of the worst single input, whatever the order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...types), { maxLength: 4 }),
        fc.array(fc.constantFrom(...relations), { maxLength: 5 }),
        (pubTypes, rels) => {
          const single = [...pubTypes.map((t) => fromTypes(t)), ...rels.map((r) => fromLinks(r))];
          const expected = INTEGRITY_STATUSES.find((s) => single.includes(s)) ?? 'ok';
          const links = rels.map((relation) => ({ relation }));
          expect(deriveIntegrity({ publicationTypes: pubTypes, links }).status).toBe(expected);
          expect(
            deriveIntegrity({ publicationTypes: [...pubTypes].reverse(), links: [...links].reverse() }).status,
          ).toBe(expected);
        },
      ),
    );
  });

  // Publication types and relations come from files; no string may hide a retraction.
  it('never lets an unknown publication type or relation lower the status', () => {
    const odd = fc.oneof(
      fc.string(),
      fc.constantFrom('constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'prototype'),
    );
    fc.assert(
      fc.property(fc.array(odd, { maxLength: 3 }), fc.array(odd, { maxLength: 3 }), (oddTypes, oddRelations) => {
        const integrity = deriveIntegrity({
          publicationTypes: ['Retracted Publication', ...oddTypes],
          links: [{ relation: 'ErratumIn', pmid: '1' }, ...oddRelations.map((relation) => ({ relation }))],
        });
        expect(integrity.status).toBe('retracted');
        expect(INTEGRITY_STATUSES).toContain(integrity.status);
      }),
    );
    expect(fromTypes('Constructor')).toBe('ok');
    expect(fromLinks('__proto__')).toBe('ok');
    expect(deriveIntegrity({ publicationTypes: [], links: [{ relation: 'constructor' }] }).links).toEqual([]);
  });
});

describe('labels', () => {
  it('has a label for every status', () => {
    for (const s of INTEGRITY_STATUSES) expect(INTEGRITY_LABELS[s]).toMatch(/\S/);
  });
});

describe('inheritedIntegrity', () => {
  it('gives a source the most serious status that another source of its work records', () => {
    expect(inheritedIntegrity('ok', ['retracted'])).toBe('retracted');
    expect(inheritedIntegrity('ok', ['corrected', 'expression-of-concern', 'ok'])).toBe('expression-of-concern');
    expect(inheritedIntegrity('corrected', ['superseded'])).toBe('superseded');
  });

  it('adds nothing when the siblings are no worse, or only notices', () => {
    expect(inheritedIntegrity('ok', [])).toBeUndefined();
    expect(inheritedIntegrity('ok', ['ok'])).toBeUndefined();
    expect(inheritedIntegrity('retracted', ['corrected'])).toBeUndefined();
    expect(inheritedIntegrity('ok', ['retraction-notice', 'correction-notice'])).toBeUndefined();
  });

  it('never turns a notice into the thing it gives notice of', () => {
    expect(inheritedIntegrity('retraction-notice', ['retracted'])).toBeUndefined();
  });
});
