import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SECTION_KINDS, type Answer, type SectionKind, type Statement } from '../domain/answer.js';
import { align } from './align.js';
import { diffAnswers, diffWords, normalizeStatementText, type StatementChange, type WordOp, wordSimilarity } from './diff.js';
import { statementKeys } from './statements.js';
import { st, testAnswer, testEvidence, testSource } from './test-helpers.js';

const TRIAL = testSource('pmid:1', { title: 'Drainage trial' });
const COHORT = testSource('pmid:2', { title: 'Antibiotic cohort', evidenceLevel: 'observational' });
const REVIEW = testSource('pmid:3', { title: 'Systematic review of drainage', evidenceLevel: 'systematic-review' });
const EVIDENCE = [
  testEvidence('E1', TRIAL, 'Percutaneous drainage succeeded in 18 of 23 patients.'),
  testEvidence('E2', COHORT, 'Cefazolin 2 g every 8 hours was given for 14 days.'),
  testEvidence('E3', TRIAL, 'Catheters stayed in place for a median of 9 days.'),
  testEvidence('E4', REVIEW, 'Drainage was more effective than antibiotics alone.'),
];
const answerOf = (bottomLine: Statement[], sections: { kind: SectionKind; statements: Statement[] }[] = []): Answer =>
  testAnswer({ bottomLine, sections, evidence: EVIDENCE });

const joined = (ops: readonly WordOp[], keep: WordOp['op']): string => ops.filter((o) => o.op === 'same' || o.op === keep).map((o) => o.text).join('');
const kinds = (changes: readonly StatementChange[]): string[] => changes.map((c) => c.kind);

describe('align', () => {
  it('is the classic longest common subsequence with unit weights', () => {
    const steps = align([...'ABCBDAB'], [...'BDCABA'], (x, y) => (x === y ? 1 : 0));
    expect(steps.filter((s) => s.kind === 'pair')).toHaveLength(4);
  });

  it('never crosses pairs', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 4 })), fc.array(fc.integer({ min: 0, max: 4 })), (a, b) => {
        const pairs = align(a, b, (x, y) => (x === y ? 1 : 0)).flatMap((s) => (s.kind === 'pair' ? [s] : []));
        pairs.forEach((p, i) => {
          const next = pairs[i + 1];
          if (next) expect(next.a > p.a && next.b > p.b).toBe(true);
          expect(a[p.a]).toBe(b[p.b]);
        });
      }),
    );
  });
});

describe('normalised text and similarity', () => {
  it('ignores case, whitespace and punctuation but keeps symbols and decimal points apart', () => {
    expect(normalizeStatementText('  Drainage,  FIRST-line! ')).toBe('drainage first line');
    expect(normalizeStatementText('HbA1c < 7%')).not.toBe(normalizeStatementText('HbA1c ≥ 7%'));
    expect(normalizeStatementText('give 5.0 mg')).not.toBe(normalizeStatementText('give 50 mg'));
  });

  it('scores word overlap with the Dice coefficient', () => {
    expect(wordSimilarity('a b c d', 'a b c d')).toBe(1);
    expect(wordSimilarity('a b c d', 'a b x y')).toBe(0.5);
    expect(wordSimilarity('a b', '')).toBe(0);
  });
});

describe('diffWords', () => {
  it('marks the words that went and came, keeping the rest', () => {
    expect(diffWords('Give cefazolin 2 g every 8 hours.', 'Give cefazolin 1 g every 8 hours.')).toEqual([
      { op: 'same', text: 'Give cefazolin ' },
      { op: 'removed', text: '2' },
      { op: 'added', text: '1' },
      { op: 'same', text: ' g every 8 hours.' },
    ]);
  });

  it('reconstructs both sides, whitespace included', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', 'b', 'c', ' ', '\n', '.', 'x') }), fc.string({ unit: fc.constantFrom('a', 'b', ' ', '  ', 'y') }), (before, after) => {
        const ops = diffWords(before, after);
        expect(joined(ops, 'removed')).toBe(before);
        expect(joined(ops, 'added')).toBe(after);
      }),
    );
  });
});

