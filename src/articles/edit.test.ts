import { describe, expect, it } from 'vitest';
import type { Answer } from '../domain/answer.js';
import { DEFAULT_VERIFY_OPTIONS } from '../answer/verify.js';
import { type AnswerEdit, applyEdit, type EditResult, MAX_STATEMENT_CHARS } from './edit.js';
import { testAnswer, testEvidence, testSource } from './test-helpers.js';

const DRAINAGE_TRIAL = testSource('pmid:1', { title: 'Drainage trial' });
const ANTIBIOTIC_COHORT = testSource('pmid:2', { title: 'Antibiotic cohort', evidenceLevel: 'observational', year: 2018 });
const SURGERY_REVIEW = testSource('pmid:3', { title: 'Surgery review', evidenceLevel: 'systematic-review', year: 2022 });
const RETRACTED = testSource('pmid:4', { title: 'A retracted trial', integrity: 'retracted' });

const DRAINAGE = 'Percutaneous drainage succeeded in 18 of 23 patients with a psoas abscess (78%). Catheters stayed in place for a median of 9 days.';
const CEFAZOLIN = 'For methicillin-susceptible isolates, cefazolin is the preferred first-line agent.';
const SURGERY = 'Open surgical drainage was reserved for multiloculated collections that percutaneous drainage could not clear.';
const EVIDENCE = [
  testEvidence('E1', DRAINAGE_TRIAL, DRAINAGE),
  testEvidence('E2', ANTIBIOTIC_COHORT, CEFAZOLIN),
  testEvidence('E3', SURGERY_REVIEW, SURGERY),
  testEvidence('E4', RETRACTED, 'Drainage was never needed when antibiotics were given early.'),
];

const DRAINAGE_SUCCEEDED = 'Percutaneous drainage succeeded in 18 of 23 patients with a psoas abscess.';
const CEFAZOLIN_FIRST = 'Cefazolin is the preferred first-line agent for methicillin-susceptible isolates.';
const SURGERY_RESERVED = 'Open surgery is reserved for multiloculated collections.';

function baseAnswer(): Answer {
  const answer = testAnswer({
    bottomLine: [{ text: DRAINAGE_SUCCEEDED, evidence: ['E1'] }],
    sections: [{ kind: 'treatment', statements: [{ text: CEFAZOLIN_FIRST, evidence: ['E2'] }] }],
    evidence: EVIDENCE,
  });
  const quoted = answer.bottomLine[0];
  if (quoted) {
    quoted.quote = { evidenceId: 'E1', start: 0, end: DRAINAGE.indexOf('(78%)') - 1 };
    quoted.via = [{ label: '1', title: 'An earlier trial', year: 2015 }];
  }
  answer.removed = [{ text: 'Something the verifier removed.', evidence: ['E1'] }];
  return answer;
}

const NOW = new Date('2025-06-01T12:00:00.000Z');
const apply = (edit: AnswerEdit, base: Answer = baseAnswer()): EditResult => applyEdit(base, edit, { verify: DEFAULT_VERIFY_OPTIONS, now: NOW });

function accepted(result: EditResult): { answer: Answer; changed: number } {
  if (!result.ok) throw new Error(`edit refused: ${JSON.stringify(result.problems)}`);
  return result;
}

function refusedWith(result: EditResult): { where: string; problem: string }[] {
  if (result.ok) throw new Error('edit was accepted');
  return result.problems;
}

