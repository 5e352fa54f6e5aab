import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Evidence, EvidenceSource, Statement, Verdict } from '../domain/answer.js';
import {
  combineWithJudge,
  DEFAULT_VERIFY_OPTIONS,
  type ModelJudge,
  verifyAll,
  verifyStatement,
  verifyWithJudge,
} from './verify.js';

// Invented passages about psoas abscess and nearby topics; none is quoted from a real source.
const SOURCE = { id: 'src-1', title: 'Invented source' } as unknown as EvidenceSource;
const passage = (id: string, text: string): Evidence => ({
  id,
  passageId: `p-${id}`,
  source: SOURCE,
  section: 'Results',
  text,
  score: 1,
  rank: 1,
});
const library = (...passages: Evidence[]): Map<string, Evidence> => new Map(passages.map((p) => [p.id, p]));

const DRAINAGE = passage(
  'E1',
  'Percutaneous drainage succeeded in 18 of 23 patients (78%). Routine antibiotic prophylaxis after catheter removal is not recommended. ' +
    'Catheters stayed in place for a median of 9 days.',
);
const ANTIBIOTICS = passage(
  'E2',
  'For methicillin-susceptible isolates, cefazolin 2 g every 8 hours is the preferred first-line agent. ' +
    'Linezolid 600 mg twice daily for 14 days was reserved for patients who could not tolerate glycopeptides.',
);
const COHORT = passage(
  'E3',
  'Across 1,000 consecutive admissions, in-hospital mortality was 4.6%, and surgical debridement did not lower it.',
);
const DOSING = passage(
  'E4',
  'Low-dose colchicine 500 mcg was given once daily; the loading dose of 1 g was split over 6 hours. Cure rates ranged from 40–78%.',
);
const UNCITED = passage('E5', 'In a separate audit, 312 patients received 250 mg of the study drug every 6 hours for 21 days.');
const EVIDENCE = library(DRAINAGE, ANTIBIOTICS, COHORT, DOSING, UNCITED);

const verify = (text: string, evidence: string[], options = DEFAULT_VERIFY_OPTIONS): Verdict =>
  verifyStatement({ text, evidence }, EVIDENCE, options);

const expectUnsupported = (verdict: Verdict, ...fragments: string[]) => {
  expect(verdict.support).toBe('unsupported');
  expect(verdict.score).toBeLessThan(DEFAULT_VERIFY_OPTIONS.partialAt);
  for (const fragment of fragments) expect(verdict.problems.join('\n')).toContain(fragment);
};

