/**
 * Answers, end to end: how fast `citemed ask` answers with the extractive composer, and how good
 * its answers are, each beside a baseline measured in the same run on the same data.
 *
 * Usage (no npm script; run from the project root):
 *
 *   npx tsx bench/answer/run.ts [--questions 300] [--seed 1] [--library PATH] [--rounds 3]
 *        [--skip-latency] [--skip-quality] [--examples K] [--split test|train]
 *
 * 1. Latency (in-process, after a warm-up pass over every question): `container.ask` — retrieval,
 *    composition, verification — on 40 hand-written clinical questions (questions.ts), repeated
 *    --rounds times, p50/p95/p99/mean. Libraries: the starter library (library/starter, ingested
 *    with the CLI into a temporary file) and, with --library, an existing citemed library such as
 *    the 1M-passage one bench/query builds. Beside it: the lead-sentences baseline (the same
 *    retrieval call, then the first three sentences of the evidence, verified) and retrieval alone.
 * 2. Quality on MedQuAD (../shared/data/medquad): its answers become a library (BEIR layout made
 *    by bench/retrieval/medquad-beir.ts, indexed as `citemed eval retrieval` indexes a corpus); a
 *    seeded sample of --questions test questions is asked, and each answer is scored with ROUGE-L
 *    F1 against MedQuAD's own answer (rouge.ts) and with the verifier's citation precision. The
 *    lead-sentences baseline is built from the very evidence each answer used and scored the same.
 *
 * Settings are the embedded preset's defaults with the environment ignored, so a run does not
 * depend on the shell it was started from. Results go to stdout as Markdown tables; progress (and
 * --examples) to stderr. Temporary libraries are removed at the end. Without ../shared/data the
 * quality part says so and is skipped.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULT_VERIFY_OPTIONS, verifyAll, type VerifyOptions } from '../../src/answer/verify.js';
import { createContainer, openRetrievalDataset, type Container } from '../../src/config/container.js';
import { loadSettings } from '../../src/config/load-settings.js';
import type { Answer, Statement } from '../../src/domain/answer.js';
import { PLAIN_RECORD_PREFIX } from '../../src/domain/record-source.js';
import { indexDataset, summarise } from '../../src/eval/retrieval-eval.js';
import type { RetrievalResult } from '../../src/retrieval/retrieve.js';
import { hasSharedData, sharedDataDir, sharedDataPath } from '../../test/shared-data.js';
import { createRandom, shuffle } from '../query/random.js';
import { buildMedquadBeir, MEDQUAD_FILE } from '../retrieval/medquad-beir.js';
import { citeableEvidence, LEAD_SENTENCES, leadStatements, shownStatements, statementsText, verifyAgainstCitedOnly } from './lead-baseline.js';
import { STARTER_QUESTIONS } from './questions.js';
import { checkRouge, rougeLBest, type RougeL } from './rouge.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../..');
const STARTER_DIR = path.join(ROOT, 'library', 'starter');
const CLI = path.join(ROOT, 'bin', 'citemed.js');
/** Where `npx tsx bench/query/run.ts --passages N --peers citemed-pipeline --keep` leaves its library. */
const QUERY_BENCH_LIBRARY = 'bench/out/query/work/citemed-pipeline/citemed.db';
const TARGET_P50_MS = 300;
const AUDIENCE = 'clinician' as const;
/** Questions asked (and thrown away) before MedQuAD answers are timed: loads vocabularies, warms caches. */
const QUALITY_WARMUP = 5;

