import { describe, expect, it } from 'vitest';
import { audienceNotices, glossaryFor, hasDosing, PATIENT_RED_FLAGS } from './audience.js';

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