describe('verifyStatement: citations', () => {
  it('rejects a statement that cites nothing', () => {
    const verdict = verify('Percutaneous drainage succeeded in 18 of 23 patients (78%).', []);
    expect(verdict).toEqual({ support: 'unsupported', score: 0, problems: ['the statement cites no passage'] });
  });

  it('names every cited id that is not in the evidence set', () => {
    const verdict = verify('Percutaneous drainage succeeded in 18 of 23 patients (78%).', ['E1', 'E9', 'E12']);
    expectUnsupported(verdict, 'cites E9, which is not in the evidence set', 'cites E12, which is not in the evidence set');
  });

  it('ignores citation marks left in the statement text', () => {
    expect(verify('Percutaneous drainage succeeded in 18 of 23 patients (78%) [E1].', ['E1'])).toMatchObject({ support: 'supported', score: 1 });
    expect(verify('Percutaneous drainage succeeded in 18 of 23 patients [1, 2].', ['E1']).problems).toEqual([]);
  });

  it('accepts an extractive quote whose span keeps reference markers the statement dropped', () => {
    const overview = passage('O1', 'Drainage is first-line for collections over 3 cm [1, 3\u20134]. Smaller ones often settle with antibiotics [2].');
    const raw = 'Drainage is first-line for collections over 3 cm [1, 3\u20134].';
    const start = overview.text.indexOf(raw);
    const statement: Statement = {
      text: 'Drainage is first-line for collections over 3 cm.',
      evidence: ['O1'],
      quote: { evidenceId: 'O1', start, end: start + raw.length },
    };
    expect(verifyStatement(statement, library(overview))).toEqual({ support: 'supported', score: 1, problems: [] });
    // A reference number is not a fact the statement can borrow.
    const borrowed = verifyStatement({ text: 'Smaller collections settle within 2 days with antibiotics.', evidence: ['O1'] }, library(overview));
    expectUnsupported(borrowed, 'the duration "2 days"');
  });

  it('keeps numbers in parentheses that are not citation marks', () => {
    const evidence = library(passage('Y1', 'A national audit (2019) found drainage delays in older adults.'));
    expect(verifyStatement({ text: 'A 2019 national audit found drainage delays in older adults.', evidence: ['Y1'] }, evidence).problems).toEqual([]);
  });

  it('still checks the statement against the cited passages that do exist', () => {
    const verdict = verify('Percutaneous drainage succeeded in 19 of 23 patients.', ['E1', 'E9']);
    expectUnsupported(verdict, 'E9', 'the number "19" appears in no cited passage');
  });

  it('checks an extractive quote against the span it points to', () => {
    const text = 'Percutaneous drainage succeeded in 18 of 23 patients (78%).';
    const start = DRAINAGE.text.indexOf(text);
    const good: Statement = { text, evidence: ['E1'], quote: { evidenceId: 'E1', start, end: start + text.length } };
    expect(verifyStatement(good, EVIDENCE).support).toBe('supported');
    const shifted: Statement = { ...good, quote: { evidenceId: 'E1', start: start + 20, end: start + 60 } };
    expectUnsupported(verifyStatement(shifted, EVIDENCE), 'the quoted span of E1');
    const uncited: Statement = { ...good, quote: { evidenceId: 'E2', start, end: start + 10 } };
    expectUnsupported(verifyStatement(uncited, EVIDENCE), 'quotes E2, which it does not cite');
  });
});

describe('verifyStatement: support score', () => {
  it('scores a verbatim quote 1 and calls it supported', () => {
    expect(verify('Percutaneous drainage succeeded in 18 of 23 patients (78%).', ['E1'])).toEqual({
      support: 'supported',
      score: 1,
      problems: [],
    });
  });

  it('scores a quote of part of a sentence, or of several sentences, 1', () => {
    expect(verify('routine antibiotic prophylaxis after catheter removal is not recommended', ['E1']).score).toBe(1);
    const two = DRAINAGE.text.slice(DRAINAGE.text.indexOf('Routine'));
    expect(verify(two, ['E1'])).toMatchObject({ support: 'supported', score: 1 });
  });

  it('supports a close paraphrase that keeps the passage words', () => {
    const verdict = verify('Drainage through the skin succeeded in 78% of patients.', ['E1']);
    expect(verdict.support).toBe('supported');
    expect(verdict.score).toBeGreaterThan(0.6);
    expect(verdict.score).toBeLessThan(1);
  });

  it('accepts a paraphrase of the dose and schedule the fact checks can read', () => {
    const verdict = verify('Patients who could not tolerate glycopeptides were given linezolid 600 mg every 12 hours for two weeks.', ['E2']);
    expect(verdict.problems).toEqual([]);
    expect(verdict.support).toBe('supported');
  });

  it('calls a looser paraphrase partial', () => {
    const verdict = verify('Drainage through the skin worked for most patients.', ['E1']);
    expect(verdict.problems).toEqual([]);
    expect(verdict.support).toBe('partial');
  });

  it('calls a statement about something else unsupported even with no hard failure', () => {
    const verdict = verify('Early mobilisation shortens hospital stay after hip replacement.', ['E1']);
    expect(verdict.problems).toEqual([]);
    expect(verdict.support).toBe('unsupported');
    expect(verdict.score).toBeLessThan(0.3);
  });

  it('gives credit for content spread over two cited passages, but less than for one place', () => {
    const combined = verify('Percutaneous drainage succeeded, and cefazolin is the preferred first-line agent.', ['E1', 'E2']);
    expect(combined.problems).toEqual([]);
    expect(combined.score).toBeGreaterThan(0.3);
    expect(combined.score).toBeLessThan(1);
  });

  it('respects custom thresholds', () => {
    const text = 'Drainage through the skin succeeded in 78% of patients.';
    const strict = verify(text, ['E1'], { supportedAt: 0.99, partialAt: 0.5 });
    expect(strict.support).toBe('partial');
  });

  it('rejects thresholds out of order', () => {
    expect(() => verify('Drainage succeeded.', ['E1'], { supportedAt: 0.2, partialAt: 0.5 })).toThrow(RangeError);
  });

  it('rejects a statement with no words to check', () => {
    expectUnsupported(verify('18 of 23.', ['E1']), 'no words that can be checked');
  });
});

