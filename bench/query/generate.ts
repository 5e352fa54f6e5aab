import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, statSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { hasSharedData, sharedDataDir, sharedDataPath } from '../../test/shared-data.js';
import { corpusFiles, type BenchQuery, type CorpusFiles } from './corpus.js';
import { createRandom, shuffle, type Random } from './random.js';
import { loadVocabulary, type Vocabulary } from './vocabulary.js';

/**
 * Builds the query benchmark's corpus: synthetic biomedical abstracts cut into passages, and a
 * query set drawn from their subjects.
 *
 *   npx tsx bench/query/generate.ts --passages 100000 [--seed 1] [--queries 1000]
 *
 * Words come from MeSH descriptor names (read at run time from ../shared/data/mesh/terms.tsv, never
 * copied into the repository) and a hand-written list of function and abstract-prose words, each
 * drawn with Zipf-like frequencies. Each source has a title and 1–6 passages of 60–250 words
 * (log-normal around 130, like the paragraphs of a structured abstract), and 1–3 subjects
 * (descriptors) it keeps returning to, so queries about a subject have passages that answer them.
 *
 * Streamed: sources are written as they are made, and only the query reservoir is kept, so a
 * million passages need no more memory than ten thousand. Deterministic: the corpus depends on
 * (seed, passages) and the MeSH file only; the queries also on their number.
 */
const GENERATOR_VERSION = 3;
const MESH = ['mesh', 'terms.tsv'] as const;
export const WARMUP_QUERIES = 20;
/** Fake PMIDs start here, above every real PMID (about 41 million in 2026). */
const FIRST_KEY = 90_000_001;
const FLUSH_CHARS = 4 << 20;

export interface CorpusManifest {
  version: number;
  seed: number;
  passages: number;
  sources: number;
  queries: number;
  warmupQueries: number;
  words: number;
  corpusBytes: number;
  sha256: string;
  meshSha256: string;
  generatedAt: string;
}

export interface GenerateOptions {
  passages: number;
  seed: number;
  queries: number;
}

export const NO_SHARED_DATA_MESSAGE = `bench/query: ${sharedDataDir} is absent, so there is no MeSH vocabulary to build the corpus from (the shared public data sets are not committed; place ../shared/data beside the project to run this benchmark). Nothing measured.`;

/** The corpus for these options, generated first when missing or stale; undefined without shared data. */
export function ensureCorpus(options: GenerateOptions, log: (line: string) => void = () => {}): { files: CorpusFiles; manifest: CorpusManifest } | undefined {
  if (!hasSharedData) return undefined;
  const files = corpusFiles(options.passages, options.seed);
  const meshFile = sharedDataPath(...MESH);
  const meshSha256 = createHash('sha256').update(readFileSync(meshFile)).digest('hex');
  const existing = readManifest(files.manifest);
  if (
    existing &&
    existing.version === GENERATOR_VERSION &&
    existing.meshSha256 === meshSha256 &&
    existing.passages === options.passages &&
    existing.queries === options.queries &&
    existsSync(files.corpus) &&
    existsSync(files.queries) &&
    statSync(files.corpus).size === existing.corpusBytes
  ) {
    return { files, manifest: existing };
  }
  log(`generating ${path.relative(process.cwd(), files.dir)}: ${options.passages.toLocaleString('en-US')} passages, ${options.queries} queries, seed ${options.seed} …`);
  const manifest = generate(options, files, meshFile, meshSha256);
  return { files, manifest };
}

function readManifest(file: string): CorpusManifest | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as CorpusManifest;
  } catch {
    return undefined;
  }
}

interface ReservoirEntry {
  key: string;
  topics: string[];
}

