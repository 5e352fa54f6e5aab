import { describe, expect, it, vi } from 'vitest';
import type { AssociationsLearned, CorpusStats, SampledPassage, WordAssociate } from '../ports/store.js';
import { ASSOCIATION_DEFAULTS, buildAssociations, createAssociationSource, learnAssociations, type AssociationOptions } from './associations.js';

const open: AssociationOptions = { minPassages: 10, perWordSample: 64, minShare: 0, perTerm: 32 };

/**
 * 16 passages: 'acetylcystein' always with 'nac' (12), half of them with 'liver' and half with
 * 'paracetamol'; 4 more with 'nac' and 'liver' only. df: acetylcystein 12, nac 16, liver 10,
 * paracetamol 6.
 */
function nacCorpus(): string[][] {
  return [
    ...Array.from({ length: 6 }, () => ['acetylcystein', 'nac', 'liver']),
    ...Array.from({ length: 6 }, () => ['acetylcystein', 'nac', 'paracetamol', 'nac']),
    ...Array.from({ length: 4 }, () => ['nac', 'liver', 'liver']),
  ];
}

describe('buildAssociations', () => {
  it('gives P(q | w) over the passages holding w, strongest first, ties by term', () => {
    const table = buildAssociations(nacCorpus(), open);
    // Every passage with 'acetylcystein' holds 'nac'; so does every one with 'liver'.
    expect(table.associates('nac')).toEqual([
      { term: 'acetylcystein', share: 1 },
      { term: 'liver', share: 1 },
    ]);
    // 12 of nac's 16 passages hold acetylcystein; 6 of liver's 10.
    expect(table.associates('acetylcystein')).toEqual([
      { term: 'nac', share: 12 / 16 },
      { term: 'liver', share: 6 / 10 },
    ]);
    expect(table.associates('liver')).toEqual([
      { term: 'nac', share: 10 / 16 },
      { term: 'acetylcystein', share: 6 / 12 },
    ]);
  });

  it('counts a word repeated in a passage once, and never lists a word as its own associate', () => {
    const table = buildAssociations(nacCorpus(), open);
    // 'nac' twice in six passages and 'liver' twice in four change nothing above; and:
    expect(table.associates('nac').map((a) => a.term)).not.toContain('nac');
    expect(table.associates('paracetamol')).toEqual([
      { term: 'acetylcystein', share: 6 / 12 },
      { term: 'nac', share: 6 / 16 },
    ]);
  });

  it('takes as associates only words held by at least minPassages passages', () => {
    const table = buildAssociations(nacCorpus(), open);
    // 'paracetamol' is in 6 passages, all of which hold 'acetylcystein' and 'nac': still no associate.
    for (const q of ['nac', 'acetylcystein', 'liver']) expect(table.associates(q).map((a) => a.term)).not.toContain('paracetamol');
    // With the threshold at 6 it is one, with share 1 (every paracetamol passage holds both).
    const lower = buildAssociations(nacCorpus(), { ...open, minPassages: 6 });
    expect(lower.associates('acetylcystein')[0]).toEqual({ term: 'paracetamol', share: 1 });
    expect(lower.associates('nac')).toContainEqual({ term: 'paracetamol', share: 1 });
    // At 11, 'liver' (10 passages) drops out as an associate, 'acetylcystein' (12) stays.
    const higher = buildAssociations(nacCorpus(), { ...open, minPassages: 11 });
    expect(higher.associates('nac')).toEqual([{ term: 'acetylcystein', share: 1 }]);
    expect(higher.associates('acetylcystein')).toEqual([{ term: 'nac', share: 12 / 16 }]);
    // At 17 no word qualifies.
    expect(buildAssociations(nacCorpus(), { ...open, minPassages: 17 }).associates('nac')).toEqual([]);
  });

  it('drops shares below minShare, keeping one equal to it', () => {
    const table = buildAssociations(nacCorpus(), { ...open, minShare: 0.6 });
    expect(table.associates('acetylcystein')).toEqual([
      { term: 'nac', share: 0.75 },
      { term: 'liver', share: 0.6 },
    ]);
    expect(table.associates('liver')).toEqual([{ term: 'nac', share: 0.625 }]);
    expect(table.associates('paracetamol')).toEqual([]);
  });

  it('keeps the perTerm strongest associates whatever order the words come in', () => {
    // Words a..e, 10 passages each, of which share × 10 also hold 'q'; met in the order given.
    const shares: [string, number][] = [
      ['a', 0.6],
      ['b', 0.2],
      ['c', 0.8],
      ['d', 0.4],
      ['e', 0.7],
    ];
    const passages = shares.flatMap(([word, share]) => Array.from({ length: 10 }, (_, i) => (i < share * 10 ? [word, 'q'] : [word])));
    const all = buildAssociations(passages, open);
    expect(all.associates('q')).toEqual([
      { term: 'c', share: 0.8 },
      { term: 'e', share: 0.7 },
      { term: 'a', share: 0.6 },
      { term: 'd', share: 0.4 },
      { term: 'b', share: 0.2 },
    ]);
    expect(buildAssociations(passages, { ...open, perTerm: 2 }).associates('q')).toEqual([
      { term: 'c', share: 0.8 },
      { term: 'e', share: 0.7 },
    ]);
    expect(buildAssociations(passages, { ...open, perTerm: 1 }).associates('q')).toEqual([{ term: 'c', share: 0.8 }]);
  });

  it('counts at most perWordSample passages of a word, spread evenly over its list', () => {
    // 'w' is in 20 passages; 'q' is in w's passages 0, 4 and 8, 'r' in 1, 2, 3, 5, 6 and 7.
    const passages = Array.from({ length: 20 }, (_, i) => {
      const tokens = ['w'];
      if (i % 4 === 0 && i < 12) tokens.push('q');
      else if (i < 8) tokens.push('r');
      return tokens;
    });
    const whole = buildAssociations(passages, open);
    expect(whole.associates('q')).toEqual([{ term: 'w', share: 3 / 20 }]);
    expect(whole.associates('r')).toEqual([{ term: 'w', share: 6 / 20 }]);
    // A sample of 5 takes w's passages 0, 4, 8, 12 and 16: q is in 3 of them, r in none.
    const sampled = buildAssociations(passages, { ...open, perWordSample: 5 });
    expect(sampled.associates('q')).toEqual([{ term: 'w', share: 3 / 5 }]);
    expect(sampled.associates('r')).toEqual([]);
  });

  it('reports the passages and their mean number of distinct words, and reads any iterable', () => {
    function* lazily(): Generator<string[]> {
      yield* nacCorpus();
    }
    const table = buildAssociations(lazily(), open);
    expect(table.passages).toBe(16);
    // 6 × 3 + 6 × 3 (nac twice) + 4 × 2 (liver twice), over 16.
    expect(table.meanDistinctTerms).toBe(44 / 16);
    expect(table.associates('nac')[0]).toEqual({ term: 'acetylcystein', share: 1 });
  });

  it('knows nothing of a word it never met, nor of an empty library', () => {
    expect(buildAssociations(nacCorpus(), open).associates('zygomycosi')).toEqual([]);
    expect(buildAssociations(nacCorpus(), open).associates('')).toEqual([]);
    const empty = buildAssociations([]);
    expect(empty.passages).toBe(0);
    expect(empty.meanDistinctTerms).toBe(0);
    expect(empty.associates('nac')).toEqual([]);
  });

  it('uses the defaults when given no options (minPassages 10, minShare 0.05)', () => {
    expect(ASSOCIATION_DEFAULTS.minPassages).toBe(10);
    // 'rare' is in 9 passages only: no associate under the defaults.
    const passages = [...Array.from({ length: 9 }, () => ['rare', 'nac']), ...Array.from({ length: 100 }, (_, i) => (i < 4 ? ['nac', 'faint'] : ['nac', 'filler']))];
    const table = buildAssociations(passages);
    expect(table.associates('nac').map((a) => a.term)).toEqual(['filler']);
    // 'nac' (109 passages) samples 64 of them, its passages ⌊i × 109 / 64⌋: 0–8 ('rare') six
    // times, 9–12 ('faint') twice. 6/64 is kept; 2/64 is below 0.05 and dropped.
    expect(table.associates('rare')).toEqual([{ term: 'nac', share: 6 / 64 }]);
    expect(table.associates('faint')).toEqual([]);
  });
});

