import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyzeQuery, isStatement } from './query.js';
import { indexTokens, wordTokens } from './tokens.js';

const forms = (text: string) => analyzeQuery(text).map((t) => t.forms.map((f) => f.join(' ')));

describe('analyzeQuery', () => {
  it('drops stop words and question words from natural-language questions', () => {
    expect(analyzeQuery('What is the management of an iliopsoas abscess?').map((t) => t.text)).toEqual([
      'management',
      'iliopsoas',
      'abscess',
    ]);
  });

  it('reads a word broken by a control character as ingest stores it, whole', () => {
    expect(analyzeQuery('can\u0001cer screening').map((t) => t.text)).toEqual(['cancer', 'screening']);
    expect(analyzeQuery('colon \u0000 cancer').map((t) => t.text)).toEqual(['colon', 'cancer']);
  });

  it('keeps hyphenated terms together, with a joined spelling', () => {
    expect(forms('beta-blocker in COVID-19')).toEqual([
      ['beta blocker', 'betablocker'],
      ['covid 19', 'covid19'],
    ]);
  });

  it('spells Greek letters both ways', () => {
    expect(forms('TNF-α inhibitors')).toEqual([['tnf α', 'tnf alpha', 'tnfα', 'tnfalpha'], ['inhibitors']]);
    expect(forms('TNF-alpha')).toEqual([['tnf alpha', 'tnf α', 'tnfalpha']]);
    // A spelled-out letter starting a term is an English word, not a symbol.
    expect(forms('beta-blocker')[0]).not.toContain('β blocker');
  });

  it('splits numbers glued to units and keeps decimals whole', () => {
    expect(forms('5mg/kg')).toEqual([['5mg kg', '5mgkg', '5 mg kg']]);
    expect(forms('amoxicillin 500mg')).toEqual([['amoxicillin'], ['500mg', '500 mg']]);
    // A decimal dose glued to its unit, as passages write it apart: "0.5 mg/kg".
    expect(forms('adrenaline 0.5mg/kg')[1]).toContain('0 5 mg kg');
    expect(forms('HbA1c 7.5%')).toEqual([['hba1c', 'hba 1c'], ['7 5']]);
  });

  it('reads gene and drug names as one term', () => {
    expect(forms('IL-6 and BRCA1 in SARS-CoV-2')).toEqual([['il 6', 'il6'], ['brca1', 'brca 1'], ['sars cov 2']]);
    // A name with two close numbers is either name; one whose numbers are far apart is a name of its own.
    expect(forms('CDK4/6 inhibitors')).toEqual([['cdk4 6', 'cdk4', 'cdk6', 'cdk46'], ['inhibitors']]);
    expect(forms('BRCA1/2')[0]).toEqual(expect.arrayContaining(['brca1', 'brca2']));
    expect(forms('F4/80 macrophages')[0]).toEqual(['f4 80', 'f480']);
    // A symbol typed joined is also searched as text often writes it, hyphenated ("IL-6", "PD-1"),
    // as "IL-6" typed is also searched joined; not a single letter's ("p53", "B12").
    expect(forms('IL6 and PD1')).toEqual([['il6', 'il 6'], ['pd1', 'pd 1']]);
    expect(forms('p53 B12')).toEqual([['p53'], ['b12']]);
    // A bracketed suffix typed against a name is part of it ("Lp(a)" is not "Lp" and the stop word
    // "a"), and is not joined ("lpa" is lysophosphatidic acid); a bracketed word is its own term.
    expect(forms('Lp(a) and HbA(1c) levels')).toEqual([['lp a'], ['hba 1c', 'hba 1 c'], ['levels']]);
    expect(forms('product(GDP) growth')).toEqual([['product'], ['gdp'], ['growth']]);
    expect(forms('histone chaperone(s)')).toEqual([['histone'], ['chaperone'], ['s']]);
    expect(forms('serum 25(OH)D')).toEqual([['serum'], ['25 oh d']]);
  });

  it("drops the possessive: Crohn's disease finds Crohn disease", () => {
    expect(forms("Crohn's disease")).toEqual([['crohn'], ['disease']]);
    expect(forms('Alzheimer’s')).toEqual([['alzheimer']]);
  });

  it('stems as the index does, and removes duplicates', () => {
    const terms = analyzeQuery('randomized randomised trials trial');
    expect(terms.map((t) => t.stems[0]?.join(' '))).toEqual(['random', 'randomis', 'trial']);
  });

  it('returns nothing for only stop words or punctuation', () => {
    expect(analyzeQuery('what is the')).toEqual([]);
    expect(analyzeQuery('"*()^:-')).toEqual([]);
  });

  it('never yields an empty token, and its tokens are the index tokens of the text (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (text) => {
        for (const term of analyzeQuery(text)) {
          expect(term.forms.length).toBeGreaterThan(0);
          for (const form of term.forms) for (const token of form) expect(token).toMatch(/^[\p{L}\p{N}]+$/u);
          expect(term.forms[0]).toEqual(wordTokens(term.forms[0]?.join(' ') ?? ''));
        }
      }),
    );
  });
});

describe('indexTokens', () => {
  it('folds case and diacritics and stems like FTS5 porter', () => {
    expect(indexTokens('Café Therapies RANDOMIZED, anti-TNF-α 5mg')).toEqual(['cafe', 'therapi', 'random', 'anti', 'tnf', 'α', '5mg']);
  });

  it('stems words of 3 to 64 letters only, as FTS5 porter does (postings.test.ts compares the two)', () => {
    expect(indexTokens(`${'b'.repeat(58)}ations`)).toEqual([`${'b'.repeat(58)}ation`]);
    expect(indexTokens(`${'b'.repeat(59)}ations`)).toEqual([`${'b'.repeat(59)}ations`]);
  });
});

describe('isStatement', () => {
  it('reads a sentence that asserts something as a statement, with or without its full stop', () => {
    for (const text of [
      'Statins reduce mortality in heart failure.',
      'NAC is associated with lower cocaine relapse',
      'Smoking is harmful',
      'Aspirin does not prevent a first stroke in older adults!',
      '"Early mobilisation shortens hospital stay."',
    ]) {
      expect(isStatement(text), text).toBe(true);
    }
  });

  it('does not read questions, keywords or a word with a full stop as statements', () => {
    for (const text of [
      'What is the management of an iliopsoas abscess?',
      'Does metformin cause lactic acidosis',
      'is amoxicillin safe in pregnancy',
      'statins reduce mortality?',
      'first-line treatment of community-acquired pneumonia',
      'iliopsoas abscess management',
      'treatment of hypertension in patients who are pregnant',
      'Aspirin.',
      'dose of amoxicillin.',
      '',
      '   ',
    ]) {
      expect(isStatement(text), text).toBe(false);
    }
  });

  it('never throws, whatever is typed', () => {
    fc.assert(fc.property(fc.string(), (text) => typeof isStatement(text) === 'boolean'));
  });
});