describe('verifyStatement: numbers', () => {
  it('rejects a number no cited passage holds', () => {
    expectUnsupported(verify('Percutaneous drainage succeeded in 17 of 23 patients.', ['E1']), 'the number "17" appears in no cited passage');
  });

  it('does not count a number found only in an uncited passage', () => {
    const statement = 'Across 312 consecutive admissions, in-hospital mortality was 4.6%.';
    expectUnsupported(verify(statement, ['E3']), 'the number "312"');
    expect(verify(statement.replace('312', '1,000'), ['E3']).support).toBe('supported');
  });

  it('reads thousands separators and thin spaces as the same number', () => {
    expect(verify('Across 1000 consecutive admissions, in-hospital mortality was 4.6%.', ['E3']).problems).toEqual([]);
    expect(verify('Across 1\u2009000 consecutive admissions, in-hospital mortality was 4.6%.', ['E3']).problems).toEqual([]);
    expect(verify('Across 1\u00A0000 consecutive admissions, mortality was 4.6%.', ['E3']).problems).toEqual([]);
  });

  it('checks percentages as percentages and accepts a rounded one', () => {
    expect(verify('In-hospital mortality was 5% across 1,000 admissions.', ['E3']).problems).toEqual([
      'the percentage "5%" appears in no cited passage',
    ]);
    const rounded = passage('R1', 'Recurrence was seen in 12.4% of children after drainage.');
    const verdict = verifyStatement({ text: 'Recurrence was seen in 12% of children after drainage.', evidence: ['R1'] }, library(rounded));
    expect(verdict.support).toBe('supported');
  });

  it('does not let a number match a percentage', () => {
    expectUnsupported(verify('Percutaneous drainage succeeded in 18% of 23 patients.', ['E1']), 'the percentage "18%"');
  });

  it('checks both ends of a range, whatever the dash', () => {
    expect(verify('Cure rates ranged from 40-78%.', ['E4']).problems).toEqual([]);
    expect(verify('Cure rates ranged from 40 to 78 percent.', ['E4']).problems).toEqual([]);
    expectUnsupported(verify('Cure rates ranged from 45–78%.', ['E4']), 'the percentage "45-78%"');
  });

  it('checks numbers written as words', () => {
    expectUnsupported(verify('Catheters stayed in place for a median of five days.', ['E1']), 'the duration "five days"');
    expect(verify('Catheters stayed in place for a median of nine days.', ['E1']).problems).toEqual([]);
  });

  it('checks names that carry digits', () => {
    const il = passage('I1', 'Serum IL-6 fell within 48 hours of drainage.');
    const evidence = library(il);
    expect(verifyStatement({ text: 'IL6 fell within 48 hours of drainage.', evidence: ['I1'] }, evidence).problems).toEqual([]);
    expectUnsupported(
      verifyStatement({ text: 'Serum IL-8 fell within 48 hours of drainage.', evidence: ['I1'] }, evidence),
      'the name "IL-8" appears in no cited passage',
    );
  });
});

