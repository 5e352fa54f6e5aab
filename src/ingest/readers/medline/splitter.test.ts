import { describe, expect, it } from 'vitest';
import { splitRecords, type Segment } from './splitter.js';

async function* inPieces(text: string, size: number): AsyncGenerator<string> {
  for (let from = 0; from < text.length; from += size) yield text.slice(from, from + size);
}

async function split(text: string, size = text.length || 1): Promise<Segment[]> {
  const segments: Segment[] = [];
  for await (const segment of splitRecords(inPieces(text, size), '/x.xml')) segments.push(segment);
  return segments;
}

const PROLOGUE =
  '\ufeff<?xml version="1.0" encoding="UTF-8"?>\n' +
  '<!-- a comment with <PubmedArticle> inside -->\n' +
  '<!DOCTYPE PubmedArticleSet [\n  <!ENTITY note "<PubmedArticle>">\n]>\n' +
  '<PubmedArticleSet>\n';

describe('splitRecords', () => {
  it('finds records after any prologue, with their start lines, however the text is chunked', async () => {
    const text =
      PROLOGUE +
      '<PubmedArticle><PMID>1</PMID></PubmedArticle><PubmedArticle ><PMID>2</PMID></PubmedArticle >\r\n' +
      '<PubmedBookArticle>\n<PMID>3</PMID>\n</PubmedBookArticle>\n' +
      '<DeleteCitation><PMID>4</PMID></DeleteCitation>\n' +
      '</PubmedArticleSet>\n';
    const expected: Segment[] = [
      { kind: 'record', name: 'PubmedArticle', xml: '<PubmedArticle><PMID>1</PMID></PubmedArticle>', line: 7 },
      { kind: 'record', name: 'PubmedArticle', xml: '<PubmedArticle ><PMID>2</PMID></PubmedArticle >', line: 7 },
      { kind: 'record', name: 'PubmedBookArticle', xml: '<PubmedBookArticle>\n<PMID>3</PMID>\n</PubmedBookArticle>', line: 8 },
      { kind: 'record', name: 'DeleteCitation', xml: '<DeleteCitation><PMID>4</PMID></DeleteCitation>', line: 11 },
    ];
    for (const size of [text.length, 1, 2, 5, 16]) expect(await split(text, size)).toEqual(expected);
  });

  it('does not split PubmedArticleSet files at the MedlineCitation inside each PubmedArticle', async () => {
    const text = '<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>1</PMID></MedlineCitation></PubmedArticle></PubmedArticleSet>';
    expect((await split(text)).map((s) => s.kind === 'record' && s.name)).toEqual(['PubmedArticle']);
  });

  it('splits the 2016 DTD at MedlineCitation', async () => {
    const text = '<MedlineCitationSet>\n<MedlineCitation Owner="NLM"><PMID>1</PMID></MedlineCitation>\n</MedlineCitationSet>';
    expect(await split(text, 3)).toEqual([
      { kind: 'record', name: 'MedlineCitation', xml: '<MedlineCitation Owner="NLM"><PMID>1</PMID></MedlineCitation>', line: 2 },
    ]);
  });

  it('reports a record cut by the next record, by the end of the set, or by the end of the file', async () => {
    const text = '<PubmedArticleSet>\n<PubmedArticle>a\n<PubmedArticle>b</PubmedArticle>\n<PubmedArticle>c\n</PubmedArticleSet>\n';
    expect(await split(text, 4)).toEqual([
      { kind: 'unclosed', name: 'PubmedArticle', xml: '<PubmedArticle>a\n', line: 2, cutBy: 'next-record', cutLine: 3 },
      { kind: 'record', name: 'PubmedArticle', xml: '<PubmedArticle>b</PubmedArticle>', line: 3 },
      { kind: 'unclosed', name: 'PubmedArticle', xml: '<PubmedArticle>c\n', line: 4, cutBy: 'end-of-set', cutLine: 5 },
    ]);
    expect(await split('<PubmedArticleSet>\n<PubmedArticle>a\nb', 2)).toEqual([
      { kind: 'unclosed', name: 'PubmedArticle', xml: '<PubmedArticle>a\nb', line: 2, cutBy: 'end-of-file', cutLine: 3 },
    ]);
  });

  it('reports a set that is never closed, and text outside records', async () => {
    expect(await split('<PubmedArticleSet>\n<PubmedArticle/>x</PubmedArticle>\n')).toEqual([
      { kind: 'record', name: 'PubmedArticle', xml: '<PubmedArticle/>x</PubmedArticle>', line: 2 },
      { kind: 'unterminated-set', root: 'PubmedArticleSet', line: 3 },
    ]);
    const text = '<PubmedArticleSet>\njunk\n<PubmedArticle>a</PubmedArticle> <!-- fine -->\n</PubmedArticleSet>\ntrailing';
    expect(await split(text, 3)).toEqual([
      { kind: 'stray', text: 'junk', line: 2 },
      { kind: 'record', name: 'PubmedArticle', xml: '<PubmedArticle>a</PubmedArticle>', line: 3 },
      { kind: 'stray', text: 'after the end of the set: trailing', line: 5 },
    ]);
  });

  it('throws for files whose root is not a MEDLINE/PubMed set', async () => {
    await expect(split('<?xml version="1.0"?><article/>')).rejects.toThrow(
      '/x.xml is not a MEDLINE/PubMed XML file: its root element is <article>, expected <PubmedArticleSet> or <MedlineCitationSet>',
    );
    await expect(split('   \n')).rejects.toThrow('the file is empty');
    await expect(split('<?xml version="1.0"?>\n<!-- never ends')).rejects.toThrow('the file ends before its root element');
  });
});
