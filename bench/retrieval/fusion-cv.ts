import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createContainer, openRetrievalDataset } from '../../src/config/container.js';
import { loadSettings } from '../../src/config/load-settings.js';
import type { Judgments } from '../../src/domain/qrels.js';
import { ndcgAt } from '../../src/eval/metrics.js';
import { indexDataset } from '../../src/eval/retrieval-eval.js';
import { buildAssociations } from '../../src/retrieval/associations.js';
import { analyzeQuery, STOP_WORDS } from '../../src/retrieval/query.js';
import { indexTokens } from '../../src/retrieval/tokens.js';
import { sharedDataDir } from '../../test/shared-data.js';

/**
 * Does a second lexical score of the whole abstract, added to citemed's, help on claims it was
 * not fitted on? (docs/retrieval.md, "Second-stage fusion and learned term weights".)
 *
 *   npx tsx bench/retrieval/fusion-cv.ts
 *
 * SciFact's training claims only. citemed's top 100 sources per claim (default settings, without
 * the third stage `search.rescore`, whose scores are among those tried here) are
 * scored again as `citemed + w · feature`; w is fitted by coordinate ascent on four fifths of the
 * claims and measured on the fifth, five folds, four shuffles. Claims that share a judged abstract
 * stay in one fold: SciFact wrote several claims from one abstract, and splitting them lets a
 * learned weight recognise the abstract rather than the question. The last rows repeat the
 * learned-weights experiment with random folds, to show how much that leak is worth.
 */

type Doc = { all: string[]; title: Set<string>; tf: Map<string, number>; sentences: Set<string>[] };
type Ranked = { id: string; score: number }[];

const FEATURES = ['query likelihood', 'BM25, one field', 'idf coverage', 'title coverage', 'ordered word pairs', 'associated words', 'query likelihood, df background', 'idf coverage with associated words',
  'best sentence: idf share of the query words one sentence holds',
  'neighbours: mean citemed score of the 5 most similar abstracts',
  'neighbours: the same, cosine-weighted, 10 abstracts',
  'title share: BM25 with each word weighted by the share of its abstracts that hold it in the title',
  'title share: the idf coverage so weighted'] as const;
const GRID = [0, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 3];