describe('verifyStatement: doses, intervals and durations', () => {
  it('names an invented dose', () => {
    const verdict = verify('Linezolid 500 mg twice daily for 14 days was reserved for patients who could not tolerate glycopeptides.', ['E2']);
    expectUnsupported(verdict, 'the dose "500 mg" appears in no cited passage (E2 has "600 mg")');
  });

  it('names an invented interval', () => {
    const verdict = verify('Cefazolin 2 g q6h is the preferred first-line agent for methicillin-susceptible isolates.', ['E2']);
    expectUnsupported(verdict, 'the interval "q6h" appears in no cited passage (E2 has "every 8 hours")');
  });

  it('accepts the same interval written another way', () => {
    for (const interval of ['q8h', 'every 8 hours', 'three times daily', 'TID', '3 times a day']) {
      const verdict = verify(`Cefazolin 2 g ${interval} is the preferred first-line agent for methicillin-susceptible isolates.`, ['E2']);
      expect(verdict.problems, interval).toEqual([]);
      expect(verdict.support, interval).toBe('supported');
    }
  });

  it('names an invented duration and accepts a converted one', () => {
    const text = 'Linezolid 600 mg twice daily for 7 days was reserved for patients who could not tolerate glycopeptides.';
    expectUnsupported(verify(text, ['E2']), 'the duration "7 days" appears in no cited passage (E2 has "14 days")');
    expect(verify(text.replace('7 days', '2 weeks'), ['E2']).problems).toEqual([]);
  });

  it('rejects a unit mismatch: mg where the passage says mcg', () => {
    const verdict = verify('Low-dose colchicine 500 mg was given once daily.', ['E4']);
    expectUnsupported(verdict, 'the dose "500 mg" appears in no cited passage (E4 has "500 mcg")');
  });

  it('reads mcg, µg and μg as one unit, and 1 g as 1000 mg', () => {
    for (const dose of ['500 mcg', '500 µg', '500 μg', '500mcg', '0.5 mg']) {
      expect(verify(`Low-dose colchicine ${dose} was given once daily.`, ['E4']).problems, dose).toEqual([]);
    }
    expect(verify('The loading dose of 1000 mg was split over 6 hours.', ['E4']).problems).toEqual([]);
  });

  it('rejects a once-daily claim for a dose the passage gives twice daily', () => {
    expectUnsupported(verify('Linezolid 600 mg once daily was reserved for intolerant patients.', ['E2']), 'once daily');
  });

  it('does not take a dose from an uncited passage', () => {
    expectUnsupported(verify('Patients received 250 mg every 6 hours for 21 days.', ['E1']), '"250 mg"', '"every 6 hours"', '"21 days"');
  });

  it('lists every problem, not only the first', () => {
    const verdict = verify('Cefazolin 3 g every 6 hours for 10 days is the preferred first-line agent.', ['E2']);
    expect(verdict.problems).toHaveLength(3);
  });
});

describe('verifyStatement: drugs', () => {
  it('rejects a drug the cited passage never names', () => {
    const verdict = verify('Vancomycin 600 mg twice daily for 14 days was reserved for patients who could not tolerate glycopeptides.', ['E2']);
    expectUnsupported(verdict, 'the drug "Vancomycin" appears in no cited passage');
  });

  it('matches drug names regardless of case', () => {
    expect(verify('CEFAZOLIN 2 g every 8 hours is the preferred first-line agent.', ['E2']).problems).toEqual([]);
  });

  it('uses the given list of drug names, several words long included', () => {
    const evidence = library(passage('W1', 'Warfarin doses were lowered when co-trimoxazole was started.'));
    const names = new Set(['warfarin', 'co-trimoxazole', 'heparin', 'trimethoprim sulfamethoxazole']);
    const options = { ...DEFAULT_VERIFY_OPTIONS, drugNames: names };
    expect(verifyStatement({ text: 'Warfarin doses were lowered when co-trimoxazole was started.', evidence: ['W1'] }, evidence, options).support).toBe(
      'supported',
    );
    expectUnsupported(
      verifyStatement({ text: 'Warfarin doses were lowered when trimethoprim sulfamethoxazole was started.', evidence: ['W1'] }, evidence, options),
      'the drug "trimethoprim sulfamethoxazole"',
    );
  });

  it('does not treat drug class words as drug names', () => {
    const evidence = library(passage('S1', 'Atorvastatin lowered LDL cholesterol by a third.'));
    expect(verifyStatement({ text: 'Statins lowered LDL cholesterol by a third.', evidence: ['S1'] }, evidence).problems).toEqual([]);
  });
});

