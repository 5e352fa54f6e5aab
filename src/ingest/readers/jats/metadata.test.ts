import { describe, expect, it } from 'vitest';
import { choosePubDate } from './dates.js';
import { normalizeDoi } from '../../../domain/source.js';
import { normalizePmcid } from './metadata.js';
import { formatAuthor, initialsOf } from './names.js';
import { publicationTypeOfArticleType, publicationTypeOfSubject } from './publication-types.js';
import { jatsArticle, readSource } from './test-helpers.js';

const TITLE = '<title-group><article-title>T</article-title></title-group>';

describe('JATS front matter', () => {
  it('flattens inline markup in the title and drops footnote markers', async () => {
    const source = await readSource(
      jatsArticle({
        meta:
          '<title-group><article-title>Effect of <italic>H. pylori</italic> on CO<sub>2</sub> and Ca<sup>2+</sup><xref ref-type="fn" rid="fn1">*</xref></article-title>' +
          '<alt-title>Running head</alt-title></title-group>',
      }),
    );
    expect(source.title).toBe('Effect of H. pylori on CO2 and Ca2+');
  });

  it('lists authors as "Surname Initials", collaborations by name, and leaves out editors', async () => {
    const source = await readSource(
      jatsArticle({
        meta:
          TITLE +
          '<contrib-group>' +
          '<contrib contrib-type="author"><name><surname>Boutron-Ruault</surname><given-names>Marie-Christine</given-names></name><xref ref-type="aff" rid="a1">1</xref></contrib>' +
          '<contrib contrib-type="author"><name><surname>Smith</surname><given-names>J. R.</given-names><suffix>Jr</suffix></name></contrib>' +
          '<contrib contrib-type="author"><name><surname>Plato</surname></name></contrib>' +
          '<contrib contrib-type="author"><collab>The EPIC Study Group<contrib-group><contrib contrib-type="author"><name><surname>Member</surname><given-names>A</given-names></name></contrib></contrib-group></collab></contrib>' +
          '<contrib><name><surname>Untyped</surname><given-names>Ann</given-names></name></contrib>' +
          '</contrib-group>' +
          '<contrib-group><contrib contrib-type="editor"><name><surname>Editor</surname><given-names>E</given-names></name></contrib></contrib-group>',
      }),
    );
    expect(source.authors).toEqual(['Boutron-Ruault MC', 'Smith JR Jr', 'Plato', 'The EPIC Study Group', 'Untyped A']);
  });

  it('takes the journal title inside or outside journal-title-group', async () => {
    const xml = jatsArticle().replace(
      '<journal-title-group><journal-title>Journal of Tests</journal-title></journal-title-group>',
      '<journal-id journal-id-type="nlm-ta">J Tests</journal-id><journal-title>Old DTD Journal</journal-title>',
    );
    expect((await readSource(xml)).journal).toBe('Old DTD Journal');
  });

  it('maps the article type and publication-type subjects to NLM publication types', async () => {
    const source = await readSource(
      jatsArticle({
        attributes: 'article-type="review-article" xml:lang="en"',
        meta:
          '<article-categories><subj-group subj-group-type="heading"><subject>Systematic Review</subject>' +
          '<subj-group><subject>meta-analysis</subject><subject>Cardiology</subject></subj-group></subj-group></article-categories>' +
          TITLE,
      }),
    );
    expect(source.publicationTypes).toEqual(['Review', 'Systematic Review', 'Meta-Analysis']);
    expect(source.language).toBe('en');
  });

  it('reads keywords from every kwd-group, once each', async () => {
    const source = await readSource(
      jatsArticle({
        meta:
          TITLE +
          '<kwd-group><title>Keywords</title><kwd>gout</kwd><kwd><italic>in vitro</italic> flare</kwd></kwd-group>' +
          '<kwd-group kwd-group-type="abbreviations"><kwd>gout</kwd><kwd>UA</kwd></kwd-group>',
      }),
    );
    expect(source.keywords).toEqual(['gout', 'in vitro flare', 'UA']);
  });

  it('takes the licence from xlink:href, then ali:license_ref, then license-type, then its text', async () => {
    const licence = async (permissions: string) =>
      (await readSource(jatsArticle({ meta: `${TITLE}<permissions>${permissions}</permissions>` }))).licence;
    expect(
      await licence('<license license-type="open-access" xlink:href="https://creativecommons.org/licenses/by/4.0/"><license-p>CC BY</license-p></license>'),
    ).toBe('https://creativecommons.org/licenses/by/4.0/');
    expect(
      await licence(
        '<license><ali:license_ref xmlns:ali="http://www.niso.org/schemas/ali/1.0/">https://creativecommons.org/licenses/by-nc/4.0/</ali:license_ref><license-p>Text</license-p></license>',
      ),
    ).toBe('https://creativecommons.org/licenses/by-nc/4.0/');
    expect(await licence('<license license-type="open-access"><license-p>Some text</license-p></license>')).toBe('open-access');
    expect(await licence('<license><license-p>Distributed under <bold>CC BY</bold>.</license-p></license>')).toBe('Distributed under CC BY.');
    expect(await licence('<copyright-statement>© 2020</copyright-statement>')).toBeUndefined();
  });

  it('turns related-article links into correction links MEDLINE-style', async () => {
    const source = await readSource(
      jatsArticle({
        attributes: 'article-type="retraction"',
        meta:
          TITLE +
          '<related-article related-article-type="retracted-article" ext-link-type="pubmed" xlink:href="12345"/>' +
          '<related-article related-article-type="commentary-article" ext-link-type="pubmed" xlink:href="999"/>',
        body: '<p>This article has been retracted: see <related-article related-article-type="corrected-article" ext-link-type="doi" xlink:href="10.1000/x.1">Lancet 2010;375:445</related-article>.</p>',
      }),
    );
    expect(source.publicationTypes).toEqual(['Retraction of Publication']);
    expect(source.correctionLinks).toEqual([
      { relation: 'RetractionOf', pmid: '12345' },
      { relation: 'ErratumFor', citation: 'Lancet 2010;375:445' },
    ]);
    expect(source.text).toBe('This article has been retracted: see Lancet 2010;375:445.');
  });

  it('prefers the electronic publication date, then print, then collection', async () => {
    const date = (type: string, y: string, m?: string, d?: string) =>
      `<pub-date ${type}>${d ? `<day>${d}</day>` : ''}${m ? `<month>${m}</month>` : ''}<year>${y}</year></pub-date>`;
    const published = async (dates: string) => {
      const source = await readSource(jatsArticle({ meta: TITLE + dates }));
      return [source.year, source.published];
    };
    expect(await published(date('pub-type="collection"', '2011') + date('pub-type="epub"', '2011', '8', '2'))).toEqual([2011, '2011-08-02']);
    expect(await published(date('pub-type="ppub"', '2013', 'Mar') + date('pub-type="collection"', '2012'))).toEqual([2013, '2013-03']);
    // JATS 1.1+ spelling of the same thing.
    expect(
      await published(
        date('date-type="pub" publication-format="print"', '2019', '1') +
          date('date-type="pub" publication-format="electronic"', '2018', '12', '24'),
      ),
    ).toEqual([2018, '2018-12-24']);
    expect(await published(date('pub-type="pmc-release"', '2020', '1', '1'))).toEqual([undefined, undefined]);
  });
});

