import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sourceWithPassages } from '../../test/factories/sources.js';
import { openSqliteStore } from '../adapters/sqlite/sqlite-store.js';
import { retrievalOptions } from '../config/container.js';
import { SettingsSchema } from '../config/settings.js';
import type { Composer, ComposeRequest, Draft } from '../ports/composer.js';
import type { Store, WriteOp } from '../ports/store.js';
import { createRetriever, type RetrievalOptions } from '../retrieval/retrieve.js';
import { ask, type AskDeps } from './ask.js';
import { createExtractiveComposer } from './extractive.js';

/** citemed's configured retrieval, with up to 6 passages a source as `citemed ask` uses. */
const defaults = retrievalOptions(SettingsSchema.parse({}).search, new Date('2026-11-23T00:00:00Z'));
const retrieval: RetrievalOptions = { ...defaults, diversity: { ...defaults.diversity, maxPerSource: 6 } };

const paper = (id: string, title: string, text: string, extra: Record<string, unknown> = {}): WriteOp => ({
  kind: 'upsert',
  ...sourceWithPassages({ id: `pmid:${id}`, ids: { pmid: id }, title, mesh: [], keywords: [], paragraphsText: [[['Results'], text]], ...extra }),
});

/** A composer that returns what the test says, to exercise what ask does with any draft. */
const scripted = (draft: (request: ComposeRequest) => Draft): Composer & { seen: ComposeRequest[] } => {
  const seen: ComposeRequest[] = [];
  return { name: 'scripted', seen, compose: async (request) => (seen.push(request), draft(request)) };
};

