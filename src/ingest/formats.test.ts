import { describe, expect, it } from 'vitest';
import { xmlRootElement } from '../domain/markup.js';
import { detectFormat } from './formats.js';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('format detection', () => {
  it('tells MEDLINE from JATS by the root element, past prolog, comments and DOCTYPE', () => {
    const medline = '<?xml version="1.0"?>\n<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2024//EN" "https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_240101.dtd">\n<PubmedArticleSet>';
    expect(detectFormat('pubmed24n0001.xml.gz', bytes(medline))).toEqual({ format: 'medline' });
    expect(detectFormat('old.xml', bytes('<!-- c --><MedlineCitationSet>'))).toEqual({ format: 'medline' });
    const jats = '<?xml version="1.0"?><!DOCTYPE article PUBLIC "-//NLM//DTD JATS" "x.dtd" [ <!ENTITY x "y"> ]><article article-type="research-article">';
    expect(detectFormat('a.xml', bytes(jats))).toEqual({ format: 'jats' });
    expect(detectFormat('a.nxml', bytes('<article>'))).toEqual({ format: 'jats' });
    expect(detectFormat('set.xml', bytes('<pmc-articleset><article>'))).toEqual({ format: 'jats' });
    expect(detectFormat('bom.xml', bytes('\uFEFF<PubmedArticleSet>'))).toEqual({ format: 'medline' });
  });

  it('picks documents by extension and checks the PDF header', () => {
    expect(detectFormat('x.MD', bytes('# t'))).toEqual({ format: 'markdown' });
    expect(detectFormat('x.htm', bytes('<html>'))).toEqual({ format: 'html' });
    expect(detectFormat('x.pdf', bytes('%PDF-1.7'))).toEqual({ format: 'pdf' });
    expect(detectFormat('x.pdf', bytes('<html>'))).toMatchObject({ error: expect.stringMatching(/PDF header/) });
  });

  it('reads Europe PMC replies by their name, and a plain .json file when it starts like one', () => {
    const reply = '{"version":"6.9","hitCount":2,"nextCursorMark":"AoE","request":{"queryString":"x"},"resultList":{"result":[';
    expect(detectFormat('part-0001.europepmc.json', bytes('anything'))).toEqual({ format: 'europepmc' });
    expect(detectFormat('SAVED.EuropePMC.json.gz', bytes(reply))).toEqual({ format: 'europepmc' });
    expect(detectFormat('search.json', bytes(reply))).toEqual({ format: 'europepmc' });
    expect(detectFormat('pretty.json', bytes('{\n  "version": "6.9",\n  "hitCount": 2,\n  "request": {'))).toEqual({ format: 'europepmc' });
    expect(detectFormat('manifest.json', bytes('{"service":"europepmc","ids":["MED:1"]}'))).toMatchObject({
      error: expect.stringMatching(/^JSON that is not a Europe PMC search reply/),
    });
  });

  it('explains what it cannot read', () => {
    expect(detectFormat('x.docx', bytes('PK'))).toMatchObject({ error: expect.stringMatching(/not a supported format \(\.docx\)/) });
    expect(detectFormat('README', bytes('hi'))).toMatchObject({ error: expect.stringMatching(/no extension/) });
    expect(detectFormat('x.xml', bytes('{"a":1}'))).toMatchObject({ error: expect.stringMatching(/no XML root/) });
    expect(detectFormat('x.xml', bytes('<rss version="2.0">'))).toMatchObject({ error: expect.stringMatching(/root element <rss>/) });
  });

  it('finds the root element name', () => {
    expect(xmlRootElement('<?xml version="1.0"?>\n<ns:article xmlns:ns="x">')).toBe('ns:article');
    expect(xmlRootElement('   ')).toBeUndefined();
  });
});
