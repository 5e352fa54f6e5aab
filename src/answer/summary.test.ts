import { describe, expect, it } from 'vitest';
import type { Evidence, EvidenceSource, Statement } from '../domain/answer.js';
import { buildReferences } from './references.js';
import { findDisagreements, summarizeEvidence } from './summary.js';

const source = (id: string, patch: Partial<EvidenceSource> = {}): EvidenceSource => ({
  id, title: `Title ${id}`, authors: [], ids: {}, format: 'medline', evidenceLevel: 'randomized-trial', integrity: 'ok', publicationTypes: [], references: [], ...patch,
});
const ev = (id: string, src: EvidenceSource): Evidence => ({ id, passageId: id, source: src, section: '', text: '', score: 1, rank: 1 });
const st = (text: string, evidence: string[]): Statement => ({ text, evidence });

describe('evidence summary', () => {
  it('counts cited sources by level, spans their years, and lists flagged retrieved sources', () => {
    const a = source('a', { year: 2019, evidenceLevel: 'guideline' });
    const b = source('b', { year: 2008 });
    const r = source('r', { integrity: 'retracted', title: 'A retracted trial' });
    const evidence = [ev('E1', a), ev('E2', b), ev('E3', r)];
    const refs = buildReferences([{ evidenceId: 'E1', source: a }, { evidenceId: 'E2', source: b }]);
    const summary = summarizeEvidence(refs, evidence, []);
    expect(summary).toMatchObject({ sources: 2, byLevel: { guideline: 1, 'randomized-trial': 1 }, newestYear: 2019, oldestYear: 2008 });
    expect(summary.flagged).toEqual([{ sourceId: 'r', title: 'A retracted trial', status: 'retracted' }]);
  });

  it('counts the abstract and the full text of one trial as one work, not two', () => {
    const abstract = source('pmid:7', { ids: { pmid: '7' }, year: 2020 });
    const fullText = source('pmc:PMC70', { ids: { pmid: '7', pmcid: 'PMC70' }, format: 'jats', year: 2020 });
    const other = source('pmid:8', { ids: { pmid: '8', doi: '10.1/x' }, evidenceLevel: 'guideline', year: 2021 });
    const refs = buildReferences([{ evidenceId: 'E1', source: abstract }, { evidenceId: 'E2', source: fullText }, { evidenceId: 'E3', source: other }]);
    const summary = summarizeEvidence(refs, [ev('E1', abstract), ev('E2', fullText), ev('E3', other)], []);
    expect(refs).toHaveLength(3);
    expect(summary).toMatchObject({ sources: 2, byLevel: { 'randomized-trial': 1, guideline: 1 } });
  });

  it('shows no disagreement between an abstract and the full text of the same work', () => {
    const evidence = [ev('E1', source('pmid:7', { ids: { pmid: '7' } })), ev('E2', source('pmc:PMC70', { ids: { pmid: '7' } }))];
    const yes = st('Early colchicine reduced recurrent pericarditis in adults.', ['E1']);
    const no = st('Early colchicine did not reduce recurrent pericarditis in adults.', ['E2']);
    expect(findDisagreements([yes, no], evidence)).toEqual([]);
  });

  it('shows where sources point different ways on one subject, and not within one source', () => {
    const evidence = [ev('E1', source('a')), ev('E2', source('b')), ev('E3', source('a'))];
    const yes = st('Early colchicine reduced recurrent pericarditis in adults.', ['E1']);
    const no = st('Early colchicine did not reduce recurrent pericarditis in adults.', ['E2']);
    const sameSource = st('Early colchicine did not reduce recurrent pericarditis in children.', ['E3']);
    const other = st('Ibuprofen did not relieve pain.', ['E2']);
    const found = findDisagreements([yes, no, sameSource, other], evidence);
    expect(found).toHaveLength(1);
    expect(found[0]!.sides).toEqual([yes, no]);
    expect(found[0]!.topic).toContain('colchicin');
  });
});