describe('diffAnswers', () => {
  const base = answerOf(
    [st('Percutaneous drainage succeeded in 18 of 23 patients.', 'E1')],
    [
      {
        kind: 'treatment',
        statements: [
          st('Cefazolin 2 g every 8 hours was given for 14 days.', 'E2'),
          st('Catheters stayed in place for a median of 9 days.', 'E3'),
          st('Drainage was more effective than antibiotics alone.', 'E4'),
        ],
      },
      { kind: 'monitoring', statements: [st('Repeat imaging after drainage.', 'E1')] },
    ],
  );

  it('finds nothing changed between an answer and itself', () => {
    const diff = diffAnswers(base, base);
    expect(diff.counts).toEqual({ unchanged: 5, changed: 0, added: 0, removed: 0 });
    expect(diff.references).toEqual({ added: [], removed: [] });
    expect(diff.sections.map((s) => [s.section, s.title])).toEqual([
      ['bottom-line', 'Bottom line'],
      ['treatment', 'Treatment'],
      ['monitoring', 'Monitoring and follow-up'],
    ]);
  });

  it('pairs an edited statement as changed with a word diff, and shows an inserted one as added', () => {
    const edited = answerOf(base.bottomLine, [
      {
        kind: 'treatment',
        statements: [
          st('Cefazolin 1 g every 8 hours was given for 14 days.', 'E2'),
          st('A new statement about something else entirely.', 'E1'),
          st('Catheters stayed in place for a median of 9 days.', 'E3'),
          st('Drainage was more effective than antibiotics alone.', 'E4'),
        ],
      },
      { kind: 'monitoring', statements: [st('Repeat imaging after drainage.', 'E1')] },
    ]);
    const diff = diffAnswers(base, edited);
    const treatment = diff.sections.find((s) => s.section === 'treatment');
    expect(kinds(treatment?.changes ?? [])).toEqual(['changed', 'added', 'unchanged', 'unchanged']);
    const changed = treatment?.changes[0];
    expect(changed).toMatchObject({ beforeKey: 'treatment.1', afterKey: 'treatment.1', citationsChanged: false });
    expect(changed?.words?.filter((w) => w.op !== 'same')).toEqual([
      { op: 'removed', text: '2' },
      { op: 'added', text: '1' },
    ]);
    expect(treatment?.changes[1]).toEqual({ kind: 'added', afterKey: 'treatment.2', after: 'A new statement about something else entirely.' });
    expect(treatment?.changes[2]).toMatchObject({ beforeKey: 'treatment.2', afterKey: 'treatment.3' });
    expect(diff.counts).toEqual({ unchanged: 4, changed: 1, added: 1, removed: 0 });
  });

  it('shows a dissimilar replacement as removed and added, not changed', () => {
    const replaced = answerOf([st('Antibiotics alone rarely cure large abscesses.', 'E4')], base.sections);
    const bottom = diffAnswers(base, replaced).sections[0];
    expect(kinds(bottom?.changes ?? [])).toEqual(['removed', 'added']);
  });

  it('aligns on normalised text but still shows a change of case or punctuation', () => {
    const retyped = answerOf([st('percutaneous drainage succeeded in 18 of 23 patients', 'E1')], base.sections);
    const change = diffAnswers(base, retyped).sections[0]?.changes[0];
    expect(change?.kind).toBe('changed');
    expect(change?.citationsChanged).toBe(false);
  });

  it('compares citations by source, not by evidence id', () => {
    // E3 is another passage of the same trial as E1: the statement still cites the same source.
    const samePaper = answerOf([st('Percutaneous drainage succeeded in 18 of 23 patients.', 'E3')], base.sections);
    expect(diffAnswers(base, samePaper).sections[0]?.changes[0]?.kind).toBe('unchanged');
    const otherPaper = answerOf([st('Percutaneous drainage succeeded in 18 of 23 patients.', 'E1', 'E4')], base.sections);
    expect(diffAnswers(base, otherPaper).sections[0]?.changes[0]).toMatchObject({ kind: 'changed', citationsChanged: true });
  });

  it('treats a section present on one side only as all added or all removed, in reading order', () => {
    const monitoring = base.sections[1];
    const reshaped = answerOf(base.bottomLine, [
      { kind: 'diagnosis', statements: [st('CT confirms the abscess.', 'E1'), st('Ultrasound may miss it.', 'E1')] },
      { kind: 'monitoring', statements: monitoring?.statements ?? [] },
    ]);
    const diff = diffAnswers(base, reshaped);
    // The removed section stays where it was (after the bottom line), before what replaced it.
    expect(diff.sections.map((s) => s.section)).toEqual(['bottom-line', 'treatment', 'diagnosis', 'monitoring']);
    expect(kinds(diff.sections[1]?.changes ?? [])).toEqual(['removed', 'removed', 'removed']);
    expect(diff.sections[1]?.changes.map((c) => c.beforeKey)).toEqual(['treatment.1', 'treatment.2', 'treatment.3']);
    expect(kinds(diff.sections[2]?.changes ?? [])).toEqual(['added', 'added']);
    expect(kinds(diff.sections[3]?.changes ?? [])).toEqual(['unchanged']);
  });

  it('lists references one version has and the other does not, by source', () => {
    const fewer = answerOf(base.bottomLine, [{ kind: 'treatment', statements: [st('Cefazolin 2 g every 8 hours was given for 14 days.', 'E2')] }]);
    const diff = diffAnswers(base, fewer);
    expect(diff.references.added).toEqual([]);
    expect(diff.references.removed).toEqual([{ sourceId: 'pmid:3', number: 3, title: 'Systematic review of drainage', label: 'Systematic review' }]);
    expect(diffAnswers(fewer, base).references.added.map((r) => r.sourceId)).toEqual(['pmid:3']);
  });
});

