import { createReadStream } from 'node:fs';
import { text as streamText } from 'node:stream/consumers';
import { createGunzip } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { hasSharedData, SHARED_DATA_SKIP_MESSAGE, sharedDataPath } from '../../../../test/shared-data.js';
import { deriveIntegrity } from '../../../domain/integrity.js';
import type { SourceInput } from '../../../domain/source.js';
import { normalizeSpace } from '../../../domain/text.js';
import type { ReaderItem } from '../../reader.js';
import { decodeUtf8 } from '../bytes.js';
import { readMedline } from './medline.js';
import { createRecordParser } from './record-parser.js';
import { splitRecords } from './splitter.js';
import { recordToItem } from './to-item.js';

const MEDLINE_2016 = 'medline16n0902.xml.gz';
const CURRENT = 'test_current_medline.xml.gz';
const EFETCH = 'pubmed-29768149.xml';

function fixturePath(name: string): string {
  return sharedDataPath('pubmed_xml_fixtures', name);
}

/** The file's bytes, decompressed by a zlib stream when gzipped. */
function fileBytes(name: string): AsyncIterable<Uint8Array> {
  const file = createReadStream(fixturePath(name));
  return name.endsWith('.gz') ? file.pipe(createGunzip()) : file;
}

async function readFixture(name: string): Promise<ReaderItem[]> {
  const items: ReaderItem[] = [];
  for await (const item of readMedline({ bytes: fileBytes(name), path: fixturePath(name) })) items.push(item);
  return items;
}

function sourcesById(items: readonly ReaderItem[]): Map<string, SourceInput> {
  return new Map(items.flatMap((item) => (item.kind === 'source' ? [[item.source.id, item.source] as const] : [])));
}

function get(sources: Map<string, SourceInput>, id: string): SourceInput {
  const source = sources.get(id);
  if (!source) throw new Error(`${id} was not read`);
  return source;
}

/**
 * A deliberately naive reading of a record's abstract with regexes, to check the reader's text
 * against: every AbstractText of <Abstract> and of English <OtherAbstract>s, tags stripped,
 * references decoded, whitespace normalised.
 */
function naiveParagraphs(recordXml: string): string[] {
  const blocks = [
    ...(recordXml.match(/<Abstract>[\s\S]*?<\/Abstract>/g) ?? []),
    ...(recordXml.match(/<OtherAbstract[^>]*Language="eng"[^>]*>[\s\S]*?<\/OtherAbstract>/g) ?? []),
  ];
  return blocks
    .flatMap((block) => [...block.matchAll(/<AbstractText[^>]*>([\s\S]*?)<\/AbstractText>/g)].map((m) => m[1] ?? ''))
    .map((xml) => normalizeSpace(decodeReferences(xml.replace(/<[^>]+>/g, ''))))
    .filter((paragraph) => paragraph !== '');
}

function decodeReferences(xml: string): string {
  return xml.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);/g, (_all, ref: string) => {
    if (ref.startsWith('#x')) return String.fromCodePoint(parseInt(ref.slice(2), 16));
    if (ref.startsWith('#')) return String.fromCodePoint(parseInt(ref.slice(1), 10));
    return ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" } as Record<string, string>)[ref] ?? '';
  });
}

/** The records of a file cut out with indexOf, keyed by their first PMID. */
function naiveRecords(xml: string, open: string, close: string): Map<string, string> {
  const records = new Map<string, string>();
  for (let start = xml.indexOf(open); start !== -1; start = xml.indexOf(open, start + 1)) {
    const record = xml.slice(start, xml.indexOf(close, start) + close.length);
    const pmid = /<PMID[^>]*>(\d+)<\/PMID>/.exec(record)?.[1];
    if (pmid) records.set(`pmid:${pmid}`, record);
  }
  return records;
}