describe('applyEdit: accepted edits', () => {
  it('rebuilds references in first-citation order, renumbering them', () => {
    const { answer, changed } = accepted(
      apply({
        bottomLine: [{ text: CEFAZOLIN_FIRST, evidence: ['E2'] }],
        sections: [
          { kind: 'treatment', statements: [{ text: SURGERY_RESERVED, evidence: ['E3'] }] },
          { kind: 'background', statements: [{ text: DRAINAGE_SUCCEEDED, evidence: ['E1'] }] },
        ],
      }),
    );
    expect(answer.references.map((r) => [r.number, r.source.id, r.evidence])).toEqual([
      [1, 'pmid:2', ['E2']],
      [2, 'pmid:3', ['E3']],
      [3, 'pmid:1', ['E1']],
    ]);
    expect(answer.sections.map((s) => [s.kind, s.title])).toEqual([
      ['treatment', 'Treatment'],
      ['background', 'Background'],
    ]);
    expect(answer.summary).toMatchObject({ sources: 3, byLevel: { observational: 1, 'systematic-review': 1, 'randomized-trial': 1 }, newestYear: 2022, oldestYear: 2018 });
    // As the version diff shows it: the bottom line and the treatment statement were each
    // replaced by a different one (removed + added), and the background section is new.
    expect(changed).toBe(5);
  });

  it('records the edit in provenance, empties removed and keeps the rest of the base', () => {
    const base = baseAnswer();
    const { answer } = accepted(apply({ bottomLine: [{ text: DRAINAGE_SUCCEEDED, evidence: ['E1'] }], sections: [] }, base));
    expect(answer.provenance).toEqual({ ...base.provenance, composer: 'edited by hand', generatedAt: '2025-06-01T12:00:00.000Z' });
    expect(answer.removed).toEqual([]);
    expect(answer.sections).toEqual([]);
    expect(answer.status).toBe('answered');
    for (const field of ['question', 'searchedFor', 'audience', 'evidence', 'notices', 'glossary', 'followUps', 'reviewStatus'] as const) {
      expect(answer[field]).toEqual(base[field]);
    }
  });

  it('keeps the quote and source trail of a statement the editor did not touch, and gives every statement a verdict', () => {
    const base = baseAnswer();
    const { answer, changed } = accepted(
      apply({
        bottomLine: [{ text: DRAINAGE_SUCCEEDED, evidence: ['E1'] }],
        sections: [{ kind: 'treatment', statements: [{ text: CEFAZOLIN_FIRST, evidence: ['E2'] }, { text: SURGERY_RESERVED, evidence: ['E3'] }] }],
      }, base),
    );
    const kept = answer.bottomLine[0];
    expect(kept?.quote).toEqual(base.bottomLine[0]?.quote);
    expect(kept?.via).toEqual(base.bottomLine[0]?.via);
    expect(kept?.verdict?.support).toBe('supported');
    expect(answer.sections[0]?.statements[1]?.quote).toBeUndefined();
    expect(answer.sections[0]?.statements[1]?.verdict?.support).toBe('supported');
    expect(changed).toBe(1);
  });

  it('drops the quote when the text changes, trims the text and drops repeated citations', () => {
    const { answer } = accepted(apply({ bottomLine: [{ text: `  ${DRAINAGE_SUCCEEDED.replace('.', ' (78%).')} `, evidence: ['E1', 'E1'] }], sections: [] }));
    expect(answer.bottomLine[0]).toMatchObject({ text: 'Percutaneous drainage succeeded in 18 of 23 patients with a psoas abscess (78%).', evidence: ['E1'] });
    expect(answer.bottomLine[0]?.quote).toBeUndefined();
  });

  it('keeps a partly supported statement with its verdict', () => {
    const partly = 'Percutaneous drainage succeeded in most patients, shortening hospital stay and avoiding repeat surgery for many people.';
    const { answer } = accepted(apply({ bottomLine: [{ text: partly, evidence: ['E1'] }], sections: [] }));
    expect(answer.bottomLine[0]?.verdict?.support).toBe('partial');
  });

  it('leaves out a section the editor emptied', () => {
    const { answer } = accepted(apply({ bottomLine: [{ text: DRAINAGE_SUCCEEDED, evidence: ['E1'] }], sections: [{ kind: 'treatment', statements: [] }] }));
    expect(answer.sections).toEqual([]);
  });
});

