import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Container } from '../../src/config/container.js';
import { createServer } from '../../src/server/app.js';
import { makeStaff, type Staff } from './editorial-support.js';
import { buildStarterLibrary, openLibrary, removeLibrary, settingsFor } from './support.js';

/**
 * An article's references as downloads for reference managers, and the links to them on the
 * article's page. The formats themselves are checked line by line in src/articles/cite-formats.test.ts.
 */
describe('reference exports of an article', () => {
  let db: string;
  let container: Container;
  let app: FastifyInstance;
  let staff: Staff;
  let article: { id: string; slug: string; url: string };
  let shown: { answer: { references: { source: { title: string } }[] } };

  beforeAll(async () => {
    db = await buildStarterLibrary();
    container = openLibrary(db, { server: { rateLimit: { enabled: false } } });
    app = createServer(container, settingsFor(db, { server: { rateLimit: { enabled: false } } }).server);
    staff = await makeStaff(container);
    const published = await app.inject({ method: 'POST', url: '/api/v1/articles', headers: staff.headers.editor, payload: { question: 'What is the management of an iliopsoas abscess?' } });
    article = published.json();
    shown = (await app.inject({ url: `/api/v1/articles/${article.id}` })).json();
  }, 120_000);
  afterAll(async () => {
    await app.close();
    await container.close();
    removeLibrary(db);
  });

  const download = (format: string) => app.inject({ url: `/api/v1/articles/${article.id}/references?format=${format}` });

  it('serves the shown version\'s references as RIS, BibTeX and CSL-JSON attachments named after the slug', async () => {
    expect(shown.answer.references.length).toBeGreaterThan(0);
    const titles = shown.answer.references.map((r) => r.source.title);

    const ris = await download('ris');
    expect(ris.statusCode).toBe(200);
    expect(ris.headers['content-type']).toBe('application/x-research-info-systems; charset=utf-8');
    expect(ris.headers['content-disposition']).toBe(`attachment; filename="${article.slug}.ris"`);
    expect(ris.body.match(/^ER {2}- $/gm)).toHaveLength(titles.length);
    for (const title of titles) expect(ris.body).toContain(`TI  - ${title}`);

    const bib = await download('bibtex');
    expect(bib.headers['content-type']).toBe('application/x-bibtex; charset=utf-8');
    expect(bib.headers['content-disposition']).toBe(`attachment; filename="${article.slug}.bib"`);
    expect(bib.body.match(/^@\w+\{[a-z]+(\d+|nd)[a-z]+,$/gm)).toHaveLength(titles.length);

    const csl = await download('csl-json');
    expect(csl.headers['content-type']).toBe('application/vnd.citationstyles.csl+json; charset=utf-8');
    expect(csl.headers['content-disposition']).toBe(`attachment; filename="${article.slug}.json"`);
    expect(csl.json().map((item: { title: string }) => item.title)).toEqual(titles);
    expect(csl.headers['cache-control']).toBe('no-store');
  });

  it('refuses an unknown format and an unknown article', async () => {
    const format = await download('endnote');
    expect(format.statusCode).toBe(400);
    expect(format.json().error.code).toBe('bad-request');
    expect((await app.inject({ url: `/api/v1/articles/${article.id}/references` })).statusCode).toBe(400);
    expect((await app.inject({ url: '/api/v1/articles/nosuchid99/references?format=ris' })).statusCode).toBe(404);
  });

  it('links the three exports from the article page, kept off paper', async () => {
    const page = await app.inject({ url: article.url });
    const base = `/api/v1/articles/${article.id}/references?format=`;
    expect(page.body).toContain(
      `<p class="meta noprint">Export references: <a href="${base}ris" download>RIS</a> · <a href="${base}bibtex" download>BibTeX</a> · <a href="${base}csl-json" download>CSL-JSON</a></p>`,
    );
  });
});