describe('verifyStatement: negation', () => {
  it('flags a statement that asserts what the passage negates', () => {
    const verdict = verify('Routine antibiotic prophylaxis after catheter removal is recommended.', ['E1']);
    expectUnsupported(verdict, 'the statement says "recommended" but E1 says "not recommended"');
  });

  it('flags a statement that negates what the passage asserts', () => {
    const verdict = verify('Cefazolin is not the preferred first-line agent for methicillin-susceptible isolates.', ['E2']);
    expectUnsupported(verdict, 'the statement says "not the preferred" but E2 says "preferred"');
  });

  it('flags a dropped "did not" in either direction', () => {
    expectUnsupported(verify('Surgical debridement lowered in-hospital mortality.', ['E3']), 'E3 says "did not lower"');
    const positive = library(passage('P1', 'Early drainage shortened the hospital stay.'));
    expectUnsupported(
      verifyStatement({ text: 'Early drainage did not shorten the hospital stay.', evidence: ['P1'] }, positive),
      'the statement says "did not shorten" but P1 says "shortened"',
    );
  });

  it('flags "no significant difference" against a significant one', () => {
    const evidence = library(passage('N1', 'Recurrence differed significantly between the drainage groups.'));
    expectUnsupported(
      verifyStatement({ text: 'Recurrence did not differ significantly between the drainage groups.', evidence: ['N1'] }, evidence),
      'the statement says',
    );
  });

  it('flags "contraindicated" against a passage that allows it', () => {
    const evidence = library(passage('C1', 'Ibuprofen is safe in the third trimester of pregnancy for short courses.'));
    expectUnsupported(
      verifyStatement({ text: 'Ibuprofen is contraindicated in the third trimester of pregnancy.', evidence: ['C1'] }, evidence),
      'the statement says "contraindicated"',
    );
  });

  it('flags "without" against "with"', () => {
    const evidence = library(passage('W1', 'Small abscesses resolved with antibiotics and drainage.'));
    expectUnsupported(
      verifyStatement({ text: 'Small abscesses resolved without antibiotics and drainage.', evidence: ['W1'] }, evidence),
      'without antibiotics',
    );
  });

  it('raises no alarm when statement and passage negate alike, in other words', () => {
    expect(verify('Routine antibiotic prophylaxis after catheter removal should not be given.', ['E1']).problems).toEqual([]);
    expect(verify("Surgical debridement didn't lower in-hospital mortality.", ['E3']).problems).toEqual([]);
    expect(verify('Surgical debridement failed to lower in-hospital mortality.', ['E3']).problems).toEqual([]);
  });

  it('raises no alarm when the negation is in another clause of the passage', () => {
    const evidence = library(
      passage('M1', 'Antibiotics alone cured most small abscesses; drainage was not needed for collections under 3 cm.'),
    );
    const verdict = verifyStatement({ text: 'Antibiotics alone cured most small abscesses.', evidence: ['M1'] }, evidence);
    expect(verdict.problems).toEqual([]);
  });

  it('raises no alarm when the passage says it both ways for different groups', () => {
    const evidence = library(
      passage('G1', 'Prophylaxis is recommended after drainage in adults with diabetes. Prophylaxis is not recommended after drainage in children.'),
    );
    const adults = verifyStatement({ text: 'Prophylaxis is recommended after drainage in adults with diabetes.', evidence: ['G1'] }, evidence);
    expect(adults.problems).toEqual([]);
    const children = verifyStatement({ text: 'Prophylaxis is recommended after drainage in children.', evidence: ['G1'] }, evidence);
    expectUnsupported(children, 'G1 says "not recommended"');
  });

  it('raises no alarm when the passage negates something the statement does not speak of', () => {
    const evidence = library(
      passage('S1', 'Steroids are not recommended for children with septic arthritis, but may shorten fever in adults.'),
      passage('S2', 'Knee replacement outcomes in older adults were reviewed.'),
    );
    const adults = verifyStatement({ text: 'Steroids may shorten fever in adults with septic arthritis.', evidence: ['S1'] }, evidence);
    expect(adults.problems).toEqual([]);
    const children = verifyStatement({ text: 'Steroids are recommended for children with septic arthritis.', evidence: ['S1'] }, evidence);
    expectUnsupported(children, 'the statement says "recommended" but S1 says "not recommended"');
  });

  it('counts "without X" only when the statement speaks of X', () => {
    const evidence = library(passage('A1', 'Abscesses under 3 cm usually resolved with antibiotics alone, without drainage.'));
    const verdict = verifyStatement({ text: 'Antibiotics alone usually cleared abscesses under 3 cm.', evidence: ['A1'] }, evidence);
    expect(verdict.problems).toEqual([]);
  });

  it('reads "non-X" like "without X", and names the difference when only that differs', () => {
    const evidence = library(passage('D1', 'Patients without diabetes did not benefit from early drainage.'));
    const check = (text: string) => verifyStatement({ text, evidence: ['D1'] }, evidence);
    expect(check('Non-diabetic patients did not benefit from early drainage.').problems).toEqual([]);
    expectUnsupported(
      check('Patients with diabetes did not benefit from early drainage.'),
      'the statement says "with diabetes" but D1 says "without diabetes"',
    );
  });

  it('reads "similar" as no difference', () => {
    const evidence = library(passage('F1', 'There was no difference in recurrence between the two drainage techniques.'));
    const check = (text: string) => verifyStatement({ text, evidence: ['F1'] }, evidence);
    expect(check('Recurrence was similar with the two drainage techniques.').problems).toEqual([]);
    expectUnsupported(check('Recurrence differed between the two drainage techniques.'), 'F1 says "no difference"');
  });

  it('flags a flip even when the statement uses another verb', () => {
    const evidence = library(passage('L1', 'Drainage did not reduce the length of stay in older adults.'));
    expectUnsupported(
      verifyStatement({ text: 'In older adults, drainage shortened the length of stay.', evidence: ['L1'] }, evidence),
      'the statement says "shortened the length" but L1 says "did not reduce the length"',
    );
  });

  it('does not read "not only" as a negation', () => {
    const evidence = library(passage('O1', 'Ultrasound guidance made drainage safer and faster.'));
    const verdict = verifyStatement({ text: 'Ultrasound guidance made drainage not only safer but faster.', evidence: ['O1'] }, evidence);
    expect(verdict.problems).toEqual([]);
  });
});

