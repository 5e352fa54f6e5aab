import { describe, expect, it } from 'vitest';
import { normalizeSpace } from '../../../domain/text.js';
import { article, articleSet, lineOf, onlySource, readText, sourcesOf, TEST_PATH } from './testing.js';

const FULL_RECORD = `<?xml version="1.0" ?>
<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2024//EN" "https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_240101.dtd">
<PubmedArticleSet>
<PubmedArticle>
  <MedlineCitation Status="MEDLINE" Owner="NLM">
    <PMID Version="2">31000001</PMID>
    <DateCompleted><Year>2020</Year><Month>03</Month><Day>02</Day></DateCompleted>
    <DateRevised><Year>2021</Year><Month>07</Month><Day>15</Day></DateRevised>
    <Article PubModel="Print-Electronic">
      <Journal>
        <ISSN IssnType="Electronic">1234-5678</ISSN>
        <JournalIssue CitedMedium="Internet"><Volume>3</Volume><PubDate><Year>2019</Year><Month>Dec</Month><Day>5</Day></PubDate></JournalIssue>
        <Title>The  Journal of
          Tests</Title>
      </Journal>
      <ArticleTitle>Colchicine for <i>acute</i> gout flares.</ArticleTitle>
      <ELocationID EIdType="pii" ValidYN="Y">S0000-0000(19)00000-0</ELocationID>
      <ELocationID EIdType="doi" ValidYN="N">10.9999/withdrawn</ELocationID>
      <ELocationID EIdType="doi" ValidYN="Y">10.1000/test.1</ELocationID>
      <Abstract>
        <AbstractText Label="BACKGROUND" NlmCategory="BACKGROUND">Gout flares hurt.</AbstractText>
        <AbstractText Label="Methods and Findings" NlmCategory="METHODS">We   randomised
          120 adults.</AbstractText>
        <AbstractText Label="METHODS AND RESULTS" NlmCategory="RESULTS">Pain fell.</AbstractText>
        <CopyrightInformation>© 2019 The Authors.</CopyrightInformation>
      </Abstract>
      <AuthorList CompleteYN="Y">
        <Author ValidYN="Y"><LastName>Smith</LastName><ForeName>Jane A</ForeName><Initials>JA</Initials><AffiliationInfo><Affiliation>Somewhere &amp; elsewhere.</Affiliation></AffiliationInfo></Author>
        <Author ValidYN="N"><LastName>Wrong</LastName><Initials>W</Initials></Author>
        <Author ValidYN="Y"><LastName>Nguyen</LastName><ForeName>Van-Anh</ForeName></Author>
        <Author ValidYN="Y"><CollectiveName>GOUT Trial Group</CollectiveName></Author>
      </AuthorList>
      <Language>eng</Language>
      <PublicationTypeList>
        <PublicationType UI="D016449">Randomized Controlled Trial</PublicationType>
        <PublicationType UI="D016428">Journal Article</PublicationType>
      </PublicationTypeList>
      <ArticleDate DateType="Electronic"><Year>2019</Year><Month>10</Month><Day>01</Day></ArticleDate>
    </Article>
    <MedlineJournalInfo><Country>England</Country><MedlineTA>J Tests</MedlineTA></MedlineJournalInfo>
    <CommentsCorrectionsList>
      <CommentsCorrections RefType="ErratumIn"><RefSource>J Tests. 2020;1:2</RefSource><PMID Version="1">31000099</PMID></CommentsCorrections>
      <CommentsCorrections RefType="CommentOn"><RefSource>Other J. 2018;5:6</RefSource></CommentsCorrections>
      <CommentsCorrections RefType="Cites"><RefSource>Old J. 1990;1:1</RefSource><PMID Version="1">100</PMID></CommentsCorrections>
    </CommentsCorrectionsList>
    <MeshHeadingList>
      <MeshHeading><DescriptorName UI="D006073" MajorTopicYN="N">Gout</DescriptorName><QualifierName UI="Q000188" MajorTopicYN="Y">drug therapy</QualifierName></MeshHeading>
      <MeshHeading><DescriptorName UI="D006801" MajorTopicYN="N">Humans</DescriptorName></MeshHeading>
      <MeshHeading><DescriptorName UI="D003078" MajorTopicYN="Y">Colchicine</DescriptorName><QualifierName UI="Q000627" MajorTopicYN="N">therapeutic use</QualifierName></MeshHeading>
    </MeshHeadingList>
    <OtherID Source="NLM">PMC9999999</OtherID>
    <OtherAbstract Type="plain-language-summary" Language="eng"><AbstractText>Colchicine helps.</AbstractText></OtherAbstract>
    <OtherAbstract Type="Publisher" Language="fre"><AbstractText>Résumé.</AbstractText></OtherAbstract>
    <KeywordList Owner="NOTNLM"><Keyword MajorTopicYN="N">gout</Keyword><Keyword MajorTopicYN="N"> colchicine </Keyword></KeywordList>
  </MedlineCitation>
  <PubmedData>
    <History><PubMedPubDate PubStatus="entrez"><Year>2019</Year><Month>12</Month><Day>6</Day></PubMedPubDate></History>
    <PublicationStatus>ppublish</PublicationStatus>
    <ArticleIdList>
      <ArticleId IdType="pubmed">31000001</ArticleId>
      <ArticleId IdType="doi">10.1000/other</ArticleId>
      <ArticleId IdType="pmc">PMC7000001</ArticleId>
    </ArticleIdList>
    <ReferenceList>
      <Reference><Citation>A cited work.</Citation><ArticleIdList><ArticleId IdType="pmc">PMC1</ArticleId></ArticleIdList></Reference>
    </ReferenceList>
  </PubmedData>
</PubmedArticle>
</PubmedArticleSet>
`;