async function main(): Promise<void> {
  const dir = path.join(sharedDataDir, 'beir_scifact');
  if (!existsSync(dir)) {
    console.log(`bench/retrieval/fusion-cv: ${dir} is absent (the shared public data sets are not committed). Nothing measured.`);
    return;
  }
  const dataset = await openRetrievalDataset(dir);
  const judgments = await dataset.qrels('train');
  const texts = new Map((await dataset.queries()).map((q) => [q.id, q.text]));
  const claims = [...judgments.keys()].filter((id) => [...(judgments.get(id)?.values() ?? [])].some((g) => g > 0));

  // The corpus, tokenised as the index tokenises it.
  const docs = new Map<string, Doc>();
  const df = new Map<string, number>();
  const cf = new Map<string, number>();
  // In how many abstracts a word is in the title: authors title a paper with its topic, so a word
  // often in titles ("cancer") says more of what a claim is about than one seldom there ("increase").
  const titleDf = new Map<string, number>();
  let tokens = 0;
  for await (const doc of dataset.corpus()) {
    const title = indexTokens(doc.title);
    const all = [...title, ...indexTokens(doc.text)];
    const tf = new Map<string, number>();
    for (const t of all) tf.set(t, (tf.get(t) ?? 0) + 1);
    for (const t of new Set(title)) titleDf.set(t, (titleDf.get(t) ?? 0) + 1);
    for (const [t, n] of tf) {
      df.set(t, (df.get(t) ?? 0) + 1);
      cf.set(t, (cf.get(t) ?? 0) + n);
    }
    tokens += all.length;
    const sentences = [doc.title, ...doc.text.split(/(?<=[.!?])\s+(?=[A-Z(])/)].map((x) => new Set(indexTokens(x)));
    docs.set(doc.id, { all, title: new Set(title), tf, sentences });
  }
  const n = docs.size;
  const meanLength = tokens / n;
  const idf = (t: string) => Math.log(1 + (n - (df.get(t) ?? 0) + 0.5) / ((df.get(t) ?? 0) + 0.5));

  // citemed's ranking of each training claim.
  const runs = await citemedRuns(dataset, claims, texts);
  const stemsOf = (claim: string) => [...new Set(analyzeQuery(texts.get(claim) ?? '').flatMap((t) => t.stems[0] ?? []).filter((s) => !STOP_WORDS.has(s)))];
  // Word associations learned from the abstracts (src/retrieval/associations.ts, its defaults), and
  // the total of distinct words per abstract, the background of the df-based query likelihood.
  const associations = buildAssociations([...docs.values()].map((d) => [...d.tf.keys()]));
  let distinctTotal = 0;
  for (const d of docs.values()) distinctTotal += d.tf.size;
  const neighbours = nearestAbstracts(docs, df, idf);
  const titleShare = (t: string) => ((titleDf.get(t) ?? 0) + 1) / ((df.get(t) ?? 0) + 5);

  const bm25 = (d: Doc, stems: string[], weight: (s: string) => number) => {
    let score = 0;
    for (const t of stems) {
      const f = d.tf.get(t) ?? 0;
      if (f > 0) score += weight(t) * idf(t) * ((f * 1.9) / (f + 0.9 * (0.6 + (0.4 * d.all.length) / meanLength)));
    }
    return score;
  };
  const features = new Map<string, number[][]>();
  for (const claim of claims) {
    const stems = stemsOf(claim);
    const sequence = analyzeQuery(texts.get(claim) ?? '').map((t) => t.stems[0] ?? []);
    const idfSum = stems.reduce((s, t) => s + idf(t), 0) || 1;
    const runScore = new Map((runs.get(claim) ?? []).map((hit) => [hit.id, hit.score]));
    features.set(
      claim,
      (runs.get(claim) ?? []).map(({ id }) => {
        const d = docs.get(id) as Doc;
        // Dirichlet-smoothed log-likelihood ratio (μ 1,000) of a word found f times, against a background.
        const dirichlet = (f: number, background: number) => Math.log((f + 1000 * background) / (d.all.length + 1000)) - Math.log(background);
        let likelihood = 0;
        let likelihoodDf = 0;
        let covered = 0;
        let inTitle = 0;
        let associated = 0;
        for (const t of stems) {
          const f = d.tf.get(t) ?? 0;
          likelihood += dirichlet(f, ((cf.get(t) ?? 0) + 0.5) / tokens);
          likelihoodDf += dirichlet(f, ((df.get(t) ?? 0) + 0.5) / distinctTotal);
          if (f > 0) covered += idf(t);
          else associated += idf(t) * (associations.associates(t).find((a) => d.tf.has(a.term))?.share ?? 0);
          if (d.title.has(t)) inTitle += idf(t);
        }
        const shareSum = stems.reduce((s, t) => s + idf(t) * titleShare(t), 0) || 1;
        const shareCovered = stems.reduce((s, t) => s + (d.tf.has(t) ? idf(t) * titleShare(t) : 0), 0);
        return [
          likelihood / Math.max(stems.length, 1),
          bm25(d, stems, () => 1) / idfSum,
          covered / idfSum,
          inTitle / idfSum,
          pairs(d, sequence, idf) / idfSum,
          associated / idfSum,
          likelihoodDf / Math.max(stems.length, 1),
          (covered + associated) / idfSum,
          Math.max(0, ...d.sentences.map((set) => stems.reduce((sum, t) => sum + (set.has(t) ? idf(t) : 0), 0))) / idfSum,
          mean((neighbours.get(id) ?? []).slice(0, 5).map((x) => runScore.get(x.id) ?? 0)),
          mean((neighbours.get(id) ?? []).map((x) => x.similarity * (runScore.get(x.id) ?? 0))),
          bm25(d, stems, titleShare) / shareSum,
          shareCovered / shareSum,
        ];
      }),
    );
  }

  const groups = groupBySharedAbstract(claims, judgments);
  console.log(`# SciFact train: ${claims.length} claims in ${groups.length} groups sharing a judged abstract; citemed alone ${mean(claims.map((c) => ndcg(c, runs, judgments, () => 0))).toFixed(4)}\n`);
  console.log('| added score | held-out gain, mean | min | max |\n|---|---:|---:|---:|');
  const fused = (claim: string, weights: number[]) => (i: number) => weights.reduce((s, w, f) => s + w * (features.get(claim)?.[i]?.[f] ?? 0), 0);
  const tryFeatures = (label: string, use: number[]) => {
    const gains = crossValidate(groups, (fit, held) => {
      const weights = ascend(fit, use, (claim, w) => ndcg(claim, runs, judgments, fused(claim, w)));
      return mean(held.map((c) => ndcg(c, runs, judgments, fused(c, weights)) - ndcg(c, runs, judgments, () => 0)));
    });
    console.log(`| ${label} | ${signed(mean(gains))} | ${signed(Math.min(...gains))} | ${signed(Math.max(...gains))} |`);
  };
  FEATURES.forEach((name, f) => tryFeatures(name, [f]));
  tryFeatures('the first five', [0, 1, 2, 3, 4]);
  tryFeatures('query likelihood (df background) + associated words', [5, 6]);
  tryFeatures('best sentence + idf coverage with associated words', [7, 8]);
  tryFeatures('title-share BM25 + idf coverage with associated words', [7, 11]);
  tryFeatures('title-share coverage + idf coverage with associated words', [7, 12]);

  // Term necessity (Zhao and Callan, "Term necessity prediction", CIKM 2010): how likely a judged
  // abstract is to hold a claim's word, predicted from features of the word and of the first
  // ranking, never from the word itself (so no abstract can be memorised). A logistic regression is
  // fitted on the fitting folds' (claim, word) pairs and weighs each word of a held-out claim in BM25.
  // Features: bias; idf over the largest idf; idf over the claim's largest; log title share; share
  // of the top 10 and of the top 100 that hold the word (topic centrality); its strongest associate's
  // share (replaceability); holds a digit; length; position in the claim; 1 / the claim's words.
  const maxIdf = Math.log(1 + (n + 0.5) / 1.5);
  const wordFeatures = new Map<string, { stem: string; x: number[]; held: number }[]>();
  for (const claim of claims) {
    const stems = stemsOf(claim);
    const top = (runs.get(claim) ?? []).map((h) => docs.get(h.id) as Doc);
    const claimMax = Math.max(...stems.map(idf), 1e-9);
    const relevant = [...(judgments.get(claim) ?? [])].filter(([, g]) => g > 0).map(([id]) => docs.get(id)).filter((d): d is Doc => !!d);
    wordFeatures.set(claim, stems.map((t, position) => {
      const inTop = (k: number) => top.slice(0, k).filter((d) => d.tf.has(t)).length / Math.max(1, Math.min(k, top.length));
      const assoc = associations.associates(t);
      const x = [
        1,
        idf(t) / maxIdf,
        idf(t) / claimMax,
        Math.log(titleShare(t)),
        inTop(10),
        inTop(100),
        assoc[0]?.share ?? 0,
        /\d/.test(t) ? 1 : 0,
        Math.min(t.length, 12) / 12,
        position / Math.max(1, stems.length - 1),
        1 / stems.length,
      ];
      return { stem: t, x, held: relevant.some((d) => d.tf.has(t)) ? 1 : 0 };
    }));
  }
  // Gradient ascent on the log-likelihood, with a small L2 penalty on all but the bias.
  const fitLogistic = (fit: string[]) => {
    const rows = fit.flatMap((c) => wordFeatures.get(c) ?? []);
    const dim = rows[0]?.x.length ?? 0;
    const w = new Array<number>(dim).fill(0);
    for (let iter = 0; iter < 300; iter++) {
      const grad = new Array<number>(dim).fill(0);
      for (const r of rows) {
        const p = 1 / (1 + Math.exp(-r.x.reduce((s, v, i) => s + v * (w[i] ?? 0), 0)));
        for (let i = 0; i < dim; i++) grad[i] = (grad[i] ?? 0) + (r.held - p) * (r.x[i] ?? 0);
      }
      for (let i = 0; i < dim; i++) w[i] = (w[i] ?? 0) + (0.5 * (grad[i] ?? 0)) / rows.length - 0.001 * (i > 0 ? (w[i] ?? 0) : 0);
    }
    return w;
  };
  const extraFor = (c: string, model: number[], power: number) => {
    const rows = wordFeatures.get(c) ?? [];
    const weight = new Map(rows.map((r) => [r.stem, (1 / (1 + Math.exp(-r.x.reduce((s, v, i) => s + v * (model[i] ?? 0), 0)))) ** power]));
    const stems = rows.map((r) => r.stem);
    const rate = (t: string) => weight.get(t) ?? 1;
    const norm = stems.reduce((s, t) => s + rate(t) * idf(t), 0) || 1;
    return (runs.get(c) ?? []).map(({ id }) => bm25(docs.get(id) as Doc, stems, rate) / norm);
  };
  const cov = (c: string) => (features.get(c) ?? []).map((row) => row[7] ?? 0);
  for (const power of [0, 1, 2]) {
    for (const withCoverage of [false, true]) {
      const gains = crossValidate(groups, (fit, held) => {
        const model = fitLogistic(fit);
        const fitExtra = new Map(fit.map((c) => [c, extraFor(c, model, power)]));
        let best = { a: 0, b: 0, m: -1 };
        for (const a of GRID) for (const b of withCoverage ? GRID : [0]) {
          const m = mean(fit.map((c) => ndcg(c, runs, judgments, (i) => a * (fitExtra.get(c)?.[i] ?? 0) + b * (cov(c)[i] ?? 0))));
          if (m > best.m + 1e-9) best = { a, b, m };
        }
        return mean(held.map((c) => { const e = extraFor(c, model, power); return ndcg(c, runs, judgments, (i) => best.a * (e[i] ?? 0) + best.b * (cov(c)[i] ?? 0)) - ndcg(c, runs, judgments, () => 0); }));
      });
      console.log(`| term necessity: BM25 with each word weighted by its predicted necessity${power === 0 ? ' (weight 1: plain BM25, for comparison)' : power === 2 ? ', squared' : ''}${withCoverage ? ', + idf coverage with associated words' : ''} | ${signed(mean(gains))} | ${signed(Math.min(...gains))} | ${signed(Math.max(...gains))} |`);
    }
  }

  // Weights per word, learned from which query words the judged abstracts hold.
  const weighted = (learned: boolean) => (fit: string[], held: string[]) => {
    const rate = learned ? hitRates(fit, judgments, docs, stemsOf) : () => 1;
    const extra = new Map(held.map((c) => {
      const stems = stemsOf(c);
      const norm = stems.reduce((s, t) => s + rate(t) * idf(t), 0) || 1;
      return [c, (runs.get(c) ?? []).map(({ id }) => bm25(docs.get(id) as Doc, stems, rate) / norm)];
    }));
    return mean(held.map((c) => ndcg(c, runs, judgments, (i) => 2 * (extra.get(c)?.[i] ?? 0)) - ndcg(c, runs, judgments, () => 0)));
  };
  const singles = claims.map((c) => [c]);
  for (const [label, folds] of [['claims sharing an abstract kept together', groups], ['claims cut at random (leaks)', singles]] as const) {
    const plain = crossValidate(folds, weighted(false));
    const learned = crossValidate(folds, weighted(true));
    console.log(`| BM25 ×2, ${label}: plain / with learned word weights | ${signed(mean(plain))} / ${signed(mean(learned))} | | |`);
  }
}

async function citemedRuns(dataset: Awaited<ReturnType<typeof openRetrievalDataset>>, claims: string[], texts: Map<string, string>): Promise<Map<string, Ranked>> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'citemed-fusion-cv-'));
  const { settings } = loadSettings({ overrides: { store: { path: path.join(dir, 'library.db') } } });
  const container = createContainer(settings, { create: true });
  try {
    await indexDataset(dataset, container.store, { chunk: settings.ingest.chunk, batchSize: settings.ingest.batchSize, originPath: 'scifact', now: () => new Date() });
    const runs = new Map<string, Ranked>();
    for (const claim of claims) {
      const result = await container.search(texts.get(claim) ?? '', { adjust: (o) => ({ ...o, limit: 100, diversity: { maxPerSource: 1, mmrLambda: 1 }, rescore: { ...o.rescore, depth: 0 } }) });
      const best = result.hits[0]?.score ?? 1;
      runs.set(claim, result.hits.map((hit) => ({ id: hit.source.id.replace(/^jsonl:/, ''), score: hit.score / best })));
    }
    return runs;
  } finally {
    await container.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Each abstract's 10 most similar abstracts: cosine of tf-idf vectors (1 + ln tf) over the words in
 * at most 5% of abstracts (LexBoost's corpus graph, Kulkarni et al., DocEng 2024, built lexically).
 */
function nearestAbstracts(docs: Map<string, Doc>, df: Map<string, number>, idf: (t: string) => number): Map<string, { id: string; similarity: number }[]> {
  const vectors = new Map<string, Map<string, number>>();
  const postings = new Map<string, { id: string; weight: number }[]>();
  for (const [id, d] of docs) {
    const vector = new Map<string, number>();
    let norm = 0;
    for (const [t, f] of d.tf) {
      if ((df.get(t) ?? 0) > docs.size * 0.05 || STOP_WORDS.has(t)) continue;
      const weight = (1 + Math.log(f)) * idf(t);
      vector.set(t, weight);
      norm += weight * weight;
    }
    norm = Math.sqrt(norm) || 1;
    for (const [t, weight] of vector) {
      vector.set(t, weight / norm);
      postings.set(t, [...(postings.get(t) ?? []), { id, weight: weight / norm }]);
    }
    vectors.set(id, vector);
  }
  const nearest = new Map<string, { id: string; similarity: number }[]>();
  for (const [id, vector] of vectors) {
    const sums = new Map<string, number>();
    for (const [t, weight] of vector) for (const p of postings.get(t) ?? []) if (p.id !== id) sums.set(p.id, (sums.get(p.id) ?? 0) + weight * p.weight);
    nearest.set(id, [...sums].map(([other, similarity]) => ({ id: other, similarity })).sort((a, b) => b.similarity - a.similarity).slice(0, 10));
  }
  return nearest;
}

/** nDCG@10 of citemed's list re-ordered by its score plus `extra(rank)`. */
function ndcg(claim: string, runs: Map<string, Ranked>, judgments: ReadonlyMap<string, Judgments>, extra: (i: number) => number): number {
  const ranked = (runs.get(claim) ?? []).map((hit, i) => ({ id: hit.id, score: hit.score + extra(i) })).sort((a, b) => b.score - a.score);
  return ndcgAt(10, ranked.map((hit) => hit.id), judgments.get(claim) ?? new Map());
}

/** Adjacent query words found in order within four words, each pair worth its rarer word's idf, saturated. */
function pairs(d: Doc, sequence: string[][], idf: (t: string) => number): number {
  const positions = new Map<string, number[]>();
  d.all.forEach((t, i) => positions.set(t, [...(positions.get(t) ?? []), i]));
  let score = 0;
  for (let i = 0; i + 1 < sequence.length; i++) {
    const a = sequence[i]?.at(-1);
    const b = sequence[i + 1]?.[0];
    if (!a || !b) continue;
    const after = positions.get(b) ?? [];
    const count = (positions.get(a) ?? []).filter((x) => after.some((y) => y > x && y - x <= 4)).length;
    if (count > 0) score += (Math.min(idf(a), idf(b)) * count) / (count + 1);
  }
  return score;
}

/** For each stem, how often the judged abstracts of the claims holding it hold it too, against the average (smoothed). */
function hitRates(fit: string[], judgments: ReadonlyMap<string, Judgments>, docs: Map<string, Doc>, stemsOf: (c: string) => string[]): (stem: string) => number {
  const hits = new Map<string, number>();
  const seen = new Map<string, number>();
  let allHits = 0;
  let all = 0;
  for (const claim of fit) {
    for (const stem of stemsOf(claim)) {
      for (const [id, grade] of judgments.get(claim) ?? []) {
        const doc = docs.get(id);
        if (grade <= 0 || !doc) continue;
        const hit = doc.tf.has(stem) ? 1 : 0;
        hits.set(stem, (hits.get(stem) ?? 0) + hit);
        seen.set(stem, (seen.get(stem) ?? 0) + 1);
        allHits += hit;
        all++;
      }
    }
  }
  const prior = allHits / Math.max(all, 1);
  return (stem) => (((hits.get(stem) ?? 0) + 10 * prior) / ((seen.get(stem) ?? 0) + 10) / prior) ** 2;
}

/** Claims linked through shared judged abstracts, as connected groups. */
function groupBySharedAbstract(claims: string[], judgments: ReadonlyMap<string, Judgments>): string[][] {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    const p = parent.get(x) ?? x;
    if (p === x) return x;
    const root = find(p);
    parent.set(x, root);
    return root;
  };
  for (const claim of claims) for (const doc of judgments.get(claim)?.keys() ?? []) parent.set(find(`c${claim}`), find(`d${doc}`));
  const groups = new Map<string, string[]>();
  for (const claim of claims) groups.set(find(`c${claim}`), [...(groups.get(find(`c${claim}`)) ?? []), claim]);
  return [...groups.values()];
}

/** Five folds of whole groups, four shuffles; `measure(fit, held)` gives one held-out gain each. */
function crossValidate(groups: readonly string[][], measure: (fit: string[], held: string[]) => number): number[] {
  const gains: number[] = [];
  for (let shuffle = 0; shuffle < 4; shuffle++) {
    const order = [...groups].sort((a, b) => mix(a[0] ?? '', shuffle) - mix(b[0] ?? '', shuffle));
    for (let k = 0; k < 5; k++) {
      gains.push(measure(order.filter((_, i) => i % 5 !== k).flat(), order.filter((_, i) => i % 5 === k).flat()));
    }
  }
  return gains;
}

/** A fixed pseudo-random order (Knuth's multiplicative hash), so runs repeat. */
function mix(id: string, shuffle: number): number {
  return (Number(id) * 2654435761 + shuffle * 97) % 1000;
}

/** Coordinate ascent over the features in `use`, three rounds over GRID, from all weights 0. */
function ascend(claims: string[], use: number[], score: (claim: string, weights: number[]) => number): number[] {
  const weights = FEATURES.map(() => 0);
  let best = mean(claims.map((c) => score(c, weights)));
  for (let round = 0; round < 3; round++) {
    for (const f of use) {
      for (const value of GRID) {
        const trial = [...weights];
        trial[f] = value;
        const m = mean(claims.map((c) => score(c, trial)));
        if (m > best + 1e-9) {
          best = m;
          weights[f] = value;
        }
      }
    }
  }
  return weights;
}

function mean(values: readonly number[]): number {
  return values.reduce((s, v) => s + v, 0) / Math.max(values.length, 1);
}

function signed(value: number): string {
  return `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(4)}`;
}

await main();
