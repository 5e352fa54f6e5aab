import { describe, expect, it } from 'vitest';
import type { ReaderItem } from '../../reader.js';
import { buildSource } from '../../../domain/source.js';
import { makePdf } from './__fixtures__/make-pdf.js';
import { paragraphsWithPaths, readAll, readOne } from './__fixtures__/streams.js';
import { NO_TEXT_REASON, pageParagraphs, PDF_LIMIT_BYTES, pdfDate, readPdf } from './pdf.js';

const TWO_PAGES = makePdf({
  pages: [
    ['Guideline for reader tests', 'Recommendation one applies (always).', 'Back\\slash kept'],
    ['Second page text', 'Last line'],
  ],
  info: { title: 'Reader Test Guideline', author: 'Ada Lovelace; Grace Hopper', creationDate: 'D:20220317093000Z' },
});

function skipReason(items: readonly ReaderItem[]): string {
  expect(items).toHaveLength(1);
  const [item] = items;
  if (item?.kind !== 'skip') throw new Error(`expected a skip, got ${JSON.stringify(item)}`);
  expect(item.line).toBe(1);
  return item.reason;
}

describe('readPdf', () => {
  it('reads the text of each page into its own section, with Info metadata', async () => {
    const source = await readOne(readPdf, TWO_PAGES, '/docs/Reader Tests.pdf', [100, 400]);
    expect(paragraphsWithPaths(source)).toEqual([
      'Page 1: Guideline for reader tests',
      'Page 1: Recommendation one applies (always).',
      'Page 1: Back\\slash kept',
      'Page 2: Second page text',
      'Page 2: Last line',
    ]);
    expect(source).toMatchObject({
      id: 'doc:reader-tests',
      title: 'Reader Test Guideline',
      authors: ['Ada Lovelace', 'Grace Hopper'],
      published: '2022-03-17',
      year: 2022,
      reviewStatus: 'not-reviewed',
      publicationTypes: [],
      references: [],
      origin: { format: 'pdf', path: '/docs/Reader Tests.pdf', line: 1 },
    });
    expect(source.evidenceLevel).toBeUndefined();
    expect(buildSource(source).evidenceLevel).toBe('unclassified');
  });

  it('names the source after the file when the PDF has no Info dictionary', async () => {
    const source = await readOne(readPdf, makePdf({ pages: [['Only text']] }), '/x/Plain File.pdf');
    expect(source).toMatchObject({ id: 'doc:plain-file', title: 'Plain File', authors: [] });
    expect(source.published).toBeUndefined();
  });

  it('skips a damaged PDF', async () => {
    const reason = skipReason(await readAll(readPdf, TWO_PAGES.subarray(0, 200), '/bad.pdf'));
    expect(reason).toMatch(/^damaged or invalid PDF \(.+\): re-download or re-export it/);
  });

  it('skips a password-protected PDF', async () => {
    const locked = makePdf({ pages: [['Secret text']], userPassword: 'open sesame' });
    expect(skipReason(await readAll(readPdf, locked, '/locked.pdf'))).toMatch(/^password-protected PDF/);
  });

  it('skips a PDF without a text layer, suggesting OCR', async () => {
    const scanned = makePdf({ pages: [[], []] });
    expect(skipReason(await readAll(readPdf, scanned, '/scan.pdf'))).toBe(NO_TEXT_REASON);
  });

  it('skips a PDF over the size limit without reading it whole', async () => {
    const mebibyte = new Uint8Array(1024 * 1024);
    async function* huge(): AsyncIterable<Uint8Array> {
      // The same buffer again and again: the test itself stays small.
      for (let sent = 0; sent <= PDF_LIMIT_BYTES; sent += mebibyte.length) yield mebibyte;
    }
    const items: ReaderItem[] = [];
    for await (const item of readPdf({ bytes: huge(), path: '/huge.pdf' })) items.push(item);
    expect(skipReason(items)).toMatch(/^PDF larger than 256 MiB/);
  });
});

describe('pageParagraphs', () => {
  it('splits on blank lines when a page has them, else on lines', () => {
    expect(pageParagraphs('a\nb\n\nc\n \nd')).toEqual(['a\nb', 'c', 'd']);
    expect(pageParagraphs('a\nb\nc')).toEqual(['a', 'b', 'c']);
    expect(pageParagraphs('')).toEqual([]);
  });
});

describe('pdfDate', () => {
  it('reads PDF dates as precisely as they are written', () => {
    expect(pdfDate('D:20200513120000+02\'00\'')).toBe('2020-05-13');
    expect(pdfDate('D:2020')).toBe('2020');
    expect(pdfDate('D:202005')).toBe('2020-05');
    expect(pdfDate('D:20201399')).toBeUndefined();
    expect(pdfDate('yesterday')).toBeUndefined();
    expect(pdfDate(undefined)).toBeUndefined();
  });
});
