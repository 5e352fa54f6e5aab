import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../../adapters/sqlite/sqlite-store.js';
import { createEuropePmcService } from '../../../adapters/literature/europepmc.js';
import { CitemedError } from '../../../domain/errors.js';
import { decideUpsert } from '../../../domain/versioning.js';
import type { Store, WriteResult } from '../../../ports/store.js';
import { FIXTURE_RECORDS, fixtureRecord, startFakeEuropePmc, type EuropePmcRecord, type FakeEuropePmc } from '../../../../test/support/fake-europepmc.js';
import { medlineFile, medlineRecord } from '../../../../test/factories/medline.js';
import { detectFormat } from '../../formats.js';
import { prepareSource } from '../../prepare.js';
import type { Reader, ReaderItem } from '../../reader.js';
import { createReaders } from '../index.js';
import { readMedline } from '../medline/medline.js';
import { createEuropePmcReader, readEuropePmc } from './europepmc.js';
import { PREPRINT_STATUS_NOTE } from './to-item.js';

const CHUNK = { maxChars: 1200, minChars: 0 };
const PATH = '/fetched/part-0001.europepmc.json';

/** Feeds `bytes` in pieces of 7, splitting characters, as a file stream might. */
async function read(reader: Reader, bytes: Uint8Array | string, path = PATH): Promise<ReaderItem[]> {
  const all = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes;
  const stream = (async function* () {
    for (let i = 0; i < all.length; i += 7) yield all.slice(i, i + 7);
  })();
  const items: ReaderItem[] = [];
  for await (const item of reader({ bytes: stream, path })) items.push(item);
  return items;
}

function sources(items: readonly ReaderItem[]) {
  return items.flatMap((item) => (item.kind === 'source' ? [item.source] : []));
}

const reply = (results: unknown[], indent?: number) => JSON.stringify({ version: '6.9', hitCount: results.length, request: {}, resultList: { result: results } }, null, indent);

describe('readEuropePmc on what the fake Europe PMC serves', () => {
  let server: FakeEuropePmc;
  let bytes: Uint8Array;

  beforeEach(async () => {
    server = await startFakeEuropePmc();
    const europepmc = createEuropePmcService({ baseUrl: server.baseUrl, timeoutMs: 5_000, maxRetries: 0 });
    const ids = FIXTURE_RECORDS.map((record) => `${record.source}:${record.id}`);
    const pieces = [];
    for await (const piece of europepmc.fetch(ids)) pieces.push(piece);
    expect(pieces).toHaveLength(1);
    bytes = pieces[0]?.bytes ?? new Uint8Array();
  });

  afterEach(async () => {
    await server.close();
  });

  it('reads every result into a source with the ids the library keys by', async () => {
    const items = await read(readEuropePmc, bytes);
    expect(items.every((item) => item.kind === 'source')).toBe(true);
    expect(sources(items).map((source) => source.id)).toEqual([
      'pmid:90000101',
      'pmid:90000102',
      'pmid:90000103',
      'pmid:90000104',
      'europepmc:PPR:PPR900001',
      'pmc:PMC9000106',
      'pmid:90000107',
    ]);
    expect(sources(items).every((source) => source.origin.format === 'europepmc' && source.origin.path === PATH && source.origin.line === 1)).toBe(true);
  });

  it('reads the full record: ids, authors, journal, dates, types, MeSH, keywords, abstract sections', async () => {
    const [trial] = sources(await read(readEuropePmc, bytes));
    expect(trial).toMatchObject({
      id: 'pmid:90000101',
      ids: { pmid: '90000101', pmcid: 'PMC9000101', doi: '10.5555/citemed.fixture.90000101' },
      title: 'Fixturol versus placebo for imaginary fever: a randomized trial (test fixture, not a real citation).',
      authors: ['Fixture A', 'Example BG'],
      journal: 'Citemed Test Fixtures',
      year: 2018,
      published: '2018-01-01',
      language: 'eng',
      licence: 'cc by',
      publicationTypes: ['Randomized Controlled Trial', 'Journal Article'],
      mesh: [
        { descriptor: 'Imaginary Fever', majorTopic: true, qualifiers: ['drug therapy'] },
        { descriptor: 'Humans', majorTopic: false, qualifiers: [] },
      ],
      keywords: ['fixturol', 'test fixture'],
      correctionLinks: [],
      version: { number: 1, revised: '2021-03-04' },
    });
    expect(trial?.sections.map((section) => section.path[0])).toEqual(['Background', 'Methods', 'Results', 'Conclusions']);
    expect(trial?.text).toContain('fixturol 10 mg/m2 or placebo; the outcome was the level of CO2.');
    expect(trial?.text).toContain('(p < 0.05) & nothing real was measured.');
    expect(trial?.text).not.toMatch(/<\/?[a-z]|&lt;|&amp;/);
  });

  it('gives each publication type its evidence level, and reads retractions from the links', async () => {
    const prepared = sources(await read(readEuropePmc, bytes)).map((input) => prepareSource(input, CHUNK).source);
    expect(prepared.map((source) => [source.id, source.evidenceLevel, source.integrity.status])).toEqual([
      ['pmid:90000101', 'randomized-trial', 'ok'],
      ['pmid:90000102', 'systematic-review', 'ok'],
      ['pmid:90000103', 'unclassified', 'retracted'],
      ['pmid:90000104', 'unclassified', 'retraction-notice'],
      ['europepmc:PPR:PPR900001', 'unclassified', 'ok'],
      ['pmc:PMC9000106', 'guideline', 'ok'],
      ['pmid:90000107', 'review-opinion', 'ok'],
    ]);
    expect(prepared[2]?.integrity.links).toEqual([{ relation: 'RetractionIn', pmid: '90000104', citation: 'Citemed Test Fixtures. 2022;4(1):1' }]);
  });

  it('marks the preprint and keeps its paragraphs; a record without an abstract is found by its title', async () => {
    const read_ = sources(await read(readEuropePmc, bytes));
    const preprint = read_[4];
    expect(preprint).toMatchObject({ publicationTypes: ['Preprint'], statusNote: PREPRINT_STATUS_NOTE, journal: 'Citemed Fixture Preprints', year: 2023, ids: { doi: '10.5555/citemed.fixture.ppr900001' } });
    expect(preprint?.paragraphs).toHaveLength(2);
    const review = read_[6];
    expect(review?.text).toBe('');
    if (review === undefined) throw new Error('the review was not read');
    const { passages } = prepareSource(review, CHUNK);
    expect(passages.map((passage) => passage.text)).toEqual(['A narrative review of imaginary fever (test fixture, not a real citation).']);
  });

  it('is the reader the pipeline picks for a fetched file', () => {
    expect(detectFormat('part-0001.europepmc.json', bytes.slice(0, 100))).toEqual({ format: 'europepmc' });
    expect(createReaders({ maxPdfBytes: 1 }).europepmc).toBe(readEuropePmc);
  });
});

