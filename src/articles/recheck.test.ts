import { describe, expect, it } from 'vitest';
import type { Answer, EvidenceSource } from '../domain/answer.js';
import type { IntegrityStatus } from '../domain/integrity.js';
import type { Source, SourceId } from '../domain/source.js';
import { MAX_NEWER_EVIDENCE, type RecheckInput, reReviewReasons } from './recheck.js';
import { librarySource, st, testAnswer, testEvidence, testSource } from './test-helpers.js';

const TRIAL = testSource('pmid:100', { title: 'Drainage versus antibiotics for psoas abscess: a randomized trial', year: 2019 });
const COHORT = testSource('pmid:200', { title: 'Outcomes of psoas abscess in a regional cohort', evidenceLevel: 'observational', year: 2016 });
const CORRECTED_AT_PUBLICATION = testSource('pmid:300', { title: 'Catheter dwell times', evidenceLevel: 'observational', year: 2015, integrity: 'corrected' });
const RETRIEVED_UNCITED = testSource('pmid:400', { title: 'An uncited systematic review', evidenceLevel: 'systematic-review', year: 2021 });

function publishedAnswer(): Answer {
  return testAnswer({
    bottomLine: [st('Drainage succeeded in most patients.', 'E1')],
    sections: [{ kind: 'treatment', statements: [st('Antibiotics alone often failed.', 'E2'), st('Catheters stayed 9 days.', 'E3')] }],
    evidence: [
      testEvidence('E1', TRIAL, 'Drainage succeeded in most patients.'),
      testEvidence('E2', COHORT, 'Antibiotics alone often failed.'),
      testEvidence('E3', CORRECTED_AT_PUBLICATION, 'Catheters stayed 9 days.'),
      testEvidence('E4', RETRIEVED_UNCITED, 'Drainage was preferred.'),
    ],
  });
}

/** The library as it was at publication, with some sources changed. */
function library(changes: Record<SourceId, IntegrityStatus | 'gone'> = {}): Map<SourceId, Source | undefined> {
  const cited = new Map<SourceId, Source | undefined>();
  for (const source of [TRIAL, COHORT, CORRECTED_AT_PUBLICATION]) {
    const change = changes[source.id];
    cited.set(source.id, change === 'gone' ? undefined : librarySource(source, change ?? source.integrity));
  }
  return cited;
}

const recheck = (patch: Partial<RecheckInput> = {}): ReturnType<typeof reReviewReasons> =>
  reReviewReasons({ version: { number: 2, createdAt: '2024-03-01T10:00:00.000Z', answer: publishedAnswer() }, cited: library(), found: [], ...patch });

describe('reReviewReasons: cited sources', () => {
  it('raises nothing when the library holds every cited source as it was', () => {
    expect(recheck()).toEqual([]);
  });

  it('flags a cited source retracted since, with its reference number and title', () => {
    expect(recheck({ cited: library({ 'pmid:100': 'retracted' }) })).toEqual([
      {
        kind: 'retracted-source',
        sourceId: 'pmid:100',
        detail: 'Cited source [1] "Drainage versus antibiotics for psoas abscess: a randomized trial" (pmid:100) is now marked Retracted.',
      },
    ]);
  });

  it('treats an expression of concern and a retraction notice as retraction-grade', () => {
    const drafts = recheck({ cited: library({ 'pmid:100': 'expression-of-concern', 'pmid:200': 'retraction-notice' }) });
    expect(drafts.map((d) => [d.kind, d.sourceId])).toEqual([
      ['retracted-source', 'pmid:100'],
      ['retracted-source', 'pmid:200'],
    ]);
    expect(drafts[0]?.detail).toContain('is now marked Expression of concern.');
    expect(drafts[1]?.detail).toContain('is now marked Retraction notice: a notice about another publication, which supports no statement.');
  });

  it('flags a correction, a newer version or a correction notice as a corrected source', () => {
    const drafts = recheck({ cited: library({ 'pmid:100': 'corrected', 'pmid:200': 'superseded' }) });
    expect(drafts.map((d) => [d.kind, d.sourceId])).toEqual([
      ['corrected-source', 'pmid:100'],
      ['corrected-source', 'pmid:200'],
    ]);
    expect(drafts[1]?.detail).toBe('Cited source [2] "Outcomes of psoas abscess in a regional cohort" (pmid:200) is now marked Superseded by a newer version.');
    expect(recheck({ cited: library({ 'pmid:100': 'correction-notice' }) })[0]?.kind).toBe('corrected-source');
  });

  it('does not flag again a status already known at publication, but flags a change from it', () => {
    expect(recheck({ cited: library({ 'pmid:300': 'corrected' }) })).toEqual([]);
    expect(recheck({ cited: library({ 'pmid:300': 'retracted' }) })).toEqual([
      {
        kind: 'retracted-source',
        sourceId: 'pmid:300',
        detail: 'Cited source [3] "Catheter dwell times" (pmid:300) is now marked Retracted (when this version was made: Corrected (erratum published)).',
      },
    ]);
  });

  it('does not flag a status lifted since publication', () => {
    expect(recheck({ cited: library({ 'pmid:300': 'ok' }) })).toEqual([]);
  });

  it('flags a cited source no longer in the library as corrected, saying it was removed', () => {
    expect(recheck({ cited: library({ 'pmid:200': 'gone' }) })).toEqual([
      {
        kind: 'corrected-source',
        sourceId: 'pmid:200',
        detail:
          'Cited source [2] "Outcomes of psoas abscess in a regional cohort" (pmid:200) is no longer in the library: it was removed or withdrawn, so the statements citing it can no longer be checked against it.',
      },
    ]);
  });

  it('says nothing of a cited source that was not looked up', () => {
    const cited = library({ 'pmid:100': 'retracted' });
    cited.delete('pmid:100');
    expect(recheck({ cited })).toEqual([]);
  });
});

