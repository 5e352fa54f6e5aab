import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sourceWithPassages } from '../../test/factories/sources.js';
import { startFakeEmbeddingServer, withSynonyms, type FakeEmbeddingServer } from '../../test/support/fake-embedding-server.js';
import { createOpenAiEmbedder } from '../adapters/embeddings/openai-embedder.js';
import { openSqliteStore } from '../adapters/sqlite/sqlite-store.js';
import { embedLibrary } from '../ingest/embed.js';
import type { Embedder } from '../ports/embedder.js';
import type { Store, WriteOp } from '../ports/store.js';
import { createAssociationSource } from './associations.js';
import { expansionClause, questionAsSearched } from './plan.js';
import { candidatePhrases, createRetriever, type RetrievalOptions } from './retrieve.js';

/** End to end over a real (in-memory) SQLite library: analysis, candidates, re-ranking, diversity. */
const options = (patch: Partial<RetrievalOptions> = {}): RetrievalOptions => ({
  limit: 10,
  candidates: 100,
  firstStageWeights: { title: 4, section: 1, body: 1, terms: 2 },
  maxCommonShare: 1,
  maxPostings: 1_000_000,
  ranking: {
    k1: 1.2,
    b: { title: 0.4, section: 0.4, body: 0.75, terms: 0.4 },
    fieldWeights: { title: 2, section: 0.5, body: 1, terms: 1 },
    sourceWeight: 0.5,
    proximity: { weight: 0.3, window: 8 },
    coverage: 0,
    priors: { evidence: 0, recency: 0, halfLifeYears: 8, retracted: 0.2 },
    currentYear: 2026,
  },
  rescore: { depth: 0, likelihood: 0.2, associated: 2, mu: 1_000, statements: { enabled: true, depth: 50, likelihood: 0.2, associated: 2 } },
  diversity: { maxPerSource: 2, mmrLambda: 1 },
  feedback: { documents: 5, terms: 0, weight: 0.3 },
  expand: true,
  hybrid: { enabled: false, candidates: 100, minSimilarity: 0, rrfK: 60, lexicalWeight: 1, vectorWeight: 1 },
  phraseWeight: 0.3,
  partWeight: 0.5,
  respellWeight: 1,
  otherSpellings: true,
  otherDrugNames: true,
  ...patch,
});

const op = (id: string, title: string, paragraphs: string[], extra: Record<string, unknown> = {}): WriteOp => ({
  kind: 'upsert',
  ...sourceWithPassages({
    id: `pmid:${id}`,
    ids: { pmid: id },
    title,
    mesh: [],
    keywords: [],
    paragraphsText: paragraphs.map((p, i) => [[`Part ${i + 1}`], p]),
    ...extra,
  }),
});

/**
 * Twelve abstracts that spell out "N-acetylcysteine (NAC)", so that "acetylcystein" comes with
 * "nac", and two hepatic abstracts alike but for acetylcysteine (pmid:200) against charcoal (pmid:201).
 */
async function writeNacAbstracts(store: Store): Promise<void> {
  await store.write({
    now: '2026-01-01T00:00:00.000Z',
    ops: Array.from({ length: 12 }, (_, i) => op(`${100 + i}`, `Study ${i}`, [`N-acetylcysteine (NAC) in cohort ${i} of poisoning.`])),
  });
  await store.write({
    now: '2026-01-01T00:00:00.000Z',
    ops: [
      op('200', 'Hepatic outcomes', ['Liver injury fell after acetylcysteine was given early.']),
      op('201', 'Hepatic outcomes', ['Liver injury fell after charcoal was given early.']),
    ],
  });
}

