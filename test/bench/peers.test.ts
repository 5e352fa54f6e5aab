import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCitemedEngine } from '../../bench/query/citemed-engine.js';
import { createFts5Peer } from '../../bench/retrieval/peers/fts5.js';
import { createMiniSearchPeer } from '../../bench/retrieval/peers/minisearch.js';
import { createOramaPeer } from '../../bench/retrieval/peers/orama.js';
import type { PeerDoc, SearchPeer } from '../../bench/retrieval/peers/peer.js';

/**
 * Behaviour of the benchmark's search engines on a corpus small enough to judge by eye: the
 * obvious document comes first, no query can make an engine throw, and a query without words
 * finds nothing. (Speed is bench/query's business; no timings here.)
 */
const DOCS: PeerDoc[] = [
  { id: 'gout', title: 'Acute gout flare', text: 'Colchicine, NSAIDs or corticosteroids relieve the pain of an acute gout flare; start treatment within 24 hours.' },
  { id: 'warfarin', title: 'Warfarin and atrial fibrillation', text: 'Warfarin lowers the risk of stroke in atrial fibrillation; keep the INR between 2 and 3.' },
  { id: 'asthma', title: 'Inhaled corticosteroids in childhood asthma', text: 'Children with persistent asthma do better on a low-dose inhaled corticosteroid and a reliever inhaler.' },
  { id: 'sepsis', title: 'Early management of sepsis', text: 'Give broad-spectrum antibiotics within one hour, and fluids for hypotension in septic shock.' },
  { id: 'diabetes', title: 'Metformin for type 2 diabetes', text: 'Metformin is the first drug for most adults with type 2 diabetes unless kidney function is poor.' },
  { id: 'migraine', title: 'Triptans for migraine', text: 'Sumatriptan relieves a migraine attack; avoid it in people with coronary disease.' },
  { id: 'anaphylaxis', title: 'Adrenaline in anaphylaxis', text: 'Intramuscular adrenaline is the first treatment of anaphylaxis; repeat it after five minutes if needed.' },
  { id: 'tuberculosis', title: 'Latent tuberculosis', text: 'Isoniazid for nine months or rifampicin for four months treats latent tuberculosis infection.' },
];

const OBVIOUS: [query: string, expected: string][] = [
  ['gout flare colchicine', 'gout'],
  ['warfarin INR', 'warfarin'],
  ['sepsis antibiotics', 'sepsis'],
  ['metformin and kidney function', 'diabetes'],
  ['adrenaline for anaphylaxis', 'anaphylaxis'],
  ['latent tuberculosis isoniazid', 'tuberculosis'],
];

/** FTS5 query syntax, SQL-looking text and odd characters: none may throw. */
const HOSTILE = [
  '"unbalanced quote', 'gout AND', 'AND OR NOT', 'NEAR(gout sepsis)', 'NEAR(gout sepsis, 2)', '-warfarin', 'gout -sepsis',
  '*', 'gout*', 'title:gout', 'text : sepsis', '(sepsis OR', ')', '^gout', '{gout}', '[sepsis]', '"" OR ""', 'a:b:c',
  "'; DROP TABLE t; --", '\\', '%_%', 'gout + sepsis', 'NOT gout', '😀 asthma', 'ÅÄÖ', 'tnf-α', '\u0000gout',
];

const EMPTY = ['', '   ', '!!!', '*', '""', '()', '-'];

const ENGINES: [string, () => SearchPeer][] = [
  ['fts5-default', () => createFts5Peer()],
  ['minisearch', () => createMiniSearchPeer()],
  ['orama', () => createOramaPeer()],
  ['citemed', () => createCitemedEngine({ path: ':memory:' })],
  ['citemed-pipeline', () => createCitemedEngine({ path: ':memory:', search: 'pipeline' })],
];

describe.each(ENGINES)('%s', (_name, create) => {
  let engine: SearchPeer;
  beforeAll(async () => {
    engine = create();
    await engine.build(DOCS);
  });
  afterAll(async () => {
    await engine.close();
  });

  it.each(OBVIOUS)('ranks the obvious document first for "%s"', async (query, expected) => {
    const ids = await engine.search(query, 3);
    expect(ids[0]).toBe(expected);
    expect(ids.length).toBeLessThanOrEqual(3);
  });

  it('answers with ids of indexed documents only, each once', async () => {
    const ids = await engine.search('corticosteroids treatment first', 10);
    expect(ids.length).toBeGreaterThan(0);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(DOCS.map((d) => d.id)).toContain(id);
  });

  it.each(HOSTILE)('does not throw on %j', async (query) => {
    const ids = await engine.search(query, 5);
    expect(Array.isArray(ids)).toBe(true);
    expect(ids.length).toBeLessThanOrEqual(5);
  });

  it('does not throw on a 2,000-word query', async () => {
    const ids = await engine.search(Array.from({ length: 2_000 }, (_, i) => (i % 7 === 0 ? 'gout' : `w${i}`)).join(' '), 5);
    expect(ids[0]).toBe('gout');
  });

  it('still finds the words around query syntax', async () => {
    expect((await engine.search('NEAR(warfarin)', 3))[0]).toBe('warfarin');
    expect((await engine.search('"sepsis', 3))[0]).toBe('sepsis');
    expect((await engine.search('title:migraine', 3))[0]).toBe('migraine');
  });

  it.each(EMPTY)('returns [] for a query without words: %j', async (query) => {
    expect(await engine.search(query, 5)).toEqual([]);
  });
});

describe('orama defaults', () => {
  it('match query words as prefixes: "inhale" finds "inhaled" (exact: false), where FTS5 finds nothing', async () => {
    const orama = createOramaPeer();
    const fts = createFts5Peer();
    await orama.build(DOCS);
    await fts.build(DOCS);
    // Only the asthma document holds words that start with "inhale"; none holds the word itself.
    expect(await orama.search('inhale', 5)).toEqual(['asthma']);
    expect(await fts.search('inhale', 5)).toEqual([]);
    await Promise.all([orama.close(), fts.close()]);
  });
});