describe('verifyAll', () => {
  it('sets a verdict on each statement without changing the input', () => {
    const statements: Statement[] = [
      { text: 'Percutaneous drainage succeeded in 18 of 23 patients (78%).', evidence: ['E1'] },
      { text: 'Percutaneous drainage succeeded in 20 of 23 patients.', evidence: ['E1'] },
    ];
    const verified = verifyAll(statements, EVIDENCE);
    expect(verified.map((s) => s.verdict?.support)).toEqual(['supported', 'unsupported']);
    expect(statements[0]?.verdict).toBeUndefined();
    expect(verified[0]?.text).toBe(statements[0]?.text);
  });
});

describe('model judge', () => {
  const supported: Verdict = { support: 'supported', score: 0.9, problems: [] };

  it('lets the judge lower support, with its reason, and caps the score to the band', () => {
    const partial = combineWithJudge(supported, { support: 'partial', reason: 'the passage concerns children only' });
    expect(partial.support).toBe('partial');
    expect(partial.score).toBeLessThan(DEFAULT_VERIFY_OPTIONS.supportedAt);
    expect(partial.problems).toEqual(['a model judge found it only partly supported: the passage concerns children only']);
    const none = combineWithJudge(supported, { support: 'unsupported', reason: 'different outcome' });
    expect(none).toMatchObject({ support: 'unsupported', problems: ['a model judge found it unsupported: different outcome'] });
    expect(none.score).toBeLessThan(DEFAULT_VERIFY_OPTIONS.partialAt);
  });

  it('never lets the judge raise a verdict', () => {
    const failed: Verdict = { support: 'unsupported', score: 0.29, problems: ['the dose "500 mg" appears in no cited passage'] };
    expect(combineWithJudge(failed, { support: 'supported', reason: 'looks fine' })).toBe(failed);
    const partial: Verdict = { support: 'partial', score: 0.4, problems: [] };
    expect(combineWithJudge(partial, { support: 'supported', reason: '' })).toBe(partial);
  });

  it('asks the judge only about statements that passed, showing it only the cited passages', async () => {
    const seen: string[][] = [];
    const judge: ModelJudge = {
      judge: async (_statement, passages) => {
        seen.push(passages.map((p) => p.id));
        return { support: 'partial', reason: 'hedged in the source' };
      },
    };
    const good = await verifyWithJudge({ text: 'Percutaneous drainage succeeded in 18 of 23 patients (78%).', evidence: ['E1'] }, EVIDENCE, judge);
    expect(good.support).toBe('partial');
    const bad = await verifyWithJudge({ text: 'Percutaneous drainage succeeded in 21 of 23 patients.', evidence: ['E1'] }, EVIDENCE, judge);
    expect(bad.support).toBe('unsupported');
    expect(seen).toEqual([['E1']]);
  });
});

