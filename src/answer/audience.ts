import type { Audience } from '../domain/answer.js';
import { splitSentences } from '../domain/sentences.js';

/**
 * What changes with the audience: vocabulary and emphasis, never the facts. A patient answer
 * leads with when to seek care, leaves out individual dosing, and explains the medical words it
 * uses; professional answers keep every dose as written.
 */

/** A number with a dose unit, or a dosing interval: "500 mg", "1 mg/kg", "q8h", "twice daily". */
const DOSING =
  /\b\d+(?:[.,]\d+)?\s*(?:mg|g|mcg|µg|μg|ng|ml|mL|l|L|iu|IU|units?|mmol|mEq|mg\/kg|mcg\/kg|µg\/kg)\b|\bq\s?\d+\s?h\b|\bevery \d+(?:[–-]\d+)? hours?\b|\b(?:once|twice|three times|four times) (?:a )?dai?ly\b|\b(?:bid|tid|qid|qds|tds|bd)\b/i;

/** How long a treatment is given: "5 days of treatment", "for 6 weeks", "a 10-day course". */
const DURATION = /\b\d+(?:[–-]\d+)?[\s-]*(?:days?|weeks?|months?)\b[^.;]*\b(?:treat|therap|antibiotic|course|dose|taken|given|prophyla)|\b(?:treat\w*|therap\w*|antibiotics?|course|given|taken)\b[^.;]*\bfor \d+(?:[–-]\d+)? (?:days?|weeks?|months?)\b|\b\d+(?:[–-]\d+)?[\s-]*(?:days?|weeks?|months?) (?:of|course)\b/i;

/** Doses, intervals and treatment durations: what a patient answer leaves to the clinician. */
export function hasDosing(text: string): boolean {
  return DOSING.test(text) || DURATION.test(text);
}

/** Shown first in every patient answer. */
export const PATIENT_RED_FLAGS =
  'Get medical help now (call your local emergency number) if you have trouble breathing, chest pain, ' +
  'fainting or new confusion, a high fever with shaking chills or a stiff neck, severe or quickly ' +
  'worsening pain, bleeding that will not stop, or swelling of the face, lips or throat.';

export const PATIENT_NOT_ADVICE =
  'This is general information drawn from medical literature, not advice for your situation, and it ' +
  'does not replace a doctor, nurse or pharmacist who knows you. Doses are left out on purpose: ask ' +
  'your clinician or pharmacist what is right for you.';

export const PROFESSIONAL_NOTICE =
  'Generated from the library by citemed and not reviewed by a qualified clinician: check each ' +
  'statement against its cited source and current local guidance before acting on it.';