describe('front-matter helpers', () => {
  it('writes initials the way MEDLINE does', () => {
    expect(initialsOf('John J')).toBe('JJ');
    expect(initialsOf('Ing-Nang')).toBe('IN');
    expect(initialsOf('G. A.')).toBe('GA');
    expect(initialsOf('Victor P. M. G.')).toBe('VPMG');
    expect(initialsOf('JF')).toBe('JF');
    expect(initialsOf('Åsa')).toBe('Å');
    expect(initialsOf('élodie')).toBe('É');
    expect(formatAuthor(' Doe ', undefined)).toBe('Doe');
    expect(formatAuthor(undefined, undefined)).toBeUndefined();
  });

  it('normalises PMCIDs and DOIs and refuses what is neither', () => {
    expect(normalizePmcid('3166277')).toBe('PMC3166277');
    expect(normalizePmcid(' PMC42 ')).toBe('PMC42');
    expect(normalizePmcid('PMC-draft')).toBeUndefined();
    expect(normalizeDoi('https://doi.org/10.1038/nrmicro1460')).toBe('10.1038/nrmicro1460');
    expect(normalizeDoi('doi: 10.1186/cc11003')).toBe('10.1186/cc11003');
    expect(normalizeDoi('not a doi')).toBeUndefined();
    expect(normalizeDoi('https://dx.doi.org/10.1002%2Fjso.23456')).toBe('10.1002/jso.23456');
    expect(normalizeDoi('doi.org/10.1186/cc11003')).toBe('10.1186/cc11003');
  });

  it('chooses no date without a year', () => {
    expect(choosePubDate([{ type: 'epub', month: '3' }])).toBeUndefined();
    expect(choosePubDate([{ type: 'epub', year: '2012', month: '13', day: '40' }])).toEqual({ year: 2012, published: '2012' });
  });

  it('maps publication types, keeping unknown article types as given', () => {
    expect(publicationTypeOfArticleType('case-report')).toBe('Case Reports');
    expect(publicationTypeOfArticleType('correction')).toBe('Published Erratum');
    expect(publicationTypeOfArticleType('brief-report')).toBe('brief-report');
    expect(publicationTypeOfSubject('Randomised Controlled Trial')).toBe('Randomized Controlled Trial');
    expect(publicationTypeOfSubject('Practice  Guideline')).toBe('Practice Guideline');
    expect(publicationTypeOfSubject('Research Article')).toBeUndefined();
  });
});
