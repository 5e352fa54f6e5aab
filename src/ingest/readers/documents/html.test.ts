import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildSource } from '../../../domain/source.js';
import { readHtml } from './html.js';
import { paragraphTexts, paragraphsWithPaths, readAll, readOne } from './__fixtures__/streams.js';

const GUIDELINE = readFileSync(fileURLToPath(new URL('./__fixtures__/guideline.html', import.meta.url)), 'utf8');

describe('readHtml', () => {
  it('reads metadata from Highwire and citemed <meta> tags', async () => {
    const source = await readOne(readHtml, GUIDELINE, '/docs/guideline.html');
    expect(source).toMatchObject({
      id: 'doc:guideline-reader-tests',
      ids: { doi: '10.1234/jrt.2021.42', pmid: '34567890' },
      title: 'Guideline on testing readers',
      authors: ['Lovelace, Ada', 'Hopper, Grace'],
      journal: 'Journal of Reader Tests',
      published: '2021-06-09',
      year: 2021,
      keywords: ['parsing', 'streaming', 'html'],
      language: 'en-GB',
      evidenceLevel: 'guideline',
      publicationTypes: ['Practice Guideline'],
      reviewStatus: 'submitted',
      statusNote: 'Submitted for review in June',
      origin: { format: 'html', path: '/docs/guideline.html', line: 1 },
    });
    expect(buildSource(source).evidenceLevel).toBe('guideline');
  });

  it('reads the body by heading, dropping page chrome, scripts and styles', async () => {
    const source = await readOne(readHtml, GUIDELINE, '/docs/guideline.html');
    expect(paragraphsWithPaths(source)).toEqual([
      'Overview: Readers should be tested with fixtures they own [1].',
      'Recommendations: Test every field.',
      'Recommendations: Including nested ones.',
      'Recommendations: Test tables & entities: 5\u00A0mg ≤ 10\u00A0mg — done.',
      'Recommendations > Dosing table: Drug | Dose',
      'Recommendations > Dosing table: Alpha | 1–2 mg',
      'Recommendations > Dosing table: Beta | 3 mg daily',
      'Recommendations > Dosing table: Figure 1. A chart.',
      'Recommendations > Dosing table: Quoted advice.',
      'Recommendations > Dosing table: Term',
      'Recommendations > Dosing table: Its definition.',
      'Recommendations > Dosing table: code line one code line two',
    ]);
    for (const dropped of ['Site banner', 'Home', 'color', 'never text', 'Related links', 'Enable JavaScript', '©', 'svg text', 'Icon title']) {
      expect(source.text).not.toContain(dropped);
    }
  });

  it('turns a References list into labelled references, out of the text', async () => {
    const source = await readOne(readHtml, GUIDELINE, '/docs/guideline.html');
    expect(source.references).toEqual([
      { label: '1', text: 'Smith J. Testing. J Tests. 2020.' },
      { label: '2', text: 'Jones K. Fixtures. J Tests. 2019.' },
    ]);
    expect(source.text).not.toContain('Smith J.');
  });

  it('falls back to <title>, then the first <h1>, then the file name; defaults to not-reviewed', async () => {
    const titled = await readOne(readHtml, '<title>Tab &amp; title</title><h1>Heading</h1><p>Text.</p>', '/a.html');
    expect(titled.title).toBe('Tab & title');
    const headed = await readOne(readHtml, '<h1>Heading</h1><p>Text.</p>', '/b.html');
    expect(headed.title).toBe('Heading');
    const bare = await readOne(readHtml, '<p>Text.</p>', '/pages/Some Page.htm');
    expect(bare).toMatchObject({ id: 'doc:some-page', title: 'Some Page', reviewStatus: 'not-reviewed', statusNote: 'Imported document — not medically reviewed' });
    expect(bare.evidenceLevel).toBeUndefined();
  });

  it('keeps loose text outside paragraphs, split at block boundaries', async () => {
    const source = await readOne(readHtml, '<body>Loose <i>words</i><div>In a div<br>next line</div>After<p>Para</p></body>', '/l.html');
    expect(paragraphTexts(source)).toEqual(['Loose words', 'In a div next line', 'After', 'Para']);
  });

  it('reads Dublin Core tags when Highwire ones are absent', async () => {
    const html =
      '<meta name="DC.title" content="DC title"><meta name="DC.creator" content="A; B"><meta name="DC.date" content="2019-02">' +
      '<meta name="DC.identifier" content="doi:10.5555/dc.1"><meta name="DC.identifier" content="ISBN 123"><meta name="DC.subject" content="x, y">' +
      '<meta name="DC.publisher" content="A Publisher"><p>Text.</p>';
    const source = await readOne(readHtml, html, '/dc.html');
    expect(source).toMatchObject({
      title: 'DC title',
      authors: ['A', 'B'],
      published: '2019-02',
      ids: { doi: '10.5555/dc.1' },
      keywords: ['x', 'y'],
      journal: 'A Publisher',
    });
  });

  it('skips a page with an invalid citemed <meta> value, naming the tag and its line', async () => {
    const html = '<html>\n<head>\n<meta name="citemed-id" content="x">\n<meta name="citemed-review-status"\n content="done">\n</head><p>Text.</p>';
    expect(await readAll(readHtml, html, '/bad.html')).toEqual([
      {
        kind: 'skip',
        line: 4,
        recordId: 'doc:bad',
        reason: '<meta name="citemed-review-status"> content must be one of not-reviewed, submitted, under-review, approved (got "done")',
      },
    ]);
  });

  it('skips a page with no body text', async () => {
    const [item] = await readAll(readHtml, '<nav><p>Menu</p></nav><script>x()</script>', '/empty.html');
    expect(item).toMatchObject({ kind: 'skip', line: 1, recordId: 'doc:empty' });
  });

  it('gives the same source however the bytes are split into chunks', async () => {
    const bytes = new TextEncoder().encode(GUIDELINE);
    const whole = await readOne(readHtml, bytes, '/docs/guideline.html');
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 60 }), async (cuts) => {
        expect(await readOne(readHtml, bytes, '/docs/guideline.html', cuts)).toEqual(whole);
      }),
      { numRuns: 60 },
    );
  });

  it('reports the right meta line however the bytes are split', async () => {
    const html = '<p>Text.</p>\n\n\n<meta name="citation_pmid" content="PMC1">\n';
    const bytes = new TextEncoder().encode(html);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 20 }), async (cuts) => {
        const [item] = await readAll(readHtml, bytes, '/p.html', cuts);
        expect(item).toMatchObject({ kind: 'skip', line: 4 });
      }),
      { numRuns: 60 },
    );
  });
});
