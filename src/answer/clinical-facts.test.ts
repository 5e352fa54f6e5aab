import { describe, expect, it } from 'vitest';
import {
  backsMeasurement,
  backsNumber,
  backsSchedule,
  extractFacts,
  findDrugMentions,
  isContentToken,
  looksLikeDrug,
  negationCues,
  normalizeClinicalText,
  tokenize,
} from './clinical-facts.js';

const values = (text: string) => extractFacts(text).numbers.map((n) => n.value);
const measures = (text: string) => extractFacts(text).measurements.map((m) => `${m.value} ${m.unit.canonical} ${m.kind}`);
const hours = (text: string) => extractFacts(text).schedules.map((s) => s.hours);

describe('normalizeClinicalText', () => {
  it('joins digit groups split by thin or no-break spaces but not by ordinary spaces', () => {
    expect(normalizeClinicalText('a cohort of 12\u2009400 adults')).toBe('a cohort of 12400 adults');
    expect(normalizeClinicalText('1\u202F250\u202F000 doses')).toBe('1250000 doses');
    expect(normalizeClinicalText('18 of 23 450')).toBe('18 of 23 450');
  });

  it('reads dash look-alikes, the micro sign and the raised decimal point one way', () => {
    expect(normalizeClinicalText('7\u201310 days, \u221212, 5 \u00B5g, 1\u00B75 mg')).toBe('7-10 days, -12, 5 μg, 1.5 mg');
  });

  it('spells out negative contractions', () => {
    expect(normalizeClinicalText("Drainage didn't help and can't be repeated; it won't recur.")).toBe(
      'Drainage did not help and cannot be repeated; it will not recur.',
    );
  });
});

describe('extractFacts: numbers', () => {
  it('finds integers, decimals, leading-point decimals and thousands', () => {
    expect(values('Relapse in 3 of 41 children, odds ratio 0.62, P<.001, among 1,000 admissions.')).toEqual([
      3, 41, 0.62, 0.001, 1000,
    ]);
  });

  it('treats thin-space and comma groups alike', () => {
    expect(values('12\u2009400 admissions')).toEqual([12400]);
    expect(values('12,400 admissions')).toEqual([12400]);
  });

  it('leaves digits inside names to the identifier check', () => {
    const facts = extractFacts('IL-6 and CD4 counts fell after COVID-19 in HbA1c-matched groups.');
    expect(facts.numbers).toEqual([]);
    expect(facts.identifiers.map((i) => i.key)).toEqual(['il6', 'cd4', 'covid19', 'hba1c']);
  });

  it('reads number words, and "one" only before a unit', () => {
    expect(values('two trials and one reviewer')).toEqual([2]);
    expect(measures('one week')).toEqual(['1 weeks duration']);
  });

  it('records how precisely a number was written', () => {
    const [a, b] = extractFacts('rates of 0.05 and 78.30').numbers;
    expect(a).toMatchObject({ decimals: 2, significant: 1 });
    expect(b).toMatchObject({ decimals: 2, significant: 4 });
  });
});