interface Options {
  questions: number;
  seed: number;
  rounds: number;
  library?: string;
  skipLatency: boolean;
  skipQuality: boolean;
  examples: number;
  /** MedQuAD split the questions come from: `train` for tuning the composer, `test` to report. */
  split: string;
}

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      questions: { type: 'string', default: '300' },
      seed: { type: 'string', default: '1' },
      rounds: { type: 'string', default: '3' },
      library: { type: 'string' },
      'skip-latency': { type: 'boolean', default: false },
      'skip-quality': { type: 'boolean', default: false },
      examples: { type: 'string', default: '0' },
      split: { type: 'string', default: 'test' },
    },
  });
  const whole = (value: string, flag: string, min: number): number => {
    const n = Number(value.replace(/_/g, ''));
    if (!Number.isInteger(n) || n < min) throw new Error(`${flag} takes a whole number ≥ ${min}, not "${value}"`);
    return n;
  };
  return {
    questions: whole(values.questions, '--questions', 1),
    seed: whole(values.seed, '--seed', 0),
    rounds: whole(values.rounds, '--rounds', 1),
    ...(values.library === undefined ? {} : { library: path.resolve(values.library) }),
    skipLatency: values['skip-latency'],
    skipQuality: values['skip-quality'],
    examples: whole(values.examples, '--examples', 0),
    split: values.split,
  };
}

// ---------------------------------------------------------------------------------------------
// Opening libraries

/** Settings for a library file: the embedded preset's defaults, environment and settings files ignored. */
function settingsFor(dbPath: string) {
  return loadSettings({ overrides: { store: { path: dbPath } }, env: {}, cwd: ROOT }).settings;
}

/** The verifier options `container.ask` uses, from the container's settings. */
function verifyOptionsOf(container: Container): VerifyOptions {
  const { supportedAt, partialAt } = container.settings.answer;
  return { ...DEFAULT_VERIFY_OPTIONS, supportedAt, partialAt };
}

/**
 * Ingests library/starter into `dbPath` the way a user does: `citemed --db <file> ingest -q`, in
 * a child process, with the CITEMED_* environment removed so defaults apply. Returns seconds taken.
 */
function ingestStarter(dbPath: string): number {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('CITEMED')));
  const started = performance.now();
  const child = spawnSync(process.execPath, [CLI, '--db', dbPath, 'ingest', '-q', STARTER_DIR], {
    cwd: ROOT,
    env,
    encoding: 'utf8',
  });
  if (child.status !== 0) {
    throw new Error(`ingesting ${STARTER_DIR} failed (exit ${child.status ?? child.signal}):\n${child.stderr}${child.stdout}`);
  }
  return (performance.now() - started) / 1000;
}

// ---------------------------------------------------------------------------------------------
// One question, both systems

/** The retrieval `container.ask` runs: the answer's evidence count, its per-source allowance. */
function searchAsAskDoes(container: Container, question: string): Promise<RetrievalResult> {
  const { evidence, perSource } = container.settings.answer;
  return container.search(question, {
    limit: evidence,
    adjust: (o) => ({ ...o, diversity: { ...o.diversity, maxPerSource: perSource } }),
  });
}

interface QuestionRun {
  answer: Answer;
  /** `container.ask`, end to end. */
  askMs: number;
  /** The same retrieval call on its own. */
  retrievalMs: number;
  /** Lead sentences cut from the answer's evidence, and verified. */
  leadMs: number;
  lead: Statement[];
  /** Whether the separate retrieval found the same passages, in the same order, as the answer's. */
  sameEvidence: boolean;
}

/**
 * Asks one question with the extractive composer, then builds the lead-sentences baseline from
 * the evidence the answer used. The baseline's retrieval is timed with a separate, identical
 * search; `searchFirst` alternates which of the two runs first, so neither always meets the other's
 * warm caches.
 */
async function answerBoth(container: Container, question: string, searchFirst: boolean): Promise<QuestionRun> {
  let retrievalMs = 0;
  let hits: string[] = [];
  const timeSearch = async () => {
    const t = performance.now();
    const result = await searchAsAskDoes(container, question);
    retrievalMs = performance.now() - t;
    hits = result.hits.map((hit) => hit.passage.id);
  };
  if (searchFirst) await timeSearch();
  const t0 = performance.now();
  const answer = await container.ask({ question, audience: AUDIENCE });
  const askMs = performance.now() - t0;
  if (!searchFirst) await timeSearch();

  const t1 = performance.now();
  const evidence = citeableEvidence(answer);
  const lead = verifyAll(leadStatements([...evidence.values()]), evidence, verifyOptionsOf(container));
  const leadMs = performance.now() - t1;
  const used = answer.evidence.map((e) => e.passageId);
  const sameEvidence = used.length === hits.length && used.every((id, i) => id === hits[i]);
  return { answer, askMs, retrievalMs, leadMs, lead, sameEvidence };
}