describe('readMedline: the fields of a PubmedArticle', () => {
  it('reads identifiers, bibliographic fields, MeSH, links and version', async () => {
    const source = onlySource(await readText(FULL_RECORD));
    const { text, sections, paragraphs, ...fields } = source;
    expect(fields).toEqual({
      id: 'pmid:31000001',
      // ELocationID doi wins over ArticleId doi; the invalid ELocationID is passed over; the
      // PMC id comes from PubmedData, not from OtherID nor from the reference list.
      ids: { pmid: '31000001', pmcid: 'PMC7000001', doi: '10.1000/test.1' },
      title: 'Colchicine for acute gout flares.',
      authors: ['Smith JA', 'Nguyen VA', 'GOUT Trial Group'],
      journal: 'The Journal of Tests',
      year: 2019,
      published: '2019-12-05',
      language: 'eng',
      publicationTypes: ['Randomized Controlled Trial', 'Journal Article'],
      mesh: [
        { descriptor: 'Gout', ui: 'D006073', majorTopic: true, qualifiers: ['drug therapy'] },
        { descriptor: 'Humans', ui: 'D006801', majorTopic: false, qualifiers: [] },
        { descriptor: 'Colchicine', ui: 'D003078', majorTopic: true, qualifiers: ['therapeutic use'] },
      ],
      keywords: ['gout', 'colchicine'],
      correctionLinks: [
        { relation: 'ErratumIn', pmid: '31000099', citation: 'J Tests. 2020;1:2' },
        { relation: 'CommentOn', citation: 'Other J. 2018;5:6' },
      ],
      licence: '© 2019 The Authors.',
      version: { number: 2, revised: '2021-07-15' },
      references: [],
      origin: { format: 'medline', path: TEST_PATH, line: 4 },
    });
  });

  it('makes each AbstractText a paragraph under its label, then the English other abstract', async () => {
    const { text, sections, paragraphs } = onlySource(await readText(FULL_RECORD));
    expect(text).toBe('Gout flares hurt.\n\nWe randomised 120 adults.\n\nPain fell.\n\nColchicine helps.');
    expect(sections.map((section) => section.path)).toEqual([
      ['Background'],
      ['Methods and Findings'],
      ['Methods and results'],
      ['Plain language summary'],
    ]);
    expect(paragraphs.map((p) => text.slice(p.start, p.end))).toEqual([
      'Gout flares hurt.',
      'We randomised 120 adults.',
      'Pain fell.',
      'Colchicine helps.',
    ]);
    expect(paragraphs.map((p) => p.section)).toEqual([0, 1, 2, 3]);
    for (const section of sections) expect(text.slice(section.start, section.end)).not.toMatch(/^\s|\s$/);
  });

  it('puts unlabelled AbstractTexts under "Abstract" and labelled parts of other abstracts under both names', async () => {
    const xml = articleSet(
      article({
        pmid: '5',
        abstract: '<AbstractText>First.</AbstractText><AbstractText>Second.</AbstractText>',
        citationExtra:
          '<OtherAbstract Type="Publisher" Language="eng"><AbstractText Label="AIM">To see.</AbstractText></OtherAbstract>\n',
      }),
    );
    const { text, sections } = onlySource(await readText(xml));
    expect(sections).toEqual([
      { path: ['Abstract'], start: 0, end: 'First.\n\nSecond.'.length },
      { path: ['Other abstract', 'Aim'], start: 'First.\n\nSecond.\n\n'.length, end: text.length },
    ]);
  });

  it('gives a record with no abstract an empty text', async () => {
    const xml = articleSet(article({ pmid: '6', abstract: '' }).replace(/ *<Abstract>[\s\S]*?<\/Abstract>\n/, ''));
    const source = onlySource(await readText(xml));
    expect(source).toMatchObject({ id: 'pmid:6', title: 'Title of 6.', text: '', sections: [], paragraphs: [] });
  });

  it('flattens inline markup (HTML-like and MathML) in titles and abstracts', async () => {
    const math =
      '<mml:math xmlns:mml="http://www.w3.org/1998/Math/MathML"><mml:semantics><mml:mrow><mml:mi>x</mml:mi>' +
      '<mml:mo>≥</mml:mo><mml:mn>2</mml:mn></mml:mrow><mml:annotation encoding="application/x-tex">x \\geq 2</mml:annotation>' +
      '</mml:semantics></mml:math>';
    const xml = articleSet(
      article({
        title: '<i>In vitro</i> effect of CO<sub>2</sub> on <b>Ca</b><sup>2+</sup> and <u>urate</u>',
        abstract: `<AbstractText Label="RESULTS">When ${math}, risk rose (<i>P</i> &lt; 0.05; <![CDATA[a < b]]>).</AbstractText>`,
      }),
    );
    const source = onlySource(await readText(xml));
    expect(source.title).toBe('In vitro effect of CO2 on Ca2+ and urate');
    expect(source.text).toBe('When x≥2, risk rose (P < 0.05; a < b).');
  });

  it('keeps bracketed translated titles as published and falls back to VernacularTitle', async () => {
    const translated = articleSet(article({ pmid: '7', title: '[Vaccines are drugs].' }));
    expect(onlySource(await readText(translated)).title).toBe('[Vaccines are drugs].');

    const vernacularOnly = articleSet(
      article({ pmid: '8', title: '' }).replace('</Article>', '  <VernacularTitle>I vaccini sono farmaci.</VernacularTitle>\n    </Article>'),
    );
    expect(onlySource(await readText(vernacularOnly)).title).toBe('I vaccini sono farmaci.');
  });

  it.each([
    ['<Year>2019</Year><Month>12</Month><Day>31</Day>', 2019, '2019-12-31'],
    ['<Year>1985</Year><Month>Aug</Month>', 1985, '1985-08'],
    ['<Year>2001</Year><Season>May-Jun</Season>', 2001, '2001'],
    ['<MedlineDate>1998 Dec-1999 Jan</MedlineDate>', 1998, '1998'],
  ])('reads PubDate %s as %i, "%s"', async (pubDate, year, published) => {
    const source = onlySource(await readText(articleSet(article({ pubDate }))));
    expect({ year: source.year, published: source.published }).toEqual({ year, published });
  });

  it('falls back from PubDate to ArticleDate, then DateCompleted, then DateCreated', async () => {
    const withArticleDate = article({ pmid: '1', pubDate: '' }).replace(
      '</Article>',
      '<ArticleDate DateType="Electronic"><Year>2015</Year><Month>06</Month><Day>22</Day></ArticleDate></Article>',
    );
    const withCompleted = article({ pmid: '2', pubDate: '', citationExtra: '<DateCompleted><Year>2008</Year><Month>02</Month><Day>07</Day></DateCompleted>\n' });
    const withCreated = article({ pmid: '3', pubDate: '', citationExtra: '<DateCreated><Year>2007</Year><Month>10</Month><Day>18</Day></DateCreated>\n' });
    const sources = sourcesOf(await readText(articleSet(withArticleDate, withCompleted, withCreated)));
    expect(sources.map((s) => [s.id, s.year, s.published])).toEqual([
      ['pmid:1', 2015, '2015-06-22'],
      ['pmid:2', 2008, '2008-02-07'],
      ['pmid:3', 2007, '2007-10-18'],
    ]);
  });

  it('reads a DeleteCitation as a delete item at its line', async () => {
    const xml = articleSet(
      article({ pmid: '1' }),
      '<DeleteCitation>\n<PMID Version="1">26432306</PMID>\n<PMID Version="2">26432307</PMID>\n</DeleteCitation>\n',
    );
    const items = await readText(xml);
    expect(items[1]).toEqual({ kind: 'delete', sourceIds: ['pmid:26432306', 'pmid:26432307'], line: lineOf(xml, '<DeleteCitation>') });
  });

  it('reads the 2016 MEDLINE DTD (<MedlineCitationSet>, DateCreated, OtherID PMC ids)', async () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE MedlineCitationSet PUBLIC "-//NLM//DTD Medline Citation, 1st January, 2016//EN"
                                    "https://www.nlm.nih.gov/databases/dtd/nlmmedlinecitationset_160101.dtd">
<MedlineCitationSet>
<MedlineCitation Owner="NLM" Status="MEDLINE">
<PMID Version="1">26702309</PMID>
<DateCreated>
<Year>2015</Year>
<Month>12</Month>
<Day>24</Day>
</DateCreated>
<Article PubModel="Print-Electronic">
<Journal>
<JournalIssue CitedMedium="Print">
<PubDate>
<MedlineDate>2015 Oct-Dec</MedlineDate>
</PubDate>
</JournalIssue>
<Title>Systems and synthetic biology</Title>
</Journal>
<ArticleTitle>Diversity oriented synthesis.</ArticleTitle>
<Language>eng</Language>
</Article>
<OtherID Source="NLM">NIHMS703885 [Available on 12/22/16]</OtherID>
<OtherID Source="NLM">PMC4688250 [Available on 12/22/16]</OtherID>
</MedlineCitation>
<DeleteCitation>
<PMID Version="1">26432306</PMID>
</DeleteCitation>
</MedlineCitationSet>`;
    const items = await readText(xml);
    expect(items).toEqual([
      {
        kind: 'source',
        source: expect.objectContaining({
          id: 'pmid:26702309',
          ids: { pmid: '26702309', pmcid: 'PMC4688250' },
          year: 2015,
          published: '2015',
          version: { number: 1 },
          origin: { format: 'medline', path: TEST_PATH, line: 5 },
          text: '',
        }),
      },
      { kind: 'delete', sourceIds: ['pmid:26432306'], line: lineOf(xml, '<DeleteCitation>') },
    ]);
  });

  it('reads a PubmedBookArticle (chapter of a book)', async () => {
    const xml = articleSet(`<PubmedBookArticle>
  <BookDocument>
    <PMID Version="1">20301295</PMID>
    <ArticleIdList><ArticleId IdType="bookaccession">NBK1116</ArticleId></ArticleIdList>
    <Book>
      <Publisher><PublisherName>University of Washington, Seattle</PublisherName><PublisherLocation>Seattle (WA)</PublisherLocation></Publisher>
      <BookTitle book="gene">GeneReviews<sup>®</sup></BookTitle>
      <PubDate><Year>1993</Year></PubDate>
      <AuthorList Type="editors"><Author><LastName>Adam</LastName><ForeName>Margaret P</ForeName><Initials>MP</Initials></Author></AuthorList>
    </Book>
    <LocationLabel Type="chapter">Alpha-1 Antitrypsin Deficiency</LocationLabel>
    <ArticleTitle book="gene" part="alpha1-a">Alpha-1 Antitrypsin Deficiency</ArticleTitle>
    <Language>eng</Language>
    <AuthorList Type="authors"><Author><LastName>Stoller</LastName><ForeName>James K</ForeName><Initials>JK</Initials></Author></AuthorList>
    <PublicationType UI="D016454">Review</PublicationType>
    <Abstract>
      <AbstractText Label="CLINICAL CHARACTERISTICS" NlmCategory="UNASSIGNED">AATD can present with COPD.</AbstractText>
      <AbstractText Label="DIAGNOSIS/TESTING" NlmCategory="UNASSIGNED">Low serum AAT.</AbstractText>
      <CopyrightInformation>Copyright © 1993-2024, University of Washington, Seattle.</CopyrightInformation>
    </Abstract>
    <ContributionDate><Year>2006</Year><Month>10</Month><Day>27</Day></ContributionDate>
    <DateRevised><Year>2023</Year><Month>06</Month><Day>01</Day></DateRevised>
  </BookDocument>
  <PubmedBookData>
    <History><PubMedPubDate PubStatus="pubmed"><Year>2010</Year><Month>3</Month><Day>20</Day></PubMedPubDate></History>
    <PublicationStatus>ppublish</PublicationStatus>
    <ArticleIdList><ArticleId IdType="pubmed">20301295</ArticleId></ArticleIdList>
  </PubmedBookData>
</PubmedBookArticle>
`);
    const source = onlySource(await readText(xml));
    expect(source).toMatchObject({
      id: 'pmid:20301295',
      ids: { pmid: '20301295' },
      title: 'Alpha-1 Antitrypsin Deficiency',
      journal: 'GeneReviews®',
      authors: ['Stoller JK'],
      year: 1993,
      published: '1993',
      language: 'eng',
      publicationTypes: ['Review'],
      licence: 'Copyright © 1993-2024, University of Washington, Seattle.',
      version: { number: 1, revised: '2023-06-01' },
      text: 'AATD can present with COPD.\n\nLow serum AAT.',
    });
    expect(source.sections.map((s) => s.path)).toEqual([['Clinical characteristics'], ['Diagnosis/testing']]);
  });

  it('normalises whitespace in every paragraph the way the text builder does', async () => {
    const raw = '  Line one\n\t\tline two   with  gaps\u00a0and a no-break space.  ';
    const source = onlySource(await readText(articleSet(article({ abstract: `<AbstractText>${raw}</AbstractText>` }))));
    expect(source.text).toBe(normalizeSpace(raw));
    expect(source.text).toContain('\u00a0');
  });
});