describe('retrieve', () => {
  let store: Store;
  beforeEach(async () => {
    store = openSqliteStore({ path: ':memory:', busyTimeoutMs: 1000, cacheMiB: 8 });
    await store.write({
      now: '2026-01-01T00:00:00.000Z',
      ops: [
        op('1', 'Colchicine for acute gout flares', ['Low-dose colchicine relieved gout flare pain within 24 hours.', 'Diarrhoea was the main adverse effect.']),
        op('2', 'Allopurinol dose escalation in gout', ['Urate-lowering therapy with allopurinol reduced flares over two years.']),
        op('3', 'Gout and cardiovascular risk', ['Patients with gout had more myocardial infarctions.'], { year: 2001 }),
        op('4', 'TNF-α inhibitors in rheumatoid arthritis', ['Anti-TNF-alpha therapy improved remission rates.']),
        op('5', 'Colchicine after myocardial infarction', ['Colchicine lowered ischaemic events after a recent myocardial infarction.'], {
          publicationTypes: ['Randomized Controlled Trial'],
          year: 2019,
        }),
      ],
    });
  });
  afterEach(async () => store.close());

  it('ranks the passage that holds the terms together first, and explains it', async () => {
    const result = await createRetriever({ store })('colchicine for gout flares', options());
    const top = result.hits[0];
    expect(top?.source.id).toBe('pmid:1');
    expect(top?.explanation.clauses.filter((c) => c.origin === 'query').map((c) => c.label).sort()).toEqual(['colchicine', 'flares', 'gout']);
    // "gout flares" kept together in the passage also scores as a phrase.
    expect(top?.explanation.clauses.find((c) => c.origin === 'phrase')).toMatchObject({ label: 'gout flares', matches: { body: 1 } });
    expect(top?.explanation.clauses.find((c) => c.label === 'gout')?.matches).toMatchObject({ title: 1, body: 1 });
    expect(top?.explanation.proximity.length).toBeGreaterThan(0);
    expect(result.hits.map((h) => h.score)).toEqual([...result.hits.map((h) => h.score)].sort((a, b) => b - a));
  });

  it('matches Greek letters written either way', async () => {
    const result = await createRetriever({ store })('anti-TNF-α remission', options());
    expect(result.hits[0]?.source.id).toBe('pmid:4');
    const alpha = await createRetriever({ store })('TNF alpha', options());
    expect(alpha.hits[0]?.source.id).toBe('pmid:4');
    // The words of a compound count on their own, below it: "urate-lowering" finds "urate".
    const parts = await createRetriever({ store })('urate-lowering', options());
    expect(parts.hits[0]?.source.id).toBe('pmid:2');
    expect(parts.plan.clauses.filter((c) => c.origin === 'part').map((c) => [c.label, c.weight])).toEqual([['urate', 0.5], ['lowering', 0.5]]);
  });

  it('applies filters, the per-source cap, and priors the caller can turn up', async () => {
    const retrieve = createRetriever({ store });
    const trials = await retrieve('colchicine', options({ filters: { publicationTypes: ['Randomized Controlled Trial'] } }));
    expect(trials.hits.map((h) => h.source.id)).toEqual(['pmid:5']);
    const capped = await retrieve('colchicine gout diarrhoea flare', options({ diversity: { maxPerSource: 1, mmrLambda: 1 } }));
    expect(new Set(capped.hits.map((h) => h.source.id)).size).toBe(capped.hits.length);
    const plain = await retrieve('myocardial infarction', options());
    const withPriors = await retrieve('myocardial infarction', options({ ranking: { ...options().ranking, priors: { evidence: 5, recency: 0, halfLifeYears: 8, retracted: 0.2 } } }));
    expect(withPriors.hits[0]?.source.id).toBe('pmid:5');
    expect(withPriors.hits[0]?.explanation.priors.evidence).toBeGreaterThan(1);
    expect(plain.hits.find((h) => h.source.id === 'pmid:3')?.explanation.priors.evidence).toBe(1);
  });

  it('with the third stage on, lifts a source that says the lacking word in other words (associations learned from the library)', async () => {
    await writeNacAbstracts(store);
    const retrieve = createRetriever({ store, associations: createAssociationSource(store, 1_000) });
    const query = 'NAC liver injury';
    const off = await retrieve(query, options());
    const on = await retrieve(query, options({ rescore: { ...options().rescore, depth: 20, likelihood: 0, associated: 0.5 } }));
    const rank = (hits: readonly { source: { id: string } }[], id: string) => hits.findIndex((h) => h.source.id === id);
    // Off, the two hepatic abstracts tie on "liver injury"; on, the one saying "acetylcysteine" leads them.
    expect(off.hits.every((h) => h.explanation.rescore === undefined)).toBe(true);
    expect(rank(on.hits, 'pmid:200')).toBeLessThan(rank(on.hits, 'pmid:201'));
    const lifted = on.hits.find((h) => h.source.id === 'pmid:200');
    // 12 of the 13 passages holding "acetylcystein" also hold "nac".
    expect(lifted?.explanation.rescore?.associated).toEqual([{ term: 'NAC', via: 'acetylcystein', share: 12 / 13 }]);
    expect(lifted?.explanation.rescore?.bonus).toBeGreaterThan(on.hits.find((h) => h.source.id === 'pmid:201')?.explanation.rescore?.bonus ?? Infinity);
  });

  it('reads a statement as one to check: its top is scored with the query likelihood and credit only for the words a source lacks', async () => {
    await writeNacAbstracts(store);
    const retrieve = createRetriever({ store, associations: createAssociationSource(store, 1_000) });
    const rescore = { ...options().rescore, depth: 20, likelihood: 0, associated: 0.5 };
    const statement = await retrieve('NAC prevents liver injury.', options({ rescore }));
    expect(statement.plan.statement).toBe(true);
    const lifted = statement.hits.find((h) => h.source.id === 'pmid:200');
    expect(lifted?.explanation.rescore).toMatchObject({ statement: true, associated: [{ term: 'NAC', via: 'acetylcystein' }] });
    // Held words earn nothing more: the charcoal abstract, which holds "liver injury" and not NAC, is
    // credited only for NAC through whatever associate it holds, far less than a question credits it.
    const other = statement.hits.find((h) => h.source.id === 'pmid:201')?.explanation.rescore;
    expect(other?.statement).toBe(true);
    expect(other?.associated.map((a) => a.term)).toEqual(['NAC']);
    expect(other?.associated.some((a) => a.via === 'acetylcystein')).toBe(false);
    const rank = (hits: readonly { source: { id: string } }[], id: string) => hits.findIndex((h) => h.source.id === id);
    expect(rank(statement.hits, 'pmid:200')).toBeLessThan(rank(statement.hits, 'pmid:201'));

    // The same words asked, or with statements scored as questions: a question's coverage, held words counted.
    for (const [query, settings] of [
      ['Does NAC prevent liver injury?', rescore],
      ['NAC prevents liver injury.', { ...rescore, statements: { ...rescore.statements, enabled: false } }],
    ] as const) {
      const asked = await retrieve(query, options({ rescore: settings }));
      expect(asked.plan.statement, query).toBeUndefined();
      const charcoal = asked.hits.find((h) => h.source.id === 'pmid:201')?.explanation.rescore;
      expect(charcoal?.statement).toBe(false);
      // "liver" and "injury" held count in full: well over what NAC's associate alone gave.
      expect(charcoal?.coverage).toBeGreaterThan((other?.coverage ?? 1) + 0.5);
    }
  });

  it('adds expansions below the user terms, with their reason', async () => {
    const expander = async () => ({ clauses: [expansionClause(['allopurinol'], 'allopurinol', 0.5, 'drug', 'urate-lowering → allopurinol')!], notes: ['a note'] });
    const result = await createRetriever({ store, expander })('urate lowering', options());
    expect(result.notes).toEqual(['a note']);
    const expansion = result.plan.clauses.find((c) => c.origin === 'drug');
    expect(expansion).toMatchObject({ label: 'allopurinol', weight: 0.5 });
    expect(result.hits[0]?.explanation.clauses.find((c) => c.origin === 'drug')?.reason).toBe('urate-lowering → allopurinol');
  });

  it('pseudo-relevance feedback adds terms from the best sources, weighted below', async () => {
    const result = await createRetriever({ store })('colchicine', options({ feedback: { documents: 2, terms: 3, weight: 0.3 } }));
    const feedback = result.plan.clauses.filter((c) => c.origin === 'feedback');
    expect(feedback.length).toBeGreaterThan(0);
    for (const clause of feedback) expect(clause.weight).toBeLessThanOrEqual(0.3);
  });

  it('coordination, when turned on, scales a passage by the share of the terms its source holds', async () => {
    const ranking = { ...options().ranking, coverage: 1 };
    const result = await createRetriever({ store })('colchicine diarrhoea zebra allopurinol', options({ ranking }));
    const byId = new Map(result.hits.map((h) => [h.source.id, h.explanation.coverage]));
    // "zebra" is in no passage, so it is not among the terms counted: pmid:1 holds 2 of 3.
    expect(byId.get('pmid:1')).toBeCloseTo(2 / 3, 10);
    expect(byId.get('pmid:2')).toBeCloseTo(1 / 3, 10);
    const off = await createRetriever({ store })('colchicine diarrhoea zebra allopurinol', options());
    expect(off.hits.every((h) => h.explanation.coverage === 1)).toBe(true);
  });

  it('answers a natural-language question as it answers its keywords', async () => {
    const retrieve = createRetriever({ store });
    const question = await retrieve('What is the best treatment for acute gout flares with colchicine?', options());
    const keywords = await retrieve('best treatment acute gout flares colchicine', options());
    expect(question.hits.map((h) => [h.passage.id, h.score])).toEqual(keywords.hits.map((h) => [h.passage.id, h.score]));
    expect(question.hits[0]?.source.id).toBe('pmid:1');
  });

  it('searches a word no passage holds as the library spells it, and says so', async () => {
    await store.write({ now: '2026-01-02T00:00:00.000Z', ops: [op('6', 'Drainage of iliopsoas abscess', ['Percutaneous drainage treated most psoas abscesses.'])] });
    const retrieve = createRetriever({ store });

    const slip = await retrieve('allopurinl dose escalation', options());
    expect(slip.hits[0]?.source.id).toBe('pmid:2');
    expect(slip.notes).toContain('no passage holds "allopurinl": searched "allopurinol" instead (the nearest spelling the library holds)');
    const clause = slip.plan.clauses.find((c) => c.label === 'allopurinol');
    expect(clause).toMatchObject({ origin: 'query', weight: 1, reason: 'for "allopurinl", which no passage holds', position: 0 });
    expect(slip.hits[0]?.explanation.clauses.map((c) => c.label)).toContain('allopurinol');
    expect(questionAsSearched((await retrieve('Is Allopurinl dose escalation safe?', options())).plan)).toBe('Is allopurinol dose escalation safe?');

    // Porter leaves "drain" and "drainage" apart; "drain" is five letters, so no slip ("brain") is tried.
    const form = await retrieve('how to drain a psoas abscess', options());
    expect(form.notes).toEqual(['no passage holds "drain": searched "drainage" instead (the form the library uses)']);
    expect(form.hits[0]?.explanation.clauses.find((c) => c.label === 'drainage')?.matches).toMatchObject({ title: 1, body: 1 });

    // The first candidate with a stem may be no word: the user is shown the library's own.
    await store.write({ now: '2026-01-02T00:00:00.000Z', ops: [op('7', 'Antibiotics for otitis media', ['Antibiotics shortened otitis media in young children.'])] });
    const shown = await retrieve('antibiotcs for otitis', options());
    expect(shown.notes).toEqual(['no passage holds "antibiotcs": searched "antibiotics" instead (the nearest spelling the library holds)']);
    expect(shown.hits[0]?.source.id).toBe('pmid:7');
    expect(shown.hits[0]?.explanation.clauses.find((c) => c.label === 'antibiotics')?.matches).toMatchObject({ title: 1, body: 1 });

    // In a question typed all in capitals, a long word is still a word, not a symbol.
    const shouted = await retrieve('ALLOPURINL DOSE ESCALATION', options());
    expect(shouted.notes).toEqual(['no passage holds "allopurinl": searched "allopurinol" instead (the nearest spelling the library holds)']);
    expect((await retrieve('ALLOPURINL dose escalation', options())).notes).toEqual([]);

    const joined = await retrieve('goutflares', options());
    expect(joined.notes[0]).toContain('searched "gout flares" instead');
    expect(joined.hits[0]?.source.id).toBe('pmid:1');

    // A word of a compound is respelled too, and the compound searched as the library writes it.
    await store.write({ now: '2026-01-02T00:00:00.000Z', ops: [op('14', 'Anti-inflammatory drugs after sprains', ['Anti-inflammatory drugs eased pain after ankle sprains.'])] });
    const compound = await retrieve('Anti-inflamatory drugs for sprains', options());
    expect(compound.notes).toEqual(['no passage holds "inflamatory": searched "inflammatory" instead (the nearest spelling the library holds)']);
    expect(compound.hits[0]?.source.id).toBe('pmid:14');
    expect(compound.plan.clauses[0]).toMatchObject({ label: 'Anti-inflammatory', forms: [['anti', 'inflammatory'], ['antiinflammatory']], reason: 'for "Anti-inflamatory", which no passage holds' });
    expect(compound.plan.clauses.filter((c) => c.origin === 'part').map((c) => c.label)).toContain('inflammatory');
    expect(questionAsSearched(compound.plan)).toBe('Anti-inflammatory drugs for sprains');
    // A word of it read as two words is not used inside the compound, so no note claims it was.
    const mixed = await retrieve('goutflares-inflamatory', options());
    expect(mixed.notes).toEqual(['no passage holds "inflamatory": searched "inflammatory" instead (the nearest spelling the library holds)']);
    expect(mixed.plan.clauses[0]?.label).toBe('goutflares-inflammatory');

    // A respelling the question holds as typed too is not searched twice.
    const twice = await retrieve('allopurinl allopurinol dose', options());
    expect(twice.plan.clauses.filter((c) => c.origin === 'query').map((c) => c.label)).toEqual(['allopurinol', 'dose']);
    expect(twice.notes).toEqual([]);

    // A word the library holds is never respelled, and respelling can be turned off.
    expect((await retrieve('colchicine for gout', options())).notes).toEqual([]);
    const off = await retrieve('allopurinl', options({ respellWeight: 0 }));
    expect(off).toMatchObject({ hits: [], notes: [] });
    const lower = await retrieve('allopurinl', options({ respellWeight: 0.5 }));
    expect(lower.plan.clauses[0]?.weight).toBe(0.5);
  });

  it('searches a word in its other spelling, British or American, as one term, when the library holds it', async () => {
    await store.write({
      now: '2026-01-02T00:00:00.000Z',
      ops: [
        op('8', 'Margins after resection of a brain tumour', ['Wide margins lowered tumour recurrence.']),
        op('9', 'Tumor margins in sarcoma surgery', ['Tumor-free margins were reached in most patients.']),
      ],
    });
    const retrieve = createRetriever({ store });
    const both = await retrieve('tumor margins', options());
    expect(both.hits.map((h) => h.source.id).sort()).toEqual(['pmid:8', 'pmid:9']);
    const clause = both.plan.clauses.find((c) => c.origin === 'query' && c.position === 0);
    expect(clause).toMatchObject({ label: 'tumor/tumour', forms: [['tumor'], ['tumour']], weight: 1, reason: 'also as "tumour", the British spelling' });
    expect(both.hits.find((h) => h.source.id === 'pmid:8')?.explanation.clauses.find((c) => c.label === 'tumor/tumour')?.matches).toMatchObject({ title: 1, body: 1 });
    expect(both.notes).toEqual([]);

    // Off, or a spelling no passage holds ("hematoma" has no "haematoma" here): the word alone.
    expect((await retrieve('tumor', options({ otherSpellings: false }))).hits.map((h) => h.source.id)).toEqual(['pmid:9']);
    expect((await retrieve('tumour', options())).hits.map((h) => h.source.id).sort()).toEqual(['pmid:8', 'pmid:9']);
    expect((await retrieve('hematoma', options())).plan.clauses[0]?.forms).toEqual([['hematoma']]);
    // A question that holds both spellings keeps them as its own two terms.
    const typed = await retrieve('tumour or tumor', options());
    expect(typed.plan.clauses.filter((c) => c.origin === 'query').map((c) => c.forms)).toEqual([[['tumour']], [['tumor']]]);

    // A compound is searched written otherwise too, as a phrase ("tumour-free" finds "Tumor-free"),
    // and its words' part clauses match their other spellings ("tumour" finds "Tumor margins").
    const compound = await retrieve('tumour-free', options());
    const query = compound.plan.clauses.find((c) => c.origin === 'query');
    expect(query).toMatchObject({ label: 'tumour-free/tumor-free', reason: 'also as "tumor-free", the American spelling' });
    expect(query?.forms).toContainEqual(['tumor', 'free']);
    expect(compound.plan.clauses.filter((c) => c.origin === 'part').map((c) => c.label)).toEqual(['tumour/tumor', 'free']);
    expect(compound.hits[0]?.source.id).toBe('pmid:9');
    expect(compound.hits.map((h) => h.source.id).sort()).toEqual(['pmid:8', 'pmid:9']);
    expect(compound.notes).toEqual([]);
    // Off, the compound and its words as typed: "Tumor-free" counts only for "free".
    const off = await retrieve('tumour-free', options({ otherSpellings: false }));
    expect(off.plan.clauses.filter((c) => c.origin === 'part').map((c) => c.label)).toEqual(['tumour', 'free']);
    expect(off.hits[0]?.source.id).toBe('pmid:8');
  });

  it('searches a drug under its other generic names, a phrase name as a phrase, when the library holds them', async () => {
    await store.write({
      now: '2026-01-02T00:00:00.000Z',
      ops: [
        op('10', 'Acetaminophen overdose in adolescents', ['Acetylcysteine was given after acetaminophen overdose.']),
        op('11', 'Sublingual glyceryl trinitrate for angina', ['Glyceryl trinitrate relieved angina within minutes.']),
        op('12', 'Glyceryl esters in food', ['Glyceryl esters and a trinitrate salt were measured apart.']),
      ],
    });
    const retrieve = createRetriever({ store });
    const overdose = await retrieve('paracetamol overdose', options());
    expect(overdose.hits[0]?.source.id).toBe('pmid:10');
    expect(overdose.notes).toEqual(['"paracetamol" also searched as "acetaminophen", another name of the same drug']);
    expect(overdose.plan.clauses[0]).toMatchObject({ label: 'paracetamol/acetaminophen', forms: [['paracetamol'], ['acetaminophen']], weight: 1, reason: 'also as "acetaminophen", another name of the same drug' });

    // A name of several words is matched as a phrase: "glyceryl … trinitrate" apart is not it.
    const angina = await retrieve('nitroglycerin', options());
    expect(angina.hits.map((h) => h.source.id)).toEqual(['pmid:11']);
    expect(angina.plan.clauses[0]?.forms).toEqual([['nitroglycerin'], ['glyceryl', 'trinitrate']]);
    // Misspelt, it is searched as the library's name of several words, as a phrase, and said so.
    const misspelt = await retrieve('nitroglycerine for angina', options());
    // (Each of its words is a part, weighted below the phrase, as when the name is typed.)
    expect(misspelt.hits.map((h) => h.source.id)).toEqual(['pmid:11', 'pmid:12']);
    expect(misspelt.plan.clauses[0]).toMatchObject({ forms: [['glyceryl', 'trinitrate']] });
    expect(misspelt.notes).toEqual(['no passage holds "nitroglycerine" (one slip from "nitroglycerin"): searched "glyceryl trinitrate" instead, another name of the same drug']);

    // Typed as two words, the name is one term: the phrase or its other name, each word a part of it.
    await store.write({ now: '2026-01-02T00:00:00.000Z', ops: [op('13', 'Nitroglycerin patches in stable angina', ['Nitroglycerin patches reduced angina attacks.'])] });
    const typed = await retrieve('glyceryl trinitrate in angina', options());
    expect(typed.plan.clauses.filter((c) => c.origin === 'query').map((c) => c.label)).toEqual(['glyceryl trinitrate/nitroglycerin', 'angina']);
    expect(typed.plan.clauses.filter((c) => c.origin === 'part').map((c) => c.label)).toEqual(['glyceryl', 'trinitrate']);
    expect(typed.hits.map((h) => h.source.id).sort()).toEqual(['pmid:11', 'pmid:12', 'pmid:13']);
    expect(typed.hits.map((h) => h.source.id).slice(0, 2).sort()).toEqual(['pmid:11', 'pmid:13']);
    // Drug names off, the words stay two terms.
    const apart = await retrieve('glyceryl trinitrate in angina', options({ otherDrugNames: false }));
    expect(apart.plan.clauses.filter((c) => c.origin === 'query').map((c) => c.label)).toEqual(['glyceryl', 'trinitrate', 'angina']);

    // A hyphenated name is a compound: "co-amoxiclav" also finds "amoxicillin-clavulanate".
    await store.write({ now: '2026-01-02T00:00:00.000Z', ops: [op('15', 'Amoxicillin-clavulanate for bite wounds', ['Amoxicillin-clavulanate prevented infection after dog bites.'])] });
    const bites = await retrieve('co-amoxiclav after dog bites', options());
    expect(bites.hits[0]?.source.id).toBe('pmid:15');
    expect(bites.plan.clauses[0]).toMatchObject({ label: 'co-amoxiclav/amoxicillin clavulanate', forms: [['co', 'amoxiclav'], ['coamoxiclav'], ['amoxicillin', 'clavulanate']] });

    // Off: the word alone, which no passage here holds.
    expect((await retrieve('paracetamol', options({ otherDrugNames: false }))).hits).toEqual([]);
    // Spellings off leaves drug names on, and the other way round.
    expect((await retrieve('paracetamol', options({ otherSpellings: false }))).hits.map((h) => h.source.id)).toEqual(['pmid:10']);

    // A misspelt name the library holds is searched under the drug's other names too: a library
    // that writes both finds both, where it used to find only the spelling nearest the slip.
    await store.write({ now: '2026-01-02T00:00:00.000Z', ops: [op('16', 'Paracetamol poisoning in adults', ['Paracetamol overdose was treated with acetylcysteine.'])] });
    const slip = await retrieve('acetaminophn overdose', options({ respellWeight: 0.8 }));
    expect(slip.hits.map((h) => h.source.id).sort()).toEqual(['pmid:10', 'pmid:16']);
    expect(slip.plan.clauses[0]).toMatchObject({
      label: 'acetaminophen/paracetamol',
      forms: [['acetaminophen'], ['paracetamol']],
      weight: 0.8,
      respelledFrom: 'acetaminophn',
      reason: 'for "acetaminophn", which no passage holds; also as "paracetamol", another name of the same drug',
    });
    expect(slip.notes).toEqual([
      'no passage holds "acetaminophn": searched "acetaminophen" instead (the nearest spelling the library holds)',
      '"acetaminophen" also searched as "paracetamol", another name of the same drug',
    ]);

    // A compound that holds a drug's name: the compound written with the other name, and the word's part.
    await store.write({ now: '2026-01-02T00:00:00.000Z', ops: [op('17', 'Paracetamol-induced hepatotoxicity', ['Paracetamol-induced liver failure needed transplant.'])] });
    const induced = await retrieve('acetaminophen-induced hepatotoxicity', options());
    expect(induced.hits[0]?.source.id).toBe('pmid:17');
    expect(induced.plan.clauses.find((c) => c.origin === 'query')).toMatchObject({ label: 'acetaminophen-induced/paracetamol-induced' });
    expect(induced.plan.clauses.filter((c) => c.origin === 'part').map((c) => c.label)).toEqual(['acetaminophen/paracetamol', 'induced']);
    expect(induced.notes).toEqual(['"acetaminophen" also searched as "paracetamol", another name of the same drug']);
    // Misspelt inside the compound too: corrected, then searched under the other name as well.
    const both = await retrieve('acetaminophn-induced hepatotoxicity', options());
    expect(both.hits[0]?.source.id).toBe('pmid:17');
    expect(both.plan.clauses.filter((c) => c.origin === 'part').map((c) => c.label)).toEqual(['acetaminophen/paracetamol', 'induced']);
    expect(both.notes).toEqual([
      'no passage holds "acetaminophn": searched "acetaminophen" instead (the nearest spelling the library holds)',
      '"acetaminophen" also searched as "paracetamol", another name of the same drug',
    ]);
  });

  it('returns nothing, without error, for words the library does not hold or only syntax', async () => {
    const retrieve = createRetriever({ store });
    expect((await retrieve('zebra unicorn', options())).hits).toEqual([]);
    expect((await retrieve('" * ( NEAR AND OR ^ :', options())).hits).toEqual([]);
  });
});