describe('reReviewReasons: newer evidence', () => {
  const found = (id: string, patch: Partial<EvidenceSource>): EvidenceSource => testSource(id, { title: `Found ${id}`, ...patch });

  it('flags a newer source of a stronger level than any the version cites', () => {
    const review = found('pmid:456', { title: 'Drainage for psoas abscess: a systematic review', evidenceLevel: 'systematic-review', year: 2025 });
    expect(recheck({ found: [review] })).toEqual([
      {
        kind: 'newer-evidence',
        sourceId: 'pmid:456',
        detail: 'A newer systematic review / meta-analysis (2025) may change this answer: "Drainage for psoas abscess: a systematic review" (pmid:456).',
      },
    ]);
  });

  it('does not flag a source that is not stronger, not newer, undated, cited, retrieved at publication, or retracted', () => {
    const drafts = recheck({
      found: [
        found('pmid:1', { evidenceLevel: 'randomized-trial', year: 2025 }), // same level as the best cited
        found('pmid:2', { evidenceLevel: 'guideline', year: 2019 }), // not after the newest cited year
        found('pmid:3', { evidenceLevel: 'guideline', year: undefined }),
        { ...TRIAL, evidenceLevel: 'guideline', year: 2025 }, // cited already
        { ...RETRIEVED_UNCITED, year: 2025 }, // in front of the reviewer at publication
        found('pmid:4', { evidenceLevel: 'guideline', year: 2025, integrity: 'retracted' }),
        found('pmid:5', { evidenceLevel: 'guideline', year: 2025, integrity: 'correction-notice' }),
      ],
    });
    expect(drafts).toEqual([]);
  });

  it('keeps search order, skips repeats and stops at three', () => {
    const strong = (id: string) => found(id, { evidenceLevel: 'guideline', year: 2024 });
    const drafts = recheck({ found: [strong('pmid:9'), strong('pmid:9'), strong('pmid:8'), strong('pmid:7'), strong('pmid:6')] });
    expect(drafts.map((d) => d.sourceId)).toEqual(['pmid:9', 'pmid:8', 'pmid:7']);
    expect(drafts).toHaveLength(MAX_NEWER_EVIDENCE);
  });

  it('compares with the year the version was made when no cited source has a year', () => {
    // A copy: the sources of publishedAnswer() are shared by every test.
    const answer = structuredClone(publishedAnswer());
    for (const reference of answer.references) delete reference.source.year;
    const version = { number: 1, createdAt: '2024-03-01T10:00:00.000Z', answer };
    const candidates = [found('pmid:10', { evidenceLevel: 'guideline', year: 2024 }), found('pmid:11', { evidenceLevel: 'guideline', year: 2025 })];
    expect(reReviewReasons({ version, cited: new Map(), found: candidates }).map((d) => d.sourceId)).toEqual(['pmid:11']);
  });

  it('cuts a long title in the detail', () => {
    const long = found('pmid:12', { evidenceLevel: 'guideline', year: 2025, title: `${'Very long title '.repeat(20)}end.` });
    const detail = recheck({ found: [long] })[0]?.detail ?? '';
    expect(detail).toMatch(/^A newer guideline \(2025\) may change this answer: "Very long title .{60,100}…" \(pmid:12\)\.$/);
  });

  it('lists integrity flags first, by reference number, then newer evidence', () => {
    const drafts = recheck({
      cited: library({ 'pmid:200': 'retracted', 'pmid:100': 'corrected' }),
      found: [found('pmid:13', { evidenceLevel: 'guideline', year: 2025 })],
    });
    expect(drafts.map((d) => d.sourceId)).toEqual(['pmid:100', 'pmid:200', 'pmid:13']);
  });
});
