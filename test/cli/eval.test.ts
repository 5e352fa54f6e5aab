import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startFakeEmbeddingServer, withSynonyms } from '../support/fake-embedding-server.js';
import { hasSharedData, SHARED_DATA_SKIP_MESSAGE, sharedDataPath } from '../shared-data.js';
import { runCli } from './run-cli.js';

/** A tiny BEIR-layout collection written for this test: 6 documents, 3 judged queries. */
function writeDataset(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'citemed-eval-'));
  const docs = [
    { _id: 'd1', title: 'Colchicine for acute gout', text: 'Low-dose colchicine relieved gout flares.' },
    { _id: 'd2', title: 'Allopurinol in gout', text: 'Allopurinol lowered serum urate and flares over two years.' },
    { _id: 'd3', title: 'Statins after stroke', text: 'Atorvastatin reduced recurrent stroke.' },
    { _id: 'd4', title: 'Aspirin for primary prevention', text: 'Aspirin did not lower cardiovascular events in older adults.' },
    { _id: 'd5', title: 'Hand hygiene', text: 'Alcohol rub reduced hospital infections.' },
    { _id: 'd6', title: 'Iron in heart failure', text: 'Intravenous iron improved exercise capacity in heart failure.' },
  ];
  writeFileSync(path.join(dir, 'corpus.jsonl'), docs.map((d) => JSON.stringify(d)).join('\n'));
  const queries = [
    { _id: 'q1', text: 'Does colchicine treat gout flares?' },
    { _id: 'q2', text: 'statin stroke recurrence' },
    { _id: 'q3', text: 'zebra unicorn' },
  ];
  writeFileSync(path.join(dir, 'queries.jsonl'), queries.map((q) => JSON.stringify(q)).join('\n'));
  mkdirSync(path.join(dir, 'qrels'));
  writeFileSync(path.join(dir, 'qrels', 'test.tsv'), 'query-id\tcorpus-id\tscore\nq1\td1\t1\nq2\td3\t1\nq3\td5\t1\n');
  return dir;
}

describe('citemed eval retrieval', () => {
  it('indexes the corpus, searches every judged query and scores the run', async () => {
    const result = await runCli(['eval', 'retrieval', '--dataset', writeDataset(), '--json']);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as {
      documents: number;
      evaluation: { queriesEvaluated: number; queriesMissingFromRun: number; means: Record<string, number>; perQuery: Record<string, Record<string, number>> };
    };
    expect(report.documents).toBe(6);
    expect(report.evaluation.queriesEvaluated).toBe(3);
    // q1 and q2 find their document first; q3's words are nowhere in the corpus: 0.
    expect(report.evaluation.means['MRR@10']).toBeCloseTo(2 / 3, 10);
    expect(report.evaluation.means['nDCG@10']).toBeCloseTo(2 / 3, 10);
    expect(report.evaluation.means['Recall@100']).toBeCloseTo(2 / 3, 10);
    // Each query's own figures, to find the ones that fail.
    expect(report.evaluation.perQuery['q1']).toEqual({ 'nDCG@10': 1, 'Recall@100': 1, 'MRR@10': 1 });
    expect(report.evaluation.perQuery['q3']).toEqual({ 'nDCG@10': 0, 'Recall@100': 0, 'MRR@10': 0 });
  });

  it('keeps the library when asked and reuses it', async () => {
    const dataset = writeDataset();
    const library = path.join(mkdtempSync(path.join(tmpdir(), 'citemed-evallib-')), 'eval.db');
    const first = await runCli(['eval', 'retrieval', '--dataset', dataset, '--library', library]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/\| nDCG@10 \| 0\.6667 \|/);
    const second = await runCli(['eval', 'retrieval', '--dataset', dataset, '--library', library]);
    expect(second.stderr).toMatch(/Reusing the library/);
    expect(second.stdout).toMatch(/\| nDCG@10 \| 0\.6667 \|/);
  });

  it('--hybrid embeds the corpus through the embedding server and scores the fused run', async () => {
    // In the fake server's embedding, q3's words mean d5's title.
    const server = await startFakeEmbeddingServer({ embed: withSynonyms({ zebra: 'hand', unicorn: 'hygiene' }) });
    try {
      const config = path.join(mkdtempSync(path.join(tmpdir(), 'citemed-evalcfg-')), 'settings.json');
      writeFileSync(config, JSON.stringify({ embedder: { baseUrl: server.baseUrl, model: 'toy', maxRetries: 0 } }));
      const result = await runCli(['--config', config, 'eval', 'retrieval', '--dataset', writeDataset(), '--hybrid']);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toMatch(/Vectors: OpenAI-compatible .*model toy, 6 passages/);
      expect(result.stdout).toMatch(/— hybrid search/);
      // q3, lost lexically, is now found first: all three queries score 1.
      expect(result.stdout).toMatch(/\| MRR@10 \| 1\.0000 \|/);
      await server.close();
      const down = await runCli(['--config', config, 'eval', 'retrieval', '--dataset', writeDataset(), '--hybrid']);
      expect(down.code).toBe(69);
      expect(down.stderr).toMatch(/127\.0\.0\.1/);
    } finally {
      await server.close().catch(() => {});
    }
  });

  it('says what is wrong with a missing folder or split', async () => {
    const missing = await runCli(['eval', 'retrieval', '--dataset', '/nonexistent/dataset']);
    expect(missing.code).toBe(66);
    expect(missing.stderr).toMatch(/nonexistent/);
    const split = await runCli(['eval', 'retrieval', '--dataset', writeDataset(), '--split', 'dev']);
    expect(split.code).toBe(64);
    expect(split.stderr).toMatch(/--split test/);
  });

  it.skipIf(!hasSharedData)(`scores SciFact above the published BM25 (${hasSharedData ? 'shared data present' : SHARED_DATA_SKIP_MESSAGE})`, async () => {
    const result = await runCli(['eval', 'retrieval', '--dataset', sharedDataPath('beir_scifact'), '--json']);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as { evaluation: { queriesEvaluated: number; means: Record<string, number> } };
    expect(report.evaluation.queriesEvaluated).toBe(300);
    // Anserini's BM25 (flat) on the same split: 0.6789.
    expect(report.evaluation.means['nDCG@10']).toBeGreaterThan(0.6789);
  });
});
