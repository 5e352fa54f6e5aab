import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContainer, type Container } from '../src/config/container.js';
import { SettingsSchema, type Settings } from '../src/config/settings.js';
import type { Passage } from '../src/domain/passage.js';
import type { Source } from '../src/domain/source.js';
import { planIngest, runIngest } from '../src/ingest/pipeline.js';
import { medlineFile } from './factories/medline.js';
import { dropSchema, freshSchema, POSTGRES_SKIP_REASON, POSTGRES_URL } from './support/postgres.js';

/**
 * Documents holding NUL and other control characters (a PDF's extracted text, a file saved by a
 * careless tool, text decoded from UTF-16 as UTF-8) ingest on both backends, to the same text
 * and the same passage ids: PostgreSQL refuses U+0000 in `text`, so the characters are removed
 * before passages are cut, and SQLite stores what PostgreSQL does.
 */
const NUL = '\u0000';
const FILES: Record<string, string> = {
  // A NUL inside a word, one between words, a bell and an escape: none of them is text.
  'nul-note.md': [
    '---',
    'id: nul-note',
    'title: "Dexa\\0methasone in croup"',
    'status_note: "Sample\\0 content"',
    'authors: ["Ann\\0 Tester"]',
    '---',
    '',
    '# Dexamethasone in croup',
    '',
    `## Treat${NUL}ment`,
    '',
    `A single dose of dexa${NUL}methasone ${NUL} reduces return visits\u0007 in croup.\u001b`,
    '',
    `Nebulised ${NUL}${NUL}budesonide is an alternative.`,
    '',
  ].join('\n'),
  'nul-page.html': `<!doctype html><html><head><title>Hyper${NUL}kalaemia</title><meta name="citation_title" content="Hyper${NUL}kalaemia care"></head><body><h1>Hyperkalaemia</h1><p>Give calcium${NUL} gluconate first when the ECG changes.</p></body></html>`,
  'nul-corpus.jsonl': `${JSON.stringify({ _id: `d${NUL}1`, title: `Gout${NUL} flare`, text: `Colchi${NUL}cine treats a gout flare.\n\nSecond\u0001 paragraph.` })}\n`,
  'nul-medline.xml': medlineFile([
    `<PubmedArticle><MedlineCitation Status="MEDLINE" Owner="NLM"><PMID Version="1">90000777</PMID>
      <Article><Journal><Title>Journal of Synthetic Medicine</Title></Journal>
      <ArticleTitle>Iliopsoas${NUL} abscess drainage</ArticleTitle>
      <Abstract><AbstractText>Percutaneous${NUL} drainage of an iliopsoas abscess.</AbstractText></Abstract>
      <Language>eng</Language></Article></MedlineCitation></PubmedArticle>`,
  ]),
};

/** Every string inside a value, at any depth. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

const CONTROL = /[\u0000-\u0008\u000e-\u001f]/;

interface Library {
  sources: Source[];
  passages: Passage[];
  /** The passages found for each of QUESTIONS, best first. */
  found: string[][];
}

const QUESTIONS = ['dexamethasone croup', 'calcium gluconate', 'colchicine', 'percutaneous drainage'];

async function ingestInto(settings: Settings, dir: string): Promise<Library> {
  const container: Container = createContainer(settings, { cwd: dir });
  try {
    const deps = container.ingestDeps();
    const report = await runIngest(await planIngest(Object.keys(FILES), deps.files), deps);
    expect(report.files.map((f) => [path.basename(f.path), f.status, f.error])).toEqual(Object.keys(FILES).map((name) => [name, 'done', undefined]));
    expect(report.totals).toMatchObject({ added: 4, skipped: {} });
    const ids = ['doc:nul-note', 'doc:nul-page', 'jsonl:d1', 'pmid:90000777'];
    const sources = await Promise.all(ids.map(async (id) => (await container.store.getSource(id)) as Source));
    const passages = (await Promise.all(ids.map((id) => container.store.listPassages(id)))).flat();
    const found: string[][] = [];
    for (const question of QUESTIONS) found.push((await container.search(question, { limit: 3 })).hits.map((hit) => hit.passage.text));
    return { sources, passages, found };
  } finally {
    await container.close();
  }
}

describe('documents holding NUL and other control characters', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'citemed-control-'));
  const libraries: Record<string, Library> = {};
  const schema = freshSchema();
  const postgres = POSTGRES_SKIP_REASON === '';

  beforeAll(async () => {
    for (const [name, content] of Object.entries(FILES)) writeFileSync(path.join(dir, name), content);
    const base = { ingest: { worker: false } };
    libraries.sqlite = await ingestInto(SettingsSchema.parse({ ...base, store: { path: path.join(dir, 'lib.db') } }), dir);
    if (postgres) libraries.postgres = await ingestInto(SettingsSchema.parse({ ...base, store: { url: POSTGRES_URL, schema } }), dir);
  }, 60_000);
  afterAll(async () => {
    if (postgres) await dropSchema(schema);
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores text and metadata without them, with passages that are spans of the stored text', () => {
    const { sources, passages } = libraries.sqlite as Library;
    const [note, page, corpus, medline] = sources as [Source, Source, Source, Source];
    expect(note.title).toBe('Dexamethasone in croup');
    expect(note.statusNote).toBe('Sample content');
    expect(note.authors).toEqual(['Ann Tester']);
    expect(note.text).toBe('A single dose of dexamethasone reduces return visits in croup.\n\nNebulised budesonide is an alternative.');
    expect(note.sections.map((s) => s.path)).toEqual([['Treatment']]);
    expect(page.title).toBe('Hyperkalaemia care');
    expect(page.text).toContain('Give calcium gluconate first');
    expect(corpus.id).toBe('jsonl:d1');
    expect(corpus.text).toBe('Colchicine treats a gout flare.\n\nSecond paragraph.');
    expect(medline.title).toBe('Iliopsoas abscess drainage');
    expect(medline.text).toBe('Percutaneous drainage of an iliopsoas abscess.');
    for (const source of sources) expect(strings(source).filter((s) => CONTROL.test(s)), source.id).toEqual([]);
    for (const passage of passages) {
      const source = sources.find((s) => s.id === passage.sourceId) as Source;
      expect(source.text.slice(passage.start, passage.end)).toBe(passage.text);
      expect(passage.text).not.toMatch(CONTROL);
    }
  });

  it.skipIf(!postgres)('ingests on PostgreSQL to the same sources and passage ids as on SQLite', () => {
    const sqlite = libraries.sqlite as Library;
    const pg = libraries.postgres as Library;
    const comparable = (source: Source) => ({ ...source, origin: { ...source.origin, path: path.basename(source.origin.path) } });
    expect(pg.sources.map(comparable)).toEqual(sqlite.sources.map(comparable));
    expect(pg.passages).toEqual(sqlite.passages);
  });

  it('finds the passages by the words the control characters split', () => {
    for (const library of Object.values(libraries)) {
      expect(library.found).toEqual([
        ['A single dose of dexamethasone reduces return visits in croup.\n\nNebulised budesonide is an alternative.'],
        ['Give calcium gluconate first when the ECG changes.'],
        ['Colchicine treats a gout flare.\n\nSecond paragraph.'],
        ['Percutaneous drainage of an iliopsoas abscess.'],
      ]);
    }
  });
});