describe('extractFacts: measurements', () => {
  it('reads a number glued to its unit or spaced from it the same way', () => {
    expect(measures('5mg')).toEqual(measures('5 mg'));
    expect(measures('5-mg tablet')).toEqual(['5 mg dose']);
  });

  it('spells micrograms one way', () => {
    expect(measures('100 mcg, 100 µg, 100 μg, 100 micrograms')).toEqual(Array(4).fill('100 μg dose'));
  });

  it('reads compound units, "per" and daily doses', () => {
    expect(measures('15 mg/kg')).toEqual(['15 mg/kg dose']);
    expect(measures('30 mg per kg per day')).toEqual(['30 mg/kg/d dose']);
    expect(measures('4 g daily')).toEqual(['4 g/d dose']);
    expect(measures('40 mg once daily')).toEqual(['40 mg/d dose']);
    expect(measures('0.1 mcg/kg/min')).toEqual(['0.1 μg/kg/min dose']);
  });

  it('tells doses from concentrations, percentages, durations, ages and other values', () => {
    expect(measures('potassium 5.5 mmol/L')).toEqual(['5.5 mmol/L concentration']);
    expect(measures('in 64% of cases')).toEqual(['64 % percentage']);
    expect(measures('for 10 days')).toEqual(['10 days duration']);
    expect(measures('adults aged 70 years')).toEqual(['70 years age']);
    expect(measures('a 70-year-old man')).toEqual(['70 years age']);
    expect(measures('systolic pressure of 90 mmHg')).toEqual(['90 mmHg value']);
    expect(measures('weighing 70 kg')).toEqual(['70 kg value']);
  });

  it('gives a range one measurement per end, with the unit written once', () => {
    expect(measures('success in 40-78%')).toEqual(['40 % percentage', '78 % percentage']);
    expect(measures('for 7–10 days')).toEqual(['7 days duration', '10 days duration']);
    expect(measures('for 7 to 10 days')).toEqual(['7 days duration', '10 days duration']);
    expect(measures('between 40 and 78 percent')).toEqual(['40 % percentage', '78 % percentage']);
    expect(extractFacts('for 7–10 days').measurements.map((m) => m.raw)).toEqual(['7-10 days', '7-10 days']);
  });

  it('passes a unit back along a list', () => {
    expect(measures('250, 500 or 1000 mg')).toEqual(['250 mg dose', '500 mg dose', '1000 mg dose']);
    // but not across words: 18 of 23 patients is not 18%.
    expect(measures('18 of 23 patients (78%)')).toEqual(['78 % percentage']);
  });

  it('applies number words for millions', () => {
    expect(measures('2.4 million units')).toEqual(['2400000 units dose']);
  });
});

describe('extractFacts: schedules', () => {
  it('reads q-forms, "every", hourly forms, counts per day and abbreviations as hours between doses', () => {
    expect(hours('q8h')).toEqual([8]);
    expect(hours('q 12 h')).toEqual([12]);
    expect(hours('every 8 hours')).toEqual([8]);
    expect(hours('every 6 to 8 hours')).toEqual([6, 8]);
    expect(hours('every two weeks')).toEqual([336]);
    expect(hours('every other day')).toEqual([48]);
    expect(hours('6-hourly')).toEqual([6]);
    expect(hours('three times daily')).toEqual([8]);
    expect(hours('3 times a day')).toEqual([8]);
    expect(hours('3x/day')).toEqual([8]);
    expect(hours('twice daily')).toEqual([12]);
    expect(hours('once weekly')).toEqual([168]);
    expect(hours('TID')).toEqual([8]);
    expect(hours('b.i.d.')).toEqual([12]);
    expect(hours('qid')).toEqual([6]);
  });

  it('marks a lone "daily" as bare', () => {
    const [schedule] = extractFacts('a daily dose').schedules;
    expect(schedule).toMatchObject({ hours: 24, bare: true });
  });

  it('does not read the disease abbreviation BD as twice daily', () => {
    expect(hours('adults with BD')).toEqual([]);
    expect(hours('given bd')).toEqual([12]);
  });

  it('does not count a schedule number again as a plain number or a duration', () => {
    const facts = extractFacts('every 8 hours for 5 days');
    expect(facts.numbers).toEqual([]);
    expect(facts.measurements.map((m) => m.raw)).toEqual(['5 days']);
  });
});

describe('comparing facts', () => {
  const measurement = (text: string) => {
    const [m] = extractFacts(text).measurements;
    if (!m) throw new Error(`no measurement in ${text}`);
    return m;
  };
  const schedule = (text: string) => {
    const [s] = extractFacts(text).schedules;
    if (!s) throw new Error(`no schedule in ${text}`);
    return s;
  };

  it('converts within a dimension', () => {
    expect(backsMeasurement(measurement('1 g'), measurement('1000 mg'))).toBe(true);
    expect(backsMeasurement(measurement('2 weeks'), measurement('14 days'))).toBe(true);
    expect(backsMeasurement(measurement('1 year'), measurement('12 months'))).toBe(true);
    expect(backsMeasurement(measurement('100 mcg'), measurement('100 mg'))).toBe(false);
    expect(backsMeasurement(measurement('2 g'), measurement('2 g/kg'))).toBe(false);
  });

  it('lets a daily total back a dose without "daily", never the reverse', () => {
    expect(backsMeasurement(measurement('500 mg'), measurement('500 mg/day'))).toBe(true);
    expect(backsMeasurement(measurement('500 mg/day'), measurement('500 mg'))).toBe(false);
  });

  it('accepts a rounded percentage or number only when two significant digits remain', () => {
    expect(backsMeasurement(measurement('78%'), measurement('78.3%'))).toBe(true);
    const [rounded] = extractFacts('0.8').numbers;
    const [exact] = extractFacts('1.46').numbers;
    if (!rounded || !exact) throw new Error('numbers expected');
    expect(backsNumber(rounded, 0.75, true)).toBe(false);
    expect(backsNumber({ ...exact, value: 1.5, decimals: 1, significant: 2 }, 1.46, true)).toBe(true);
  });

  it('treats equal intervals as one schedule', () => {
    expect(backsSchedule(schedule('q12h'), schedule('twice daily'))).toBe(true);
    expect(backsSchedule(schedule('every 8 hours'), schedule('tid'))).toBe(true);
    expect(backsSchedule(schedule('q6h'), schedule('every 8 hours'))).toBe(false);
  });
});

