import { describe, expect, it } from 'vitest';
import { CitemedError } from '../../../domain/errors.js';
import type { ReaderItem } from '../../reader.js';
import { readMedline } from './medline.js';
import {
  article,
  articleSet,
  collect,
  encode,
  inChunksOf,
  lineAt,
  lineOf,
  onlySource,
  PUBMED_HEAD,
  readText,
  sourcesOf,
  TEST_PATH,
} from './testing.js';

function ids(items: readonly ReaderItem[]): string[] {
  return items.map((item) => (item.kind === 'source' ? item.source.id : item.kind));
}

describe('readMedline: bad records cost only themselves', () => {
  it('skips a record with a mismatched tag, at the line of the error, and reads its neighbours', async () => {
    const xml = articleSet(
      article({ pmid: '1' }),
      article({ pmid: '2', abstract: '<AbstractText>Some\n<i>italic</b> text.</AbstractText>' }),
      article({ pmid: '3' }),
    );
    const items = await readText(xml);
    expect(ids(items)).toEqual(['pmid:1', 'skip', 'pmid:3']);
    expect(items[1]).toEqual({
      kind: 'skip',
      line: lineOf(xml, '</b>'),
      recordId: 'pmid:2',
      reason: `malformed XML in <PubmedArticle> PMID 2 starting at line ${lineAt(xml, xml.lastIndexOf('<PubmedArticle>', xml.indexOf('>2<')))}: closing tag </b> does not match the open <i>`,
    });
  });

  it('skips a record whose closing tag is missing when the next record opens, and reads the next', async () => {
    const broken = article({ pmid: '1' }).replace('</PubmedArticle>\n', '');
    const xml = articleSet(broken, article({ pmid: '2' }));
    const items = await readText(xml);
    const nextStart = lineAt(xml, xml.lastIndexOf('<PubmedArticle>', xml.indexOf('>2<')));
    expect(items).toEqual([
      {
        kind: 'skip',
        line: 4,
        recordId: 'pmid:1',
        reason: `<PubmedArticle> PMID 1 starting at line 4 has no </PubmedArticle> before the next record at line ${nextStart}`,
      },
      expect.objectContaining({ kind: 'source', source: expect.objectContaining({ id: 'pmid:2', origin: { format: 'medline', path: TEST_PATH, line: nextStart } }) }),
    ]);
  });

  it('skips a record cut off by the end of the file as "truncated record at end of file"', async () => {
    const whole = PUBMED_HEAD + article({ pmid: '1' }) + article({ pmid: '2' });
    const xml = whole.slice(0, whole.lastIndexOf('<AuthorList'));
    const items = await readText(xml);
    expect(ids(items)).toEqual(['pmid:1', 'skip']);
    const skip = items[1];
    expect(skip).toMatchObject({ kind: 'skip', recordId: 'pmid:2', line: lineAt(xml, xml.lastIndexOf('<PubmedArticle>')) });
    expect(skip?.kind === 'skip' && skip.reason).toMatch(/^truncated record at end of file: <PubmedArticle> PMID 2 starting at line \d+ has no <\/PubmedArticle>$/);
  });

  it('says when the file ends between records without closing the set', async () => {
    const xml = PUBMED_HEAD + article({ pmid: '1' });
    const items = await readText(xml);
    expect(ids(items)).toEqual(['pmid:1', 'skip']);
    expect(items[1]).toMatchObject({ kind: 'skip', reason: expect.stringMatching(/^file ends without <\/PubmedArticleSet>/) });
  });

  it('skips a record with an undefined entity or a bare ampersand, naming it and its line', async () => {
    const xml = articleSet(
      article({ pmid: '1', abstract: '<AbstractText>Dose\n5&nbsp;mg.</AbstractText>' }),
      article({ pmid: '2', title: 'AT&T and health' }),
      article({ pmid: '3', abstract: '<AbstractText>&lt;5 &amp; &#x2265;6 &#8804;7 &quot;&apos;</AbstractText>' }),
    );
    const items = await readText(xml);
    expect(items[0]).toMatchObject({ kind: 'skip', recordId: 'pmid:1', line: lineOf(xml, '&nbsp;') });
    expect(items[0]?.kind === 'skip' && items[0].reason).toContain('undefined entity &nbsp;');
    expect(items[1]).toMatchObject({ kind: 'skip', recordId: 'pmid:2', line: lineOf(xml, 'AT&T') });
    expect(items[1]?.kind === 'skip' && items[1].reason).toContain('a bare "&"');
    expect(sourcesOf(items).map((s) => s.text)).toEqual(['<5 & ≥6 ≤7 "\'']);
  });

  it('checks entities even in the parts it does not parse (affiliations)', async () => {
    const xml = articleSet(
      article({ pmid: '1' }).replace(
        '<Initials>JA</Initials>',
        '<Initials>JA</Initials><AffiliationInfo><Affiliation>Dept &eacute;</Affiliation></AffiliationInfo>',
      ),
    );
    expect(await readText(xml)).toEqual([expect.objectContaining({ kind: 'skip', recordId: 'pmid:1', reason: expect.stringContaining('&eacute;') })]);
  });

  it('skips a record without a PMID', async () => {
    const xml = articleSet(article({ pmid: '' }), article({ pmid: '2' }));
    const items = await readText(xml);
    expect(items[0]).toEqual({ kind: 'skip', line: 4, reason: '<PubmedArticle> has no PMID, so it cannot be identified' });
    expect(ids(items)).toEqual(['skip', 'pmid:2']);
  });

  it('reports text between records and reads on', async () => {
    const xml = articleSet(article({ pmid: '1' }), 'garbage here\n', article({ pmid: '2' }));
    const items = await readText(xml);
    expect(ids(items)).toEqual(['pmid:1', 'skip', 'pmid:2']);
    expect(items[1]).toEqual({ kind: 'skip', line: lineOf(xml, 'garbage'), reason: 'unexpected text between records: "garbage here"' });
  });

  it('treats garbage inside a record as that record\'s error', async () => {
    const xml = articleSet(article({ pmid: '1', title: 'Fine' }).replace('<Language>', '<<<>>>\n<Language>'), article({ pmid: '2' }));
    const items = await readText(xml);
    expect(ids(items)).toEqual(['skip', 'pmid:2']);
    expect(items[0]).toMatchObject({ kind: 'skip', recordId: 'pmid:1', line: lineOf(xml, '<<<') });
  });

  it('throws a CitemedError for a file that is not a MEDLINE/PubMed set', async () => {
    const jats = '<?xml version="1.0"?>\n<article><front/></article>';
    const error: unknown = await readText(jats).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CitemedError);
    expect(error).toMatchObject({ code: 'unsupported-format' });
    expect((error as Error).message).toBe(
      `${TEST_PATH} is not a MEDLINE/PubMed XML file: its root element is <article>, expected <PubmedArticleSet> or <MedlineCitationSet>`,
    );
    await expect(readText('')).rejects.toThrow(`${TEST_PATH} is not a MEDLINE/PubMed XML file: the file is empty`);
    await expect(readText('{"json": true}')).rejects.toThrow(/text before the first element/);
  });

  it('reads an empty set as no items', async () => {
    expect(await readText('<?xml version="1.0"?>\n<PubmedArticleSet/>\n')).toEqual([]);
    expect(await readText(articleSet())).toEqual([]);
  });
});

