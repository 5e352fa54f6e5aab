import { describe, expect, it } from 'vitest';
import { audienceNotices, excerptFor, glossaryFor, hasDosing, PATIENT_RED_FLAGS } from './audience.js';

describe('audiences', () => {
  it('recognises doses and dosing intervals, not other numbers', () => {
    for (const text of ['cefazolin 2 g every 8 hours', '1 mg/kg', 'amoxicillin 500mg', 'q8h', 'given twice daily', '40 mmol of potassium', '5 days of treatment was as effective as 10', 'antibiotics were given for 6 weeks', 'a 10-day course']) {
      expect(hasDosing(text), text).toBe(true);
    }
    for (const text of ['in 16 of 24 patients', 'mortality was 5%', 'a 6 cm abscess', 'symptoms had lasted 3 days before admission']) {
      expect(hasDosing(text), text).toBe(false);
    }
  });

  it('opens a patient answer with red flags and says it is not advice; professionals get the review notice', () => {
    expect(audienceNotices('patient')[0]).toBe(PATIENT_RED_FLAGS);
    expect(audienceNotices('patient')[1]).toMatch(/does not replace/);
    expect(audienceNotices('clinician')[0]).toMatch(/not reviewed by a qualified clinician/);
  });

  it('explains the medical words an answer uses, once each, in order of use', () => {
    const glossary = glossaryFor(['Percutaneous drainage of the abscess, then antibiotics.', 'Antibiotic choice follows cultures.']);
    expect(glossary.map((g) => g.term)).toEqual(['percutaneous', 'drainage', 'abscess', 'antibiotic', 'culture']);
    expect(glossaryFor(['Nothing technical here.'])).toEqual([]);
  });
});

describe('excerptFor: what an answer that found nothing quotes of a passage', () => {
  const text = 'Antibiotics help most in children under 2 with bilateral disease. Give amoxicillin 80–90 mg/kg/day in two doses. Treat pain first.';

  it('quotes the whole passage to professionals', () => {
    for (const audience of ['clinician', 'nurse', 'pharmacist', 'student'] as const) expect(excerptFor(audience, text)).toBe(text);
  });

  it('leaves the dosing sentences out for a patient, and says so when nothing else is left', () => {
    expect(excerptFor('patient', text)).toBe('Antibiotics help most in children under 2 with bilateral disease. Treat pain first.');
    expect(excerptFor('patient', 'Give amoxicillin 80–90 mg/kg/day for 10 days.')).toMatch(/dosing details, which are left to your clinician/);
  });
});

describe('the patient glossary', () => {
  it("explains the trial and clinic words patient answers quote (ECG, dialysis, NNT, hazard ratio)", () => {
    const terms = glossaryFor(['Do not let a normal-looking ECG reassure you; dialysis removes potassium (NNT 33, hazard ratio 0.84).']).map((g) => g.term);
    expect(terms).toEqual(['ecg', 'dialysis', 'nnt', 'hazard ratio']);
  });
});