describe('drug names', () => {
  it('recognises generic names by their endings', () => {
    for (const drug of ['adalimumab', 'imatinib', 'flucloxacillin', 'clarithromycin', 'ciprofloxacin', 'doxycycline',
      'fluconazole', 'ramipril', 'losartan', 'bisoprolol', 'atorvastatin', 'enoxaparin', 'apixaban', 'dabigatran',
      'amlodipine', 'famotidine', 'omeprazole', 'furosemide', 'hydrochlorothiazide', 'ceftriaxone', 'linezolid',
      'salmeterol', 'oseltamivir']) {
      expect(looksLikeDrug(drug), drug).toBe(true);
    }
  });

  it('does not take class words or ordinary words for drugs', () => {
    for (const word of ['statin', 'statins', 'azole', 'april', 'person', 'abscess', 'drainage', 'cefs', 'cholesterol', 'ergosterol']) {
      expect(looksLikeDrug(word), word).toBe(false);
    }
  });

  it('finds listed names, several words long included, once each', () => {
    const tokens = tokenize('Give co-trimoxazole, then warfarin; warfarin again.');
    const found = findDrugMentions(tokens, new Set(['co-trimoxazole', 'warfarin']));
    expect(found.map((d) => d.words.join(' '))).toEqual(['co trimoxazole', 'warfarin']);
  });
});

describe('negation cues', () => {
  const cues = (text: string) => negationCues(tokenize(normalizeClinicalText(text))).length;

  it('counts plain and self-contained negators', () => {
    expect(cues('Drainage did not reduce mortality.')).toBe(1);
    expect(cues("Drainage didn't reduce mortality.")).toBe(1);
    expect(cues('No significant difference was seen.')).toBe(1);
    expect(cues('Aspirin is contraindicated.')).toBe(1);
    expect(cues('Steroids failed to shorten the illness.')).toBe(1);
    expect(cues('Abscesses resolved without surgery.')).toBe(1);
  });

  it('ignores "not only" and "whether or not"', () => {
    expect(cues('It was not only safe but cheap.')).toBe(0);
    expect(cues('Whether or not fever was present.')).toBe(0);
  });

  it('tells predicate, self-contained and scoped cues apart, naming what a scoped cue denies', () => {
    const found = (text: string) => negationCues(tokenize(normalizeClinicalText(text)));
    expect(found('Fever resolved without any drainage')).toEqual([{ index: 2, kind: 'scoped', target: 'drainag' }]);
    expect(found('non-diabetic adults')).toEqual([{ index: 0, kind: 'scoped', target: 'diabet' }]);
    expect(found('a lack of response')).toEqual([{ index: 1, kind: 'scoped', target: 'respons' }]);
    expect(found('NSAIDs are contraindicated')).toEqual([{ index: 2, kind: 'self' }]);
    expect(found('It is not advised')).toEqual([{ index: 2, kind: 'predicate' }]);
  });

  it('does not count "failure" as a negation', () => {
    expect(cues('Heart failure worsened.')).toBe(0);
  });
});

describe('content words', () => {
  it('leaves out stop words, numbers and the words of measures and schedules', () => {
    const words = tokenize('The patients received 500 mg twice daily for two weeks').filter(isContentToken);
    expect(words.map((t) => t.folded)).toEqual(['patients', 'received']);
  });
});
