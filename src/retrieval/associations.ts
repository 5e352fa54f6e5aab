import type { AssociationsLearned, SampledPassage, Store, WordAssociate } from '../ports/store.js';
import { indexTokens } from './tokens.js';

/**
 * Word associations learned from the library itself: for a word q, the words w whose passages
 * mostly also hold q, with that share, P(q | w). A passage that lacks a question word but holds
 * one of its strong associates ("acetylcystein" for "nac") is probably about it all the same.
 * This is global analysis of the corpus (Xu & Croft, SIGIR 1996), read from the passages rather
 * than from a vocabulary, and used only to re-order the top of a ranking (rescore.ts), never to
 * find candidates.
 *
 * Built from a sample of passages, so its cost is bounded however large the library: every word w
 * in at least `minPassages` sampled passages gives up to `perWordSample` of them, spread over its
 * list, and counts the words they hold. Each word q keeps its `perTerm` strongest associates.
 */
export interface AssociationOptions {
  /** A word is an associate only if at least this many sampled passages hold it. */
  minPassages: number;
  /** Passages of each word counted, spread evenly over its list. */
  perWordSample: number;
  /** Shares below this are not kept. */
  minShare: number;
  /** Strongest associates kept per word. */
  perTerm: number;
}

export const ASSOCIATION_DEFAULTS: AssociationOptions = { minPassages: 10, perWordSample: 64, minShare: 0.05, perTerm: 32 };

/** A word found in the passage, and P(the question's word | this word) over the passages holding it. */
export type Associate = WordAssociate;

export interface TermAssociations {
  /** Passages the associations were learned from. */
  readonly passages: number;
  /** Mean number of distinct words per sampled passage. */
  readonly meanDistinctTerms: number;
  /** The strongest associates of `term` (a stemmed index token), strongest first. */
  associates(term: string): readonly Associate[];
}

/** Associations just learned: they can also list themselves, to be saved. */
export interface LearnedAssociations extends TermAssociations {
  entries(): Iterable<[string, readonly Associate[]]>;
}

/** Learns associations from passages given as their stemmed index tokens (title, section, text). */
export function buildAssociations(passages: Iterable<readonly string[]>, options: AssociationOptions = ASSOCIATION_DEFAULTS): LearnedAssociations {
  const steps = learning(passages, options);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * The same, giving the event loop a turn whenever `sliceMs` of work has gone by: a server that
 * learns (after an ingest job, or for its first search) keeps answering its other requests
 * meanwhile, where learning at a million passages held its event loop for about 5 s.
 */
export async function learnAssociations(
  passages: Iterable<readonly string[]>,
  options: AssociationOptions = ASSOCIATION_DEFAULTS,
  sliceMs = LEARNING_SLICE_MS,
): Promise<LearnedAssociations> {
  const steps = learning(passages, options);
  let sliceStart = performance.now();
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    if (performance.now() - sliceStart >= sliceMs) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      sliceStart = performance.now();
    }
  }
}

/** Longest stretch of learning between two turns of the event loop. */
const LEARNING_SLICE_MS = 20;
/** Passages tokenised, and words counted, between two checks of the time. */
const PASSAGES_PER_STEP = 256;
const WORDS_PER_STEP = 64;

/** The learning itself, pausing (yielding) every few passages and words so that a driver can let other work run. */
function* learning(passages: Iterable<readonly string[]>, options: AssociationOptions): Generator<void, LearnedAssociations> {
  const ids = new Map<string, number>();
  const words: string[] = [];
  const forward: Int32Array[] = [];
  let distinct = 0;
  for (const tokens of passages) {
    if (forward.length % PASSAGES_PER_STEP === PASSAGES_PER_STEP - 1) yield;
    const seen = new Set<number>();
    for (const token of tokens) {
      let id = ids.get(token);
      if (id === undefined) {
        id = words.length;
        ids.set(token, id);
        words.push(token);
      }
      seen.add(id);
    }
    forward.push(Int32Array.from(seen));
    distinct += seen.size;
  }

  // Which passages hold each word, as one flat array cut by offsets.
  const df = new Int32Array(words.length);
  for (const row of forward) for (const id of row) df[id] = (df[id] ?? 0) + 1;
  const start = new Int32Array(words.length + 1);
  for (let id = 0; id < words.length; id++) start[id + 1] = (start[id] ?? 0) + (df[id] ?? 0);
  const holders = new Int32Array(start[words.length] ?? 0);
  const fill = start.slice(0, words.length);
  for (let p = 0; p < forward.length; p++) {
    if (p % PASSAGES_PER_STEP === PASSAGES_PER_STEP - 1) yield;
    for (const id of forward[p] as Int32Array) holders[fill[id]!++] = p;
  }

  const best = new Map<number, Kept>();
  const counts = new Int32Array(words.length);
  const touched: number[] = [];
  for (let w = 0; w < words.length; w++) {
    if (w % WORDS_PER_STEP === WORDS_PER_STEP - 1) yield;
    const n = df[w] ?? 0;
    if (n < options.minPassages) continue;
    const take = Math.min(n, options.perWordSample);
    const from = start[w] ?? 0;
    for (let i = 0; i < take; i++) {
      const row = forward[holders[from + Math.floor((i * n) / take)] ?? 0] as Int32Array;
      for (const q of row) {
        if (q === w) continue;
        if (counts[q] === 0) touched.push(q);
        counts[q] = (counts[q] ?? 0) + 1;
      }
    }
    for (const q of touched) {
      const share = (counts[q] ?? 0) / take;
      counts[q] = 0;
      if (share >= options.minShare) keep(best, q, w, share, options.perTerm);
    }
    touched.length = 0;
  }

  // Kept packed (a word id and a share per associate) and turned into objects when asked for:
  // a large library has a hundred thousand words or more with up to `perTerm` associates each.
  const table = new Map<string, { terms: Int32Array; shares: Float64Array }>();
  for (const [q, { terms, shares }] of best) {
    if (table.size % WORDS_PER_STEP === WORDS_PER_STEP - 1) yield;
    const order = terms.map((_, i) => i).sort((a, b) => (shares[b] ?? 0) - (shares[a] ?? 0) || ((words[terms[a] ?? 0] ?? '') < (words[terms[b] ?? 0] ?? '') ? -1 : 1));
    table.set(words[q] ?? '', { terms: Int32Array.from(order, (i) => terms[i] ?? 0), shares: Float64Array.from(order, (i) => shares[i] ?? 0) });
  }
  const associates = (term: string): Associate[] => {
    const entry = table.get(term);
    if (!entry) return [];
    return Array.from(entry.terms, (w, i) => ({ term: words[w] ?? '', share: entry.shares[i] ?? 0 }));
  };
  return {
    passages: forward.length,
    meanDistinctTerms: forward.length > 0 ? distinct / forward.length : 0,
    associates,
    *entries() {
      for (const term of table.keys()) yield [term, associates(term)];
    },
  };
}

