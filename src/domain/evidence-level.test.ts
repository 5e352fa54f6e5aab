import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  deriveEvidenceLevel,
  EVIDENCE_LEVEL_LABELS,
  EVIDENCE_LEVELS,
  isEvidenceLevel,
  type EvidenceLevel,
} from './evidence-level.js';

const level = (publicationTypes: string[], meshDescriptors: string[] = []): EvidenceLevel =>
  deriveEvidenceLevel({ publicationTypes, meshDescriptors });

describe('deriveEvidenceLevel from publication types', () => {
  // Lists as they appear in MEDLINE records: "Journal Article" is on nearly every one.
  const cases: ReadonlyArray<readonly [string[], EvidenceLevel]> = [
    [['Practice Guideline'], 'guideline'],
    [['Journal Article', 'Guideline'], 'guideline'],
    [['Consensus Development Conference, NIH', 'Journal Article'], 'guideline'],
    [['Journal Article', 'Practice Guideline', 'Systematic Review'], 'guideline'],
    [['Journal Article', 'Review', 'Systematic Review'], 'systematic-review'],
    [['Journal Article', 'Meta-Analysis', 'Review'], 'systematic-review'],
    [['Network Meta-Analysis', 'Journal Article'], 'systematic-review'],
    [['Journal Article', 'Meta-Analysis', 'Randomized Controlled Trial'], 'systematic-review'],
    [['Journal Article', 'Randomized Controlled Trial'], 'randomized-trial'],
    [['Clinical Trial, Phase III', 'Journal Article', 'Multicenter Study', 'Randomized Controlled Trial'], 'randomized-trial'],
    [['Equivalence Trial', 'Journal Article'], 'randomized-trial'],
    [['Journal Article', 'Observational Study'], 'observational'],
    [['Clinical Trial, Phase II', 'Journal Article'], 'observational'],
    [['Comparative Study', 'Journal Article', "Research Support, Non-U.S. Gov't"], 'observational'],
    [['Case Reports', 'Review'], 'case-report'],
    [['Case Reports', 'Journal Article'], 'case-report'],
    [['Journal Article', 'Review'], 'review-opinion'],
    [['Editorial'], 'review-opinion'],
    [['Comment', 'Letter'], 'review-opinion'],
    [['Journal Article', 'Scoping Review'], 'review-opinion'],
    [['Journal Article'], 'unclassified'],
    [['Published Erratum'], 'unclassified'],
    [[], 'unclassified'],
  ];
  it.each(cases)('%j → %s', (types, expected) => {
    expect(level(types)).toBe(expected);
  });

  it('ignores case and surrounding whitespace', () => {
    expect(level(['  RANDOMIZED controlled TRIAL\n'])).toBe('randomized-trial');
    expect(level(['\tsystematic review '])).toBe('systematic-review');
    expect(level(['CASE REPORTS'])).toBe('case-report');
    expect(level(['practice guideline  '])).toBe('guideline');
  });

  it('does not match publication types by substring', () => {
    expect(level(['Randomized Controlled Trial Protocol'])).toBe('unclassified');
    expect(level(['Reviewed Article'])).toBe('unclassified');
  });
});

describe('deriveEvidenceLevel MeSH fallback', () => {
  it('uses study-design descriptors when publication types say only "Journal Article"', () => {
    expect(level(['Journal Article'], ['Humans', 'Random Allocation', 'Aspirin'])).toBe('randomized-trial');
    expect(level(['Journal Article'], ['Cohort Studies'])).toBe('observational');
    expect(level(['Journal Article'], ['Humans', 'Retrospective Studies'])).toBe('observational');
    expect(level([], ['case-control studies '])).toBe('observational');
    expect(level([], ['  CROSS-SECTIONAL STUDIES'])).toBe('observational');
  });

  it('prefers the randomized descriptor over observational ones', () => {
    expect(level([], ['Prospective Studies', 'Random Allocation'])).toBe('randomized-trial');
  });

  it('does not treat papers about trials as trials', () => {
    expect(level(['Journal Article'], ['Randomized Controlled Trials as Topic'])).toBe('unclassified');
  });

  it('never overrides a publication type that classifies', () => {
    expect(level(['Review'], ['Random Allocation'])).toBe('review-opinion');
    expect(level(['Case Reports'], ['Cohort Studies'])).toBe('case-report');
  });

  it('returns unclassified when neither says anything', () => {
    expect(level([], [])).toBe('unclassified');
    expect(level(['Journal Article'], ['Humans', 'Gout', 'Colchicine'])).toBe('unclassified');
  });
});

