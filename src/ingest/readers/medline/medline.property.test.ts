import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeSpace } from '../../../domain/text.js';
import type { ReaderItem } from '../../reader.js';
import { article, articleSet, collect, cutAt, encode, inChunksOf } from './testing.js';

/** A piece of text as the reader should give it back, and as it is written in the XML. */
type Piece = readonly [text: string, xml: string];

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function isXmlChar(codePoint: number): boolean {
  return (
    codePoint === 0x9 ||
    codePoint === 0xa ||
    codePoint === 0xd ||
    (codePoint >= 0x20 && codePoint <= 0xd7ff) ||
    (codePoint >= 0xe000 && codePoint <= 0xfffd) ||
    (codePoint >= 0x10000 && codePoint <= 0x10ffff)
  );
}

const piece: fc.Arbitrary<Piece> = fc.oneof(
  // Characters that matter to XML, whitespace, and multi-byte, combining and right-to-left text.
  fc
    .constantFrom('a', 'Z', '0', ' ', '  ', '\n', '\t', '\r\n', '&', '<', '>', '"', "'", 'é', 'µ', '—', '😀', '𝛃', '\u0301', 'א', 'ع', '中', '\u200d', '\u00a0')
    .map((c): Piece => [c, escapeXml(c)]),
  // Any character XML allows.
  fc
    .integer({ min: 0x20, max: 0x10ffff })
    .filter(isXmlChar)
    .map((codePoint): Piece => {
      const c = String.fromCodePoint(codePoint);
      return [c, escapeXml(c)];
    }),
  // A character written as a numeric reference, often outside the BMP.
  fc.integer({ min: 0xa0, max: 0x1ffff }).filter((cp) => isXmlChar(cp)).map((cp): Piece => [String.fromCodePoint(cp), `&#x${cp.toString(16)};`]),
  // Inline markup, flattened to its text.
  fc.constantFrom<Piece>(['x', '<i>x</i>'], ['2', '<sup>2</sup>'], ['', '<b></b>']),
);

const text = fc.array(piece, { maxLength: 30 }).map((pieces) => ({
  text: pieces.map(([t]) => t).join(''),
  xml: pieces.map(([, x]) => x).join(''),
}));

const recordSpec = fc.record({
  pmid: fc.integer({ min: 1, max: 99_999_999 }).map(String),
  title: text,
  paragraphs: fc.array(fc.record({ label: fc.constantFrom(undefined, 'BACKGROUND', 'Methods', 'RESULTS AND CONCLUSIONS'), body: text }), {
    maxLength: 4,
  }),
  // Most records are fine; some break in one of the ways the reader must survive.
  fault: fc.constantFrom(undefined, undefined, undefined, undefined, 'mismatched-tag', 'unknown-entity', 'missing-close'),
  // What precedes the record: blanks and comments are fine, other text is reported.
  gap: fc.constantFrom('', '\n', '\n\n  ', '<!-- between -->\n', '<?pi data?>', 'junk <b>x</b>\n'),
});

type RecordSpec = typeof recordSpec extends fc.Arbitrary<infer T> ? T : never;

function recordXml(spec: RecordSpec): string {
  const abstract = spec.paragraphs
    .map((p) => `<AbstractText${p.label === undefined ? '' : ` Label="${p.label}"`}>${p.body.xml}</AbstractText>`)
    .join('\n');
  let xml = article({ pmid: spec.pmid, title: spec.title.xml, abstract });
  if (spec.fault === 'mismatched-tag') xml = xml.replace('</ArticleTitle>', '</ArticleTitel>');
  if (spec.fault === 'unknown-entity') xml = xml.replace('<ArticleTitle>', '<ArticleTitle>&bogus;');
  if (spec.fault === 'missing-close') xml = xml.replace('</PubmedArticle>', '');
  return spec.gap + xml;
}

/**
 * What reading one record must give: a skip for text before it, if any (unless the record
 * before never closed, and so holds that text); then its source (id, title, paragraph texts)
 * or a skip naming it.
 */
function expectedOutcomes(spec: RecordSpec, index: number, specs: readonly RecordSpec[]): unknown[] {
  const afterUnclosed = specs[index - 1]?.fault === 'missing-close';
  const before = spec.gap.startsWith('junk') && !afterUnclosed ? [{ kind: 'skip', recordId: undefined }] : [];
  return [...before, expectedOutcome(spec)];
}

function expectedOutcome(spec: RecordSpec): unknown {
  if (spec.fault !== undefined) return { kind: 'skip', recordId: `pmid:${spec.pmid}` };
  return {
    kind: 'source',
    id: `pmid:${spec.pmid}`,
    title: normalizeSpace(spec.title.text),
    paragraphs: spec.paragraphs.map((p) => normalizeSpace(p.body.text)).filter((p) => p !== ''),
  };
}

function outcome(item: ReaderItem): unknown {
  if (item.kind === 'skip') return { kind: 'skip', recordId: item.recordId };
  if (item.kind === 'delete') return item;
  const { source } = item;
  return {
    kind: 'source',
    id: source.id,
    title: source.title,
    paragraphs: source.paragraphs.map((p) => source.text.slice(p.start, p.end)),
  };
}

const chunking = fc.oneof(
  fc.record({ cuts: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 24 }) }),
  fc.record({ size: fc.integer({ min: 1, max: 17 }) }),
);

describe('readMedline: chunking never changes what is read', () => {
  it('gives the same items for any byte chunking, and the expected ones', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(recordSpec, { minLength: 1, maxLength: 6 }), fc.boolean(), chunking, async (specs, withDelete, chunks) => {
        const deletion = withDelete ? '<DeleteCitation>\n<PMID Version="1">42</PMID>\n</DeleteCitation>\n' : '';
        const bytes = encode(articleSet(...specs.map(recordXml), deletion));
        const whole = await collect(cutAt(bytes, []));
        const pieces =
          'size' in chunks ? inChunksOf(bytes, chunks.size) : cutAt(bytes, chunks.cuts.map((f) => Math.floor(f * bytes.length)));
        expect(await collect(pieces)).toEqual(whole);

        const expected = specs.flatMap(expectedOutcomes);
        if (withDelete) expected.push(expect.objectContaining({ kind: 'delete', sourceIds: ['pmid:42'] }));
        expect(whole.map(outcome)).toEqual(expected);
      }),
      { numRuns: 150 },
    );
  });
});
