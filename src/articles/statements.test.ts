import { describe, expect, it } from 'vitest';
import { findStatement, statementKeys } from './statements.js';
import { st, testAnswer, testEvidence, testSource } from './test-helpers.js';

const E1 = testEvidence('E1', testSource('pmid:1'), 'Drainage succeeded in most patients.');
const answer = testAnswer({
  bottomLine: [st('Drain it.', 'E1'), st('Then treat.', 'E1')],
  sections: [
    { kind: 'treatment', statements: [st('Antibiotics first.', 'E1'), st('Drain large ones.', 'E1')] },
    { kind: 'monitoring', statements: [st('Repeat imaging.', 'E1')] },
  ],
  evidence: [E1],
});

describe('statementKeys', () => {
  it('numbers statements within each section, bottom line first, in reading order', () => {
    expect(statementKeys(answer).map((k) => [k.key, k.section, k.sectionTitle, k.index, k.statement.text])).toEqual([
      ['bottom-line.1', 'bottom-line', 'Bottom line', 1, 'Drain it.'],
      ['bottom-line.2', 'bottom-line', 'Bottom line', 2, 'Then treat.'],
      ['treatment.1', 'treatment', 'Treatment', 1, 'Antibiotics first.'],
      ['treatment.2', 'treatment', 'Treatment', 2, 'Drain large ones.'],
      ['monitoring.1', 'monitoring', 'Monitoring and follow-up', 1, 'Repeat imaging.'],
    ]);
  });

  it('gives the same keys every time for the same answer', () => {
    expect(statementKeys(structuredClone(answer))).toEqual(statementKeys(answer));
  });

  it('keeps keys unique when a section kind appears twice', () => {
    const twice = { ...answer, sections: [...answer.sections, { kind: 'treatment' as const, title: 'Treatment', statements: [st('More.', 'E1')] }] };
    const keys = statementKeys(twice).map((k) => k.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.at(-1)).toBe('treatment.3');
  });
});

describe('findStatement', () => {
  it('finds a statement by its key', () => {
    expect(findStatement(answer, 'treatment.2')?.statement.text).toBe('Drain large ones.');
    expect(findStatement(answer, 'bottom-line.1')?.statement.text).toBe('Drain it.');
  });

  it('finds nothing for a key the answer does not have', () => {
    expect(findStatement(answer, 'treatment.3')).toBeUndefined();
    expect(findStatement(answer, 'pitfalls.1')).toBeUndefined();
    expect(findStatement(answer, 'bottom-line.0')).toBeUndefined();
  });
});
