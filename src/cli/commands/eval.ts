import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Command } from 'commander';
import { openRetrievalDataset } from '../../config/container.js';
import { CitemedError } from '../../domain/errors.js';
import { evaluateRetrieval, indexDataset, type RetrievalEvaluation } from '../../eval/retrieval-eval.js';
import { withContainer, type GlobalOptions } from '../context.js';
import { formatCount, formatDurationMs } from '../format.js';
import { printJson, type Io } from '../io.js';

interface EvalOptions {
  dataset: string;
  split: string;
  library?: string;
  json?: boolean;
  hybrid?: boolean;
}

/** Published BM25 figures to set our numbers beside, when the data set is one we know. */
const PUBLISHED: Readonly<Record<string, { label: string; ndcg10: number }[]>> = {
  scifact: [
    { label: 'Anserini BM25, title+text as one field', ndcg10: 0.6789 },
    { label: 'Anserini BM25, title and text as two fields', ndcg10: 0.6647 },
  ],
};

export function registerEval(program: Command, io: Io): void {
  const evalCommand = program.command('eval').description('measure citemed against test collections');
  evalCommand
    .command('retrieval')
    .description('retrieval quality on a BEIR-layout data set: nDCG@10, Recall@100, MRR@10 (trec_eval definitions)')
    .requiredOption('--dataset <dir>', 'folder with corpus.jsonl[.gz], queries.jsonl and qrels/<split>.tsv')
    .option('--split <name>', 'which judgments to score against', 'test')
    .option('--library <file>', 'build the corpus library here and keep it (reused when it already exists); default: a temporary file')
    .option('--hybrid', 'evaluate hybrid search: embed the corpus library (embedder.* settings), then fuse lexical and vector rankings')
    .option('--json', 'print the results as JSON on stdout')
    .action(async (options: EvalOptions, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const result = await runEval(options, globals, io);
      // A Map prints as {} in JSON: each query's figures go out as an object keyed by query id.
      if (options.json) printJson(io, { ...result, evaluation: { ...result.evaluation, perQuery: Object.fromEntries(result.evaluation.perQuery) } });
      else io.out(presentEval(result, options.dataset));
    });
}

interface EvalReport extends RetrievalEvaluation {
  dataset: string;
  hybrid: boolean;
  documents: number;
  indexMs: number;
  library: string;
}

async function runEval(options: EvalOptions, globals: GlobalOptions, io: Io): Promise<EvalReport> {
  const dataset = await openRetrievalDataset(options.dataset);
  const splits = await dataset.splits();
  if (!splits.includes(options.split)) {
    throw new CitemedError('usage', `${dataset.description} has no "${options.split}" judgments`, { hint: `use --split ${splits.join(' or ')}` });
  }
  const temporary = options.library === undefined ? mkdtempSync(path.join(os.tmpdir(), 'citemed-eval-')) : undefined;
  const library = options.library ?? path.join(temporary ?? '', 'library.db');
  const reuse = options.library !== undefined && existsSync(library);
  try {
    return await withContainer({ ...globals, db: library }, { create: true }, async (container) => {
      const started = performance.now();
      let documents = (await container.store.stats()).sources;
      if (!reuse || documents === 0) {
        io.err(`Indexing ${dataset.description} into ${library}`);
        documents = await indexDataset(dataset, container.store, {
          chunk: container.settings.ingest.chunk,
          batchSize: container.settings.ingest.batchSize,
          originPath: path.resolve(options.dataset),
          now: () => new Date(),
          onProgress: (n) => io.err(`  ${formatCount(n)} documents`),
        });
      } else {
        io.err(`Reusing the library ${library} (${formatCount(documents)} sources)`);
      }
      if (options.hybrid) {
        // Resumable: a kept --library embeds only what it lacks.
        const embedded = await container.embed({
          batchSize: container.settings.embedder.batchSize,
          rebuild: false,
          onProgress: (p) => {
            if (p.done === p.total || p.done % 5_000 < container.settings.embedder.batchSize) io.err(`  embedded ${formatCount(p.done)}/${formatCount(p.total)} passages`);
          },
        });
        io.err(`Vectors: ${embedded.embedder}, ${formatCount(embedded.alreadyEmbedded + embedded.embedded)} passages`);
      }
      const indexMs = performance.now() - started;
      let lastReport = 0;
      const evaluation = await evaluateRetrieval(
        dataset,
        options.split,
        async (text) => {
          // Documents are ranked, so one passage per source and no diversity re-ordering.
          const result = await container.search(text, {
            adjust: (o) => ({
              ...o,
              limit: 100,
              diversity: { maxPerSource: 1, mmrLambda: 1 },
              ...(options.hybrid ? { hybrid: { ...o.hybrid, enabled: true } } : {}),
            }),
          });
          // A hybrid run that fell back to lexical for some queries would report a number that
          // measures neither: stop instead.
          const fallback = options.hybrid ? result.notes.find((note) => note.includes('lexical')) : undefined;
          if (fallback) throw new CitemedError('service-unavailable', `hybrid evaluation stopped at "${text}": ${fallback}`);
          return result.hits.map((hit) => ({ sourceId: hit.source.id, score: hit.score }));
        },
        {
          elapsedMs: () => performance.now(),
          onProgress: (done, total) => {
            const now = performance.now();
            if (done === total || now - lastReport > 2_000) {
              lastReport = now;
              io.err(`  searched ${formatCount(done)}/${formatCount(total)} queries`);
            }
          },
        },
      );
      return { ...evaluation, dataset: dataset.description, hybrid: options.hybrid === true, documents, indexMs, library: temporary ? '(temporary, removed)' : library };
    });
  } finally {
    if (temporary) rmSync(temporary, { recursive: true, force: true });
  }
}

function presentEval(report: EvalReport, datasetDir: string): string {
  const e = report.evaluation;
  const lines = [
    `${report.dataset}${report.hybrid ? ' — hybrid search' : ''}`,
    `split ${report.split}: ${formatCount(e.queriesEvaluated)} queries judged, ${formatCount(report.documents)} documents (indexed in ${formatDurationMs(report.indexMs)})`,
    '',
    '| metric | citemed |',
    '|---|---|',
    ...e.metrics.map((m) => `| ${m} | ${(e.means[m] ?? 0).toFixed(4)} |`),
    `| latency p50 / p95 / p99 | ${report.latency.p50.toFixed(1)} / ${report.latency.p95.toFixed(1)} / ${report.latency.p99.toFixed(1)} ms |`,
  ];
  if (e.queriesMissingFromRun > 0) lines.push('', `${e.queriesMissingFromRun} judged queries found nothing (scored 0).`);
  const published = PUBLISHED[path.basename(path.resolve(datasetDir)).replace(/^beir[_-]/, '')];
  if (published && report.split === 'test') {
    lines.push('', 'Published figures on the same test split:');
    for (const p of published) lines.push(`  ${p.label}: nDCG@10 ${p.ndcg10.toFixed(4)}`);
  }
  return lines.join('\n');
}
