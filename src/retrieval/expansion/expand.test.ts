import { describe, expect, it } from 'vitest';
import { CitemedError } from '../../domain/errors.js';
import { buildExpansionIndex } from './build-index.js';
import { expandQuery, explainExpansion } from './expand.js';
import { DEFAULT_EXPANSION_OPTIONS, resolveExpansionOptions, type ExpansionSettings } from './options.js';
import { q, tinyResources } from './test-helpers.js';
import type { Expansion } from './types.js';

const index = buildExpansionIndex(tinyResources());

function expand(text: string, settings?: ExpansionSettings): Expansion[] {
  return expandQuery(q(text), index, settings);
}

function texts(text: string, settings?: ExpansionSettings): string[] {
  return expand(text, settings).map((e) => e.text);
}

function find(expansions: Expansion[], text: string): Expansion {
  const found = expansions.find((e) => e.text === text);
  if (found === undefined) throw new Error(`no expansion "${text}" in ${JSON.stringify(expansions.map((e) => e.text))}`);
  return found;
}

describe('abbreviations: choosing a meaning', () => {
  it('picks the meaning the rest of the query points to, and says why', () => {
    const mi = find(expand('MI chest pain'), 'myocardial infarction');
    expect(mi).toMatchObject({ origin: 'abbreviation', source: 'MI', weight: DEFAULT_EXPANSION_OPTIONS.weights.abbreviation });
    expect(mi.reason).toBe("MI → myocardial infarction (abbreviation; chosen over 'mitral insufficiency' by context: 'chest')");
    expect(texts('MI chest pain')).not.toContain('mitral insufficiency');
  });

  it('a word of the meaning in the query outweighs everything else', () => {
    const found = expand('MI mitral murmur');
    expect(find(found, 'mitral insufficiency').reason).toContain("by context: 'mitral', 'murmur'");
    expect(found.map((e) => e.text)).not.toContain('myocardial infarction');
  });

  it('without context, the meaning that is a MeSH heading breaks the tie', () => {
    const [only, ...rest] = expand('MI');
    expect(rest).toEqual([]);
    expect(only?.text).toBe('myocardial infarction');
    expect(only?.reason).toContain('as the only meaning that is a MeSH heading');
  });

  it('meanings the query cannot tell apart share the weight', () => {
    const found = expand('PE');
    expect(found.map((e) => e.text)).toEqual(['pulmonary embolism', 'physical examination']);
    for (const e of found) expect(e.weight).toBeCloseTo(DEFAULT_EXPANSION_OPTIONS.weights.abbreviation / 2);
    expect(found[0]?.reason).toBe("PE → pulmonary embolism (abbreviation; tied with 'physical examination' among 2 meanings, weight shared)");
  });

  it('too many equally likely meanings: no expansion, and a note saying so', () => {
    const report = explainExpansion(q('IT'), index);
    expect(report.expansions).toEqual([]);
    expect(report.notes).toEqual(['IT: 4 meanings and nothing in the query to choose between them; not expanded']);
    expect(expand('IT', { maxAbbreviationMeanings: 4 })).toHaveLength(4);
  });

  it('context settles what would otherwise be too many meanings', () => {
    expect(texts('IT inspiratory flow')).toEqual(['inspiratory time']);
  });

  it('a meaning written with an alternative in parentheses yields both as phrases', () => {
    expect(texts('ASA')).toEqual(['acetylsalicylic acid', 'aspirin']);
  });

  it('a sentence-long definition is not searched for', () => {
    const report = explainExpansion(q('ASIA A'), index);
    expect(report.expansions).toEqual([]);
    expect(report.notes[0]).toContain('definitions');
  });
});

