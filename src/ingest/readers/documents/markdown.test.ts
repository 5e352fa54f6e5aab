import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildSource } from '../../../domain/source.js';
import { readMarkdown } from './markdown.js';
import { paragraphTexts, paragraphsWithPaths, readAll, readOne } from './__fixtures__/streams.js';

const fixture = (name: string): string => readFileSync(fileURLToPath(new URL(`./__fixtures__/${name}`, import.meta.url)), 'utf8');
const FULL = fixture('full-overview.md');
const PLAIN = fixture('no-front-matter.md');

describe('readMarkdown: front matter', () => {
  it('maps every front matter field onto the source', async () => {
    const source = await readOne(readMarkdown, FULL, '/lib/full-overview.md');
    expect(source).toMatchObject({
      id: 'doc:overview-test-topic',
      ids: { pmid: '12345678', doi: '10.5555/TEST.123' },
      title: 'Management of a test topic',
      authors: ['Ada Lovelace', 'Grace Hopper'],
      journal: 'Citemed Test Library',
      licence: 'CC-BY-4.0',
      keywords: ['testing', 'fixtures', 'parsing'],
      language: 'en',
      published: '2025-03-04',
      year: 2025,
      evidenceLevel: 'in-house',
      publicationTypes: ['In-house Overview'],
      reviewStatus: 'under-review',
      statusNote: 'Awaiting a second reviewer',
      version: { number: 1, revised: '2025-03-04' },
      origin: { format: 'markdown', path: '/lib/full-overview.md', line: 1 },
      mesh: [],
      correctionLinks: [],
    });
    expect(source.references).toEqual([
      { label: '1', kind: 'guideline', title: 'A guideline about tests.', journal: 'Journal of Tests', year: 2020, pmid: '11111111', doi: '10.1000/tests.1' },
      { label: '2', kind: 'research', title: 'A trial of fixtures.', journal: 'Fixture Research', year: 2019 },
      { label: '3', text: 'A reference written as one line of text.' },
    ]);
    expect(buildSource(source).evidenceLevel).toBe('in-house');
  });

  it('defaults: id and title from the file, not-reviewed with the sample note, no level', async () => {
    const source = await readOne(readMarkdown, 'Just a paragraph.\n', '/lib/Gout Flare (2024).md');
    expect(source.id).toBe('doc:gout-flare-2024');
    expect(source.title).toBe('Gout Flare (2024)');
    expect(source.reviewStatus).toBe('not-reviewed');
    expect(source.statusNote).toBe('Sample content — not medically reviewed');
    expect(source.evidenceLevel).toBeUndefined();
    expect(source.publicationTypes).toEqual([]);
    expect(source.version).toEqual({ number: 1 });
    expect(buildSource(source).evidenceLevel).toBe('unclassified');
  });

  it('keeps the status banner out of the indexed text, but not a later paragraph that mentions it', async () => {
    const doc = [
      '---',
      'status_note: Sample content — not medically reviewed',
      '---',
      '',
      '> **Sample content — not medically reviewed.** Verify before use.',
      '',
      'Gout flares respond to colchicine [1].',
      '',
      '## Pitfalls',
      'Sample content — not medically reviewed is what the banner says.',
      '',
    ].join('\n');
    const source = await readOne(readMarkdown, doc, '/lib/gout.md');
    expect(source.statusNote).toBe('Sample content — not medically reviewed');
    expect(paragraphTexts(source)).toEqual([
      'Gout flares respond to colchicine [1].',
      'Sample content — not medically reviewed is what the banner says.',
    ]);
  });

  it('takes the title from the first # heading when the front matter has none', async () => {
    const source = await readOne(readMarkdown, PLAIN, '/lib/no-front-matter.md');
    expect(source.id).toBe('doc:no-front-matter');
    expect(source.title).toBe('A document title');
  });

  it('reads type guideline, an explicit evidence_level that wins, approval without a default note', async () => {
    const guideline = await readOne(readMarkdown, '---\ntype: Guideline\nreview_status: approved\n---\nText.\n', '/g.md');
    expect(guideline.evidenceLevel).toBe('guideline');
    expect(guideline.publicationTypes).toEqual(['Practice Guideline']);
    expect(guideline.reviewStatus).toBe('approved');
    expect(guideline.statusNote).toBeUndefined();

    const explicit = await readOne(readMarkdown, '---\ntype: overview\nevidence_level: systematic-review\n---\nText.\n', '/e.md');
    expect(explicit.evidenceLevel).toBe('systematic-review');
    expect(explicit.publicationTypes).toEqual(['In-house Overview']);

    const other = await readOne(readMarkdown, '---\ntype: leaflet\n---\nText.\n', '/o.md');
    expect(other.evidenceLevel).toBeUndefined();
    expect(other.publicationTypes).toEqual([]);
  });

  it('takes published from date or year when last_updated is absent, without a revision date', async () => {
    const dated = await readOne(readMarkdown, '---\ndate: 2019/7/1\nauthors: A. Author; B. Author\n---\nText.\n', '/d.md');
    expect(dated).toMatchObject({ published: '2019-07-01', year: 2019, version: { number: 1 }, authors: ['A. Author', 'B. Author'] });
    const year = await readOne(readMarkdown, '---\nyear: 2018\npublisher: A Society\nlicense: MIT\n---\nText.\n', '/y.md');
    expect(year).toMatchObject({ published: '2018', year: 2018, journal: 'A Society', licence: 'MIT' });
  });

  it('treats an empty front matter block as no metadata', async () => {
    const source = await readOne(readMarkdown, '---\n---\n# Title\nText.\n', '/empty.md');
    expect(source.title).toBe('Title');
    expect(paragraphTexts(source)).toEqual(['Text.']);
  });

  it('skips a file whose YAML does not parse, with the line of the error in the file', async () => {
    const items = await readAll(readMarkdown, '---\nid: ok\ntitle: [unclosed\n---\nBody.\n', '/bad.md');
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ kind: 'skip', line: 3, recordId: 'doc:bad' });
    expect(items[0]!.kind === 'skip' && items[0]!.reason).toMatch(/^front matter is not valid YAML: /);
  });

  it('skips a file with an invalid value, naming the key, its line and the allowed values', async () => {
    const items = await readAll(readMarkdown, '---\nid: ok\n\nreview_status: aproved\n---\nBody.\n', '/bad.md');
    expect(items).toEqual([
      {
        kind: 'skip',
        line: 4,
        recordId: 'doc:bad',
        reason: 'front matter: review_status must be one of not-reviewed, submitted, under-review, approved (got "aproved")',
      },
    ]);
  });

  it('points at the bad field of a reference', async () => {
    const yaml = ['---', 'references:', '  - n: 1', '    title: fine', '  - n: 2', '    pmid: "PMC123"', '---', 'Body.'].join('\n');
    const [item] = await readAll(readMarkdown, yaml, '/refs.md');
    expect(item).toMatchObject({ kind: 'skip', line: 6 });
    expect(item!.kind === 'skip' && item!.reason).toBe('front matter: references[1].pmid must be a PubMed id, digits only (got "PMC123")');
  });

  it('skips front matter that is not a mapping, and front matter that is never closed', async () => {
    const [list] = await readAll(readMarkdown, '---\n- a\n- b\n---\nBody.\n', '/list.md');
    expect(list).toMatchObject({ kind: 'skip', line: 2 });
    expect(list!.kind === 'skip' && list!.reason).toMatch(/must be a YAML mapping/);

    const [open] = await readAll(readMarkdown, '---\nid: x\n\nBody but no closing line.\n', '/open.md');
    expect(open).toMatchObject({ kind: 'skip', line: 1 });
    expect(open!.kind === 'skip' && open!.reason).toMatch(/never closed/);
  });

  it('skips an id that cannot be part of a source id', async () => {
    const [item] = await readAll(readMarkdown, '---\nid: has space/slash\n---\nBody.\n', '/id.md');
    expect(item).toMatchObject({ kind: 'skip', line: 2 });
  });

  it('skips a document without body text', async () => {
    const [item] = await readAll(readMarkdown, '---\nid: x\n---\n# Only a heading\n', '/h.md');
    expect(item).toMatchObject({ kind: 'skip', line: 1, recordId: 'doc:x' });
  });
});