// ---------------------------------------------------------------------------------------------
// Part 1: latency

type Latency = ReturnType<typeof summarise>;

interface LatencyReport {
  library: string;
  sources: number;
  passages: number;
  questions: number;
  rounds: number;
  ask: Latency;
  lead: Latency;
  retrieval: Latency;
  /** Share of questions answered (not "insufficient"), from the first measured round. */
  answered: number;
  /** Questions answered "insufficient" in the first measured round. */
  unanswered: string[];
  evidenceMismatches: number;
}

/** Warm-up pass over every question, then `rounds` timed passes. */
async function measureLatency(container: Container, label: string, questions: readonly string[], rounds: number): Promise<LatencyReport> {
  const stats = await container.store.stats();
  progress(`${label}: ${stats.sources} sources, ${stats.passages} passages; warm-up pass`);
  for (const question of questions) await answerBoth(container, question, false);
  const ask: number[] = [];
  const lead: number[] = [];
  const retrieval: number[] = [];
  const unanswered: string[] = [];
  let mismatches = 0;
  for (let round = 0; round < rounds; round++) {
    progress(`${label}: round ${round + 1} of ${rounds}`);
    for (const [i, question] of questions.entries()) {
      const run = await answerBoth(container, question, (round + i) % 2 === 1);
      ask.push(run.askMs);
      retrieval.push(run.retrievalMs);
      lead.push(run.retrievalMs + run.leadMs);
      if (round === 0 && run.answer.status !== 'answered') unanswered.push(question);
      if (!run.sameEvidence) mismatches++;
    }
  }
  return {
    library: label,
    sources: stats.sources,
    passages: stats.passages,
    questions: questions.length,
    rounds,
    ask: summarise(ask),
    lead: summarise(lead),
    retrieval: summarise(retrieval),
    answered: 1 - unanswered.length / questions.length,
    unanswered,
    evidenceMismatches: mismatches,
  };
}