describe('learnAssociations', () => {
  /** 2,000 passages of words drawn unevenly from 300, so that many words qualify. */
  function randomCorpus(): string[][] {
    let seed = 7;
    const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    return Array.from({ length: 2_000 }, () => Array.from({ length: 30 }, () => `w${Math.floor(300 * next() ** 2)}`));
  }

  it('learns what buildAssociations learns', async () => {
    const corpus = randomCorpus();
    const learned = await learnAssociations(corpus, open, 0);
    const built = buildAssociations(corpus, open);
    expect([...learned.entries()]).toEqual([...built.entries()]);
    expect([learned.passages, learned.meanDistinctTerms]).toEqual([built.passages, built.meanDistinctTerms]);
    expect([...learned.entries()].length).toBeGreaterThan(200);
  });

  it('gives the event loop turns while it learns', async () => {
    let turns = 0;
    let learning = true;
    const spin = () => {
      if (!learning) return;
      turns++;
      setImmediate(spin);
    };
    setImmediate(spin);
    await learnAssociations(randomCorpus(), open, 0);
    learning = false;
    // 2,000 passages and 300 words: a pause every 256 passages and every 64 words, each a turn.
    expect(turns).toBeGreaterThanOrEqual(10);
  });
});

describe('createAssociationSource', () => {
  const row = (title: string, section: string, text: string): SampledPassage => ({ title, section, text });
  /** 12 passages whose titles say "Acetylcysteine" and whose texts say "NAC". */
  const rows = (): SampledPassage[] => Array.from({ length: 12 }, (_, i) => row('Acetylcysteine trial', 'Results', `NAC was given to patient ${i}.`));

  function fakeStore(initial: number) {
    let count = initial;
    const stats = (): CorpusStats => ({ passages: count, sources: count, meanTokens: { title: 5, section: 1, body: 20, terms: 3 } });
    const store = {
      corpusStats: vi.fn(async () => stats()),
      samplePassages: vi.fn(async (limit: number) => rows().slice(0, limit)),
      setCount(n: number) {
        count = n;
      },
    };
    return store;
  }

  it('learns from the sampled passages, tokenised as the index does (title, section, text, stemmed)', async () => {
    const store = fakeStore(12);
    const associations = await createAssociationSource(store, 100)([]);
    expect(store.samplePassages).toHaveBeenCalledWith(100);
    expect(associations.passages).toBe(12);
    // "Acetylcysteine" in the title is stemmed to 'acetylcystein'; "NAC" is folded to 'nac'.
    expect(associations.associates('nac')).toContainEqual({ term: 'acetylcystein', share: 1 });
    expect(associations.associates('acetylcystein')).toContainEqual({ term: 'result', share: 1 });
    expect(associations.associates('trial')).toContainEqual({ term: 'nac', share: 1 });
  });

  it('builds once for concurrent callers and reuses the build while the count holds', async () => {
    const store = fakeStore(1000);
    const get = createAssociationSource(store, 500);
    const [a, b, c] = await Promise.all([get([]), get([]), get([])]);
    expect(store.samplePassages).toHaveBeenCalledTimes(1);
    expect(b).toBe(a);
    expect(c).toBe(a);
    expect(await get([])).toBe(a);
    // A growth of exactly a tenth is not more than a tenth.
    store.setCount(1100);
    expect(await get([])).toBe(a);
    store.setCount(900);
    expect(await get([])).toBe(a);
    expect(store.samplePassages).toHaveBeenCalledTimes(1);
  });

  it('learns again once the passage count moved by more than a tenth since the build', async () => {
    const store = fakeStore(1000);
    const get = createAssociationSource(store, 500);
    const first = await get([]);
    store.setCount(1101);
    const second = await get([]);
    expect(store.samplePassages).toHaveBeenCalledTimes(2);
    expect(second).not.toBe(first);
    // Measured from the new build's count (1101), not the first one's.
    store.setCount(1200);
    expect(await get([])).toBe(second);
    expect(store.samplePassages).toHaveBeenCalledTimes(2);
    // Shrinking counts too.
    store.setCount(900);
    const third = await get([]);
    expect(third).not.toBe(second);
    expect(store.samplePassages).toHaveBeenCalledTimes(3);
  });

  it('builds again after an empty library gains passages', async () => {
    const store = fakeStore(0);
    store.samplePassages.mockResolvedValueOnce([]);
    const get = createAssociationSource(store, 500);
    expect((await get([])).passages).toBe(0);
    store.setCount(12);
    expect((await get([])).passages).toBe(12);
    expect(store.samplePassages).toHaveBeenCalledTimes(2);
  });

  it('forgets a failed build: the next call tries again', async () => {
    const store = fakeStore(1000);
    store.samplePassages.mockRejectedValueOnce(new Error('database is locked'));
    const get = createAssociationSource(store, 500);
    await expect(get([])).rejects.toThrow('database is locked');
    const again = await get([]);
    expect(again.passages).toBe(12);
    expect(store.samplePassages).toHaveBeenCalledTimes(2);
    expect(await get([])).toBe(again);
    expect(store.samplePassages).toHaveBeenCalledTimes(2);
  });

  it('concurrent callers of a failing build all see the failure, and none keeps it', async () => {
    const store = fakeStore(1000);
    store.samplePassages.mockRejectedValueOnce(new Error('boom'));
    const get = createAssociationSource(store, 500);
    const results = await Promise.allSettled([get([]), get([])]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(store.samplePassages).toHaveBeenCalledTimes(1);
    expect((await get([])).passages).toBe(12);
    expect(store.samplePassages).toHaveBeenCalledTimes(2);
  });
});

describe('createAssociationSource with saved associations', () => {
  const rows = (): SampledPassage[] => Array.from({ length: 12 }, (_, i) => ({ title: 'Acetylcysteine trial', section: 'Results', text: `NAC was given to patient ${i}.` }));

  /** A store whose saved associations live in memory, like a library file between processes. */
  function savingStore(count: number, saved: { learned?: AssociationsLearned; table: Map<string, WordAssociate[]> } = { table: new Map() }) {
    const store = {
      corpusStats: vi.fn(async (): Promise<CorpusStats> => ({ passages: count, sources: count, meanTokens: { title: 5, section: 1, body: 20, terms: 3 } })),
      samplePassages: vi.fn(async (limit: number) => rows().slice(0, limit)),
      associations: {
        learned: vi.fn(async () => saved.learned),
        of: vi.fn(async (terms: readonly string[]) => new Map(terms.flatMap((t) => (saved.table.has(t) ? [[t, saved.table.get(t)!] as const] : [])))),
        save: vi.fn(async (learned: AssociationsLearned, entries: Iterable<[string, readonly WordAssociate[]]>) => {
          saved.learned = learned;
          saved.table = new Map([...entries].map(([t, a]) => [t, [...a]]));
        }),
      },
    };
    return { store, saved };
  }

  it('learns and saves when nothing is saved; the next process reads the saved rows for its words only', async () => {
    const { store, saved } = savingStore(12);
    const first = await createAssociationSource(store, 500)(['nac']);
    expect(store.samplePassages).toHaveBeenCalledTimes(1);
    expect(store.associations.save).toHaveBeenCalledTimes(1);
    expect(saved.learned).toEqual({ passages: 12, sample: 500, meanDistinctTerms: first.meanDistinctTerms });
    expect(saved.table.get('nac')).toEqual(first.associates('nac'));

    const next = savingStore(12, saved);
    const read = await createAssociationSource(next.store, 500)(['nac', 'unknown']);
    expect(next.store.samplePassages).not.toHaveBeenCalled();
    expect(next.store.associations.of).toHaveBeenCalledWith(['nac', 'unknown']);
    expect(read.associates('nac')).toEqual(first.associates('nac'));
    expect(read.associates('unknown')).toEqual([]);
    expect(read).toMatchObject({ passages: 12, meanDistinctTerms: first.meanDistinctTerms });
  });

  it('learns again, and saves, when the saved ones came from another sample size or a library more than a tenth smaller or larger', async () => {
    for (const learned of [
      { passages: 12, sample: 100, meanDistinctTerms: 5 },
      { passages: 10, sample: 500, meanDistinctTerms: 5 },
      { passages: 14, sample: 500, meanDistinctTerms: 5 },
    ]) {
      const { store, saved } = savingStore(12, { learned, table: new Map() });
      await createAssociationSource(store, 500)(['nac']);
      expect(store.samplePassages).toHaveBeenCalledTimes(1);
      expect(saved.learned).toMatchObject({ passages: 12, sample: 500 });
    }
    // Within a tenth (12 → 13 passages) the saved ones still hold.
    const { store } = savingStore(13, { learned: { passages: 12, sample: 500, meanDistinctTerms: 5 }, table: new Map() });
    await createAssociationSource(store, 500)(['nac']);
    expect(store.samplePassages).not.toHaveBeenCalled();
  });

  it('prepare() learns only when it must, and says so first, with the passage count', async () => {
    const { store, saved } = savingStore(12);
    const told: number[] = [];
    await createAssociationSource(store, 500).prepare((n) => told.push(n));
    expect(told).toEqual([12]);
    expect(saved.learned?.passages).toBe(12);
    // A new process on the same library: saved ones are fresh, nothing to learn or say.
    const next = savingStore(12, saved);
    await createAssociationSource(next.store, 500).prepare((n) => told.push(n));
    expect(told).toEqual([12]);
    expect(next.store.samplePassages).not.toHaveBeenCalled();
  });

  it('uses what it learned when saving fails (a read-only library)', async () => {
    const { store } = savingStore(12);
    store.associations.save.mockRejectedValueOnce(new Error('attempt to write a readonly database'));
    const get = createAssociationSource(store, 500);
    const learned = await get(['nac']);
    expect(learned.associates('nac')).toContainEqual({ term: 'acetylcystein', share: 1 });
    expect(await get(['nac'])).toBe(learned);
    expect(store.samplePassages).toHaveBeenCalledTimes(1);
  });
});