// ---------------------------------------------------------------------------------------------
// Properties: a sentence quoted from a passage is supported; a number added to it is not.

const OPENERS = ['Drainage', 'Recurrence', 'Imaging', 'Mortality', 'Fever', 'Cultures', 'Surgery', 'Clinicians', 'Children'];
const CHUNKS = [
  'drainage', 'abscess', 'patients', 'mortality', 'recurrence', 'fever', 'culture', 'psoas', 'resolution', 'therapy',
  'infection', 'catheter', 'blood', 'imaging', 'guided', 'collection', 'outcome', 'the', 'of', 'in', 'with', 'after',
  'and', 'was', 'were', 'is', 'not', 'no', 'without', 'never', 'avoid', 'recommended', 'reduced', 'significantly',
  '18 of 23', '(78%)', '40-78%', '7\u201310 days', '250 mg', '1,000', '1.5 mg/kg', 'every 8 hours', 'q12h', 'twice daily',
  '14 days', '2.4 million units', '5 mcg', 'IL-6', 'CD4', 'HbA1c 7.5%', '1\u2009000', '120/80 mmHg', 'aged 65 years',
  'vancomycin', 'linezolid', 'cefazolin', 'rifampicin', 'contraindicated', 'failed to', 'did not',
];
const sentenceArb = fc
  .tuple(fc.constantFrom(...OPENERS), fc.array(fc.constantFrom(...CHUNKS), { minLength: 1, maxLength: 12 }))
  .map(([opener, chunks]) => `${opener} ${chunks.join(' ')}.`);
const passageArb = fc.array(sentenceArb, { minLength: 1, maxLength: 4 });

