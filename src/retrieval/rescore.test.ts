import { describe, expect, it } from 'vitest';
import type { CorpusStats } from '../ports/store.js';
import { buildAssociations, type TermAssociations } from './associations.js';
import type { QueryClause } from './plan.js';
import { clauseStems, cutCandidates, type ClauseStats, type RankedHit } from './rank.js';
import { rescoreOptions, rescoreTop, type RescoreOptions, type RescoreSettings } from './rescore.js';
import { indexTokens } from './tokens.js';

const hit = (id: string, score: number, text: string, source = `s-${id}`, title = 'Report'): RankedHit => ({
  passage: { id, sourceId: source, ordinal: 0, section: '', start: 0, end: text.length, text },
  source: { id: source, title, format: 'markdown', evidenceLevel: 'in-house', integrity: 'ok' },
  score,
  fields: { title, section: '', terms: '' },
  explanation: { firstStage: score, clauses: [], source: 0, proximity: [], coverage: 1, priors: { evidence: 1, recency: 1, integrity: 1 } },
});

/** A user's word as a clause, stemmed as the index stems it, with its passage frequency. */
const word = (text: string, df: number, position: number, origin: QueryClause['origin'] = 'query'): ClauseStats => {
  const clause: QueryClause = { label: text, forms: [[text]], stems: [indexTokens(text)], weight: 1, origin };
  if (origin === 'query') clause.position = position;
  return { clause, df };
};

const stats: CorpusStats = { passages: 1000, sources: 500, meanTokens: { title: 8, section: 1, body: 40, terms: 4 } };
const options: RescoreOptions = { depth: 10, likelihood: 0.2, associated: 2, mu: 1000, heldWords: true };
const idf = (df: number) => Math.log(1 + (stats.passages - df + 0.5) / (df + 0.5));

/** 'acetylcystein' is always found with 'nac' (share 1); 40 filler passages. */
function nacAssociations(): TermAssociations {
  return buildAssociations([
    ...Array.from({ length: 12 }, () => ['acetylcystein', 'nac', 'overdos']),
    ...Array.from({ length: 40 }, (_, i) => ['liver', `filler${i % 4}`]),
  ]);
}

/** Associations that know no word: only the query likelihood can move a hit. */
const noAssociates = (meanDistinctTerms = 50): TermAssociations => ({ passages: 100, meanDistinctTerms, associates: () => [] });

const ids = (hits: readonly RankedHit[]) => hits.map((h) => h.passage.id);