describe('hybrid retrieval, against a fake embedding server on 127.0.0.1', () => {
  // The fake's embedding is a hashed bag of words in which these words mean the same: it finds
  // by meaning what shares no word with the question, as a real embedding model would.
  const synonyms = { nac: 'acetylcysteine', acetaminophen: 'paracetamol', poisoning: 'overdose' };
  const hybrid = (patch: Partial<RetrievalOptions['hybrid']> = {}) => options({ hybrid: { enabled: true, candidates: 10, minSimilarity: 0, rrfK: 60, lexicalWeight: 1, vectorWeight: 1, ...patch } });
  let server: FakeEmbeddingServer;
  let serverUp = true;
  let store: Store;
  let embedder: Embedder;
  const makeEmbedder = (baseUrl: string, model = 'toy-embed') =>
    createOpenAiEmbedder({ baseUrl, model, batchSize: 2, timeoutMs: 2_000, maxRetries: 0, queryPrefix: '', passagePrefix: '' });

  beforeEach(async () => {
    server = await startFakeEmbeddingServer({ embed: withSynonyms(synonyms) });
    serverUp = true;
    store = openSqliteStore({ path: ':memory:', busyTimeoutMs: 1000, cacheMiB: 8 });
    await store.write({
      now: '2026-01-01T00:00:00.000Z',
      ops: [
        op('10', 'Acetylcysteine in paracetamol overdose', ['Intravenous acetylcysteine prevented liver injury after paracetamol overdose.']),
        op('11', 'Drainage of iliopsoas abscess', ['Percutaneous drainage treated most iliopsoas abscesses.']),
        op('12', 'Statins in primary prevention', ['Statins reduced cardiovascular events in adults at risk.'], { year: 1999 }),
      ],
    });
    embedder = makeEmbedder(server.baseUrl);
    const report = await embedLibrary({ store, embedder, elapsedMs: () => 0 }, { batchSize: 2, rebuild: false });
    expect(report.embedded).toBe(3);
  });
  afterEach(async () => {
    await store.close();
    if (serverUp) await server.close();
  });

  it('finds by meaning a passage that shares no word with the question, and says how', async () => {
    const question = 'NAC for acetaminophen poisoning';
    // Drug names off: "acetaminophen" would otherwise find the passage's "paracetamol" by name.
    expect((await createRetriever({ store, embedder })(question, options())).hits.map((h) => h.source.id)).toEqual(['pmid:10']);
    expect((await createRetriever({ store, embedder })(question, options({ otherDrugNames: false }))).hits).toEqual([]);
    const result = await createRetriever({ store, embedder })(question, { ...hybrid(), otherDrugNames: false });
    expect(result.hits[0]?.source.id).toBe('pmid:10');
    expect(result.hits[0]?.explanation.clauses).toEqual([]);
    expect(result.hits[0]?.explanation.fusion).toMatchObject({ vectorRank: 1, lexicalScore: 0 });
    expect(result.hits[0]?.explanation.fusion?.lexicalRank).toBeUndefined();
    const similarities = result.hits.map((h) => h.explanation.fusion?.similarity ?? 0);
    expect(similarities[0]).toBeGreaterThan(0.5);
    expect(Math.max(...similarities.slice(1))).toBeLessThan(0.2);
    expect(result.notes).toEqual([]);
    // The question went to the server as a query.
    expect(server.requests.at(-1)?.body).toMatchObject({ model: 'toy-embed', input: [question] });
  });

  it('ranks first what both rankings put first, with both ranks in its explanation', async () => {
    const result = await createRetriever({ store, embedder })('drainage of an iliopsoas abscess', hybrid());
    const top = result.hits[0];
    expect(top?.source.id).toBe('pmid:11');
    expect(top?.explanation.fusion).toMatchObject({ lexicalRank: 1, vectorRank: 1 });
    expect(top?.explanation.clauses.map((c) => c.label)).toContain('drainage');
    expect(result.hits.map((h) => h.score)).toEqual([...result.hits.map((h) => h.score)].sort((a, b) => b - a));
  });

  it('applies filters to what the vectors find too', async () => {
    const result = await createRetriever({ store, embedder })('NAC for acetaminophen poisoning', { ...hybrid(), filters: { yearTo: 2000 } });
    expect(result.hits.map((h) => h.source.id)).not.toContain('pmid:10');
  });

  it('answers lexically, with a note, when the embedding server is down', async () => {
    await server.close();
    serverUp = false;
    const result = await createRetriever({ store, embedder })('drainage of an iliopsoas abscess', hybrid());
    expect(result.hits[0]?.source.id).toBe('pmid:11');
    expect(result.hits[0]?.explanation.fusion).toBeUndefined();
    expect(result.notes.join('\n')).toMatch(/hybrid search skipped, lexical results only: .*127\.0\.0\.1/);
  });

  it('says so when the library has no vectors for the model, or only some', async () => {
    const other = makeEmbedder(server.baseUrl, 'other-model');
    const none = await createRetriever({ store, embedder: other })('drainage of an iliopsoas abscess', hybrid());
    expect(none.hits[0]?.source.id).toBe('pmid:11');
    expect(none.notes.join('\n')).toMatch(/no passage has a vector for other-model.*citemed embed/);
    await store.write({ now: '2026-01-02T00:00:00.000Z', ops: [op('13', 'Gout', ['Colchicine for gout flares.'])] });
    const some = await createRetriever({ store, embedder })('drainage of an iliopsoas abscess', hybrid());
    expect(some.notes.join('\n')).toMatch(/3 of 4 passages have vectors for toy-embed/);
  });

  it('without an embedder, a hybrid search is lexical and says why', async () => {
    const result = await createRetriever({ store })('drainage of an iliopsoas abscess', hybrid());
    expect(result.hits[0]?.source.id).toBe('pmid:11');
    expect(result.notes.join('\n')).toMatch(/no embedder is set/);
  });
});

describe('candidatePhrases', () => {
  const clause = (word: string, df: number, origin: 'query' | 'phrase' = 'query') => ({
    clause: { label: word, forms: [[word]], stems: [[word]], weight: 1, origin },
    df,
  });
  const clauses = [clause('common', 900), clause('rare', 5), clause('middling', 300), clause('rare phrase', 2, 'phrase')];

  it('leaves out very common terms and phrases, rarest first', () => {
    expect(candidatePhrases(clauses, 1000, { maxCommonShare: 0.5, maxPostings: 10_000 })).toEqual([['rare'], ['middling']]);
  });

  it('stops adding terms past the postings budget, but always keeps the rarest', () => {
    expect(candidatePhrases(clauses, 1000, { maxCommonShare: 1, maxPostings: 400 })).toEqual([['rare'], ['middling']]);
    expect(candidatePhrases(clauses, 1000, { maxCommonShare: 1, maxPostings: 1 })).toEqual([['rare']]);
    expect(candidatePhrases([clause('only', 900)], 1000, { maxCommonShare: 0.1, maxPostings: 1 })).toEqual([['only']]);
  });
});