describe('ask', () => {
  let store: Store;
  const deps = (composer: Composer): AskDeps => ({
    search: (text, { limit, filters }) => createRetriever({ store })(text, { ...retrieval, limit, ...(filters ? { filters } : {}) }),
    getSource: (id) => store.getSource(id),
    composer,
    now: () => new Date('2026-11-23T12:00:00Z'),
    library: 'test library',
  });

  beforeEach(async () => {
    store = openSqliteStore({ path: ':memory:', busyTimeoutMs: 1000, cacheMiB: 8 });
    await store.write({
      now: '2026-01-01T00:00:00.000Z',
      ops: [
        paper('1', 'Colchicine for acute gout flares', 'Low-dose colchicine reduced gout flare pain within 24 hours in adults with acute gout.', { authors: ['Doe J'], journal: 'Test J', year: 2019 }),
        paper('2', 'Naproxen versus colchicine in gout flares', 'Naproxen 750 mg then 250 mg every 8 hours relieved acute gout flare pain as well as colchicine.', { year: 2021 }),
        paper('3', 'Colchicine for gout flares: a trial', 'Colchicine cured every gout flare within one hour in this trial.', { publicationTypes: ['Retracted Publication'] }),
        paper('4', 'Retraction: Colchicine for gout flares', 'This trial of colchicine for gout flares has been retracted.', { publicationTypes: ['Retraction of Publication'] }),
      ],
    });
  });
  afterEach(async () => store.close());

  it('never offers a retracted source as support, and flags it', async () => {
    const composer = scripted(() => ({ bottomLine: [], sections: [], followUps: [] }));
    const answer = await ask(deps(composer), { question: 'colchicine for gout flares', audience: 'clinician' });
    expect(answer.evidence.some((e) => e.source.id === 'pmid:3')).toBe(true);
    expect(composer.seen[0]!.evidence.some((e) => e.source.id === 'pmid:3')).toBe(false);
    expect(answer.summary.flagged).toContainEqual({ sourceId: 'pmid:3', title: 'Colchicine for gout flares: a trial', status: 'retracted' });
    expect(answer.summary.flagged).toContainEqual({ sourceId: 'pmid:4', title: 'Retraction: Colchicine for gout flares', status: 'retraction-notice' });
    expect(answer.notices.join(' ')).toMatch(/1 retrieved source\(s\) are retracted and were not used as support/);
    // A retraction notice is about a paper, not a finding: listed, never support.
    expect(composer.seen[0]!.evidence.some((e) => e.source.id === 'pmid:4')).toBe(false);
    expect(answer.notices.join(' ')).toMatch(/1 retrieved source\(s\) are retraction or correction notices/);
  });

  it('treats the full text of a retracted paper as retracted, though its own file does not say so', async () => {
    await store.write({
      now: '2026-01-02T00:00:00.000Z',
      ops: [
        {
          kind: 'upsert',
          ...sourceWithPassages({
            id: 'pmc:PMC3', ids: { pmid: '3', pmcid: 'PMC3' }, title: 'Colchicine for gout flares: a trial (full text)', mesh: [], keywords: [],
            paragraphsText: [[['Results'], 'Colchicine cured every gout flare within one hour in this trial of colchicine for gout flares.']],
          }),
        },
      ],
    });
    const composer = scripted(() => ({ bottomLine: [], sections: [], followUps: [] }));
    const answer = await ask({ ...deps(composer), versionsOf: (works) => store.versionsOf(works) }, { question: 'colchicine for gout flares', audience: 'clinician' });
    const fullText = answer.evidence.find((e) => e.source.id === 'pmc:PMC3');
    expect(fullText?.source.integrity).toBe('retracted');
    expect(fullText?.source.statusNote).toBe('Retracted, as pmid:3 records');
    expect(composer.seen[0]!.evidence.some((e) => e.source.id === 'pmc:PMC3')).toBe(false);
    expect(answer.notices.join(' ')).toMatch(/2 retrieved source\(s\) are retracted and were not used as support/);

    // Without the lookup, each source stands alone: the test above is not vacuous.
    const alone = await ask(deps(scripted(() => ({ bottomLine: [], sections: [], followUps: [] }))), { question: 'colchicine for gout flares', audience: 'clinician' });
    expect(alone.evidence.find((e) => e.source.id === 'pmc:PMC3')?.source.integrity).toBe('ok');
  });

  it('removes what the cited passages do not support, keeps it listed, and flags partial support', async () => {
    const composer = scripted((request) => {
      const colchicine = request.evidence.find((e) => e.source.id === 'pmid:1')!.id;
      const naproxen = request.evidence.find((e) => e.source.id === 'pmid:2')!.id;
      return {
        bottomLine: [{ text: 'Low-dose colchicine reduced gout flare pain within 24 hours in adults with acute gout.', evidence: [colchicine] }],
        sections: [
          { kind: 'treatment', statements: [{ text: 'Naproxen 500 mg every 12 hours relieved gout flare pain.', evidence: [naproxen] }] },
          { kind: 'treatment', statements: [{ text: 'Colchicine reduced gout flare pain, and patients preferred it to every other option available.', evidence: [colchicine] }] },
        ],
        followUps: [],
        rejected: [{ text: 'An invented claim.', evidence: ['E40'], reason: 'cites E40, which it was not given' }],
      };
    });
    const answer = await ask(deps(composer), { question: 'colchicine for gout flares', audience: 'clinician' });
    expect(answer.status).toBe('answered');
    expect(answer.bottomLine[0]!.verdict?.support).toBe('supported');
    const treatment = answer.sections.find((s) => s.kind === 'treatment')!;
    expect(treatment.statements.map((s) => s.verdict?.support)).toEqual(['partial']);
    expect(answer.removed.map((s) => s.text)).toEqual(['An invented claim.', 'Naproxen 500 mg every 12 hours relieved gout flare pain.']);
    expect(answer.removed[1]!.verdict?.problems.join(' ')).toMatch(/500 mg/);
    expect(answer.references.map((r) => [r.number, r.source.id])).toEqual([[1, 'pmid:1']]);
    expect(answer.references[0]!.citation).toBe('Doe J. Colchicine for acute gout flares. Test J. 2019. PMID: 1.');
    expect(answer.notices.join(' ')).toMatch(/2 drafted statements were removed/);
    expect(answer.provenance).toMatchObject({ composer: 'scripted', generatedAt: '2026-11-23T12:00:00.000Z', library: 'test library' });
  });

  it('lets an optional model judge lower a verdict, never raise it', async () => {
    const composer = scripted((request) => ({
      bottomLine: [{ text: 'Low-dose colchicine reduced gout flare pain within 24 hours in adults with acute gout.', evidence: [request.evidence.find((e) => e.source.id === 'pmid:1')!.id] }],
      sections: [{ kind: 'treatment', statements: [{ text: 'Naproxen 500 mg every 12 hours relieved gout flare pain.', evidence: [request.evidence.find((e) => e.source.id === 'pmid:2')!.id] }] }],
      followUps: [],
    }));
    const asked: string[] = [];
    const judge = { judge: async (statement: { text: string }) => (asked.push(statement.text), { support: 'unsupported' as const, reason: 'the passage is about another population' }) };
    const answer = await ask({ ...deps(composer), judge }, { question: 'colchicine for gout flares', audience: 'clinician' });
    // The invented dose failed the hard checks: the judge was not asked about it.
    expect(asked).toEqual(['Low-dose colchicine reduced gout flare pain within 24 hours in adults with acute gout.']);
    expect(answer.status).toBe('insufficient');
    expect(answer.removed.map((s) => s.verdict?.problems.at(-1))).toContain('a model judge found it unsupported: the passage is about another population');
  });

  it('leaves doses out of a patient answer whoever drafted them', async () => {
    const composer = scripted((request) => ({
      bottomLine: [{ text: 'Naproxen 750 mg then 250 mg every 8 hours relieved acute gout flare pain as well as colchicine.', evidence: [request.evidence.find((e) => e.source.id === 'pmid:2')!.id] }],
      sections: [],
      followUps: [],
    }));
    const answer = await ask(deps(composer), { question: 'naproxen for gout flares', audience: 'patient' });
    expect(answer.bottomLine).toEqual([]);
    expect(answer.status).toBe('insufficient');
    expect(answer.removed[0]!.verdict?.problems).toEqual(['individual dosing is left out of patient answers']);
    expect(answer.notices[0]).toMatch(/^Get medical help now/);
  });

  it('leads with the strongest section statement when the draft has no bottom line', async () => {
    const composer = scripted((request) => ({
      bottomLine: [],
      sections: [{ kind: 'treatment', statements: [{ text: 'Low-dose colchicine reduced gout flare pain within 24 hours in adults with acute gout.', evidence: [request.evidence.find((e) => e.source.id === 'pmid:1')!.id] }] }],
      followUps: [],
    }));
    const answer = await ask(deps(composer), { question: 'colchicine for gout flares', audience: 'clinician' });
    expect(answer.bottomLine.map((s) => s.text)).toEqual(['Low-dose colchicine reduced gout flare pain within 24 hours in adults with acute gout.']);
    expect(answer.sections).toEqual([]);
  });

  it('never leads with a pitfall, which reads as advice without its heading', async () => {
    const pitfall = 'Stopping colchicine early in a gout flare, before the pain of the acute gout flare has settled.';
    const composer = scripted((request) => ({
      bottomLine: [],
      sections: [{ kind: 'pitfalls', statements: [{ text: pitfall, evidence: [request.evidence.find((e) => e.source.id === 'pmid:1')!.id] }] }],
      followUps: [],
    }));
    const answer = await ask(deps(composer), { question: 'colchicine for gout flares', audience: 'clinician' });
    expect(answer.bottomLine).toEqual([]);
    expect(answer.sections.map((s) => [s.kind, s.statements.map((x) => x.text)])).toEqual([['pitfalls', [pitfall]]]);
    expect(answer.status).toBe('answered');
  });

  it('with the extractive composer, answers from the library without citing the retracted source', async () => {
    const answer = await ask(deps(createExtractiveComposer()), { question: 'colchicine for gout flares', audience: 'clinician' });
    expect(answer.bottomLine.length).toBeGreaterThan(0);
    const cited = new Set(answer.references.map((r) => r.source.id));
    expect(cited.has('pmid:3')).toBe(false);
    // Its sources say nothing of diagnosis, treatment in those words, children, pregnancy,
    // follow-up or prognosis, so no follow-up is offered that they could not answer.
    expect(answer.followUps).toEqual([]);
  });

  it('says, as a sentence among its notices, when a word of the question was searched as the library spells it', async () => {
    const answer = await ask(deps(createExtractiveComposer()), { question: 'colchicin for gout flares', audience: 'clinician' });
    // "colchicin" is Porter's stem of "colchicine", so it is found as typed.
    expect(answer.notices.join(' ')).not.toMatch(/No passage holds/);
    const slipped = await ask(deps(createExtractiveComposer()), { question: 'naproxne for gout flares', audience: 'clinician' });
    expect(slipped.notices).toContain('No passage holds "naproxne": searched "naproxen" instead (the nearest spelling the library holds).');
    expect(slipped.references.map((r) => r.source.id)).toContain('pmid:2');
    // The composer reads the question as it was searched; the answer keeps it as typed.
    const composer = scripted(() => ({ bottomLine: [], sections: [], followUps: [] }));
    const seen = await ask(deps(composer), { question: 'Is Naproxne better for gout flares in adults?', audience: 'clinician' });
    expect(composer.seen[0]?.question).toBe('Is naproxen better for gout flares in adults?');
    expect(seen.question).toBe('Is Naproxne better for gout flares in adults?');
  });

  it('says when the question was read as a statement to check, and not when it was asked', async () => {
    const claim = await ask(deps(createExtractiveComposer()), { question: 'Colchicine relieves the pain of gout flares.', audience: 'clinician' });
    expect(claim.notices).toContain(
      'Read as a statement to check rather than a question: sources that state it, in its words or in others, rank first. The answer reports what they say, which may not confirm it.',
    );
    const asked = await ask(deps(createExtractiveComposer()), { question: 'Does colchicine relieve the pain of gout flares?', audience: 'clinician' });
    expect(asked.notices.join(' ')).not.toMatch(/statement to check/);
  });

  it('says that nothing matched the filters, naming them, rather than that the library holds nothing', async () => {
    const filters = { evidenceLevels: ['randomized-trial' as const] };
    const answer = await ask(deps(createExtractiveComposer()), { question: 'colchicine for gout flares', audience: 'clinician', filters });
    expect(answer.status).toBe('insufficient');
    expect(answer.evidence).toEqual([]);
    const said = answer.notices.join(' ');
    expect(said).toMatch(/No passage in the library matched this question with the filters set \(evidence level: Randomized trial\)/);
    expect(said).not.toMatch(/holds no passage/);
  });

  it('stops at a checkpoint that throws: no composing once the caller has given up', async () => {
    const composer = scripted(() => ({ bottomLine: [], sections: [], followUps: [] }));
    const stages: string[] = [];
    const gone = new Error('the client closed the connection');
    const checkpoint = async () => {
      stages.push(composer.seen.length === 0 ? 'before composing' : 'after composing');
      throw gone;
    };
    await expect(ask(deps(composer), { question: 'colchicine for gout flares', audience: 'clinician', checkpoint })).rejects.toBe(gone);
    expect(stages).toEqual(['before composing']);
    expect(composer.seen).toHaveLength(0);
    // A checkpoint that lets it go on is called before and after composing.
    stages.length = 0;
    await ask(deps(composer), { question: 'colchicine for gout flares', audience: 'clinician', checkpoint: async () => void stages.push(composer.seen.length === 0 ? 'before composing' : 'after composing') });
    expect(stages).toEqual(['before composing', 'after composing']);
  });

  it('offers no follow-ups when it found no answer', async () => {
    const answer = await ask(deps(createExtractiveComposer()), { question: 'What is the starting dose of apixaban?', audience: 'clinician' });
    expect(answer.status).toBe('insufficient');
    expect(answer.followUps).toEqual([]);
  });
});