describe('properties', () => {
  it('a sentence quoted verbatim from the passage it cites is supported with score 1', () => {
    fc.assert(
      fc.property(passageArb, sentenceArb, fc.nat(), (sentences, other, pick) => {
        const quoted = sentences[pick % sentences.length] ?? '';
        const evidence = library(passage('E1', sentences.join(' ')), passage('E2', other));
        const verdict = verifyStatement({ text: quoted, evidence: ['E1'] }, evidence);
        expect(verdict).toEqual({ support: 'supported', score: 1, problems: [] });
      }),
      { numRuns: 300 },
    );
  });

  it('inserting a number the passage does not hold always makes the statement unsupported, naming the number', () => {
    const numberArb = fc
      .tuple(fc.integer({ min: 1001, max: 999_999 }), fc.option(fc.integer({ min: 1, max: 9 }), { nil: undefined }))
      .map(([whole, tenth]) => (tenth === undefined ? `${whole}` : `${whole}.${tenth}`));
    fc.assert(
      fc.property(passageArb, fc.nat(), fc.nat(), numberArb, (sentences, pick, at, number) => {
        const text = sentences.join(' ');
        fc.pre(!text.includes(number));
        const quoted = sentences[pick % sentences.length] ?? '';
        const words = quoted.split(' ');
        const position = at % (words.length + 1);
        const altered = [...words.slice(0, position), number, ...words.slice(position)].join(' ');
        const verdict = verifyStatement({ text: altered, evidence: ['E1'] }, library(passage('E1', text)));
        expect(verdict.support).toBe('unsupported');
        expect(verdict.score).toBeLessThan(DEFAULT_VERIFY_OPTIONS.partialAt);
        expect(verdict.problems.some((p) => p.includes(number))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe('verifyStatement: patient groups and dose words', () => {
  // Invented, after the shape of a guideline sentence on otitis media.
  const OTITIS = { ...passage('E1', 'High-dose amoxicillin (80–90 mg/kg/day) is the antibiotic of choice for children without penicillin allergy.'), source: { ...SOURCE, title: 'Acute otitis media' } };
  const check = (text: string, cites = OTITIS) => verifyStatement({ text, evidence: ['E1'] }, library(cites));

  it('rejects a statement that moves the passage to another patient group', () => {
    expect(check('High-dose amoxicillin (80–90 mg/kg/day) is the antibiotic of choice for children without penicillin allergy.').support).toBe('supported');
    expectUnsupported(check('High-dose amoxicillin (80–90 mg/kg/day) is the antibiotic of choice for pregnant women without penicillin allergy.'), 'pregnancy ("pregnant")');
    expectUnsupported(check('High-dose amoxicillin (80–90 mg/kg/day) is the antibiotic of choice for neonates with renal failure.'), 'neonates');
    expectUnsupported(check('High-dose amoxicillin (80–90 mg/kg/day) is the antibiotic of choice for adults without penicillin allergy.'), 'about adults');
    expectUnsupported(check('In the elderly, high-dose amoxicillin (80–90 mg/kg/day) is the antibiotic of choice.'), 'older adults');
  });

  it('finds the group in the source title or section as well as the text', () => {
    const titled = { ...passage('E1', 'High-dose amoxicillin (80–90 mg/kg/day) is the antibiotic of choice without penicillin allergy.'), source: { ...SOURCE, title: 'Otitis media in pregnancy' } };
    expect(check('In pregnancy, high-dose amoxicillin (80–90 mg/kg/day) is the antibiotic of choice without penicillin allergy.', titled).problems).toEqual([]);
    // A passage on adults and children backs a statement on adults.
    const both = passage('E1', 'High-dose amoxicillin (80–90 mg/kg/day) is the antibiotic of choice for adults and children without penicillin allergy.');
    expect(check('High-dose amoxicillin (80–90 mg/kg/day) is the antibiotic of choice for adults without penicillin allergy.', both).problems).toEqual([]);
  });

  it('rejects words that change the size of a dose', () => {
    expectUnsupported(check('Low-dose amoxicillin is the antibiotic of choice for children without penicillin allergy.'), '"Low-dose"');
    expectUnsupported(check('Give amoxicillin 80–90 mg/kg/day to children as a single dose.'), '"single dose"');
    expect(check('High dose amoxicillin is the antibiotic of choice for children without penicillin allergy.').problems).toEqual([]);
  });
});
