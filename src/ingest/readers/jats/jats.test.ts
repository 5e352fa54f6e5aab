import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { normalizeSpace } from '../../../domain/text.js';
import { DEFAULT_IDS, jatsArticle, paragraphsOf, readItems, readSource, TEST_PATH } from './test-helpers.js';

describe('readJats: the file as a whole', () => {
  it('reads a minimal article into one source', async () => {
    const source = await readSource(jatsArticle());
    expect(source).toMatchObject({
      id: 'pmc:PMC222',
      ids: { pmid: '111', pmcid: 'PMC222', doi: '10.1000/test.1' },
      title: 'A test article',
      authors: ['Doe JA'],
      journal: 'Journal of Tests',
      year: 2020,
      published: '2020-06-05',
      publicationTypes: ['Journal Article'],
      mesh: [],
      keywords: [],
      correctionLinks: [],
      references: [],
      version: { number: 1 },
      origin: { format: 'jats', path: TEST_PATH, line: 1 },
      text: 'Some text.',
      sections: [{ path: ['Introduction'], start: 0, end: 10 }],
      paragraphs: [{ section: 0, start: 0, end: 10 }],
    });
  });

  it('reads a file that starts with a UTF-8 byte order mark', async () => {
    const bytes = new TextEncoder().encode(jatsArticle());
    const withBom = new Uint8Array([0xef, 0xbb, 0xbf, ...bytes]);
    expect((await readSource(withBom)).title).toBe('A test article');
  });

  it('skips a file that is not well-formed, with the line of the error', async () => {
    const xml = jatsArticle({ body: '<sec><title>Intro</title>\n<p>An <italic>unclosed</p>\n</sec>' });
    const errorLine = xml.split('\n').findIndex((line) => line.includes('unclosed')) + 1;
    const items = await readItems(xml);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ kind: 'skip', line: errorLine });
    expect(items[0]?.kind === 'skip' && items[0].reason).toMatch(/^not well-formed XML: unexpected close tag at column \d+ \(<italic> was not closed\)/);
  });

  it('skips a truncated file rather than yield half an article', async () => {
    const xml = jatsArticle();
    const items = await readItems(xml.slice(0, xml.indexOf('</body>')));
    expect(items).toEqual([expect.objectContaining({ kind: 'skip', reason: expect.stringMatching(/^not well-formed XML/) })]);
  });

  it('skips an entity no DTD-less parser can know, and accepts the common HTML ones', async () => {
    const unknown = await readItems(jatsArticle({ body: '<p>5 &madeup; 6</p>' }));
    expect(unknown).toEqual([
      { kind: 'skip', line: 6, reason: expect.stringMatching(/^not well-formed XML: undefined entity at column \d+ \(inside <p>\)/) },
    ]);
    const known = await readSource(jatsArticle({ body: '<p>5&ndash;6&nbsp;mg &alpha;&gt;&beta;</p>' }));
    expect(known.text).toBe('5–6\u00a0mg α>β');
  });

  it('skips an article that has neither PMCID nor DOI, saying why', async () => {
    const items = await readItems(jatsArticle({ ids: '<article-id pub-id-type="pmid">111</article-id>' }));
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ kind: 'skip', line: 3 });
    expect(items[0]?.kind === 'skip' && items[0].reason).toMatch(/no PMCID or DOI/);
  });

  it('names an article that has a DOI but no PMCID by its DOI', async () => {
    const source = await readSource(jatsArticle({ ids: '<article-id pub-id-type="doi">10.5555/Abc.12</article-id>' }));
    expect(source.id).toBe('doi:10.5555/Abc.12');
    expect(source.ids).toEqual({ doi: '10.5555/Abc.12' });
  });

  it('accepts pub-id-type="pmcid" with the PMC prefix already there', async () => {
    const source = await readSource(jatsArticle({ ids: '<article-id pub-id-type="pmcid">pmc9876</article-id>' }));
    expect(source.id).toBe('pmc:PMC9876');
  });

  it('skips an article without a title or without any text', async () => {
    const untitled = await readItems(jatsArticle({ meta: '<title-group><article-title> </article-title></title-group>' }));
    expect(untitled).toEqual([
      expect.objectContaining({ kind: 'skip', recordId: 'pmc:PMC222', reason: expect.stringMatching(/no article-title/) }),
    ]);
    const empty = await readItems(jatsArticle({ body: '' }));
    expect(empty).toEqual([
      expect.objectContaining({ kind: 'skip', recordId: 'pmc:PMC222', reason: expect.stringMatching(/no abstract or body text/) }),
    ]);
  });

  it('skips a well-formed file that is not JATS', async () => {
    const items = await readItems('<?xml version="1.0"?>\n<PubmedArticleSet><PubmedArticle/></PubmedArticleSet>');
    expect(items).toEqual([
      { kind: 'skip', line: 1, reason: expect.stringMatching(/no <article> element \(the root element is <PubmedArticleSet>\)/) },
    ]);
  });

  it('reads every article of a <pmc-articleset>, each with the line it starts on', async () => {
    const article = (pmc: string, title: string) =>
      `<article article-type="review-article"><front><article-meta><article-id pub-id-type="pmc">${pmc}</article-id>` +
      `<title-group><article-title>${title}</article-title></title-group></article-meta></front><body><p>Text of ${title}.</p></body></article>`;
    const xml = `<pmc-articleset>\n${article('1', 'One')}\n\n${article('2', 'Two')}\n</pmc-articleset>`;
    const items = await readItems(xml);
    expect(items.map((i) => (i.kind === 'source' ? [i.source.id, i.source.origin.line, i.source.text] : i))).toEqual([
      ['pmc:PMC1', 2, 'Text of One.'],
      ['pmc:PMC2', 4, 'Text of Two.'],
    ]);
  });

  it('keeps odd Unicode intact: astral characters, combining marks, joiners, RTL, no-break and thin spaces', async () => {
    const odd = [
      'Emoji 🧬 and 𝛼-helix (astral)',
      'cafe\u0301 with a combining accent',
      'family 👩\u200d👩\u200d👧 joined',
      'עברית and العربية',
      '5\u2009mg and 10\u00a0mL',
      '中文 日本語 한국어',
      'char refs &#x1F600; &#233; &#x2212;1',
    ];
    const source = await readSource(jatsArticle({ body: odd.map((line) => `<p>${line}</p>`).join('') }));
    expect(paragraphsOf(source).map((p) => p.text)).toEqual([
      ...odd.slice(0, -1),
      'char refs 😀 é −1',
    ]);
  });

  it('keeps a 1 MB paragraph intact', async () => {
    const words = ['dose', 'μg/kg', 'patients', 'ß-blocker', '≥65', 'years', 'naïve', 'outcome'];
    const parts: string[] = [];
    let length = 0;
    for (let i = 0; length < 1_048_576; i += 1) {
      const word = words[i % words.length] ?? '';
      parts.push(word);
      length += word.length + 1;
    }
    // Words separated by XML indentation, which must collapse to one space each.
    const paragraph = parts.join(' \n   ');
    const source = await readSource(jatsArticle({ body: `<sec><title>Long</title><p>${paragraph}</p></sec>` }));
    expect(source.paragraphs).toHaveLength(1);
    expect(source.text).toBe(normalizeSpace(paragraph));
    expect(source.text.length).toBeGreaterThan(1_000_000);
  });

  it('gives the same source when the bytes are split anywhere, even inside a UTF-8 character', async () => {
    const xml = jatsArticle({
      meta:
        '<title-group><article-title>Ångström λ 🧬 naïve <italic>café</italic></article-title></title-group>' +
        '<contrib-group><contrib contrib-type="author"><name><surname>Øster</surname><given-names>Åsa</given-names></name></contrib></contrib-group>',
      ids: DEFAULT_IDS,
      body: '<sec><title>Résumé</title><p>Ω ≥ 5 µg 𝛼 — “quoted” <xref ref-type="bibr" rid="r1">[1]</xref></p></sec>',
      back: '<ref-list><ref id="r1"><element-citation><person-group><name><surname>Ünal</surname><given-names>Ö</given-names></name></person-group><article-title>Über 🧬</article-title><source>Zeitschrift</source><year>1999</year></element-citation></ref></ref-list>',
    });
    const bytes = new TextEncoder().encode(xml);
    const whole = await readItems(bytes);
    expect(whole[0]?.kind).toBe('source');
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 30 }), async (cuts) => {
        expect(await readItems(bytes, cuts)).toEqual(whole);
      }),
      { numRuns: 200 },
    );
    // Every single-byte split, so each split inside a multi-byte character is tried.
    for (let cut = 1; cut < bytes.length; cut += 1) {
      expect(await readItems(bytes, [cut])).toEqual(whole);
    }
  });
});