/** Plain-language meanings of medical words, written for this project. Keys are lower case. */
export const GLOSSARY: Readonly<Record<string, string>> = {
  abscess: 'a pocket of pus inside the body',
  acute: 'starting suddenly or lasting a short time',
  analgesic: 'a painkiller',
  arrhythmia: 'a heartbeat that is too fast, too slow or irregular',
  asymptomatic: 'without symptoms',
  cellulitis: 'an infection of the deeper layers of the skin',
  'cohort study': 'a study that follows a group of people over time to see what happens to them',
  'confidence interval': 'the range in which the true result probably lies',
  copd: 'chronic obstructive pulmonary disease: long-term lung damage that makes breathing hard',
  corticosteroid: 'a medicine that calms inflammation (a "steroid")',
  creatinine: 'a waste product in the blood; a high level can mean the kidneys are not working well',
  dialysis: 'cleaning the blood with a machine when the kidneys cannot',
  diuretic: 'a medicine that makes you pass more urine (a "water tablet")',
  ecg: 'an electrocardiogram: a recording of the heart\'s electrical activity',
  electrolyte: 'a salt in the blood, such as sodium or potassium',
  glucocorticoid: 'a medicine that calms inflammation (a "steroid")',
  'hazard ratio': 'how much more or less often something happened in one group than in another (below 1: less often)',
  hyperkalaemia: 'too much potassium in the blood',
  hyperkalemia: 'too much potassium in the blood',
  hypoglycaemia: 'blood sugar that is too low',
  hypoglycemia: 'blood sugar that is too low',
  incidence: 'how many new cases appear in a given time',
  nnt: 'number needed to treat: how many people must be treated for one of them to benefit',
  'number needed to treat': 'how many people must be treated for one of them to benefit',
  nsaid: 'an anti-inflammatory painkiller such as ibuprofen or naproxen',
  'odds ratio': 'a comparison of how likely something was in one group than in another (1: no difference)',
  placebo: 'a dummy treatment with no active medicine, used for comparison',
  pneumonia: 'an infection of the lungs',
  prevalence: 'how many people have a condition at one time',
  randomised: 'in a trial where chance decides who gets which treatment',
  'relative risk': 'how likely something was in one group compared with another (1: no difference)',
  symptomatic: 'causing symptoms',
  urate: 'uric acid, a waste product that forms crystals in gout',
  anaemia: 'too few healthy red blood cells',
  anemia: 'too few healthy red blood cells',
  anticoagulant: 'a medicine that makes the blood slower to clot (a "blood thinner")',
  anticoagulation: 'treatment with medicines that make the blood slower to clot',
  antibiotic: 'a medicine that kills bacteria or stops them growing',
  bilateral: 'on both sides of the body',
  biopsy: 'taking a small piece of tissue to look at under a microscope',
  cardiovascular: 'to do with the heart and blood vessels',
  chronic: 'lasting a long time',
  contraindicated: 'should not be used because it could cause harm',
  'computed tomography': 'a CT scan: detailed X-ray pictures of the inside of the body',
  culture: 'a lab test that grows germs from a sample to find out which ones are there',
  drainage: 'letting fluid or pus out, often through a thin tube',
  embolism: 'a blockage of a blood vessel, often by a clot that has travelled',
  empiric: 'started before test results are back, based on the most likely cause',
  haematoma: 'a collection of blood outside the blood vessels, like a deep bruise',
  hematoma: 'a collection of blood outside the blood vessels, like a deep bruise',
  hepatic: 'to do with the liver',
  hypertension: 'high blood pressure',
  hypotension: 'low blood pressure',
  immunocompromised: 'having an immune system that is weaker than usual',
  infection: 'germs growing in the body and causing harm',
  inflammation: 'the body\'s reaction to injury or infection: redness, swelling, heat or pain',
  intravenous: 'given into a vein',
  'meta-analysis': 'a study that combines the results of several studies',
  mortality: 'the share of people who died',
  mri: 'a scan that uses a strong magnet to make detailed pictures',
  'myocardial infarction': 'a heart attack',
  oral: 'taken by mouth',
  percutaneous: 'done through the skin, with a needle or thin tube',
  prognosis: 'the likely course and outcome of an illness',
  prophylaxis: 'treatment given to prevent a problem',
  randomized: 'in a trial where chance decides who gets which treatment',
  recurrence: 'the illness coming back',
  renal: 'to do with the kidneys',
  sepsis: 'a life-threatening reaction of the body to an infection',
  'systematic review': 'a careful summary of all the good studies on one question',
  thrombosis: 'a blood clot forming inside a blood vessel',
  ultrasound: 'a scan that uses sound waves to make pictures',
};

/** The glossary entries for words an answer uses, in the order they first appear. */
export function glossaryFor(texts: readonly string[]): { term: string; meaning: string }[] {
  const joined = ` ${texts.join(' ').toLowerCase()} `;
  const found: { term: string; meaning: string; at: number }[] = [];
  for (const [term, meaning] of Object.entries(GLOSSARY)) {
    // Plurals too: "antibiotics" is explained by "antibiotic".
    const at = joined.search(new RegExp(`[^a-z]${term.replace(/[-]/g, '[- ]')}s?[^a-z]`));
    if (at >= 0) found.push({ term, meaning, at });
  }
  // One of each pair of spellings is enough ("anemia" / "anaemia").
  const seen = new Set<string>();
  return found
    .sort((a, b) => a.at - b.at)
    .filter(({ meaning }) => (seen.has(meaning) ? false : (seen.add(meaning), true)))
    .map(({ term, meaning }) => ({ term, meaning }));
}

/** The notices an answer for this audience opens with. */
export function audienceNotices(audience: Audience): string[] {
  return audience === 'patient' ? [PATIENT_RED_FLAGS, PATIENT_NOT_ADVICE] : [PROFESSIONAL_NOTICE];
}

/**
 * A retrieved passage as an answer may quote it when it found no answer ("what the library
 * holds"): whole for professionals; for a patient without the sentences that give doses,
 * intervals or durations, as in the answer itself.
 */
export function excerptFor(audience: Audience, text: string): string {
  if (audience !== 'patient') return text;
  const kept = splitSentences(text)
    .map((s) => text.slice(s.start, s.end))
    .filter((sentence) => !hasDosing(sentence));
  return kept.length > 0 ? kept.join(' ') : '(this passage gives dosing details, which are left to your clinician)';
}