describe('readMedline: text survives intact', () => {
  it('keeps astral-plane characters, combining marks and right-to-left text, in any chunking', async () => {
    const abstract =
      '𝛃-lactam 🧬 &#x1F9EC; resistance; Cafe\u0301 (combining acute) vs Café; ' +
      'Arabic العربية and Hebrew עברית with \u200f marks; Devanagari हिन्दी; ZWJ 👩\u200d⚕️.';
    const title = 'Ἀρχή — “quoted” 中文标题';
    const xml = articleSet(article({ title, abstract: `<AbstractText>${abstract}</AbstractText>` }));
    const expected = abstract.replace('&#x1F9EC;', '🧬');
    for (const chunkSize of [undefined, 1, 2, 3, 7]) {
      const source = onlySource(await readText(xml, chunkSize));
      expect(source.title).toBe(title);
      expect(source.text).toBe(expected);
      const paragraph = source.paragraphs[0];
      expect(paragraph && source.text.slice(paragraph.start, paragraph.end)).toBe(expected);
    }
  });

  it('keeps a 1 MB abstract whole, fed in 64 KB chunks that split characters', async () => {
    const sentence = 'Serum urate fell by 2.1 mg/dL (95% CI 1.8–2.4) in the β-blocker arm — ±0.3 µmol. ';
    const abstract = sentence.repeat(Math.ceil((1 << 20) / sentence.length)).trim();
    const xml = articleSet(article({ pmid: '1' }), article({ pmid: '2', abstract: `<AbstractText>${abstract}</AbstractText>` }), article({ pmid: '3' }));
    const items = await collect(inChunksOf(encode(xml), 65_536 + 1));
    expect(ids(items)).toEqual(['pmid:1', 'pmid:2', 'pmid:3']);
    const big = sourcesOf(items)[1];
    expect(big?.text.length).toBe(abstract.length);
    expect(big?.text === abstract).toBe(true);
  });

  it('yields the first record before the input has ended', async () => {
    let releaseRest!: () => void;
    const restMayCome = new Promise<void>((resolve) => {
      releaseRest = resolve;
    });
    let inputEnded = false;
    async function* bytes(): AsyncGenerator<Uint8Array> {
      yield encode(PUBMED_HEAD + article({ pmid: '1' }));
      await restMayCome;
      yield encode(article({ pmid: '2' }) + '</PubmedArticleSet>\n');
      inputEnded = true;
    }
    const items = readMedline({ bytes: bytes(), path: TEST_PATH })[Symbol.asyncIterator]();
    // If the reader waited for the whole input this would never resolve: the input waits for us.
    const first = await items.next();
    expect(inputEnded).toBe(false);
    expect(first.value).toMatchObject({ kind: 'source', source: { id: 'pmid:1' } });
    releaseRest();
    const second = await items.next();
    expect(second.value).toMatchObject({ kind: 'source', source: { id: 'pmid:2' } });
    expect((await items.next()).done).toBe(true);
    expect(inputEnded).toBe(true);
  }, 10_000);
});