describe('deriveEvidenceLevel properties', () => {
  const knownTypes = [
    'Journal Article', 'Practice Guideline', 'Guideline', 'Systematic Review', 'Meta-Analysis',
    'Randomized Controlled Trial', 'Observational Study', 'Clinical Trial', 'Case Reports', 'Review',
    'Editorial', 'Letter', "Research Support, Non-U.S. Gov't", 'English Abstract',
  ];
  const knownMesh = ['Humans', 'Random Allocation', 'Cohort Studies', 'Aspirin', 'Female'];

  // Reference: each publication type on its own gives a level or nothing; the most trusted of
  // those wins, and MeSH is consulted only when no publication type classifies.
  it('is the most trusted level any single publication type gives, else the MeSH level', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...knownTypes), { maxLength: 6 }),
        fc.array(fc.constantFrom(...knownMesh), { maxLength: 4 }),
        (types, mesh) => {
          const fromTypes: EvidenceLevel[] = types.map((t) => level([t])).filter((l) => l !== 'unclassified');
          const expected = EVIDENCE_LEVELS.find((l) => fromTypes.includes(l)) ?? level([], mesh);
          expect(level(types, mesh)).toBe(expected);
        },
      ),
    );
  });

  it('never derives in-house (only in-house documents state it) and always returns a known level', () => {
    fc.assert(
      fc.property(fc.array(fc.string()), fc.array(fc.string()), (types, mesh) => {
        const result = level(types, mesh);
        expect(isEvidenceLevel(result)).toBe(true);
        expect(result).not.toBe('in-house');
      }),
    );
  });

  it('is independent of the order of the lists', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...knownTypes), { maxLength: 6 }),
        fc.array(fc.constantFrom(...knownMesh), { maxLength: 4 }),
        (types, mesh) => {
          expect(level([...types].reverse(), [...mesh].reverse())).toBe(level(types, mesh));
        },
      ),
    );
  });
});

describe('labels and guards', () => {
  it('has a label for every level', () => {
    for (const l of EVIDENCE_LEVELS) expect(EVIDENCE_LEVEL_LABELS[l]).toMatch(/\S/);
  });

  it('recognises only the listed levels', () => {
    expect(isEvidenceLevel('guideline')).toBe(true);
    expect(isEvidenceLevel('Guideline')).toBe(false);
    expect(isEvidenceLevel('')).toBe(false);
  });
});

describe('evidence level from the title, when nothing else says', () => {
  const byTitle = (title: string, publicationTypes: string[] = ['Journal Article'], meshDescriptors: string[] = []) =>
    deriveEvidenceLevel({ publicationTypes, meshDescriptors, title });

  it('reads a reported design from a record NLM has not indexed yet', () => {
    expect(byTitle('Ibuprofen - a Safe Analgesic During Cardiac Surgery Recovery? A Randomized Controlled Trial.')).toBe('randomized-trial');
    expect(byTitle('Randomised comparison of two dressings in leg ulcers: a multicentre study')).toBe('randomized-trial');
    expect(byTitle('Statins for primary prevention: a systematic review and meta-analysis')).toBe('systematic-review');
  });

  it('not from protocols, rationales or secondary analyses, and never over the publication types or MeSH', () => {
    expect(byTitle('Protocol for a randomised controlled trial of early mobilisation')).toBe('unclassified');
    expect(byTitle('A secondary analysis of a randomized trial of aspirin')).toBe('unclassified');
    expect(byTitle('Randomized trials in surgery: a narrative review', ['Review'])).toBe('review-opinion');
    expect(byTitle('A randomized study', ['Journal Article'], ['Cohort Studies'])).toBe('observational');
    expect(byTitle('Outcomes of iliopsoas abscess drainage')).toBe('unclassified');
  });
});

