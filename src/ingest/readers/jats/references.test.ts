import { describe, expect, it } from 'vitest';
import type { CitedReference } from '../../../domain/source.js';
import { jatsArticle, readSource } from './test-helpers.js';

async function references(refs: string): Promise<CitedReference[]> {
  const source = await readSource(jatsArticle({ back: `<ref-list><title>References</title>${refs}</ref-list>` }));
  return source.references;
}

describe('JATS references', () => {
  it('reads an element citation into fields and a readable text', async () => {
    expect(
      await references(
        '<ref id="r1"><label>1.</label><element-citation publication-type="journal">' +
          '<person-group person-group-type="author"><name><surname>Smith</surname><given-names>AB</given-names></name>' +
          '<name><surname>Jones</surname><given-names>C</given-names></name><etal/></person-group>' +
          '<article-title>Colchicine in <italic>acute</italic> gout</article-title><source>N Engl J Med</source>' +
          '<year>2010</year><volume>362</volume><issue>4</issue><fpage>100</fpage><lpage>109</lpage>' +
          '<pub-id pub-id-type="doi">10.1056/NEJM0001</pub-id><pub-id pub-id-type="pmid">20001</pub-id>' +
          '<pub-id pub-id-type="publisher-id">X-1</pub-id></element-citation></ref>',
      ),
    ).toEqual([
      {
        label: '1.',
        title: 'Colchicine in acute gout',
        journal: 'N Engl J Med',
        year: 2010,
        pmid: '20001',
        doi: '10.1056/NEJM0001',
        text: 'Smith AB, Jones C et al. Colchicine in acute gout. N Engl J Med. 2010;362 4:100–109 doi:10.1056/NEJM0001 PMID: 20001',
      },
    ]);
  });

  it('keeps the punctuation a mixed citation carries, and its free text', async () => {
    expect(
      await references(
        '<ref id="r2"><mixed-citation publication-type="journal"><name><surname>Rich</surname><given-names>KM</given-names></name>, ' +
          '<name><surname>Lee</surname><given-names>F</given-names></name> (<year>2010a</year>) <article-title>An assessment</article-title>. ' +
          '<source>Am J Trop Med Hyg</source> <volume>83</volume>: <fpage>52</fpage>–<lpage>57</lpage>.</mixed-citation></ref>' +
          '<ref id="r3"><mixed-citation publication-type="other">WHO (2017) Guidelines on hepatitis B. Geneva: WHO.</mixed-citation></ref>',
      ),
    ).toEqual([
      {
        title: 'An assessment',
        journal: 'Am J Trop Med Hyg',
        year: 2010,
        text: 'Rich KM, Lee F (2010a) An assessment. Am J Trop Med Hyg 83: 52–57.',
      },
      { text: 'WHO (2017) Guidelines on hepatitis B. Geneva: WHO.' },
    ]);
  });

  it('reads a book chapter: chapter title as title, no journal', async () => {
    expect(
      await references(
        '<ref id="r4"><element-citation publication-type="book"><person-group><name><surname>Swanepoel</surname><given-names>R</given-names></name></person-group>' +
          '<chapter-title>Rift Valley fever</chapter-title><source>Infectious diseases of livestock</source>' +
          '<publisher-loc>Cape Town</publisher-loc><publisher-name>OUP</publisher-name><year>2004</year></element-citation></ref>',
      ),
    ).toEqual([
      {
        title: 'Rift Valley fever',
        year: 2004,
        text: 'Swanepoel R. Rift Valley fever. Infectious diseases of livestock. Cape Town OUP 2004',
      },
    ]);
  });

  it('reads the first of citation-alternatives only, and each citation of a ref otherwise', async () => {
    const refs = await references(
      '<ref id="r5"><label>5</label><citation-alternatives>' +
        '<element-citation publication-type="journal"><article-title>Same work</article-title><source>J</source></element-citation>' +
        '<mixed-citation publication-type="journal"><article-title>Same work</article-title>. <source>J</source>.</mixed-citation>' +
        '</citation-alternatives></ref>' +
        '<ref id="r6"><label>6</label><mixed-citation>First work.</mixed-citation><mixed-citation>Second work.</mixed-citation></ref>' +
        '<ref id="r7"><nlm-citation citation-type="journal"><article-title>Old DTD</article-title><source>K</source>' +
        '<comment>Available: <ext-link ext-link-type="uri" xlink:href="https://doi.org/10.1000/OLD.9">link</ext-link></comment></nlm-citation></ref>',
    );
    expect(refs).toEqual([
      { label: '5', title: 'Same work', journal: 'J', text: 'Same work. J' },
      { label: '6', text: 'First work.' },
      { label: '6', text: 'Second work.' },
      { title: 'Old DTD', journal: 'K', doi: '10.1000/OLD.9', text: 'Old DTD. K. Available: link' },
    ]);
  });

  it('ignores references of sub-articles and empty citations', async () => {
    const source = await readSource(
      jatsArticle({ back: '<ref-list><ref id="r1"><mixed-citation> </mixed-citation></ref></ref-list>' }).replace(
        '</article>',
        '<sub-article article-type="reply"><back><ref-list><ref id="s1"><mixed-citation>Reply ref.</mixed-citation></ref></ref-list></back></sub-article></article>',
      ),
    );
    expect(source.references).toEqual([]);
  });
});
