import { beforeAll, describe, expect, it } from 'vitest';
import { hasSharedData, SHARED_DATA_SKIP_MESSAGE, sharedDataDir } from '../../../test/shared-data.js';
import { loadSharedDataResources } from '../../adapters/resources/shared-data-resources.js';
import type { TermResources } from '../../ports/resources.js';
import { buildExpansionIndex, type ExpansionIndex } from './build-index.js';
import { expandQuery, explainExpansion } from './expand.js';
import { q } from './test-helpers.js';

/*
 * The real glossary, MeSH tables and drug list, read through the adapter. Each expected look-up
 * was checked by reading the files: medical_abbreviations.csv lists MI (myocardial infarction;
 * molecular intelligence), PT (physical therapy; prothrombin time) and COPD; generic_to_brand.csv
 * maps abatacept → orencia and atorvastatin → lipitor, …; tree-numbers places Shock, Cardiogenic
 * (C14.280.647.500.750) under Myocardial Infarction (C14.280.647.500); subset.xml gives
 * Calcimycin (D000001) the entry term A23187.
 */
describe.skipIf(!hasSharedData)(`expansion on the shared data sets ${hasSharedData ? '' : SHARED_DATA_SKIP_MESSAGE}`, () => {
  let resources: TermResources;
  let index: ExpansionIndex;

  beforeAll(async () => {
    const loadStart = performance.now();
    resources = await loadSharedDataResources(sharedDataDir);
    const buildStart = performance.now();
    const cpu = process.cpuUsage();
    index = buildExpansionIndex(resources);
    const used = process.cpuUsage(cpu);
    const cpuMs = (used.user + used.system) / 1000;
    const buildMs = performance.now() - buildStart;
    // Printed, not asserted: wall-clock limits do not belong in tests.
    console.log(
      `term resources: load ${(buildStart - loadStart).toFixed(0)} ms, index build ${buildMs.toFixed(0)} ms wall / ${cpuMs.toFixed(0)} ms CPU ` +
        `(${resources.abbreviations.length} abbreviation rows, ${resources.mesh.length} MeSH headings, ${resources.drugs.length} drugs)`,
    );
  });

  it('loads every part, with a note only for the cut-short sample XML', () => {
    expect(resources.abbreviations.length).toBe(4438);
    expect(resources.mesh.length).toBe(27455);
    expect(resources.drugs.length).toBe(581);
    expect(resources.skipped).toEqual([]);
    expect(resources.notes.every((note) => note.startsWith('mesh/subset.xml'))).toBe(true);
  });

  it('abbreviations: a single meaning, and a meaning chosen by context', () => {
    expect(expandQuery(q('COPD exacerbation'), index).map((e) => e.text)).toContain('chronic obstructive pulmonary disease');
    const pt = expandQuery(q('PT INR warfarin'), index).filter((e) => e.source === 'PT');
    expect(pt.map((e) => e.text)).toEqual(['prothrombin time']);
    expect(pt[0]?.reason).toContain("chosen over 'physical therapy' by context");
    const mi = expandQuery(q('MI chest pain'), index).find((e) => e.source === 'MI');
    expect(mi?.text).toBe('myocardial infarction');
  });

  it('full form → abbreviation', () => {
    expect(expandQuery(q('chronic obstructive pulmonary disease'), index).map((e) => e.text)).toContain('COPD');
  });

  it('MeSH: narrower headings from the tree, and entry terms from the sample records', () => {
    const narrower = expandQuery(q('myocardial infarction'), index).filter((e) => e.origin === 'mesh');
    expect(narrower.map((e) => e.text)).toContain('Cardiogenic Shock');
    expect(narrower.find((e) => e.text === 'Cardiogenic Shock')?.reason).toContain('C14.280.647.500.750');
    expect(expandQuery(q('calcimycin'), index).map((e) => e.text)).toContain('A23187');
    expect(expandQuery(q('A23187'), index).map((e) => e.text)).toContain('Calcimycin');
  });

  it('drug names both ways', () => {
    expect(expandQuery(q('abatacept'), index).map((e) => e.text)).toEqual(['orencia']);
    expect(expandQuery(q('Lipitor'), index).map((e) => e.text)).toEqual(['atorvastatin']);
  });

  it('looks up in microseconds (printed)', () => {
    const queries = ['MI chest pain', 'type 2 diabetes mellitus metformin', 'PT INR warfarin', 'what is the risk of stroke after TIA'].map(q);
    const rounds = 2000;
    const start = performance.now();
    for (let i = 0; i < rounds; i++) for (const query of queries) explainExpansion(query, index);
    const perQuery = ((performance.now() - start) * 1000) / (rounds * queries.length);
    console.log(`expansion look-up: ${perQuery.toFixed(1)} µs per query`);
    expect(perQuery).toBeGreaterThan(0);
  });
});