describe('abbreviations: case', () => {
  it('an everyday word expands only when written in capitals', () => {
    expect(texts('I am tired')).toEqual([]);
    expect(texts('ALL relapse')).toContain('acute lymphocytic leukemia');
    expect(texts('all patients')).toEqual([]);
    expect(texts('All patients')).toEqual([]);
    expect(texts('tell us')).toEqual([]);
    expect(texts('US guided biopsy')).toContain('ultrasound');
    expect(texts('AM dosing')).toContain('ante meridiem');
  });

  it('case is ignored when the whole query is in capitals, so everyday words stay put', () => {
    expect(texts('WHAT ABOUT ALL OF US')).toEqual([]);
    expect(texts('TREATMENT AFTER MI')).toContain('myocardial infarction');
  });

  it('the form written exactly as listed wins over case variants', () => {
    expect(texts('Mg levels')).toContain('magnesium');
    expect(texts('Mg levels')).not.toContain('milligram');
    expect(texts('500 mg')).toEqual(['milligram']);
    expect(texts('MG crisis')).toEqual(['myasthenia gravis']);
  });

  it('a lower-case abbreviation written in capitals still matches', () => {
    expect(texts('HTN')).toContain('hypertension');
    expect(texts('htn')).toEqual([]);
  });

  it('several-word abbreviations match however the tokenizer cut them', () => {
    expect(texts('H. pylori eradication')).toContain('Helicobacter pylori');
    expect(texts('h pylori')).toContain('Helicobacter pylori');
    expect(texts('5-FU toxicity')).toContain('fluorouracil');
    expect(texts('5 FU toxicity')).toContain('fluorouracil');
    expect(texts('FU')).toEqual([]);
  });

  it('single letters are never expanded', () => {
    expect(texts('vitamin K')).toEqual([]);
  });
});

describe('abbreviations: full form → abbreviation', () => {
  it('adds the abbreviation when it has no other meaning', () => {
    const htn = find(expand('hypertension in pregnancy'), 'HTN');
    expect(htn.weight).toBe(DEFAULT_EXPANSION_OPTIONS.weights.abbreviationReverse);
    expect(htn.reason).toBe('hypertension → HTN (abbreviation; its only meaning in the glossary)');
  });

  it('adds it when its other meanings are not MeSH headings, matching plurals', () => {
    expect(find(expand('myocardial infarctions'), 'MI').reason).toContain("its other meaning ('mitral insufficiency') is not a MeSH heading");
  });

  it('does not add an ambiguous abbreviation, and notes why', () => {
    const report = explainExpansion(q('chest pain'), index);
    expect(report.expansions.map((e) => e.text)).not.toContain('CP');
    expect(report.notes).toContain("chest pain: abbreviation CP not added, it also means 'cerebral palsy'");
  });

  it('never adds an abbreviation that is an everyday word', () => {
    expect(texts('ultrasound')).not.toContain('US');
  });

  it('can be switched off on its own', () => {
    expect(texts('hypertension', { reverseAbbreviations: false })).not.toContain('HTN');
  });
});

describe('MeSH', () => {
  it('matches the longest heading, stemmed, and adds its children with the tree in the reason', () => {
    const found = expand('acute myocardial infarctions');
    expect(found.map((e) => e.text)).toEqual(['MI', 'Anterior Wall Myocardial Infarction', 'Cardiogenic Shock']);
    const shock = find(found, 'Cardiogenic Shock');
    expect(shock).toMatchObject({ origin: 'mesh', source: 'myocardial infarctions', weight: DEFAULT_EXPANSION_OPTIONS.weights.meshNarrower });
    expect(shock.reason).toBe(
      'myocardial infarctions → Cardiogenic Shock (narrower MeSH heading C14.280.647.500.750, under Myocardial Infarction C14.280.647.500)',
    );
  });

  it('the longest match wins over the heading inside it', () => {
    expect(texts('anterior wall myocardial infarction', { abbreviations: false })).toEqual([]);
  });

  it('an entry term leads to the preferred heading and its other synonyms', () => {
    const found = expand('high blood pressure', { meshNarrower: false });
    const heading = find(found, 'Hypertension');
    expect(heading.weight).toBe(DEFAULT_EXPANSION_OPTIONS.weights.mesh);
    expect(heading.reason).toContain("of which 'High Blood Pressure' is an entry term");
  });

  it('inverted headings match in natural word order, and expand to their entry terms', () => {
    expect(find(expand('type 2 diabetes mellitus'), 'NIDDM').reason).toBe(
      'type 2 diabetes mellitus → NIDDM (MeSH entry term of Diabetes Mellitus, Type 2, D7 C18.452.394.750.149)',
    );
  });

  it('a heading with too many children is not expanded downwards', () => {
    const report = explainExpansion(q('pain'), index, { broadHeadingChildren: 1 });
    expect(report.expansions).toEqual([]);
    expect(report.notes).toEqual(['pain: MeSH heading Pain has 2 narrower headings, too broad to add them']);
    expect(texts('pain')).toEqual(['Back Pain', 'Chest Pain']);
    expect(texts('pain', { maxNarrowerPerTerm: 1 })).toEqual(['Back Pain']);
  });

  it('adds the parent heading only when asked', () => {
    expect(texts('myocardial infarction', { abbreviations: false, meshNarrower: false })).toEqual([]);
    const parent = find(expand('myocardial infarction', { abbreviations: false, meshNarrower: false, meshBroader: true }), 'Myocardial Ischemia');
    expect(parent.weight).toBe(DEFAULT_EXPANSION_OPTIONS.weights.meshBroader);
  });

  it('an everyday word alone does not match a heading', () => {
    expect(texts('time')).toEqual([]);
  });
});

