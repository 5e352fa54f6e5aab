import type { TermResources } from '../../ports/resources.js';
import type { QueryWord } from './types.js';

/**
 * Hand-made term resources for the expansion tests: a few rows shaped like the real glossary,
 * MeSH tables and drug list, chosen to exercise ambiguity, case and the tree.
 */
export function tinyResources(): TermResources {
  const abbreviations: [string, string][] = [
    ['MI', 'myocardial infarction'],
    ['MI', 'mitral insufficiency'],
    ['PE', 'pulmonary embolism'],
    ['PE', 'physical examination'],
    ['IT', 'inspiratory time'],
    ['IT', 'iliotibial'],
    ['IT', 'intrathecal'],
    ['IT', 'intratympanic'],
    ['am', 'ante meridiem'],
    ['ALL', 'acute lymphocytic leukemia'],
    ['US', 'ultrasound'],
    ['Mg', 'magnesium'],
    ['mg', 'milligram'],
    ['MG', 'myasthenia gravis'],
    ['H. pylori', 'Helicobacter pylori'],
    ['HTN', 'hypertension'],
    ['ASA', 'acetylsalicylic acid (aspirin)'],
    ['5-FU', 'fluorouracil'],
    ['CP', 'chest pain'],
    ['CP', 'cerebral palsy'],
    ['ASIA A', 'complete spinal injury; no sensory or motor function is preserved in the sacral segments'],
    ['K', 'potassium'],
  ];
  return {
    abbreviations: abbreviations.map(([abbreviation, meaning]) => ({ abbreviation, meaning })),
    mesh: [
      { id: 'D1', name: 'Myocardial Infarction', treeNumbers: ['C14.280.647.500'], entryTerms: [] },
      { id: 'D2', name: 'Anterior Wall Myocardial Infarction', treeNumbers: ['C14.280.647.500.093'], entryTerms: [] },
      { id: 'D3', name: 'Shock, Cardiogenic', treeNumbers: ['C14.280.647.500.750'], entryTerms: [] },
      { id: 'D4', name: 'Myocardial Ischemia', treeNumbers: ['C14.280.647'], entryTerms: [] },
      { id: 'D5', name: 'Hypertension', treeNumbers: ['C14.907.489'], entryTerms: ['High Blood Pressure'] },
      { id: 'D6', name: 'Hypertension, Pregnancy-Induced', treeNumbers: ['C14.907.489.480'], entryTerms: [] },
      { id: 'D7', name: 'Diabetes Mellitus, Type 2', treeNumbers: ['C18.452.394.750.149'], entryTerms: ['NIDDM'] },
      { id: 'D8', name: 'Diabetes Mellitus', treeNumbers: ['C18.452.394.750'], entryTerms: [] },
      { id: 'D9', name: 'Pain', treeNumbers: ['C23.888.592.612'], entryTerms: [] },
      { id: 'D10', name: 'Chest Pain', treeNumbers: ['C23.888.592.612.233'], entryTerms: [] },
      { id: 'D11', name: 'Back Pain', treeNumbers: ['C23.888.592.612.050'], entryTerms: [] },
      { id: 'D12', name: 'Time', treeNumbers: ['G01.910'], entryTerms: [] },
      { id: 'D13', name: 'Time Factors', treeNumbers: ['G01.910.857'], entryTerms: [] },
      { id: 'D14', name: 'Cerebral Palsy', treeNumbers: ['C10.228.140.140'], entryTerms: [] },
      { id: 'D15', name: 'Magnesium', treeNumbers: ['D01.268.552.500'], entryTerms: [] },
    ],
    drugs: [
      { generic: 'atorvastatin', brands: ['caduet', 'lipitor'] },
      { generic: 'amlodipine', brands: ['norvasc', 'caduet'] },
      { generic: 'warfarin', brands: ['coumadin', 'jantoven'] },
      { generic: 'aspirin', brands: ['bayer'] },
    ],
    sources: ['tiny test resources'],
    notes: [],
    skipped: [],
  };
}

/** "MI chest pain" → query words split on spaces, as the tokenizer would hand them over. */
export function q(text: string): QueryWord[] {
  return text
    .split(/\s+/)
    .filter((word) => word !== '')
    .map((word) => ({ text: word, lower: word.toLowerCase() }));
}