/** The starter library, ingested into a temporary file, timed, and the file removed. */
async function latencyOnStarter(rounds: number): Promise<LatencyReport & { ingestSeconds: number }> {
  const temp = mkdtempSync(path.join(os.tmpdir(), 'citemed-bench-answer-starter-'));
  try {
    const db = path.join(temp, 'library.db');
    progress(`starter: ingesting ${path.relative(ROOT, STARTER_DIR)} with the CLI`);
    const ingestSeconds = ingestStarter(db);
    const container = createContainer(settingsFor(db), { create: false });
    try {
      return { ...(await measureLatency(container, 'library/starter', STARTER_QUESTIONS, rounds)), ingestSeconds };
    } finally {
      await container.close();
    }
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}

/** An existing library, opened read-only in spirit (create: false); nothing is written to it. */
async function latencyOnLibrary(file: string, rounds: number): Promise<LatencyReport> {
  const container = createContainer(settingsFor(file), { create: false });
  try {
    return await measureLatency(container, path.relative(ROOT, file).startsWith('..') ? file : path.relative(ROOT, file), STARTER_QUESTIONS, rounds);
  } finally {
    await container.close();
  }
}

function latencyTable(reports: readonly LatencyReport[]): string {
  const ms = (x: number) => x.toFixed(1);
  const lines = [
    '| library | passages | questions × rounds | system | p50 | p95 | p99 | mean | answered |',
    '|---|---:|---|---|---:|---:|---:|---:|---:|',
  ];
  for (const r of reports) {
    const rows: [string, Latency, string][] = [
      ['citemed ask, extractive (retrieval + compose + verify)', r.ask, percent(r.answered)],
      [`lead-${LEAD_SENTENCES} baseline (same retrieval + first ${LEAD_SENTENCES} sentences + verify)`, r.lead, '–'],
      ['retrieval alone (the search ask runs)', r.retrieval, '–'],
    ];
    for (const [system, l, answered] of rows) {
      lines.push(
        `| ${r.library} | ${r.passages.toLocaleString('en-US')} | ${r.questions} × ${r.rounds} | ${system} | ${ms(l.p50)} ms | ${ms(l.p95)} ms | ${ms(l.p99)} ms | ${ms(l.mean)} ms | ${answered} |`,
      );
    }
  }
  return lines.join('\n');
}

async function runLatency(options: Options): Promise<void> {
  console.log('## 1. Latency of extractive answers, end to end (in-process, after a warm-up pass)\n');
  const reports: LatencyReport[] = [];
  const starter = await latencyOnStarter(options.rounds);
  reports.push(starter);
  let large: LatencyReport | undefined;
  if (options.library !== undefined) {
    if (!existsSync(options.library)) throw new Error(`--library ${options.library}: no such file`);
    large = await latencyOnLibrary(options.library, options.rounds);
    reports.push(large);
  }
  console.log(latencyTable(reports));
  console.log('');
  console.log(`Target: p50 ≤ ${TARGET_P50_MS} ms end to end on 2 cores.`);
  for (const r of reports) {
    console.log(`- ${r.library}: p50 ${r.ask.p50.toFixed(1)} ms — ${r.ask.p50 <= TARGET_P50_MS ? 'within' : 'OVER'} target.`);
  }
  console.log(
    `- Starter library ingested with \`node bin/citemed.js --db <temp> ingest -q library/starter\` in ${starter.ingestSeconds.toFixed(1)} s ` +
      `(${starter.sources} sources). Latency excludes opening the library and the first-use load of the query-expansion vocabularies (the warm-up pass absorbs it).`,
  );
  for (const r of reports) {
    if (r.unanswered.length > 0) console.log(`- Answered "insufficient" on ${r.library}: ${r.unanswered.map((q) => `"${q}"`).join('; ')}.`);
  }
  const mismatches = reports.reduce((n, r) => n + r.evidenceMismatches, 0);
  console.log(
    mismatches === 0
      ? "- The baseline's separate retrieval found exactly the answer's evidence every time."
      : `- The baseline's separate retrieval differed from the answer's evidence ${mismatches} time(s) (timing only; the baseline's text always uses the answer's evidence).`,
  );
  if (!large) {
    console.log(
      `- Large library (1M passages): not measured in this run. To produce one: \`npx tsx bench/query/run.ts --passages 1000000 --peers citemed-pipeline --keep\` ` +
        `(generates a synthetic 1,000,000-passage corpus from ../shared/data/mesh into bench/out/query/, about 1.1 GB, builds a citemed library and keeps it at ` +
        `\`${QUERY_BENCH_LIBRARY}\`); then rerun this with \`--library ${QUERY_BENCH_LIBRARY}\`. That corpus is synthetic MeSH-word prose, so answers on it measure speed, not content.`,
    );
  }
  console.log('');
}

// ---------------------------------------------------------------------------------------------
// Part 2: quality on MedQuAD

interface SystemScore {
  answered: boolean;
  rouge: RougeL;
  statements: number;
  supported: number;
  /** Supported when judged against only the passages each statement cites. */
  supportedCitedOnly: number;
  partial: number;
}

interface QualityRecord {
  question: string;
  references: string[];
  ours: SystemScore;
  lead: SystemScore;
  askMs: number;
  leadMs: number;
  removed: number;
  /** Rank (from 1) of the first evidence passage from a reference answer; undefined when none was retrieved. */
  referenceRank?: number;
  oursText: string;
  leadText: string;
}

/** ROUGE-L and verdict counts for one system's statements on one question. */
function scoreSystem(statements: readonly Statement[], answer: Answer, references: readonly string[], verify: VerifyOptions): SystemScore {
  const evidence = citeableEvidence(answer);
  return {
    answered: statements.length > 0,
    rouge: rougeLBest(statementsText(statements), references),
    statements: statements.length,
    supported: statements.filter((s) => s.verdict?.support === 'supported').length,
    supportedCitedOnly: statements.filter((s) => verifyAgainstCitedOnly(s, evidence, verify)).length,
    partial: statements.filter((s) => s.verdict?.support === 'partial').length,
  };
}

interface MedquadSample {
  /** Sampled test questions with the texts of their relevant (reference) answers. */
  questions: { id: string; text: string; references: string[] }[];
  testQuestions: number;
  documents: number;
}

/**
 * A seeded sample of MedQuAD's test-split questions, each with its reference answers (the
 * documents its qrels mark relevant). Only the sampled questions' answers are kept in memory.
 */
async function sampleMedquad(beirDir: string, size: number, seed: number, split: string): Promise<MedquadSample> {
  const dataset = await openRetrievalDataset(beirDir);
  const qrels = await dataset.qrels(split);
  const test = (await dataset.queries()).filter((q) => qrels.has(q.id)).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const chosen = shuffle([...test], createRandom(seed)).slice(0, size);
  const wanted = new Set(chosen.flatMap((q) => [...(qrels.get(q.id)?.keys() ?? [])]));
  const texts = new Map<string, string>();
  let documents = 0;
  for await (const doc of dataset.corpus()) {
    documents++;
    if (wanted.has(doc.id)) texts.set(doc.id, doc.text);
  }
  return {
    questions: chosen.map((q) => ({
      id: q.id,
      text: q.text,
      references: [...(qrels.get(q.id)?.keys() ?? [])].flatMap((id) => texts.get(id) ?? []),
    })),
    testQuestions: test.length,
    documents,
  };
}

/** Where the first passage of a reference answer stands in the answer's evidence (1-based). */
function referenceRank(answer: Answer, referenceIds: ReadonlySet<string>): number | undefined {
  const found = answer.evidence.find((e) => referenceIds.has(e.source.id));
  return found?.rank;
}

async function runQuality(options: Options): Promise<void> {
  console.log('## 2. Answer quality on MedQuAD (consumer-health questions, NIH answers)\n');
  if (!hasSharedData) {
    console.log(`Not measured: ${sharedDataDir} is absent (the shared public data sets are not committed; place ../shared/data beside the project to run this part).\n`);
    return;
  }
  const temp = mkdtempSync(path.join(os.tmpdir(), 'citemed-bench-answer-medquad-'));
  try {
    const beirDir = path.join(temp, 'medquad-beir');
    progress('medquad: generating the BEIR layout (bench/retrieval/medquad-beir.ts)');
    const beir = await buildMedquadBeir(sharedDataPath(...MEDQUAD_FILE), beirDir);
    const sample = await sampleMedquad(beirDir, options.questions, options.seed, options.split);
    const qrels = await (await openRetrievalDataset(beirDir)).qrels(options.split);

    const db = path.join(temp, 'library.db');
    const container = createContainer(settingsFor(db), { create: true });
    try {
      progress(`medquad: indexing ${beir.docs} answers as sources`);
      const started = performance.now();
      await indexDataset(await openRetrievalDataset(beirDir), container.store, {
        chunk: container.settings.ingest.chunk,
        batchSize: container.settings.ingest.batchSize,
        originPath: beirDir,
        now: () => new Date(),
      });
      const indexSeconds = (performance.now() - started) / 1000;
      const stats = await container.store.stats();
      const verify = verifyOptionsOf(container);

      progress(`medquad: warm-up (${QUALITY_WARMUP} questions), then ${sample.questions.length} questions`);
      for (const q of sample.questions.slice(0, QUALITY_WARMUP)) await answerBoth(container, q.text, false);
      const records: QualityRecord[] = [];
      for (const [i, q] of sample.questions.entries()) {
        const run = await answerBoth(container, q.text, i % 2 === 1);
        const referenceIds = new Set([...(qrels.get(q.id)?.keys() ?? [])].map((id) => `${PLAIN_RECORD_PREFIX}${id}`));
        const shown = shownStatements(run.answer);
        const rank = referenceRank(run.answer, referenceIds);
        records.push({
          question: q.text,
          references: q.references,
          ours: scoreSystem(shown, run.answer, q.references, verify),
          lead: scoreSystem(run.lead, run.answer, q.references, verify),
          askMs: run.askMs,
          leadMs: run.retrievalMs + run.leadMs,
          removed: run.answer.removed.length,
          ...(rank === undefined ? {} : { referenceRank: rank }),
          oursText: statementsText(shown),
          leadText: statementsText(run.lead),
        });
        if ((i + 1) % 50 === 0) progress(`  ${i + 1}/${sample.questions.length}`);
      }
      printQuality(records, { beir, sample, stats, indexSeconds, options });
      printExamples(records.slice(0, options.examples));
    } finally {
      await container.close();
    }
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}

const mean = (xs: readonly number[]): number => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);
const percent = (x: number): string => `${(100 * x).toFixed(1)}%`;
const ratio = (a: number, b: number): string => (b === 0 ? '–' : `${percent(a / b)} (${a}/${b})`);

/** One table row per system, over the same questions. */
function qualityRow(name: string, scores: readonly SystemScore[], latencies: readonly number[]): string {
  const statements = scores.reduce((n, s) => n + s.statements, 0);
  const supported = scores.reduce((n, s) => n + s.supported, 0);
  const strict = scores.reduce((n, s) => n + s.supportedCitedOnly, 0);
  const answered = scores.filter((s) => s.answered).length;
  return `| ${name} | ${scores.length} | ${ratio(answered, scores.length)} | ${mean(scores.map((s) => s.rouge.f1)).toFixed(4)} | ${statements} | ${ratio(supported, statements)} | ${ratio(strict, statements)} | ${summarise(latencies).p50.toFixed(1)} ms |`;
}

interface QualityContext {
  beir: Awaited<ReturnType<typeof buildMedquadBeir>>;
  sample: MedquadSample;
  stats: { sources: number; passages: number };
  indexSeconds: number;
  options: Options;
}

function printQuality(records: readonly QualityRecord[], context: QualityContext): void {
  const { beir, sample, stats, indexSeconds, options } = context;
  console.log(
    `Library: MedQuAD's ${beir.docs.toLocaleString('en-US')} distinct answers, one source each (${stats.passages.toLocaleString('en-US')} passages, indexed in ${indexSeconds.toFixed(1)} s). ` +
      `Questions: ${records.length} drawn with seed ${options.seed} from the ${sample.testQuestions.toLocaleString('en-US')} ${options.split}-split questions of bench/retrieval/medquad-beir.ts; ` +
      `audience ${AUDIENCE}. Reference: MedQuAD's answer to the question (best of its answers when it has several).\n`,
  );
  console.log('| system | questions | answered | ROUGE-L F1 (mean) | statements | citation precision | citation precision, cited passages only | p50 latency |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
  console.log(qualityRow('citemed ask, extractive composer', records.map((r) => r.ours), records.map((r) => r.askMs)));
  console.log(qualityRow(`lead-${LEAD_SENTENCES} baseline (same evidence)`, records.map((r) => r.lead), records.map((r) => r.leadMs)));
  console.log('');

  const both = records.filter((r) => r.ours.answered && r.lead.answered);
  const pr = (xs: readonly RougeL[]) => `P ${mean(xs.map((x) => x.precision)).toFixed(3)} / R ${mean(xs.map((x) => x.recall)).toFixed(3)} / F1 ${mean(xs.map((x) => x.f1)).toFixed(3)}`;
  const ranks = records.map((r) => r.referenceRank);
  const oursPartial = records.reduce((n, r) => n + r.ours.partial, 0);
  const oursStatements = records.reduce((n, r) => n + r.ours.statements, 0);
  console.log(`- ROUGE-L is averaged over every sampled question; an "insufficient" answer scores 0. On the ${both.length} questions both systems answered: ` +
    `extractive ${pr(both.map((r) => r.ours.rouge))}; lead-${LEAD_SENTENCES} ${pr(both.map((r) => r.lead.rouge))}.`);
  console.log(`- Answer length, mean words: extractive ${mean(records.filter((r) => r.ours.answered).map((r) => words(r.oursText))).toFixed(0)}, ` +
    `lead-${LEAD_SENTENCES} ${mean(records.filter((r) => r.lead.answered).map((r) => words(r.leadText))).toFixed(0)}, ` +
    `reference ${mean(records.map((r) => mean(r.references.map(words)))).toFixed(0)}.`);
  console.log(`- A reference answer was among the evidence for ${ratio(ranks.filter((r) => r !== undefined).length, records.length)} questions, ` +
    `and was the top passage's source for ${ratio(ranks.filter((r) => r === 1).length, records.length)}.`);
  console.log(`- Extractive statements shown flagged as partly supported: ${ratio(oursPartial, oursStatements)}; drafted statements the verifier removed: ${records.reduce((n, r) => n + r.removed, 0)}.`);
  console.log(`- p50 latency: extractive is \`container.ask\` end to end; the baseline is the same retrieval call timed on its own plus cutting and verifying its ${LEAD_SENTENCES} sentences.`);
  console.log('');
}

const words = (text: string): number => text.split(/\s+/).filter(Boolean).length;

/** A few sampled questions with both systems' answers, to stderr, for reading failure modes. */
function printExamples(records: readonly QualityRecord[]): void {
  const clip = (text: string, n: number) => (text.length > n ? `${text.slice(0, n)}…` : text);
  for (const [i, r] of records.entries()) {
    progress(
      [
        `--- example ${i + 1}: ${r.question}`,
        `reference (${words(r.references[0] ?? '')} words): ${clip(r.references[0] ?? '', 500)}`,
        `extractive (${r.ours.statements} statements, ROUGE-L F1 ${r.ours.rouge.f1.toFixed(3)}, reference at evidence rank ${r.referenceRank ?? '–'}): ${clip(r.oursText, 900) || '(insufficient)'}`,
        `lead-${LEAD_SENTENCES} (ROUGE-L F1 ${r.lead.rouge.f1.toFixed(3)}): ${clip(r.leadText, 500)}`,
      ].join('\n'),
    );
  }
}

// ---------------------------------------------------------------------------------------------

function progress(message: string): void {
  process.stderr.write(`${message}\n`);
}

function printHeader(): void {
  const cpus = os.cpus();
  console.log(`# Answer benchmark (bench/answer), ${new Date().toISOString().slice(0, 10)}\n`);
  console.log(`Command: \`npx tsx bench/answer/run.ts${process.argv.slice(2).map((a) => ` ${a}`).join('')}\``);
  console.log(
    `Machine: ${cpus.length} cores (${cpus[0]?.model.trim() ?? 'unknown CPU'}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ` +
      `${os.type()} ${os.release()}, Node ${process.version}; load average at start ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}.`,
  );
  console.log('Settings: embedded preset defaults (environment ignored); composer extractive; ROUGE-L self-checks passed.\n');
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  checkRouge();
  printHeader();
  if (options.skipLatency) console.log('## 1. Latency: skipped (--skip-latency).\n');
  else await runLatency(options);
  if (options.skipQuality) console.log('## 2. Answer quality on MedQuAD: skipped (--skip-quality).\n');
  else await runQuality(options);
}

await main();