describe('drug names', () => {
  it('brand → generic, whole words only, any case', () => {
    const found = expand('Lipitor dose');
    expect(found).toEqual([
      { text: 'atorvastatin', weight: 0.7, origin: 'drug', source: 'Lipitor', reason: 'Lipitor → atorvastatin (generic name of lipitor)' },
    ]);
    expect(texts('lipitors')).toEqual([]);
  });

  it('generic → brands, single-ingredient brands before combinations', () => {
    const found = expand('atorvastatin');
    expect(found.map((e) => e.text)).toEqual(['lipitor', 'caduet']);
    expect(find(found, 'caduet').reason).toBe('atorvastatin → caduet (brand of a combination: atorvastatin + amlodipine)');
    expect(texts('atorvastatin', { maxBrandsPerDrug: 1 })).toEqual(['lipitor']);
  });

  it('a combination brand → each of its generics', () => {
    expect(texts('caduet')).toEqual(['atorvastatin', 'amlodipine']);
  });
});

describe('the expansion list', () => {
  it('never repeats a term of the query', () => {
    expect(texts('MI myocardial infarction', { mesh: false })).toEqual([]);
    expect(texts('lipitor atorvastatin')).toEqual(['caduet']);
  });

  it('keeps one copy of a text found twice, the heavier', () => {
    const found = expand('ASA bayer');
    expect(found.filter((e) => e.text === 'aspirin')).toHaveLength(1);
    expect(find(found, 'aspirin').origin).toBe('abbreviation');
  });

  it('orders by the query word that triggered each expansion, and is repeatable', () => {
    const first = expand('warfarin after MI');
    expect(first.map((e) => e.source)).toEqual(['warfarin', 'warfarin', 'MI']);
    expect(expand('warfarin after MI')).toEqual(first);
  });

  it('keeps the heaviest when capped', () => {
    expect(texts('warfarin after MI', { maxExpansions: 1 })).toEqual(['myocardial infarction']);
    expect(texts('warfarin after MI', { maxExpansions: 0 })).toEqual([]);
  });

  it('each kind can be switched off', () => {
    const query = 'MI pain warfarin';
    const origins = (settings: ExpansionSettings) => new Set(expand(query, settings).map((e) => e.origin));
    expect(origins({})).toEqual(new Set(['abbreviation', 'mesh', 'drug']));
    expect(origins({ abbreviations: false })).toEqual(new Set(['mesh', 'drug']));
    expect(origins({ mesh: false })).toEqual(new Set(['abbreviation', 'drug']));
    expect(origins({ drugs: false })).toEqual(new Set(['abbreviation', 'mesh']));
    expect(expand(query, { abbreviations: false, mesh: false, drugs: false })).toEqual([]);
  });

  it('handles an empty query and punctuation-only words', () => {
    expect(expandQuery([], index)).toEqual([]);
    expect(expand('... ,,, ?')).toEqual([]);
  });
});

describe('options', () => {
  it('fills defaults, every default weight below the typed terms', () => {
    const options = resolveExpansionOptions({ weights: { drug: 0.5 } });
    expect(options.weights.drug).toBe(0.5);
    expect(options.weights.mesh).toBe(DEFAULT_EXPANSION_OPTIONS.weights.mesh);
    for (const weight of Object.values(DEFAULT_EXPANSION_OPTIONS.weights)) {
      expect(weight).toBeGreaterThan(0);
      expect(weight).toBeLessThan(1);
    }
  });

  it('rejects weights outside (0, 1) and bad counts as configuration errors', () => {
    for (const weights of [{ mesh: 1 }, { drug: 0 }, { abbreviation: Number.NaN }]) {
      expect(() => resolveExpansionOptions({ weights })).toThrow(CitemedError);
    }
    expect(() => resolveExpansionOptions({ maxExpansions: -1 })).toThrow(/maxExpansions/);
    try {
      resolveExpansionOptions({ weights: { mesh: 1.5 } });
    } catch (error) {
      expect((error as CitemedError).code).toBe('bad-config');
    }
  });
});