describe('readEuropePmc: hand-written files', () => {
  const record = (id: string, extra: Record<string, unknown> = {}): EuropePmcRecord =>
    fixtureRecord({ source: 'MED', id, pmid: id, title: `Record ${id} (test fixture, not a real citation).`, year: 2020, pubTypes: ['Journal Article'], ...extra });

  it('points each result of a pretty-printed reply at its line, skips included', async () => {
    const text = reply([record('90000301'), { id: '90000302', source: 'MED' }, 'junk', record('90000303')], 2);
    const items = await read(readEuropePmc, text);
    const lines = text.split('\n');
    const starts = lines.flatMap((line, i) => (/^ {6}(\{|")/.test(line) ? [i + 1] : []));
    expect(items.map((item) => item.kind)).toEqual(['source', 'skip', 'skip', 'source']);
    expect(items.map((item) => (item.kind === 'source' ? item.source.origin.line : item.kind === 'skip' ? item.line : 0))).toEqual(starts);
    expect(items[1]).toMatchObject({ kind: 'skip', recordId: 'pmid:90000302', reason: 'resultList.result[1] has no title and no abstract' });
    expect(items[2]).toMatchObject({ kind: 'skip', reason: 'resultList.result[2] is not a JSON object' });
  });

  it('classifies a record not yet indexed by its title, as for MEDLINE, but never a bare preprint', async () => {
    const untyped = record('90000307', { title: 'Fixturol in imaginary fever: a randomized controlled trial (test fixture, not a real citation).' });
    const preprint = fixtureRecord({ source: 'PPR', id: 'PPR900009', title: 'Fixturol in imaginary fever (test fixture, not a real citation).', year: 2024, pubTypes: ['Preprint'] });
    const levels = sources(await read(readEuropePmc, reply([untyped, preprint]))).map((input) => prepareSource(input, CHUNK).source.evidenceLevel);
    expect(levels).toEqual(['randomized-trial', 'unclassified']);
  });

  it('reads an empty result list as no records, and tolerates a byte order mark', async () => {
    expect(await read(readEuropePmc, reply([]))).toEqual([]);
    expect(sources(await read(readEuropePmc, `\uFEFF${reply([record('90000304')])}`)).map((source) => source.id)).toEqual(['pmid:90000304']);
  });

  it('reads multi-byte characters split across chunks', async () => {
    const [source] = sources(await read(readEuropePmc, reply([record('90000305', { abstractText: 'Ωmega — naïve 5 µg/kg, ≥ 3 “quoted” 漢字' })])));
    expect(source?.text).toBe('Ωmega — naïve 5 µg/kg, ≥ 3 “quoted” 漢字');
  });

  it('refuses a file above the size cap with an error that says what to do', async () => {
    const text = reply([record('90000306')]);
    const error = await read(createEuropePmcReader(100), text).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CitemedError);
    expect((error as CitemedError).code).toBe('unreadable');
    expect((error as CitemedError).message).toMatch(/larger than 100 bytes cannot be read .*smaller pieces/);
    const mib = await read(createEuropePmcReader(1024 * 1024), new Uint8Array(1024 * 1024 + 1)).catch((caught: unknown) => caught);
    expect((mib as Error).message).toContain('larger than 1 MiB');
    expect(await read(createEuropePmcReader(text.length), text)).toHaveLength(1);
  });

  it('fails a file that is not a Europe PMC reply as a whole, rather than reading no records', async () => {
    const cases: [string, string][] = [
      ['{"resultList": {"result": [', 'not a Europe PMC search reply: the file is not valid JSON'],
      ['[]', 'the file is not one JSON object'],
      ['{"hitCount": 0}', 'it has no "resultList" object'],
      ['{"resultList": {"result": {"id": "1"}}}', 'its "resultList" has no "result" array'],
    ];
    for (const [text, message] of cases) {
      const error = await read(readEuropePmc, text).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(CitemedError);
      expect((error as CitemedError).code).toBe('unsupported-format');
      expect((error as CitemedError).message).toContain(message);
    }
  });
});

describe('a Europe PMC copy of a MEDLINE record', () => {
  let store: Store;
  const now = '2024-01-01T00:00:00.000Z';
  const PMID = '90000101'; // medlineRecord(101) and FIXTURE_RECORDS[0] share it on purpose

  beforeEach(() => {
    store = openSqliteStore({ path: ':memory:', busyTimeoutMs: 1_000, cacheMiB: 8 });
  });

  afterEach(async () => {
    await store.close();
  });

  async function ingest(items: readonly ReaderItem[]): Promise<WriteResult['outcome'][]> {
    const ops = sources(items).map((input) => ({ kind: 'upsert' as const, ...prepareSource(input, CHUNK) }));
    return (await store.write({ ops, now })).map((result) => result.outcome);
  }

  const medline = async (revised: string) => read(readMedline, medlineFile([medlineRecord(101, { revised })]), '/medline/update.xml');
  const europepmc = async (changes: Record<string, unknown>) => read(readEuropePmc, reply([{ ...FIXTURE_RECORDS[0], ...changes }]));
  const stored = async () => (await store.getSource(`pmid:${PMID}`))?.origin.format;

  it('is the same source, never a second one', async () => {
    expect(await ingest(await medline('2020-01-15'))).toEqual(['added']);
    expect(await ingest(await europepmc({}))).toEqual(['updated']);
    expect(await store.findSourceIds(PMID)).toEqual([`pmid:${PMID}`]);
  });

  it('replaces an older MEDLINE record, and an older MEDLINE record never replaces it', async () => {
    await ingest(await medline('2020-01-15'));
    expect(await ingest(await europepmc({ dateOfRevision: '2021-03-04' }))).toEqual(['updated']);
    expect(await stored()).toBe('europepmc');
    expect(await ingest(await medline('2020-01-15'))).toEqual(['kept-newer']);
    expect(await stored()).toBe('europepmc');
    // A later MEDLINE update file does replace it.
    expect(await ingest(await medline('2022-06-01'))).toEqual(['updated']);
    expect(await stored()).toBe('medline');
  });

  it('never replaces a newer MEDLINE record', async () => {
    await ingest(await medline('2022-06-01'));
    expect(await ingest(await europepmc({ dateOfRevision: '2021-03-04' }))).toEqual(['kept-newer']);
    expect(await stored()).toBe('medline');
  });

  it('without a revision date, never replaces a MEDLINE record, which always replaces it', async () => {
    await ingest(await medline('2020-01-15'));
    expect(await ingest(await europepmc({ dateOfRevision: undefined }))).toEqual(['kept-newer']);
    expect(await stored()).toBe('medline');

    await store.close();
    store = openSqliteStore({ path: ':memory:', busyTimeoutMs: 1_000, cacheMiB: 8 });
    expect(await ingest(await europepmc({ dateOfRevision: undefined }))).toEqual(['added']);
    expect(await ingest(await medline('2020-01-15'))).toEqual(['updated']);
    expect(await stored()).toBe('medline');
  });

  it('keyed by a PMCID, never replaces a JATS full text (version 1), which always replaces it', async () => {
    const copies = sources(await read(readEuropePmc, reply([FIXTURE_RECORDS[5], { ...FIXTURE_RECORDS[5], dateOfRevision: '2030-01-01' }])));
    expect(copies).toHaveLength(2);
    const jats = { contentHash: 'jats full text', version: { number: 1 } };
    for (const input of copies) {
      const incoming = prepareSource(input, CHUNK).source;
      expect(incoming.id).toBe('pmc:PMC9000106');
      expect(decideUpsert(jats, { contentHash: incoming.contentHash, version: incoming.version })).toBe('keep-newer');
      expect(decideUpsert({ contentHash: incoming.contentHash, version: incoming.version }, jats)).toBe('replace');
    }
  });
});
