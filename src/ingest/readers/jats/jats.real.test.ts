import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { SourceInput } from '../../../domain/source.js';
import { hasSharedData, SHARED_DATA_SKIP_MESSAGE, sharedDataPath } from '../../../../test/shared-data.js';
import { readJats } from './jats.js';
import { paragraphsOf, readItems, type ParagraphView } from './test-helpers.js';

/**
 * The nine PMC Open Access articles in ../shared/data/pubmed_xml_fixtures/pmc_nxml (see its
 * README for PMCIDs and licences). Expected values were read from the files themselves.
 */

interface Expected {
  file: string;
  pmcid: string;
  pmid?: string;
  doi: string;
  title: string | RegExp;
  authorCount: number;
  someAuthors: string[];
  journal: string;
  published: string;
  licence?: string | RegExp;
  referenceCount: number;
  tables: number;
  figures: number;
}

const ARTICLES: Expected[] = [
  {
    file: '1471-2180-11-174.nxml',
    pmcid: 'PMC3166277',
    pmid: '21810267',
    doi: '10.1186/1471-2180-11-174',
    title: 'Factors influencing lysis time stochasticity in bacteriophage λ',
    authorCount: 2,
    someAuthors: ['Dennehy JJ', 'Wang IN'],
    journal: 'BMC Microbiology',
    published: '2011-08-02',
    licence: 'http://creativecommons.org/licenses/by/2.0',
    referenceCount: 64,
    tables: 3,
    figures: 4,
  },
  {
    file: '1472-6831-8-11.nxml',
    pmcid: 'PMC2329613',
    pmid: '18405359',
    doi: '10.1186/1472-6831-8-11',
    title: 'The Dutch version of the Oral Health Impact Profile (OHIP-NL): Translation, reliability and construct validity',
    authorCount: 4,
    someAuthors: ['van der Meulen MJ', 'Lobbezoo F'],
    journal: 'BMC Oral Health',
    published: '2008-04-11',
    licence: 'http://creativecommons.org/licenses/by/2.0',
    referenceCount: 31,
    tables: 4,
    figures: 0,
  },
  {
    file: '6605965a.nxml',
    pmcid: 'PMC2994229',
    pmid: '21045829',
    doi: '10.1038/sj.bjc.6605965',
    title: /^Oral contraceptives, reproductive history and risk of colorectal cancer/,
    authorCount: 46,
    someAuthors: ['Tsilidis KK', 'Boutron-Ruault MC', 'Tjønneland A', 'Bueno-de-Mesquita HB'],
    journal: 'British Journal of Cancer',
    published: '2010-11-02',
    referenceCount: 34,
    tables: 2,
    figures: 0,
  },
  {
    file: 'cc11003.nxml',
    pmcid: 'PMC3363814',
    doi: '10.1186/cc11003',
    title: 'Acute respiratory distress syndrome: analysis of incidence and mortality in a university hospital critical care unit',
    authorCount: 5,
    someAuthors: ['Figueira JF', 'López JL'],
    journal: 'Critical Care',
    published: '2012-03-20',
    licence: 'http://creativecommons.org/licenses/by/2.0',
    referenceCount: 3,
    tables: 0,
    figures: 0,
  },
  {
    file: 'ehp-116-1694.nxml',
    pmcid: 'PMC2599765',
    pmid: '19079722',
    doi: '10.1289/ehp.11570',
    title: /^Dietary Exposure to 2,2′,4,4′-Tetrabromodiphenyl Ether \(PBDE-47\) Alters Thyroid Status and Thyroid Hormone–Regulated/,
    authorCount: 4,
    someAuthors: ['Lema SC', 'Swanson P'],
    journal: 'Environmental Health Perspectives',
    published: '2008-08-01',
    licence: 'http://creativecommons.org/publicdomain/mark/1.0/',
    referenceCount: 58,
    tables: 0,
    figures: 3,
  },
  {
    file: 'mds526.nxml',
    pmcid: 'PMC3574550',
    pmid: '23149571',
    doi: '10.1093/annonc/mds526',
    title: /^Socio-demographic inequalities in stage of cancer diagnosis/,
    authorCount: 7,
    someAuthors: ['Lyratzopoulos G', 'Abel GA', 'Greenberg DC'],
    journal: 'Annals of Oncology',
    // epub (2012-11-12) wins over ppub (2013-03) and pmc-release.
    published: '2012-11-12',
    licence: 'http://creativecommons.org/licenses/by-nc/3.0',
    referenceCount: 40,
    tables: 4,
    figures: 2,
  },
  {
    file: 'pntd.0002065.nxml',
    pmcid: 'PMC3585041',
    pmid: '23469300',
    doi: '10.1371/journal.pntd.0002065',
    title: 'Serological Evidence of Rift Valley Fever Virus Circulation in Sheep and Goats in Zambézia Province, Mozambique',
    authorCount: 6,
    someAuthors: ['Fafetine J', 'Rutten VPMG', 'Coetzer JAW'],
    journal: 'PLoS Neglected Tropical Diseases',
    published: '2013-02-28',
    licence: /^This is an open-access article distributed under the terms of the Creative Commons Attribution License/,
    referenceCount: 32,
    tables: 5,
    figures: 1,
  },
  {
    file: 'pone.0000217.nxml',
    pmcid: 'PMC1790863',
    pmid: '17299597',
    doi: '10.1371/journal.pone.0000217',
    title: 'Quantifying Organismal Complexity using a Population Genetic Approach',
    authorCount: 4,
    someAuthors: ['Tenaillon O', 'Silander OK', 'Uzan JP'],
    journal: 'PLoS ONE',
    published: '2007-02-14',
    referenceCount: 33,
    tables: 0,
    figures: 3,
  },
  {
    file: 'pone.0046493.nxml',
    pmcid: 'PMC3460867',
    pmid: '23029536',
    doi: '10.1371/journal.pone.0046493',
    // <article-title>M<italic>m</italic>PPOX …: inline markup flattened without inventing spaces.
    title: /^MmPPOX Inhibits Mycobacterium tuberculosis Lipolytic Enzymes/,
    authorCount: 9,
    someAuthors: ['Delorme V', 'Diomandé SV'],
    journal: 'PLoS ONE',
    published: '2012-09-28',
    licence: /^This is an open-access article/,
    referenceCount: 58,
    tables: 3,
    figures: 4,
  },
];