describe('applyEdit: refused edits', () => {
  it('refuses a statement that adds a dose and an interval no cited passage holds', () => {
    const problems = refusedWith(
      apply({
        bottomLine: [{ text: DRAINAGE_SUCCEEDED, evidence: ['E1'] }],
        sections: [{ kind: 'treatment', statements: [{ text: 'Give cefazolin 2 g every 8 hours for methicillin-susceptible isolates.', evidence: ['E2'] }] }],
      }),
    );
    expect(problems).toEqual([
      { where: 'treatment.1', problem: 'the dose "2 g" appears in no cited passage' },
      { where: 'treatment.1', problem: 'the interval "every 8 hours" appears in no cited passage' },
    ]);
  });

  it('refuses a statement its passages barely touch, saying so when the verifier names no single fact', () => {
    const problems = refusedWith(
      apply({ bottomLine: [{ text: 'Percutaneous drainage often succeeded, though recurrence and bleeding complications were frequent among diabetics.', evidence: ['E1'] }], sections: [] }),
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]?.where).toBe('bottom-line.1');
    expect(problems[0]?.problem).toMatch(/^the cited passages hold too little of what it says \(support 0\.\d+, below 0\.3\)$/);
  });

  it('refuses a citation of evidence the version does not have', () => {
    const problems = refusedWith(apply({ bottomLine: [{ text: DRAINAGE_SUCCEEDED, evidence: ['E1', 'E9'] }], sections: [] }));
    expect(problems).toEqual([{ where: 'bottom-line.1', problem: "cites E9, which is not among this version's evidence (E1–E4)" }]);
  });

  it('refuses a citation of a retracted source, though the version retrieved it', () => {
    const problems = refusedWith(apply({ bottomLine: [{ text: 'Drainage was never needed when antibiotics were given early.', evidence: ['E4'] }], sections: [] }));
    expect(problems).toEqual([{ where: 'bottom-line.1', problem: 'cites E4, a passage of "A retracted trial", which is marked Retracted and cannot support a statement' }]);
  });

  it('refuses statements that cite nothing, are empty or are too long', () => {
    const problems = refusedWith(
      apply({
        bottomLine: [
          { text: DRAINAGE_SUCCEEDED, evidence: [] },
          { text: '   ', evidence: ['E1'] },
          { text: 'a'.repeat(MAX_STATEMENT_CHARS + 1), evidence: ['E1'] },
        ],
        sections: [],
      }),
    );
    expect(problems).toEqual([
      { where: 'bottom-line.1', problem: 'the statement cites no evidence; cite at least one passage of this version (E1, E2, …)' },
      { where: 'bottom-line.2', problem: 'the statement is empty' },
      { where: 'bottom-line.3', problem: 'the statement is 1001 characters long; at most 1000 are allowed' },
    ]);
  });

  it('refuses an empty bottom line', () => {
    const problems = refusedWith(apply({ bottomLine: [], sections: [{ kind: 'treatment', statements: [{ text: CEFAZOLIN_FIRST, evidence: ['E2'] }] }] }));
    expect(problems).toEqual([{ where: 'bottom-line', problem: 'the bottom line is empty; an article needs at least one bottom-line statement' }]);
  });

  it('refuses a repeated section and an unknown section kind, numbering statements as keys do', () => {
    const treatment = { kind: 'treatment' as const, statements: [{ text: CEFAZOLIN_FIRST, evidence: ['E2'] }] };
    const unknown = JSON.parse('{"kind":"dosing","statements":[{"text":"Anything.","evidence":["E9"]}]}') as AnswerEdit['sections'][number];
    const problems = refusedWith(apply({ bottomLine: [{ text: DRAINAGE_SUCCEEDED, evidence: ['E1'] }], sections: [treatment, treatment, unknown] }));
    expect(problems).toEqual([
      { where: 'treatment', problem: 'the section "Treatment" appears more than once; put its statements in one section' },
      {
        where: 'dosing',
        problem: '"dosing" is not a section kind; use one of diagnosis, treatment, special-considerations, monitoring, pitfalls, prognosis, background',
      },
      { where: 'dosing.1', problem: "cites E9, which is not among this version's evidence (E1–E4)" },
    ]);
  });

  it('refuses individual dosing in a patient answer, as ask does', () => {
    const base = { ...baseAnswer(), audience: 'patient' as const };
    const withDose = testEvidence('E1', DRAINAGE_TRIAL, 'Adults were given cefazolin 2 g every 8 hours.');
    const problems = refusedWith(apply({ bottomLine: [{ text: 'Adults were given cefazolin 2 g every 8 hours.', evidence: ['E1'] }], sections: [] }, { ...base, evidence: [withDose] }));
    expect(problems).toEqual([{ where: 'bottom-line.1', problem: 'individual dosing is left out of patient answers' }]);
  });
});