interface Kept {
  terms: number[];
  shares: number[];
  /** Where the smallest share is, once the list is full. */
  weakest: number;
}

/** Keeps the `limit` largest shares for q, replacing the weakest when full. */
function keep(best: Map<number, Kept>, q: number, w: number, share: number, limit: number): void {
  let entry = best.get(q);
  if (!entry) best.set(q, (entry = { terms: [], shares: [], weakest: 0 }));
  if (entry.terms.length < limit) {
    entry.terms.push(w);
    entry.shares.push(share);
    if (entry.terms.length === limit) entry.weakest = weakestOf(entry.shares);
    return;
  }
  if (share <= (entry.shares[entry.weakest] ?? 0)) return;
  entry.terms[entry.weakest] = w;
  entry.shares[entry.weakest] = share;
  entry.weakest = weakestOf(entry.shares);
}

function weakestOf(shares: readonly number[]): number {
  let weakest = 0;
  for (let i = 1; i < shares.length; i++) if ((shares[i] ?? 0) < (shares[weakest] ?? 0)) weakest = i;
  return weakest;
}

/**
 * The library's associations for a search's words. Saved ones (`Store.associations`) are read when
 * they were learned with this sample size from a library within a tenth of its present passage
 * count; otherwise they are learned from at most `sample` passages spread evenly over the library
 * (about a second for a small library, 5 s at a million passages), kept for this process, and
 * saved for the next. A library that cannot be written at that moment (read-only, or another
 * process holding its write lock: the save does not wait) is searched all the same, with the
 * associations kept in this process only. Concurrent searches
 * share one learning; a failed one is forgotten.
 */
export interface AssociationSource {
  /** The associations for these words (stemmed index tokens). */
  (terms: readonly string[]): Promise<TermAssociations>;
  /**
   * Makes sure they are learned or saved now (`citemed serve` before it listens, `citemed ingest`
   * after it wrote); `beforeLearning` is called, with the library's passage count, only when
   * they must be learned.
   */
  prepare(beforeLearning?: (passages: number) => void): Promise<void>;
}

export function createAssociationSource(store: Pick<Store, 'corpusStats' | 'samplePassages' | 'associations'>, sample: number): AssociationSource {
  type Resolved = { learned: TermAssociations } | { saved: AssociationsLearned };
  let current: { passages: number; resolved: Promise<Resolved> } | undefined;
  const fresh = (learnedAt: number, now: number) => Math.abs(now - learnedAt) <= 0.1 * learnedAt;
  const resolve = async (passages: number, beforeLearning?: (passages: number) => void): Promise<Resolved> => {
    const saved = await store.associations?.learned();
    if (saved && saved.sample === sample && fresh(saved.passages, passages)) return { saved };
    beforeLearning?.(passages);
    const learned = await learnAssociations(tokenised(await store.samplePassages(sample)));
    try {
      await store.associations?.save({ passages, sample, meanDistinctTerms: learned.meanDistinctTerms }, learned.entries());
    } catch {
      // Not saved (a read-only or busy library): this process still uses what it learned.
    }
    return { learned };
  };
  const settle = async (beforeLearning?: (passages: number) => void): Promise<Resolved> => {
    const { passages } = await store.corpusStats();
    if (!current || !fresh(current.passages, passages)) {
      const resolved = resolve(passages, beforeLearning);
      current = { passages, resolved };
      resolved.catch(() => {
        if (current?.resolved === resolved) current = undefined;
      });
    }
    return current.resolved;
  };
  const source = async (terms: readonly string[]): Promise<TermAssociations> => {
    const resolved = await settle();
    if ('learned' in resolved) return resolved.learned;
    const found = (await store.associations?.of(terms)) ?? new Map<string, Associate[]>();
    return { passages: resolved.saved.passages, meanDistinctTerms: resolved.saved.meanDistinctTerms, associates: (term) => found.get(term) ?? [] };
  };
  return Object.assign(source, {
    prepare: async (beforeLearning?: (passages: number) => void) => {
      await settle(beforeLearning);
    },
  });
}

function* tokenised(rows: readonly SampledPassage[]): Generator<string[]> {
  for (const row of rows) yield indexTokens(`${row.title}\n${row.section}\n${row.text}`);
}