describe.skipIf(!hasSharedData)(`readMedline on real PubMed files ${hasSharedData ? '' : SHARED_DATA_SKIP_MESSAGE}`, () => {
  it(`${MEDLINE_2016}: 604 citations then the DeleteCitation of PMID 26432306, nothing skipped`, async () => {
    const items = await readFixture(MEDLINE_2016);
    expect(items.filter((item) => item.kind === 'source')).toHaveLength(604);
    expect(items.filter((item) => item.kind === 'skip')).toEqual([]);
    expect(items.at(-1)).toEqual({ kind: 'delete', sourceIds: ['pmid:26432306'], line: 89980 });
    const lines = items.flatMap((item) => (item.kind === 'source' ? [item.source.origin.line ?? 0] : []));
    expect(lines[0]).toBe(5);
    expect([...lines].sort((a, b) => a - b)).toEqual(lines);
  });

  it(`${MEDLINE_2016}: PMID 17942999 has its structured abstract, MeSH, authors, ids and dates`, async () => {
    const source = get(sourcesById(await readFixture(MEDLINE_2016)), 'pmid:17942999');
    expect(source.sections.map((section) => section.path)).toEqual([['Purpose'], ['Methods'], ['Results'], ['Conclusions']]);
    const purpose =
      'An auditory electrophysiological study was conducted to explore the influence of language experience on the saliency of dimensions underlying cortical pitch processing.';
    expect(source.sections[0]).toEqual({ path: ['Purpose'], start: 0, end: purpose.length });
    expect(source.sections[1]?.start).toBe(purpose.length + 2);
    expect(source.text.slice(0, purpose.length)).toBe(purpose);
    expect(source.text.endsWith('within a particular tone space.')).toBe(true);
    expect(source.sections.at(-1)?.end).toBe(source.text.length);
    expect(source).toMatchObject({
      ids: { pmid: '17942999', pmcid: 'PMC4380289' },
      title: 'Neuroplasticity in the processing of pitch dimensions: a multidimensional scaling analysis of the mismatch negativity.',
      authors: ['Chandrasekaran B', 'Gandour JT', 'Krishnan A'],
      journal: 'Restorative neurology and neuroscience',
      year: 2007,
      published: '2007',
      language: 'eng',
      publicationTypes: ['Journal Article', "Research Support, Non-U.S. Gov't"],
      version: { number: 1, revised: '2015-12-26' },
      origin: { format: 'medline', path: fixturePath(MEDLINE_2016), line: 5 },
    });
    expect(source.mesh).toHaveLength(11);
    expect(source.mesh[0]).toEqual({ descriptor: 'Acoustic Stimulation', ui: 'D000161', majorTopic: false, qualifiers: [] });
    // Major only through its qualifier.
    expect(source.mesh.find((m) => m.descriptor === 'Neuronal Plasticity')).toEqual({
      descriptor: 'Neuronal Plasticity',
      ui: 'D009473',
      majorTopic: true,
      qualifiers: ['physiology'],
    });
  });

  it(`${MEDLINE_2016}: CommentsCorrections become correction links ("Cites" left out)`, async () => {
    const sources = sourcesById(await readFixture(MEDLINE_2016));
    const erratumIn = get(sources, 'pmid:26702309');
    expect(erratumIn.correctionLinks).toEqual([
      { relation: 'ErratumIn', pmid: '26705261', citation: 'Syst Synth Biol. 2015 Dec;9(Suppl 1):55' },
    ]);
    expect(deriveIntegrity({ publicationTypes: erratumIn.publicationTypes, links: erratumIn.correctionLinks }).status).toBe('corrected');
    expect(erratumIn).toMatchObject({ ids: { pmid: '26702309', pmcid: 'PMC4688405', doi: '10.1007/s11693-015-9171-0' }, published: '2015-12' });
    expect(get(sources, 'pmid:26407471').correctionLinks).toEqual([
      { relation: 'ErratumFor', pmid: '22828228', citation: 'Epidemiol Prev. 2012 May-Aug;36(3-4):151-61' },
    ]);
    const relations = new Set([...sources.values()].flatMap((s) => s.correctionLinks.map((link) => link.relation)));
    expect([...relations].sort()).toEqual(['CommentIn', 'CommentOn', 'ErratumFor', 'ErratumIn']);
  });

  it(`${MEDLINE_2016}: translated titles keep their brackets; group authors and MedlineDate years are read`, async () => {
    const sources = sourcesById(await readFixture(MEDLINE_2016));
    expect(get(sources, 'pmid:26407462')).toMatchObject({ title: '[Vaccines are drugs].', language: 'ita' });
    expect(get(sources, 'pmid:26702424').authors).toContain('Brain Development Cooperative Group');
    // MedlineDate ranges give their first year, even when an ArticleDate is more precise.
    expect(get(sources, 'pmid:18621939')).toMatchObject({ year: 2008, published: '2008' });
    expect(get(sources, 'pmid:21784659')).toMatchObject({ year: 2012, published: '2012' });
    // Publisher-supplied abstracts in other languages are left out.
    for (const source of sources.values()) expect(source.text).not.toContain('Abstract available from the publisher.');
  });

  it(`${MEDLINE_2016}: every paragraph span is the record's AbstractText, and every title its ArticleTitle`, async () => {
    const xml = await streamText(fileBytes(MEDLINE_2016));
    const records = naiveRecords(xml, '<MedlineCitation ', '</MedlineCitation>');
    const sources = sourcesById(await readFixture(MEDLINE_2016));
    expect([...sources.keys()].sort()).toEqual([...records.keys()].sort());
    for (const [id, record] of records) {
      const source = get(sources, id);
      expect(source.paragraphs.map((p) => source.text.slice(p.start, p.end)), id).toEqual(naiveParagraphs(record));
      const title = normalizeSpace(decodeReferences((/<ArticleTitle>([\s\S]*?)<\/ArticleTitle>/.exec(record)?.[1] ?? '').replace(/<[^>]+>/g, '')));
      if (title !== '') expect(source.title, id).toBe(title);
    }
  });

  it(`${CURRENT}: four PubmedArticles with ids from ELocationID and PubmedData, not from reference lists`, async () => {
    const items = await readFixture(CURRENT);
    expect(items.map((item) => (item.kind === 'source' ? item.source.id : item.kind))).toEqual([
      'pmid:36400559',
      'pmid:2930949',
      'pmid:11446611',
      'pmid:28786991',
    ]);
    const sources = sourcesById(items);
    expect(get(sources, 'pmid:36400559')).toMatchObject({
      ids: { pmid: '36400559', doi: '10.1016/j.ncl.2022.07.002' },
      journal: 'Neurologic clinics',
      year: 2023,
      published: '2023-02',
      licence: 'Copyright © 2022 Elsevier Inc. All rights reserved.',
      keywords: ['Back pain', 'Diagnosis', 'Management', 'Outpatient'],
      version: { number: 1, revised: '2022-11-30' },
      authors: ['Gibbs D', 'McGahan BG', 'Ropper AE', 'Xu DS'],
    });
    expect(get(sources, 'pmid:36400559').text).toContain('greater than 6\u00a0weeks');
    expect(get(sources, 'pmid:2930949').ids).toEqual({ pmid: '2930949', pmcid: 'PMC1306303' });
    expect(get(sources, 'pmid:11446611')).toMatchObject({
      ids: { pmid: '11446611', pmcid: 'PMC4951901', doi: '10.7861/clinmedicine.1-3-188' },
      published: '2001',
      text: '',
    });
    expect(get(sources, 'pmid:28786991').sections.map((s) => s.path[0])).toEqual(['Objective', 'Methods', 'Results', 'Conclusions']);
    const xml = await streamText(fileBytes(CURRENT));
    for (const [id, record] of naiveRecords(xml, '<PubmedArticle>', '</PubmedArticle>')) {
      const source = get(sources, id);
      expect(source.paragraphs.map((p) => source.text.slice(p.start, p.end)), id).toEqual(naiveParagraphs(record));
    }
  });

  it(`${EFETCH}: the NEJM trial with its doi, dates, comments and structured abstract`, async () => {
    const items = await readFixture(EFETCH);
    expect(items).toHaveLength(1);
    const source = get(sourcesById(items), 'pmid:29768149');
    expect(source).toMatchObject({
      ids: { pmid: '29768149', doi: '10.1056/NEJMoa1715274' },
      title: 'Inhaled Combined Budesonide-Formoterol as Needed in Mild Asthma.',
      journal: 'The New England journal of medicine',
      year: 2018,
      published: '2018-05-17',
      version: { number: 1, revised: '2022-04-10' },
      correctionLinks: [
        { relation: 'CommentIn', pmid: '29768146', citation: 'N Engl J Med. 2018 May 17;378(20):1940-1942' },
        { relation: 'CommentIn', pmid: '30242404', citation: 'Ann Intern Med. 2018 Sep 18;169(6):JC31' },
      ],
      origin: { line: 4 },
    });
    expect(source.ids.pmcid).toBeUndefined();
    expect(source.publicationTypes).toContain('Randomized Controlled Trial');
    expect(source.authors).toHaveLength(10);
    expect(source.sections.map((s) => s.path)).toEqual([['Background'], ['Methods'], ['Results'], ['Conclusions']]);
    // <sub>2</sub> flattened; the line break before it is whitespace like any other.
    expect(source.text.startsWith('In patients with mild asthma, as-needed use of an inhaled glucocorticoid plus a fast-acting β 2-agonist')).toBe(true);
  });

  it('cutting unread regions before parsing changes nothing that is read, in every real record', async () => {
    const pruned = createRecordParser();
    const whole = createRecordParser({ pruneUnreadRegions: false });
    let compared = 0;
    for (const name of [MEDLINE_2016, CURRENT, EFETCH]) {
      for await (const segment of splitRecords(decodeUtf8(fileBytes(name)), name)) {
        if (segment.kind !== 'record') continue;
        const a = pruned.parse(segment.xml, segment.name);
        const b = whole.parse(segment.xml, segment.name);
        expect(a.ok && b.ok).toBe(true);
        if (a.ok && b.ok) {
          const origin = { path: name, line: segment.line };
          expect(recordToItem(a.record, origin)).toEqual(recordToItem(b.record, origin));
          compared++;
        }
      }
    }
    expect(compared).toBe(604 + 1 + 4 + 1);
  });
});
