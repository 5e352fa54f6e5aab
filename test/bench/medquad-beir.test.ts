import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { buildMedquadBeir, chooseTest, MEDQUAD_FILE } from '../../bench/retrieval/medquad-beir.js';
import { openBeirDataset } from '../../src/adapters/beir/beir-dataset.js';
import type { Qrels } from '../../src/domain/qrels.js';
import { hasSharedData, SHARED_DATA_SKIP_MESSAGE, sharedDataPath } from '../shared-data.js';

const scratch = mkdtempSync(path.join(tmpdir(), 'citemed-medquad-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface Row {
  id: string;
  collection: string;
  focus: string;
  question: string;
  qtype: string;
  answer: string;
}

const row = (focus: string, question: string, answer: string, id = 'x'): Row => ({
  id,
  collection: 'TEST_QA',
  focus,
  question,
  qtype: 'information',
  answer,
});

/** MedQuAD-shaped rows written by the test: a few special cases, then plain distinct ones. */
const SPECIAL: Row[] = [
  row('Asthma', 'What is (are) Asthma ?', 'Asthma is a long-term disease of the airways.'),
  // The same question about the same focus, differing only in case and spacing: one query.
  row('asthma', 'what is (are)  Asthma ?', 'Asthma makes the airways swell and narrow.'),
  // An answer already seen under another question: one document, relevant to both.
  row('Asthma', 'What causes Asthma ?', 'Asthma is a long-term disease of the airways.'),
  // No answer (removed upstream): left out.
  row('Asthma', 'How to prevent Asthma ?', ''),
  // The same question text about another focus: a query of its own.
  row('Gout', 'What are the symptoms ?', 'Gout causes sudden joint pain.'),
  row('Pseudogout', 'What are the symptoms ?', 'Pseudogout also causes joint pain.'),
];
const PLAIN: Row[] = Array.from({ length: 60 }, (_, i) =>
  row(`Condition ${i}`, `What is (are) Condition ${i} ?`, `Condition ${i} is condition number ${i}.`, `id-${i}`),
);

let fixtures = 0;
function writeSource(rows: readonly Row[]): string {
  const file = path.join(scratch, `medquad-${++fixtures}.jsonl.gz`);
  writeFileSync(file, gzipSync(rows.map((r) => JSON.stringify(r)).join('\n') + '\n'));
  return file;
}

async function build(rows: readonly Row[], options = {}) {
  const outDir = path.join(scratch, `out-${++fixtures}`);
  const summary = await buildMedquadBeir(writeSource(rows), outDir, options);
  const data = await openBeirDataset(outDir);
  const docs = new Map<string, { title: string; text: string }>();
  for await (const doc of data.corpus()) docs.set(doc.id, doc);
  const queries = await data.queries();
  return { outDir, summary, docs, queries, test: await data.qrels('test'), train: await data.qrels('train') };
}

const docIdOf = (docs: Map<string, { text: string }>, text: string) =>
  [...docs].find(([, doc]) => doc.text === text)?.[0] ?? `no doc with text ${text}`;
const merged = (a: Qrels, b: Qrels): Qrels => new Map([...a, ...b]);

describe('buildMedquadBeir', () => {
  it('makes one document per distinct answer and one query per question about a focus', async () => {
    const { summary, docs, queries, test, train } = await build(SPECIAL);
    expect(summary).toMatchObject({ rows: 6, rowsSkipped: 1, docs: 4, queries: 4, rowsMergedIntoEarlierQuery: 1 });

    const airways = docIdOf(docs, 'Asthma is a long-term disease of the airways.');
    const swell = docIdOf(docs, 'Asthma makes the airways swell and narrow.');
    expect(docs.get(airways)?.title).toBe('Asthma');

    const qrels = merged(test, train);
    const byText = new Map(queries.map((q) => [q.text, q.id]));
    expect(queries.map((q) => q.text)).toEqual([
      'What is (are) Asthma ?',
      'What causes Asthma ?',
      'What are the symptoms ?',
      'What are the symptoms ?',
    ]);
    expect(qrels.get(byText.get('What is (are) Asthma ?') ?? '')).toEqual(
      new Map([
        [airways, 1],
        [swell, 1],
      ]),
    );
    expect(qrels.get(byText.get('What causes Asthma ?') ?? '')).toEqual(new Map([[airways, 1]]));
    const symptomQueries = queries.filter((q) => q.text === 'What are the symptoms ?');
    expect(new Set(symptomQueries.map((q) => q.id)).size).toBe(2);
    expect(symptomQueries.map((q) => [...(qrels.get(q.id)?.keys() ?? [])].map((id) => docs.get(id)?.title))).toEqual([
      ['Gout'],
      ['Pseudogout'],
    ]);
  });

  it('puts every query in exactly one split, about the chosen share in test', async () => {
    const { summary, queries, test, train } = await build([...SPECIAL, ...PLAIN], { testFraction: 0.3 });
    expect(summary.test.queries + summary.train.queries).toBe(queries.length);
    expect([...test.keys()].filter((id) => train.has(id))).toEqual([]);
    expect(new Set([...test.keys(), ...train.keys()])).toEqual(new Set(queries.map((q) => q.id)));
    expect(summary.test.queries).toBeGreaterThan(5);
    expect(summary.test.queries).toBeLessThan(35);
    expect(summary.test.qrels).toBe([...test.values()].reduce((sum, judged) => sum + judged.size, 0));
  });

  it('splits the same way whatever the row order, and writes the same bytes twice', async () => {
    const rows = [...SPECIAL, ...PLAIN];
    const first = await build(rows, { testFraction: 0.3 });
    const again = await build(rows, { testFraction: 0.3 });
    for (const file of ['corpus.jsonl', 'queries.jsonl', 'qrels/test.tsv', 'qrels/train.tsv']) {
      expect(readFileSync(path.join(again.outDir, file))).toEqual(readFileSync(path.join(first.outDir, file)));
    }
    const reversed = await build([...rows].reverse(), { testFraction: 0.3 });
    expect(new Set(reversed.test.keys())).toEqual(new Set(first.test.keys()));
  });

  it('caps the test split, keeping the same queries whatever their order', async () => {
    const { summary, test } = await build(PLAIN, { testFraction: 1, maxTestQueries: 7 });
    expect(summary.test.queries).toBe(7);
    expect(summary.train.queries).toBe(53);
    const ids = [...test.keys()];
    expect(chooseTest([...ids].reverse(), 1, 7)).toEqual(chooseTest(ids, 1, 7));
    const none = await build(PLAIN, { testFraction: 0 });
    expect(none.summary.test).toEqual({ queries: 0, qrels: 0 });
  });
});

describe.skipIf(!hasSharedData)(`buildMedquadBeir on MedQuAD ${hasSharedData ? '' : SHARED_DATA_SKIP_MESSAGE}`, () => {
  it('builds the data set with the expected counts', async () => {
    const outDir = path.join(scratch, 'medquad-real');
    const summary = await buildMedquadBeir(sharedDataPath(...MEDQUAD_FILE), outDir);
    // 47,441 rows of which 16,407 have answers (the data set's README); 15,811 distinct answers.
    expect(summary).toMatchObject({ rows: 47_441, rowsSkipped: 31_034, docs: 15_811 });
    expect(summary.queries + summary.rowsMergedIntoEarlierQuery).toBe(16_407);
    expect(summary.test.queries).toBe(2000);
    expect(summary.train.queries).toBe(summary.queries - 2000);
  });
});