function fixturePath(file: string): string {
  return sharedDataPath('pubmed_xml_fixtures', 'pmc_nxml', file);
}

async function readFixture(file: string): Promise<SourceInput> {
  const path = fixturePath(file);
  const bytes = readFileSync(path);
  async function* chunks() {
    // 16 KiB reads, as a file stream would give them.
    for (let i = 0; i < bytes.length; i += 16_384) yield bytes.subarray(i, i + 16_384);
  }
  const items = [];
  for await (const item of readJats({ bytes: chunks(), path })) items.push(item);
  expect(items).toHaveLength(1);
  const item = items[0];
  if (item?.kind !== 'source') throw new Error(`${file}: expected a source, got ${JSON.stringify(item)}`);
  return item.source;
}

function tablePaths(paragraphs: readonly ParagraphView[]): Set<string> {
  return new Set(paragraphs.filter((p) => /(^| > )Table \d+$/.test(p.path)).map((p) => p.path));
}

function inPath(paragraphs: readonly ParagraphView[], path: string): string[] {
  return paragraphs.filter((p) => p.path === path).map((p) => p.text);
}

describe.skipIf(!hasSharedData)(`readJats on the PMC fixtures ${hasSharedData ? '' : SHARED_DATA_SKIP_MESSAGE}`, () => {
  describe.each(ARTICLES)('$file', (expected) => {
    it('yields one source with the identifiers, title, authors, journal and date the file gives', async () => {
      const source = await readFixture(expected.file);
      expect(source.id).toBe(`pmc:${expected.pmcid}`);
      expect(source.ids).toEqual({ pmcid: expected.pmcid, pmid: expected.pmid, doi: expected.doi });
      if (typeof expected.title === 'string') expect(source.title).toBe(expected.title);
      else expect(source.title).toMatch(expected.title);
      expect(source.authors).toHaveLength(expected.authorCount);
      for (const author of expected.someAuthors) expect(source.authors).toContain(author);
      expect(source.journal).toBe(expected.journal);
      expect(source.published).toBe(expected.published);
      expect(source.year).toBe(Number(expected.published.slice(0, 4)));
      if (expected.licence === undefined) expect(source.licence).toBeUndefined();
      else if (typeof expected.licence === 'string') expect(source.licence).toBe(expected.licence);
      else expect(source.licence).toMatch(expected.licence);
      expect(source.origin).toEqual({ format: 'jats', path: fixturePath(expected.file), line: 1 });
      expect(source.version).toEqual({ number: 1 });
      expect(source.mesh).toEqual([]);
    });

    it('has sections, well-formed paragraph spans, tables, figures and every reference', async () => {
      const source = await readFixture(expected.file);
      expect(source.sections.length).toBeGreaterThan(0);
      expect(source.paragraphs.length).toBeGreaterThan(0);
      for (const paragraph of source.paragraphs) {
        const text = source.text.slice(paragraph.start, paragraph.end);
        expect(text).not.toBe('');
        expect(text).toBe(text.trim());
        const section = source.sections[paragraph.section];
        expect(section).toBeDefined();
        expect(paragraph.start).toBeGreaterThanOrEqual(section?.start ?? Infinity);
        expect(paragraph.end).toBeLessThanOrEqual(section?.end ?? -Infinity);
      }
      for (const section of source.sections) {
        expect(section.path.length).toBeGreaterThan(0);
        for (const part of section.path) expect(part).not.toBe('');
      }
      const paragraphs = paragraphsOf(source);
      expect(tablePaths(paragraphs).size).toBe(expected.tables);
      expect(paragraphs.filter((p) => /^Figure \d+\. \S/.test(p.text))).toHaveLength(expected.figures);
      // Reference lists are references, not reading text.
      expect(paragraphs.some((p) => /references/i.test(p.path))).toBe(false);

      expect(source.references).toHaveLength(expected.referenceCount);
      for (const reference of source.references) {
        expect(reference.text).toBeTruthy();
        expect(reference.text).toBe(reference.text?.replace(/\s+/g, ' ').trim());
      }
    });
  });

  it('keeps the article type and the kind of article PMC marks in article-type', async () => {
    expect((await readFixture('pone.0000217.nxml')).publicationTypes).toEqual(['Journal Article']);
    // A meeting abstract: JATS article-type "abstract" has no NLM publication type and is kept as given.
    expect((await readFixture('cc11003.nxml')).publicationTypes).toEqual(['abstract']);
  });

  it('reads keywords, in the order given', async () => {
    expect((await readFixture('6605965a.nxml')).keywords).toEqual([
      'oral contraceptives',
      'reproductive history',
      'colorectal cancer',
      'cohort study',
    ]);
    expect((await readFixture('ehp-116-1694.nxml')).keywords).toHaveLength(9);
    expect((await readFixture('pone.0000217.nxml')).keywords).toEqual([]);
  });

  it('turns tables into a caption paragraph and one paragraph per row, in the table’s own section', async () => {
    const bmc = paragraphsOf(await readFixture('1471-2180-11-174.nxml'));
    const table1 = inPath(bmc, 'Results > Table 1');
    expect(table1[0]).toBe('Table 1. Effects of holin allelic sequences on the stochasticity of lysis time.');
    expect(table1[1]).toBe('Strain | na | MLT (min) | SD (min)');
    expect(table1).toContain('IN61 | 274 | 45.7 | 2.92');
    expect(table1).toContain('IN71 | 49 | 68.8 | 7.67');
    // header row + 14 body rows, caption before, footnote after.
    expect(table1).toHaveLength(1 + 15 + 1);
    expect(table1[table1.length - 1]).toMatch(/^a In some cases, the sample size n is the pooled number of cells/);

    const oral = paragraphsOf(await readFixture('1472-6831-8-11.nxml'));
    expect(inPath(oral, 'Methods > Oral Health Impact Profile > Table 1')).toContain('Total OHIP-NL (49) | 44.1 | 40.2 | 0.9 | 0.8');

    // Table-footnote markers (<xref ref-type="table-fn">) are dropped from the cells.
    const plos = paragraphsOf(await readFixture('pntd.0002065.nxml'));
    expect(inPath(plos, 'Results > Cross-sectional surveys > Table 1')).toContain(
      'Maganja da Costa | 92 | 39.1 | 29.7, 49.5 | 11 | 54.6 | 25.6, 80.7',
    );

    // <break/> inside a cell separates its lines.
    const annals = paragraphsOf(await readFixture('mds526.nxml'));
    const stage = inPath(annals, 'results > Table 1').find((row) => row.startsWith('Stage I |'));
    expect(stage).toMatch(/^Stage I \| 2219 45% \| 8595 38% \| 1489 12%/);
    expect(inPath(annals, 'results > Table 1')[0]).toBe(
      'Table 1. Distribution of stage, gender, age and deprivation categories by cancer (n = 98 942)a',
    );

    const pone = paragraphsOf(await readFixture('pone.0046493.nxml'));
    expect(pone).toContainEqual({
      path: 'Materials and Methods > Cloning, expression and purification of proteins > Table 1',
      text: 'LipC [18] | C4/0.12 | C10/0.02 | n.d | n.d | n.d | n.d',
    });
  });

  it('places floats given apart in <floats-group> in the section that first cites them, once', async () => {
    const bjc = paragraphsOf(await readFixture('6605965a.nxml'));
    const table1 = inPath(bjc, 'Results > Table 1');
    expect(table1[0]).toMatch(/^Table 1\. Participant characteristics at recruitment/);
    expect(table1).toContain('Mean (s.d.) age at recruitment (years) | 57.4 (8.0) | 50.5 (9.7)');
    // The row of no-break spaces only is not a row.
    expect(table1.some((row) => row.replace(/[\s|]/g, '') === '')).toBe(false);

    const ehp = paragraphsOf(await readFixture('ehp-116-1694.nxml'));
    const figures = ehp.filter((p) => p.text.startsWith('Figure '));
    expect(figures.map((f) => f.path)).toEqual([
      'Results > Plasma thyroid hormones',
      'Results > Pituitary gene transcripts',
      'Results > TR and BTEB mRNAs in the brain',
    ]);
    expect(figures[0]?.text).toBe(
      'Figure 1. Exposure to PBDE-47 depressed circulating concentrations of total T4 in males and females (A), but had no effect on total T3 in males (B). *p < 0.05 compared with control.',
    );
  });

  it('reads the section tree of pntd.0002065 exactly', async () => {
    const source = await readFixture('pntd.0002065.nxml');
    const mm = 'Materials and Methods';
    const css = 'Results > Cross-sectional surveys';
    const inter = 'Results > Assessment of inter-epidemic transmission of RVFV';
    expect(source.sections.map((s) => s.path.join(' > '))).toEqual([
      'Abstract',
      'Author Summary',
      'Introduction',
      `${mm} > Site description`,
      `${mm} > Animals and sampling`,
      `${mm} > Cross-sectional surveys`,
      `${mm} > Assessment of inter-epidemic transmission of RVFV`,
      `${mm} > Laboratory tests`,
      `${mm} > Statistical analysis`,
      `${mm} > Ethical approval`,
      css,
      `${css} > Table 1`,
      css,
      `${css} > Table 2`,
      `${css} > Table 3`,
      css,
      `${css} > Table 4`,
      css,
      inter,
      `${inter} > Table 5`,
      'Discussion',
      'Acknowledgements',
    ]);
    const paragraphs = paragraphsOf(source);
    expect(inPath(paragraphs, 'Introduction')).toHaveLength(5);
    expect(inPath(paragraphs, 'Discussion')).toHaveLength(7);
    const site = inPath(paragraphs, `${mm} > Site description`);
    expect(site).toHaveLength(2);
    expect(site[1]).toMatch(/^Figure 1\. Location of the study areas\. Figure 1 shows the map of the Zambézia Province/);
    expect(inPath(paragraphs, 'Abstract')[0]).toMatch(/^Rift Valley fever \(RVF\) is endemic in most parts of Africa/);
    expect(inPath(paragraphs, `${inter} > Table 5`)[0]).toBe('Table 5. Number of RVF seropositive animals in the longitudinal study.');
    // Sections are consecutive spans of the text, in order.
    for (let i = 1; i < source.sections.length; i += 1) {
      expect(source.sections[i]?.start).toBeGreaterThan(source.sections[i - 1]?.end ?? Infinity);
    }
  });

  it('reads structured abstracts and headings with their trailing colon removed', async () => {
    const bjc = await readFixture('6605965a.nxml');
    expect(bjc.sections.slice(0, 4).map((s) => s.path)).toEqual([
      ['Abstract', 'Background'],
      ['Abstract', 'Methods'],
      ['Abstract', 'Results'],
      ['Abstract', 'Conclusion'],
    ]);
    // Paragraphs directly in <body>, before any <sec>, go to ["Body"].
    expect(bjc.sections[4]?.path).toEqual(['Body']);
    const paragraphs = paragraphsOf(bjc);
    expect(inPath(paragraphs, 'Acknowledgements')[0]).toMatch(/^The coordination of EPIC is financially supported/);
  });

  it('reads the short meeting abstract cc11003 completely', async () => {
    const source = await readFixture('cc11003.nxml');
    expect(source.sections.map((s) => s.path)).toEqual([['Introduction'], ['Methods'], ['Results'], ['Conclusion']]);
    expect(source.text.startsWith('The aim was to determine the incidence of acute respiratory distress syndrome (ARDS)')).toBe(true);
    expect(source.text).toContain('The patients\' age was 52 ± 12.');
    expect(source.text).toContain('(P = 0.002)');
    expect(source.references).toEqual([
      {
        title: 'Estudio de cohortes sobre incidencia de SDRA en pacientes ingresados en UCIy factores pronósticos de mortalidad',
        journal: 'Med Intensiva',
        year: 2006,
        pmid: '16637425',
        doi: '10.1016/S0210-5691(06)74455-2',
        text: 'Roca O et al. Estudio de cohortes sobre incidencia de SDRA en pacientes ingresados en UCIy factores pronósticos de mortalidad. Med Intensiva. 2006;30:6–12 doi:10.1016/S0210-5691(06)74455-2 PMID: 16637425',
      },
      {
        title: 'Mortality for patients with ALI/ARDS have decreased over time',
        journal: 'Chest',
        year: 2008,
        text: 'Zambon M, Vincent JL. Mortality for patients with ALI/ARDS have decreased over time. Chest. 2008;133:151–161',
      },
      {
        title: 'Epidemiology of ALI and ARDS',
        journal: 'Curr Opin Crit Care',
        year: 2004,
        pmid: '15166842',
        text: 'Frutos-Vivar et al. Epidemiology of ALI and ARDS. Curr Opin Crit Care. 2004;10:1–6 PMID: 15166842',
      },
    ]);
  });

  it('reads references of every citation flavour: element-, mixed- (with and without punctuation), citation', async () => {
    const annals = await readFixture('mds526.nxml');
    expect(annals.references[0]).toEqual({
      label: '1',
      title: 'The fraction of cancer attributable to lifestyle and environmental factors in the UK in 2010',
      journal: 'Br J Cancer',
      year: 2011,
      pmid: '22158327',
      // Given only as a link in <comment>.
      doi: '10.1038/bjc.2011.489',
      text: 'Parkin DM, Boyd L, Walker LC. The fraction of cancer attributable to lifestyle and environmental factors in the UK in 2010. Br J Cancer. 2011;105 Suppl 2:S77–S81 doi:10.1038/bjc.2011.489 PMID: 22158327',
    });
    // A book: its title is the source, and it has no journal.
    expect(annals.references[3]).toMatchObject({ label: '4', title: 'Routes to diagnosis—NCIN data briefing' });
    expect(annals.references[3]?.journal).toBeUndefined();

    const plos = await readFixture('pntd.0002065.nxml');
    expect(plos.references[0]).toEqual({
      label: '1',
      text: 'Murphy FA, Gibbs EPJ, Horzinek MC, Studdert MJ (1999) Veterinary Virology. USA: Elsevier. pp 469–475.',
    });
    expect(plos.references[1]).toEqual({
      label: '2',
      title: 'An assessment of the regional and national socio-economic impacts of the 2007 Rift Valley fever outbreak in Kenya',
      journal: 'Am J Trop Med Hyg',
      year: 2010,
      pmid: '20682906',
      text: 'Rich KM, Wanyoike F (2010) An assessment of the regional and national socio-economic impacts of the 2007 Rift Valley fever outbreak in Kenya. Am J Trop Med Hyg. 83: 52–57 PMID: 20682906',
    });

    const oral = await readFixture('1472-6831-8-11.nxml');
    expect(oral.references[0]).toEqual({
      title: 'Measuring oral health: a conceptual framework',
      journal: 'Community Dent Health',
      year: 1988,
      pmid: '3285972',
      text: 'Locker D. Measuring oral health: a conceptual framework. Community Dent Health. 1988;5:3–18 PMID: 3285972',
    });
  });

  it('gives the same source whatever the chunking of the bytes', async () => {
    const bytes = new Uint8Array(readFileSync(fixturePath('pntd.0002065.nxml')));
    const whole = await readItems(bytes);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 40 }), async (cuts) => {
        expect(await readItems(bytes, cuts)).toEqual(whole);
      }),
      { numRuns: 25 },
    );
  });
});