describe('readMarkdown: body', () => {
  it('puts paragraphs in sections by heading level and strips inline markup', async () => {
    const source = await readOne(readMarkdown, FULL, '/lib/full-overview.md');
    expect(paragraphsWithPaths(source)).toEqual([
      'Overview: Sample note. Read before use.',
      'Overview: Text right under the title [1].',
      'Bottom line: First sentence with strong, emphasis, code span, a link and an image [1, 2]. Second line of the same paragraph & an entity é and inline HTML.',
      'Diagnostic approach: First bullet [1].',
      'Diagnostic approach: Second bullet with nested items',
      'Diagnostic approach: Nested bullet A',
      'Diagnostic approach: Deeper numbered',
      'Diagnostic approach: Nested bullet B',
      'Diagnostic approach > Scores: Score | Meaning',
      'Diagnostic approach > Scores: 0 | Low risk',
      'Diagnostic approach > Scores: 1–2 | Moderate < high',
      'Treatment: # not a heading ## also not a heading echo "dose"',
      'Treatment: # tilde fence, still code',
      'Treatment > Level four: Deep text.',
    ]);
    expect(source.sections.map((s) => s.path)).toEqual([
      ['Overview'],
      ['Bottom line'],
      ['Diagnostic approach'],
      ['Diagnostic approach', 'Scores'],
      ['Treatment'],
      ['Treatment', 'Level four'],
    ]);
    for (const section of source.sections) expect(section.end).toBeGreaterThan(section.start);
  });

  it('keeps a References section out of the text; front matter references win over it', async () => {
    const source = await readOne(readMarkdown, FULL, '/lib/full-overview.md');
    expect(source.text).not.toContain('Fixture Research. 2019');
    expect(source.references).toHaveLength(3);
  });

  it('turns a References (or Bibliography) list into references when the front matter has none', async () => {
    const source = await readOne(readMarkdown, PLAIN, '/lib/no-front-matter.md');
    expect(source.references).toEqual([
      { label: '3', text: 'Smith J. A cited paper. 2001.' },
      { label: '2', text: 'Jones K. Another paper. 2002. PMID 99999' },
    ]);
    expect(paragraphsWithPaths(source)).toEqual([
      'Overview: Intro text before any heading.',
      'Overview: Body under the title.',
      'Section A: Alpha.',
      'Section A > Sub A1: Alpha one.',
    ]);
  });

  it('labels ordered reference lists by their numbers and ignores notes in the section', async () => {
    const markdown = '## Notes\nText [2].\n\n## References:\nAll links checked in 2024.\n\n2. First.\n3. Second.\n';
    const source = await readOne(readMarkdown, markdown, '/n.md');
    expect(source.references).toEqual([
      { label: '2', text: 'First.' },
      { label: '3', text: 'Second.' },
    ]);
    expect(paragraphTexts(source)).toEqual(['Text [2].']);

    const lazy = await readOne(readMarkdown, 'Body [1].\n\n## References\n1. One.\n1. Two.\n1. Three.\n', '/lazy.md');
    expect(lazy.references.map((r) => r.label)).toEqual(['1', '2', '3']);
  });

  it('keeps citation markers that a link definition would otherwise turn into links', async () => {
    const source = await readOne(readMarkdown, 'Claim [1] and claims [2, 3].\n\n[1]: https://example.org/1\n', '/c.md');
    expect(paragraphTexts(source)).toEqual(['Claim [1] and claims [2, 3].']);
  });

  it('reads setext headings, later # headings, blockquotes and raw HTML blocks', async () => {
    const markdown = [
      'Title',
      '=====',
      'Under the title.',
      '',
      'Part',
      '----',
      '> Quoted one.',
      '>',
      '> Quoted two.',
      '',
      '<div class="box"><p>Boxed &amp; kept</p><script>dropped()</script></div>',
      '',
      '# Appendix',
      '## Extra',
      'Last.',
      '<!-- a comment -->',
    ].join('\n');
    const source = await readOne(readMarkdown, markdown, '/s.md');
    expect(source.title).toBe('Title');
    expect(paragraphsWithPaths(source)).toEqual([
      'Overview: Under the title.',
      'Part: Quoted one.',
      'Part: Quoted two.',
      'Part: Boxed & kept',
      'Appendix > Extra: Last.',
    ]);
  });

  it('reads CRLF line endings and a byte order mark like plain LF', async () => {
    const lf = await readOne(readMarkdown, FULL, '/lib/full-overview.md');
    const crlf = await readOne(readMarkdown, `\uFEFF${FULL.replace(/\n/g, '\r\n')}`, '/lib/full-overview.md');
    expect(crlf).toEqual(lf);
  });

  it('keeps odd Unicode and a 1 MB paragraph intact', async () => {
    const odd = 'Ménière’s 5\u202Fmg ≤ 10 µg/kg · 𝛼-gal 🧪 ÅΩ 漢字 عربى\u00A0x';
    const big = `${'abcdefghij '.repeat(95_000)}end`;
    const markdown = `## Odd\n${odd}\n\n## Big\n${big}\n`;
    const source = await readOne(readMarkdown, markdown, '/u.md', [7, 8, 9, 30, 31, 32, 33]);
    expect(big.length).toBeGreaterThan(1_000_000);
    expect(paragraphTexts(source)).toEqual([odd, big]);
  });

  it('gives the same source however the bytes are split into chunks', async () => {
    const bytes = new TextEncoder().encode(`${FULL}\nÜnïcödé — 🧪 tail.\n`);
    const whole = await readOne(readMarkdown, bytes, '/lib/full-overview.md');
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 40 }), async (cuts) => {
        expect(await readOne(readMarkdown, bytes, '/lib/full-overview.md', cuts)).toEqual(whole);
      }),
      { numRuns: 60 },
    );
  });
});