describe('diffAnswers properties', () => {
  const WORDS = ['drainage', 'Drainage', 'cefazolin', '2', 'g', 'every', '8', 'hours', 'failed,', 'succeeded.', 'not'];
  const text = fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 7 }).chain((words) =>
    fc.array(fc.constantFrom(' ', '  ', '\n'), { minLength: words.length, maxLength: words.length }).map((spaces) => words.map((w, i) => `${i > 0 ? spaces[i] : ''}${w}`).join('')),
  );
  const statement = fc.record({ text, evidence: fc.subarray(['E1', 'E2', 'E3', 'E4'], { minLength: 1 }) });
  const spec = fc.record({
    bottomLine: fc.array(statement, { minLength: 1, maxLength: 3 }),
    sections: fc.uniqueArray(
      fc.record({ kind: fc.constantFrom(...SECTION_KINDS), statements: fc.array(statement, { minLength: 1, maxLength: 4 }) }),
      { selector: (s) => s.kind, maxLength: 3 },
    ),
  });
  type Spec = { bottomLine: Statement[]; sections: { kind: SectionKind; statements: Statement[] }[] };
  const build = ({ bottomLine, sections }: Spec): Answer => answerOf(bottomLine, sections);
  const answer = spec.map(build);

  /** A revision of a spec, as an editor makes one: statements kept, dropped, reworded, recited or inserted. */
  type Revise = (s: Statement) => Statement[];
  const revision: fc.Arbitrary<Revise> = fc.oneof(
    fc.constant<Revise>((s) => [s]),
    fc.constant<Revise>(() => []),
    fc.constantFrom('2', 'not', 'Drainage').map((word): Revise => (s) => [{ ...s, text: `${s.text} ${word}` }]),
    fc.constant<Revise>((s) => [{ ...s, evidence: ['E4'] }]),
    statement.map((extra): Revise => (s) => [extra, s]),
  );
  // An answer has at most 15 statements, so one revision each.
  const revisedPair = fc.tuple(spec, fc.array(revision, { minLength: 15, maxLength: 15 })).map(([before, revisions]): [Answer, Answer] => {
    let used = 0;
    const revise = (list: Statement[]): Statement[] => list.flatMap((s) => (revisions[used++] ?? ((same: Statement) => [same]))(s));
    const after = { bottomLine: revise(before.bottomLine), sections: before.sections.map((s) => ({ kind: s.kind, statements: revise(s.statements) })) };
    return [build(before), build(after)];
  });

  it('an answer diffed with itself is all unchanged', () => {
    fc.assert(
      fc.property(answer, (a) => {
        const diff = diffAnswers(a, a);
        expect(diff.counts).toEqual({ unchanged: statementKeys(a).length, changed: 0, added: 0, removed: 0 });
        for (const change of diff.sections.flatMap((s) => s.changes)) expect(change.beforeKey).toBe(change.afterKey);
      }),
    );
  });

  it('word ops rebuild both texts, counts add up on each side, and every statement appears once in reading order', () => {
    fc.assert(
      fc.property(fc.oneof(fc.tuple(answer, answer), revisedPair), ([before, after]) => {
        const diff = diffAnswers(before, after);
        const changes = diff.sections.flatMap((s) => s.changes);
        for (const change of changes.filter((c) => c.kind === 'changed')) {
          expect(joined(change.words ?? [], 'removed')).toBe(change.before);
          expect(joined(change.words ?? [], 'added')).toBe(change.after);
        }
        const { unchanged, changed, added, removed } = diff.counts;
        expect(unchanged + changed + removed).toBe(statementKeys(before).length);
        expect(unchanged + changed + added).toBe(statementKeys(after).length);
        const afterKeys = changes.flatMap((c) => (c.afterKey ? [c.afterKey] : []));
        expect(afterKeys).toEqual(statementKeys(after).map((k) => k.key));
        const beforeKeys = changes.flatMap((c) => (c.beforeKey ? [c.beforeKey] : []));
        expect(new Set(beforeKeys)).toEqual(new Set(statementKeys(before).map((k) => k.key)));
        expect(beforeKeys).toHaveLength(statementKeys(before).length);
      }),
    );
  });
});
