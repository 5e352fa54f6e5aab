import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { CitemedError } from '../../domain/errors.js';
import { loadSharedDataResources } from './shared-data-resources.js';

// Tiny resource folders in the shared-data layout, written per test.
const ABBREVIATIONS = [
  'abbreviation,meaning,more_info,source_file',
  'MI,myocardial infarction,,"A-M, medical abbreviations.csv"',
  'MI,"mitral insufficiency, ""MR""",,x.csv',
  ',empty abbreviation,,x.csv',
  'TOO,many,fields,x.csv,extra',
  '"HTN",hypertension,https://example.org/htn,x.csv',
].join('\n');
const TERMS = 'mesh_id\tmesh_name\nD1\tMyocardial Infarction\nD2\tShock, Cardiogenic\nD3\t\n';
const TREE = 'mesh_id\tmesh_name\tmesh_tree_number\nD1\tMyocardial Infarction\tC14.280.647.500\nD2\tShock, Cardiogenic\tC14.280.647.500.750\nD9\tOnly In Tree\tC99\n';
const XML = `<DescriptorRecordSet><DescriptorRecord><DescriptorUI>D1</DescriptorUI>
  <DescriptorName><String>Myocardial Infarction</String></DescriptorName>
  <ConceptList><Concept><TermList><Term IsPermutedTermYN="N"><String>Heart Attack</String></Term></TermList></Concept></ConceptList>
</DescriptorRecord></DescriptorRecordSet>`;
const DRUGS = ['generic,brand', "atorvastatin,\"[['lipitor', 'caduet']]\"", "abatacept,[['orencia']]", "broken,[['oops'", 'nobrand,'].join('\n');

let dir: string | undefined;

async function layout(files: Record<string, string | Uint8Array>): Promise<string> {
  dir = await mkdtemp(path.join(tmpdir(), 'citemed-resources-'));
  for (const [name, content] of Object.entries(files)) {
    const full = path.join(dir, name);
    await mkdir(path.dirname(full), { recursive: true });
    await writeFile(full, content);
  }
  return dir;
}

afterEach(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('loadSharedDataResources', () => {
  it('reads all three parts, skipping and counting bad rows', async () => {
    const root = await layout({
      'medical_abbreviations/medical_abbreviations.csv': ABBREVIATIONS,
      'mesh/terms.tsv': TERMS,
      'mesh/tree-numbers.tsv.gz': gzipSync(TREE),
      'mesh/subset.xml': XML,
      'drug_names_rabbits/generic_to_brand.csv': DRUGS,
    });
    const resources = await loadSharedDataResources(root);

    expect(resources.abbreviations).toEqual([
      { abbreviation: 'MI', meaning: 'myocardial infarction' },
      { abbreviation: 'MI', meaning: 'mitral insufficiency, "MR"' },
      { abbreviation: 'HTN', meaning: 'hypertension' },
    ]);
    expect(resources.mesh).toEqual([
      { id: 'D1', name: 'Myocardial Infarction', treeNumbers: ['C14.280.647.500'], entryTerms: ['Heart Attack'] },
      { id: 'D2', name: 'Shock, Cardiogenic', treeNumbers: ['C14.280.647.500.750'], entryTerms: [] },
      { id: 'D9', name: 'Only In Tree', treeNumbers: ['C99'], entryTerms: [] },
    ]);
    expect(resources.drugs).toEqual([
      { generic: 'atorvastatin', brands: ['lipitor', 'caduet'] },
      { generic: 'abatacept', brands: ['orencia'] },
    ]);
    expect(resources.sources).toEqual([
      'medical_abbreviations/medical_abbreviations.csv: 3 abbreviation rows',
      'mesh/terms.tsv: 2 descriptors',
      'mesh/tree-numbers.tsv.gz: 3 tree numbers',
      'mesh/subset.xml: 1 descriptor records, 1 with entry terms',
      'drug_names_rabbits/generic_to_brand.csv: 2 generic drugs with brand names',
    ]);
    expect(resources.skipped.map(({ file, count }) => [file, count])).toEqual([
      ['medical_abbreviations/medical_abbreviations.csv', 2],
      ['mesh/terms.tsv', 1],
      ['drug_names_rabbits/generic_to_brand.csv', 2],
    ]);
    expect(resources.skipped[0]?.examples).toEqual(['line 4: empty abbreviation or meaning', 'line 5: 5 fields where the header has 4']);
    expect(resources.skipped[2]?.examples[0]).toMatch(/^line 4: brand list: missing "\]"/);
    expect(resources.notes).toHaveLength(3);
  });

  it('a missing part is a note, not an error', async () => {
    const root = await layout({ 'drug_names_rabbits/generic_to_brand.csv': DRUGS });
    const resources = await loadSharedDataResources(root);
    expect(resources.abbreviations).toEqual([]);
    expect(resources.mesh).toEqual([]);
    expect(resources.drugs).toHaveLength(2);
    expect(resources.notes.slice(0, 2)).toEqual([
      'medical_abbreviations/ is missing: no abbreviations',
      'mesh/ is missing: no MeSH descriptors',
    ]);
  });

  it('works with only some MeSH files, saying what is lost', async () => {
    const root = await layout({ 'mesh/terms.tsv': TERMS });
    const resources = await loadSharedDataResources(root);
    expect(resources.mesh.map((d) => d.id)).toEqual(['D1', 'D2']);
    expect(resources.notes).toContain('mesh/tree-numbers.tsv(.gz) is missing: no MeSH tree, so no narrower terms');
  });

  it('a file without the expected columns is left out with a note', async () => {
    const root = await layout({ 'medical_abbreviations/other.csv': 'abbr,text\nMI,myocardial infarction\n' });
    const resources = await loadSharedDataResources(root);
    expect(resources.abbreviations).toEqual([]);
    expect(resources.notes).toContain('medical_abbreviations/other.csv: header lacks abbreviation, meaning; file not used');
  });

  it('a directory that does not exist is an error that says what to do', async () => {
    const root = await layout({});
    const missing = path.join(root, 'nope');
    await expect(loadSharedDataResources(missing)).rejects.toThrow(CitemedError);
    await expect(loadSharedDataResources(missing)).rejects.toMatchObject({ code: 'not-found', hint: expect.stringContaining('mesh/') });
  });
});