describe('rescoreTop', () => {
  it('with depth 0 or 1 returns the ranking as it was', () => {
    const ranked = [hit('a', 10, 'liver injury'), hit('b', 9, 'acetylcysteine liver injury'), hit('c', 8, 'nac')];
    const clauses = [word('nac', 10, 0), word('liver', 50, 1)];
    for (const depth of [0, 1]) {
      const out = rescoreTop(ranked, clauses, stats, nacAssociations(), { ...options, depth });
      expect(out).toEqual(ranked);
      expect(out).not.toBe(ranked);
      expect(out.every((h) => h.explanation.rescore === undefined)).toBe(true);
    }
  });

  it('leaves the ranking alone without associations, with empty ones, or without a user word the library holds', () => {
    const ranked = [hit('a', 10, 'liver injury'), hit('b', 9, 'acetylcysteine liver injury')];
    const clauses = [word('nac', 10, 0), word('liver', 50, 1)];
    expect(rescoreTop(ranked, clauses, stats, undefined, options)).toEqual(ranked);
    expect(rescoreTop(ranked, clauses, stats, buildAssociations([]), options)).toEqual(ranked);
    // Expansions and words no passage holds are not scored.
    const none = [word('nac', 10, 0, 'abbreviation'), word('zygomycosis', 0, 1)];
    expect(rescoreTop(ranked, none, stats, nacAssociations(), options)).toEqual(ranked);
    // Nor a ranking whose top scores nothing (a hybrid search's vector-only hits).
    const zero = [hit('a', 0, 'liver'), hit('b', 0, 'acetylcysteine')];
    expect(rescoreTop(zero, clauses, stats, nacAssociations(), options)).toEqual(zero);
  });

  it("lifts a hit that lacks a question word but holds its strong associate above an otherwise equal one", () => {
    // Same length, same question words (liver), same BM25 score; b holds 'acetylcysteine'.
    const a = hit('a', 10, 'Liver injury after placebo.');
    const b = hit('b', 10, 'Liver injury after acetylcysteine.');
    const c = hit('c', 4, 'Liver injury after acetylcysteine and NAC.');
    const d = hit('d', 3, 'Unrelated words only.');
    const clauses = [word('NAC', 10, 0), word('liver', 50, 1)];
    const out = rescoreTop([a, b, c, d], clauses, stats, nacAssociations(), { ...options, depth: 2 });

    expect(ids(out)).toEqual(['b', 'a', 'c', 'd']);
    const [first, second] = out;
    // a and b have equal likelihoods, so their bonuses are top × associated × coverage, where
    // coverage is the idf-weighted share of the question held (1 each) or associated (its share).
    const sum = idf(10) + idf(50);
    expect(first!.explanation.rescore?.associated).toEqual([{ term: 'NAC', via: 'acetylcystein', share: 1 }]);
    expect(first!.explanation.rescore?.coverage).toBeCloseTo(1, 12);
    expect(first!.explanation.rescore?.bonus).toBeCloseTo(10 * 2 * 1, 10);
    expect(first!.score).toBeCloseTo(10 + 10 * 2, 10);
    expect(first!.explanation.rescore?.likelihood).toBeCloseTo(second!.explanation.rescore!.likelihood, 12);
    const held = idf(50) / sum;
    expect(second!.explanation.rescore).toMatchObject({ associated: [] });
    expect(second!.explanation.rescore?.coverage).toBeCloseTo(held, 12);
    expect(second!.explanation.rescore?.bonus).toBeCloseTo(10 * 2 * held, 10);
    expect(second!.score).toBeCloseTo(10 + 10 * 2 * held, 10);
    // The rest of the hit is kept.
    expect(first!.explanation.firstStage).toBe(10);
    expect(first!.passage).toEqual(b.passage);
  });

  it('for a statement, credits only the words a source lacks: a held word adds nothing beyond its BM25 score', () => {
    const a = hit('a', 10, 'Liver injury after placebo.');
    const b = hit('b', 10, 'Liver injury after acetylcysteine.');
    const clauses = [word('NAC', 10, 0), word('liver', 50, 1)];
    const out = rescoreTop([a, b], clauses, stats, nacAssociations(), { ...options, likelihood: 0, heldWords: false });
    expect(ids(out)).toEqual(['b', 'a']);
    const [first, second] = out;
    // b lacks 'NAC' and holds its associate: idf(10) of the question's idf credited, at share 1.
    const share = idf(10) / (idf(10) + idf(50));
    expect(first!.explanation.rescore?.coverage).toBeCloseTo(share, 12);
    expect(first!.explanation.rescore?.bonus).toBeCloseTo(10 * 2 * share, 10);
    // a holds 'liver' and nothing for 'NAC': no credit at all, where a question would count 'liver'.
    expect(second!.explanation.rescore).toMatchObject({ coverage: 0, bonus: 0, associated: [] });
    const asQuestion = rescoreTop([a, b], clauses, stats, nacAssociations(), { ...options, likelihood: 0, heldWords: true });
    expect(asQuestion.find((h) => h.passage.id === 'a')?.explanation.rescore?.coverage).toBeCloseTo(1 - share, 12);
  });

  it("takes a statement's depth and weights from its own settings, and a question's from the stage's", () => {
    const settings: RescoreSettings = { depth: 20, likelihood: 0, associated: 0.5, mu: 1000, statements: { enabled: true, depth: 50, likelihood: 0.2, associated: 2 } };
    expect(rescoreOptions(settings, false)).toEqual({ depth: 20, likelihood: 0, associated: 0.5, mu: 1000, heldWords: true });
    expect(rescoreOptions(settings, true)).toEqual({ depth: 50, likelihood: 0.2, associated: 2, mu: 1000, heldWords: false });
    // Statements scored as questions; and the stage turned off turns it off for both.
    expect(rescoreOptions({ ...settings, statements: { ...settings.statements, enabled: false } }, true)).toEqual(rescoreOptions(settings, false));
    expect(rescoreOptions({ ...settings, depth: 0 }, true).depth).toBe(0);
  });

  it('keeps hits beyond the depth in their order, with their scores, below the block', () => {
    const texts = ['liver nac', 'liver', 'acetylcysteine', 'nothing here', 'liver nac acetylcysteine', 'liver'];
    const ranked = texts.map((text, i) => hit(`h${i}`, 20 - i * 3, text));
    const clauses = [word('nac', 10, 0), word('liver', 50, 1)];
    const out = rescoreTop(ranked, clauses, stats, nacAssociations(), { ...options, depth: 3, associated: 50, likelihood: 5 });

    expect(out).toHaveLength(ranked.length);
    // The first three are re-ordered among themselves…
    expect(new Set(ids(out.slice(0, 3)))).toEqual(new Set(['h0', 'h1', 'h2']));
    // …and the rest come after them untouched, in their order.
    expect(out.slice(3)).toEqual(ranked.slice(3));
    for (const h of out.slice(3)) expect(h.explanation.rescore).toBeUndefined();
    const lowestInBlock = Math.min(...out.slice(0, 3).map((h) => h.score));
    expect(lowestInBlock).toBeGreaterThanOrEqual(Math.max(...out.slice(3).map((h) => h.score)));
    // The block is sorted, every bonus ≥ 0 and added to the hit's own score.
    for (let i = 1; i < 3; i++) expect(out[i - 1]!.score).toBeGreaterThanOrEqual(out[i]!.score);
    for (const h of out.slice(0, 3)) {
      const before = ranked.find((r) => r.passage.id === h.passage.id)!;
      const stage = h.explanation.rescore!;
      expect(stage.bonus).toBeGreaterThanOrEqual(0);
      expect(h.score).toBeCloseTo(before.score + stage.bonus, 10);
    }
    // The hit with the lowest likelihood in the block (h2, holding neither word) gets no
    // likelihood bonus: only the credit for 'nac' through 'acetylcysteine'.
    const floor = Math.min(...out.slice(0, 3).map((h) => h.explanation.rescore!.likelihood));
    const lowest = out.slice(0, 3).find((h) => h.explanation.rescore!.likelihood === floor)!;
    expect(lowest.passage.id).toBe('h2');
    expect(lowest.explanation.rescore!.associated).toEqual([{ term: 'nac', via: 'acetylcystein', share: 1 }]);
    expect(lowest.explanation.rescore!.bonus).toBeCloseTo((20 * 50 * idf(10)) / (idf(10) + idf(50)), 10);
    // h0 holds both words: the best likelihood and the whole question covered, no association needed.
    const h0 = out.find((h) => h.passage.id === 'h0')!.explanation.rescore!;
    expect(h0.associated).toEqual([]);
    expect(h0.coverage).toBeCloseTo(1, 12);
    expect(h0.likelihood).toBeGreaterThan(floor);
    // An associated word never covers more than the word itself: h0 still leads, and h2 (rarer
    // 'nac' through its associate) passes h1 (the common 'liver' itself) at this weight.
    expect(ids(out.slice(0, 3))).toEqual(['h0', 'h2', 'h1']);
    // Nothing was changed in place.
    expect(ranked[0]!.explanation.rescore).toBeUndefined();
    expect(ranked.map((h) => h.score)).toEqual([20, 17, 14, 11, 8, 5]);
  });

  it('scores only hits with a score above 0, whatever the depth', () => {
    const ranked = [hit('a', 5, 'liver'), hit('b', 3, 'acetylcysteine'), hit('v1', 0, 'nac liver'), hit('v2', 0, 'acetylcysteine liver')];
    const out = rescoreTop(ranked, [word('nac', 10, 0), word('liver', 50, 1)], stats, nacAssociations(), options);
    expect(ids(out.slice(2))).toEqual(['v1', 'v2']);
    expect(out.slice(2).map((h) => [h.score, h.explanation.rescore])).toEqual([
      [0, undefined],
      [0, undefined],
    ]);
    expect(out.slice(0, 2).every((h) => h.explanation.rescore !== undefined)).toBe(true);
  });

  it('with equal BM25 scores, prefers by query likelihood a source holding the rare question word over one holding only the common one', () => {
    // 'zygomycosis' is in 1 passage of 1000, 'fever' in 100.
    const clauses = [word('zygomycosis', 1, 0), word('fever', 100, 1)];
    const common = hit('common', 7, 'Fever in adults.');
    const rare = hit('rare', 7, 'Zygomycosis in adults.');
    const out = rescoreTop([common, rare], clauses, stats, noAssociates(), { ...options, associated: 0 });
    expect(ids(out)).toEqual(['rare', 'common']);
    const [r, c] = out.map((h) => h.explanation.rescore!);
    // Dirichlet-smoothed log-likelihood ratio, by hand: 4 tokens each (the title 'Report' and
    // 'in' count too), background (df + 0.5) / (1000 passages × 50 distinct words), μ 1000.
    const bg = (df: number) => (df + 0.5) / (1000 * 50);
    const llr = (tf: number, df: number) => Math.log((tf + 1000 * bg(df)) / (4 + 1000)) - Math.log(bg(df));
    expect(r!.likelihood).toBeCloseTo((llr(1, 1) + llr(0, 100)) / 2, 10);
    expect(c!.likelihood).toBeCloseTo((llr(0, 1) + llr(1, 100)) / 2, 10);
    expect(r!.bonus).toBeCloseTo(7 * 0.2 * (r!.likelihood - c!.likelihood), 10);
    expect(c!.bonus).toBe(0);
    expect(r!.associated).toEqual([]);
  });

  it('scores a source once, over its title and all its candidate passages: its passages share the second stage', () => {
    // Source S: one passage says NAC, the other acetylcysteine; its title says liver.
    const s1 = hit('s1', 10, 'NAC given early.', 'S', 'Liver outcomes');
    const s2 = hit('s2', 8, 'Acetylcysteine was given.', 'S', 'Liver outcomes');
    const t = hit('t', 9, 'Acetylcysteine was given.', 'T', 'Kidney outcomes');
    const clauses = [word('nac', 10, 0), word('liver', 50, 1)];
    const out = rescoreTop([s1, t, s2], clauses, stats, nacAssociations(), options);

    const by = Object.fromEntries(out.map((h) => [h.passage.id, h.explanation.rescore!]));
    expect(by.s1).toEqual(by.s2);
    // S holds 'nac' (in s1): s2's 'acetylcysteine' earns nothing more for it.
    expect(by.s2!.associated).toEqual([]);
    // T lacks 'nac' and holds its associate.
    expect(by.t!.associated).toEqual([{ term: 'nac', via: 'acetylcystein', share: 1 }]);
    for (const h of out) expect(h.score).toBeCloseTo(([s1, t, s2].find((x) => x.passage.id === h.passage.id)!.score) + h.explanation.rescore!.bonus, 10);
  });

  it('scales a bonus by the hit\'s priors, so a retracted source gains a fifth as much', () => {
    const clauses = [word('nac', 10, 0), word('liver', 50, 1)];
    const retracted = hit('r', 10, 'Liver injury after acetylcysteine.');
    retracted.explanation.priors = { evidence: 1, recency: 1, integrity: 0.2 };
    const sound = hit('s', 10, 'Liver injury after acetylcysteine.');
    const out = rescoreTop([retracted, sound], clauses, stats, nacAssociations(), { ...options, likelihood: 0 });
    const by = Object.fromEntries(out.map((h) => [h.passage.id, h.explanation.rescore!]));
    expect(by.s!.bonus).toBeGreaterThan(0);
    expect(by.r!.bonus).toBeCloseTo(by.s!.bonus * 0.2, 10);
    expect(ids(out)).toEqual(['s', 'r']);
  });

  it('credits a lacking word through its strongest associate the passage holds, and turns credit off at weight 0', () => {
    const associations: TermAssociations = {
      passages: 100,
      meanDistinctTerms: 20,
      associates: (term) =>
        term === 'nac'
          ? [
              { term: 'acetylcystein', share: 0.9 },
              { term: 'overdos', share: 0.4 },
            ]
          : [],
    };
    const clauses = [word('nac', 10, 0), word('liver', 50, 1)];
    const ranked = [hit('weak', 10, 'Liver overdose cases.'), hit('strong', 10, 'Liver overdose acetylcysteine.'), hit('none', 10, 'Liver failure cases.')];
    const out = rescoreTop(ranked, clauses, stats, associations, { ...options, likelihood: 0 });
    const by = Object.fromEntries(out.map((h) => [h.passage.id, h.explanation.rescore!]));
    expect(by.strong!.associated).toEqual([{ term: 'nac', via: 'acetylcystein', share: 0.9 }]);
    expect(by.weak!.associated).toEqual([{ term: 'nac', via: 'overdos', share: 0.4 }]);
    expect(by.none!.associated).toEqual([]);
    expect(ids(out)).toEqual(['strong', 'weak', 'none']);
    // Each holds 'liver' (covered in full) and credits 'nac' by its associate's share.
    const bonus = (s: number) => (10 * 2 * (idf(50) + idf(10) * s)) / (idf(10) + idf(50));
    expect(by.strong!.bonus).toBeCloseTo(bonus(0.9), 10);
    expect(by.weak!.bonus).toBeCloseTo(bonus(0.4), 10);
    expect(by.none!.bonus).toBeCloseTo(bonus(0), 10);

    const off = rescoreTop(ranked, clauses, stats, associations, { ...options, likelihood: 0, associated: 0 });
    expect(ids(off)).toEqual(['weak', 'strong', 'none']);
    for (const h of off) expect(h.explanation.rescore).toMatchObject({ associated: [], bonus: 0 });
  });
  it("scores the same from the re-ranker's cut tokens (the question's stems only) as from the texts", () => {
    const associations = nacAssociations();
    const phrase: ClauseStats = { clause: { label: 'COVID-19', forms: [['covid', '19']], stems: [['covid', '19']], weight: 1, origin: 'query', position: 2 }, df: 30 };
    const clauses = [word('nac', 10, 0), word('liver', 50, 1), phrase];
    const two = (id: string, score: number, text: string, section: string) => ({ ...hit(id, score, text, 's-shared', 'Acetylcysteine in COVID-19'), fields: { title: 'Acetylcysteine in COVID-19', section, terms: 'Liver' } });
    const ranked = [
      two('p1', 12, 'Overdose and liver injury were rare.', 'Results'),
      hit('q', 11, 'Acetylcysteine, covid 19 and the Liver.'),
      two('p2', 10, 'NAC was given for 21 days to adults with COVID 19.', 'Methods'),
      hit('r', 9, 'Filler text about overdoses, acetylcysteines and a liver.', 's-r', 'NAC, liver'),
    ];
    const tokens = cutCandidates(ranked, clauseStems(clauses));
    const byPassage = new Map(ranked.map((h, i) => [h.passage.id, tokens[i]]));
    const fromTexts = rescoreTop(ranked, clauses, stats, associations, options);
    const fromCut = rescoreTop(ranked, clauses, stats, associations, options, (h) => byPassage.get(h.passage.id));
    expect(fromCut).toEqual(fromTexts);
    expect(fromTexts.map((h) => h.explanation.rescore?.associated)).toContainEqual([{ term: 'nac', via: 'acetylcystein', share: 1 }]);
  });
});