function generate(options: GenerateOptions, files: CorpusFiles, meshFile: string, meshSha256: string): CorpusManifest {
  if (!Number.isInteger(options.passages) || options.passages < 1) throw new Error('--passages takes a whole number ≥ 1');
  mkdirSync(files.dir, { recursive: true });
  // Separate streams: the corpus never depends on how many queries are drawn.
  const random = createRandom(options.seed);
  const queryRandom = createRandom(options.seed ^ 0x5bd1e995);
  const vocabulary = loadVocabulary(meshFile, createRandom(options.seed ^ 0x27d4eb2f));

  const reservoirSize = options.queries + WARMUP_QUERIES;
  const reservoir: ReservoirEntry[] = [];
  const hash = createHash('sha256');
  const fd = openSync(`${files.corpus}.tmp`, 'w');
  let pending: string[] = [];
  let pendingChars = 0;
  let bytes = 0;
  const flush = (): void => {
    const chunk = pending.join('');
    hash.update(chunk);
    bytes += writeSync(fd, chunk);
    pending = [];
    pendingChars = 0;
  };

  let made = 0;
  let sources = 0;
  let words = 0;
  try {
    while (made < options.passages) {
      const key = String(FIRST_KEY + sources);
      const topics = Array.from({ length: weighted(random, [0.3, 0.45, 0.25]) + 1 }, () => vocabulary.drawTopic(random));
      const count = Math.min(weighted(random, [0.1, 0.15, 0.25, 0.25, 0.15, 0.1]) + 1, options.passages - made);
      const passages: string[] = [];
      for (let i = 0; i < count; i++) {
        const passage = makePassage(random, vocabulary, topics);
        words += passage.words;
        passages.push(passage.text);
      }
      const line = `${JSON.stringify({ key, title: makeTitle(random, vocabulary, topics), passages })}\n`;
      pending.push(line);
      pendingChars += line.length;
      if (pendingChars >= FLUSH_CHARS) flush();
      // Reservoir sampling (Algorithm R): every source equally likely to seed a query.
      if (reservoir.length < reservoirSize) reservoir.push({ key, topics });
      else {
        const j = queryRandom.int(sources + 1);
        if (j < reservoirSize) reservoir[j] = { key, topics };
      }
      made += count;
      sources++;
    }
    flush();
  } finally {
    closeSync(fd);
  }

  shuffle(reservoir, queryRandom);
  const queries = reservoir.map((entry, i): BenchQuery => {
    const warmup = i < WARMUP_QUERIES;
    const { text, kind } = makeQuery(queryRandom, vocabulary, entry.topics);
    const id = warmup ? `w${String(i + 1).padStart(2, '0')}` : `q${String(i - WARMUP_QUERIES + 1).padStart(4, '0')}`;
    return { id, text, source: entry.key, kind, warmup };
  });
  writeFileSync(`${files.queries}.tmp`, queries.map((q) => `${JSON.stringify(q)}\n`).join(''));
  renameSync(`${files.corpus}.tmp`, files.corpus);
  renameSync(`${files.queries}.tmp`, files.queries);
  const manifest: CorpusManifest = {
    version: GENERATOR_VERSION,
    seed: options.seed,
    passages: made,
    sources,
    queries: options.queries,
    warmupQueries: Math.min(WARMUP_QUERIES, queries.length),
    words,
    corpusBytes: bytes,
    sha256: hash.digest('hex'),
    meshSha256,
    generatedAt: new Date().toISOString(),
  };
  writeFileSync(files.manifest, `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

/** An index drawn with the given probabilities (they should sum to 1). */
function weighted(random: Random, probabilities: readonly number[]): number {
  let u = random.float();
  for (const [i, p] of probabilities.entries()) {
    if (u < p) return i;
    u -= p;
  }
  return probabilities.length - 1;
}

function makePassage(random: Random, vocabulary: Vocabulary, topics: string[]): { text: string; words: number } {
  const target = Math.max(60, Math.min(250, Math.round(Math.exp(Math.log(130) + 0.45 * random.normal()))));
  const sentences: string[] = [];
  let words = 0;
  while (words < target) {
    const length = Math.min(random.between(8, 30), Math.max(target - words, 4));
    const sentence: string[] = [];
    if (random.chance(0.25)) sentence.push(...random.pick(topics).split(' '));
    while (sentence.length < length) sentence.push(drawToken(random, vocabulary, topics));
    words += sentence.length;
    sentences.push(`${capitalise(sentence.join(' '))}.`);
  }
  return { text: sentences.join(' '), words };
}

/**
 * About half prose words, a few of the source's own subject words (its subjects also open a
 * quarter of the sentences whole), the rest MeSH words; a few numbers.
 */
function drawToken(random: Random, vocabulary: Vocabulary, topics: string[]): string {
  const u = random.float();
  let token: string;
  if (u < 0.012) token = drawNumber(random);
  else if (u < 0.5) token = vocabulary.drawProse(random);
  else if (u < 0.54) token = random.pick(random.pick(topics).split(' '));
  else token = vocabulary.drawWord(random);
  return random.chance(0.05) ? `${token},` : token;
}

function drawNumber(random: Random): string {
  switch (random.int(4)) {
    case 0:
      return String(random.between(2, 900));
    case 1:
      return `${random.between(1, 99)}.${random.between(0, 9)}`;
    case 2:
      return `${random.between(1, 99)}%`;
    default:
      return `0.0${random.between(1, 5)}`;
  }
}

const DESIGNS = [
  'randomized controlled trial', 'prospective cohort study', 'systematic review and meta-analysis', 'case report',
  'retrospective study', 'cross-sectional study', 'case-control study', 'pilot study', 'narrative review',
];
const POPULATIONS = ['adults', 'children', 'older adults', 'women', 'pregnant women', 'a population-based cohort', 'mice', 'rats', 'outpatients'];
const QUALIFIERS = ['acute', 'chronic', 'recurrent', 'severe', 'early', 'long-term', 'novel', 'refractory'];

function makeTitle(random: Random, vocabulary: Vocabulary, topics: string[]): string {
  const [t1 = '', t2 = vocabulary.drawTopic(random)] = topics;
  const c = () => vocabulary.drawWord(random);
  const templates = [
    () => `${t1} in ${t2}: a ${random.pick(DESIGNS)}`,
    () => `effect of ${t1} on ${t2} in ${random.pick(POPULATIONS)}`,
    () => `${t1} and ${c()} ${c()}: ${random.pick(DESIGNS)}`,
    () => `${random.pick(QUALIFIERS)} ${t1} after ${t2}`,
    () => `${t1} ${c()} ${c()} in ${random.pick(POPULATIONS)}`,
    () => `association between ${t1} and ${t2}`,
  ];
  return capitalise(random.pick(templates)());
}

/**
 * A query as people type them into a clinical search box: bare subjects ("warfarin atrial
 * fibrillation"), questions with their function words, or loose keywords. 2–8 words.
 */
function makeQuery(random: Random, vocabulary: Vocabulary, topics: string[]): { text: string; kind: BenchQuery['kind'] } {
  const [t1 = '', t2Own] = topics;
  const t2 = t2Own ?? vocabulary.drawTopic(random);
  const c = () => vocabulary.drawWord(random);
  const u = random.float();
  let kind: BenchQuery['kind'];
  let text: string;
  if (u < 0.35) {
    kind = 'keywords';
    text = random.chance(0.5) ? `${t1} ${t2}` : `${t1} ${c()}${random.chance(0.5) ? ` ${c()}` : ''}`;
  } else if (u < 0.8) {
    kind = 'question';
    const templates = [
      () => `what is the effect of ${t1} on ${t2}?`,
      () => `${t1} in patients with ${t2}`,
      () => `how is ${t1} treated?`,
      () => `is ${t1} associated with ${t2}?`,
      () => `risk of ${t2} after ${t1}`,
      () => `best treatment for ${t1}`,
      () => `does ${t1} reduce ${c()}?`,
      () => `${t1} versus ${t2} for ${c()}`,
      () => `what causes ${t1}?`,
      () => `${t1} ${c()} in children`,
      () => `management of ${t1}`,
      () => `side effects of ${t1}`,
    ];
    text = random.pick(templates)();
  } else {
    kind = 'loose';
    const parts = [random.pick(t1.split(' ')), ...Array.from({ length: random.between(1, 3) }, c)];
    for (let i = random.int(3); i > 0; i--) parts.push(vocabulary.drawProse(random));
    text = shuffle(parts, random).join(' ');
  }
  let tokens = text.split(' ').filter(Boolean);
  if (tokens.length > 8) {
    // Long subject names overflow a template; a cut question would end in "of" or "on", so the
    // query becomes the bare subject and a word instead.
    kind = 'keywords';
    tokens = `${t1} ${c()}`.split(' ').slice(0, 8);
  }
  while (tokens.length < 2) tokens.push(c());
  return { text: tokens.join(' '), kind };
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function parseOptions(argv: string[]): GenerateOptions {
  const { values } = parseArgs({
    args: argv,
    options: { passages: { type: 'string', default: '100000' }, seed: { type: 'string', default: '1' }, queries: { type: 'string', default: '1000' } },
  });
  const whole = (value: string, flag: string, min: number): number => {
    const n = Number(value.replace(/_/g, ''));
    if (!Number.isInteger(n) || n < min) throw new Error(`${flag} takes a whole number ≥ ${min}, not "${value}"`);
    return n;
  };
  return { passages: whole(values.passages, '--passages', 1), seed: whole(values.seed, '--seed', 0), queries: whole(values.queries, '--queries', 1) };
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const started = performance.now();
  const result = ensureCorpus(options, (line) => console.log(line));
  if (!result) {
    console.log(NO_SHARED_DATA_MESSAGE);
    return;
  }
  const { files, manifest } = result;
  console.log(
    `${path.relative(process.cwd(), files.corpus)}: ${manifest.passages.toLocaleString('en-US')} passages in ${manifest.sources.toLocaleString('en-US')} sources, ` +
      `${(manifest.corpusBytes / 1e6).toFixed(1)} MB, ${Math.round(manifest.words / manifest.passages)} words per passage, sha256 ${manifest.sha256.slice(0, 16)}…\n` +
      `${path.relative(process.cwd(), files.queries)}: ${manifest.queries} queries + ${manifest.warmupQueries} warm-up\n` +
      `${((performance.now() - started) / 1000).toFixed(1)} s, peak RSS ${Math.round((process.resourceUsage().maxRSS * 1024) / 1e6)} MB`,
  );
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
