import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeEuropePmc, type FakeEuropePmc } from '../support/fake-europepmc.js';
import { startFakeEutils, type FakeEutils } from '../support/fake-eutils.js';
import { runCli, spawnCli } from './run-cli.js';

/** `citemed fetch pubmed` end to end, against a fake E-utilities server on 127.0.0.1. */
describe('citemed fetch pubmed', () => {
  let dir: string;
  let config: string;
  let server: FakeEutils;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'citemed-fetch-'));
    server = await startFakeEutils();
    config = path.join(dir, 'settings.json');
    writeFileSync(
      config,
      JSON.stringify({ literature: { pubmed: { baseUrl: server.baseUrl, email: 'tests@example.org', maxRetries: 1, timeoutMs: 5_000, requestsPerSecond: 50 } } }),
    );
  });
  afterAll(async () => {
    await server.close().catch(() => {});
  });

  const cli = (db: string, ...args: string[]) => runCli(['--db', db, '--config', config, ...args]);

  it('counts without fetching or making a library', async () => {
    const db = path.join(dir, 'count.db');
    const result = await cli(db, 'fetch', 'pubmed', 'children', '--count');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^PubMed: 2 record\(s\) match "children"\./);
    expect(existsSync(db)).toBe(false);
    expect(server.requests.at(-1)?.path).toMatch(/esearch\.fcgi$/);
    expect(server.requests.at(-1)?.params).toMatchObject({ db: 'pubmed', term: 'children', tool: 'citemed', email: 'tests@example.org' });
  });

  it('searches, saves the records with a manifest beside the library, and ingests them', async () => {
    const db = path.join(dir, 'lib.db');
    const result = await cli(db, 'fetch', 'pubmed', 'children', '--max', '10');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/PubMed: 2 record\(s\) match "children"/);
    expect(result.stderr).toMatch(/part 1 of 1: 2 record\(s\) \(part-0001\.xml\)/);
    expect(result.stdout).toMatch(/added +2/i);

    const folders = readdirSync(path.join(dir, 'fetched'));
    expect(folders).toHaveLength(1);
    expect(folders[0]).toMatch(/^pubmed-\d{4}-\d{2}-\d{2}-[0-9a-f]{10}$/);
    const folder = path.join(dir, 'fetched', folders[0] ?? '');
    expect(readdirSync(folder).sort()).toEqual(['manifest.json', 'part-0001.done', 'part-0001.xml']);
    const manifest = JSON.parse(readFileSync(path.join(folder, 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({ service: 'pubmed', total: 2, query: { query: 'children', max: 10 } });
    expect(readFileSync(path.join(folder, 'part-0001.xml'), 'utf8')).toContain('<PubmedArticleSet>');

    // The records are sources like any MEDLINE record: their PMIDs, evidence levels and the file they came from.
    const shown = await runCli(['--db', db, 'sources', 'show', '90000001', '--json']);
    expect(shown.code, shown.stderr).toBe(0);
    const { source } = JSON.parse(shown.stdout);
    expect(source).toMatchObject({ id: 'pmid:90000001', evidenceLevel: 'randomized-trial' });
    expect(JSON.stringify(source)).toContain('part-0001.xml');
    const search = await runCli(['--db', db, 'search', 'oral rehydration children', '--json']);
    expect(JSON.parse(search.stdout).hits[0].source.id).toBe('pmid:90000001');
  });

  it('run again the same day, goes on with the same fetch: nothing fetched twice, nothing doubled', async () => {
    const db = path.join(dir, 'lib.db');
    const before = server.requests.length;
    const again = await cli(db, 'fetch', 'pubmed', 'children', '--max', '10', '--json');
    expect(again.code, again.stderr).toBe(0);
    expect(server.requests.length).toBe(before);
    const report = JSON.parse(again.stdout);
    expect(report).toMatchObject({ service: 'pubmed', total: 2, fetched: 0, interrupted: false });
    expect(report.parts[0].reused).toBe(true);
    // The saved part was ingested to the end before, so the pipeline passes it over.
    expect(report.ingest.files).toHaveLength(1);
    expect(report.ingest.files[0].alreadyDoneAt).toEqual(expect.any(String));
    expect(report.ingest.totals.added).toBe(0);
    const stats = JSON.parse((await runCli(['--db', db, 'stats', '--json'])).stdout);
    expect(stats.sources).toBe(2);
  });

  it('saves without ingesting when asked, and says how to ingest later', async () => {
    const db = path.join(dir, 'later.db');
    const result = await cli(db, 'fetch', 'pubmed', 'adults', '--no-ingest');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/Saved 1 part\(s\) in .*fetched\/pubmed-.*; add them with: citemed ingest /);
    const stats = JSON.parse((await runCli(['--db', db, 'stats', '--json'])).stdout);
    expect(stats.sources).toBe(0);
  });

  it('says so, and saves no parts, when nothing matches', async () => {
    const result = await cli(path.join(dir, 'none.db'), 'fetch', 'pubmed', 'zzzznothing');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe('Nothing to fetch: PubMed found no records for that query.');
  });

  it('refuses bad input with usage errors, before reaching the network', async () => {
    const before = server.requests.length;
    const cases: [string[], RegExp][] = [
      [['fetch', 'scopus', 'x'], /no literature service called "scopus" — use pubmed or europepmc/],
      [['fetch', 'pubmed', 'x', '--max', '0'], /--max must be a whole number from 1 to 10000, not "0"/],
      [['fetch', 'pubmed', 'x', '--max', '20000'], /--max must be a whole number from 1 to 10000/],
      [['fetch', 'pubmed', 'x', '--from', '2020', '--to', '2019'], /--from 2020 is after --to 2019/],
      [['fetch', 'pubmed', 'x', '--from', '20'], /--from must be a four-digit year/],
      [['fetch', 'pubmed', '  '], /the query is empty/],
      [['fetch', 'pubmed', 'x', '--full-text'], /--full-text is for Europe PMC only: PubMed serves no full text/],
    ];
    for (const [args, message] of cases) {
      const result = await cli(path.join(dir, 'bad.db'), ...args);
      expect(result.code, args.join(' ')).toBe(64);
      expect(result.stderr, args.join(' ')).toMatch(message);
    }
    expect(server.requests.length).toBe(before);
  });

  it('stops on Ctrl-C during a fetch, keeps what was saved, and the same command then finishes', async () => {
    const db = path.join(dir, 'interrupted.db');
    server.script({}, { delayMs: 10_000 });
    const { child, done } = spawnCli(['--db', db, '--config', config, 'fetch', 'pubmed', 'oral']);
    let stderr = '';
    let sent = false;
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (!sent && stderr.includes('fetching the first')) sent = child.kill('SIGINT');
    });
    const stopped = await done;
    expect(stopped.code, stopped.stderr).toBe(130);
    expect(stopped.stderr).toMatch(/fetch interrupted — the parts saved so far are kept; run the same command again/);

    const again = await cli(db, 'fetch', 'pubmed', 'oral', '--json');
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ fetched: 2, ingest: { totals: { added: 2 } } });
  }, 30_000);

  it('ask --fetch: when the library holds too little, fetches for the question, ingests, and answers from what it found', async () => {
    const db = path.join(dir, 'ask.db');
    const question = 'oral rehydration in children with diarrhoea';
    const asked = await cli(db, 'ask', '--fetch', 'pubmed', '--fetch-max', '5', '--json', question);
    expect(asked.code, asked.stderr).toBe(0);
    expect(asked.stderr).toMatch(/the library holds too little on this; searching PubMed \(NCBI E-utilities, http:\/\/127\.0\.0\.1:\d+\/entrez\/eutils\) for "oral rehydration in children with diarrhoea"/);
    expect(asked.stderr).toMatch(/1 record\(s\) found of 1 matching; 1 added to the library, 0 updated/);
    const answer = JSON.parse(asked.stdout);
    expect(answer.status).not.toBe('insufficient');
    expect(answer.references.map((r: { source: { id: string } }) => r.source.id)).toEqual(['pmid:90000001']);
    expect(answer.notices.at(-1)).toMatch(/^1 record\(s\) were fetched from PubMed .* for this question on \d{4}-\d{2}-\d{2} and added to the library before this answer was written/);
    const search = server.requests.filter((r) => r.path.endsWith('esearch.fcgi')).at(-1);
    expect(search?.params).toMatchObject({ term: question, retmax: '5' });

    // Asked again, the library answers by itself: nothing is fetched.
    const before = server.requests.length;
    const again = await cli(db, 'ask', '--fetch', 'pubmed', '--json', question);
    expect(again.code, again.stderr).toBe(0);
    expect(server.requests.length).toBe(before);
    expect(JSON.parse(again.stdout).notices.join(' ')).not.toMatch(/were fetched/);
  });

  it('ask --fetch that finds nothing keeps the honest "not enough evidence" answer', async () => {
    const asked = await cli(path.join(dir, 'ask-none.db'), 'ask', '--fetch', 'pubmed', 'zebra migration in the Serengeti');
    expect(asked.code, asked.stderr).toBe(0);
    expect(asked.stderr).toMatch(/found no records for it either/);
    expect(asked.stdout).toMatch(/holds no passage on this question/);
    expect(asked.stderr).not.toContain('To look in PubMed');
  });

  it('reports a service that fails with its exit code and no saved parts', async () => {
    const db = path.join(dir, 'down.db');
    const folders = readdirSync(path.join(dir, 'fetched')).length;
    server.script({ status: 503 }, { status: 503 });
    const result = await cli(db, 'fetch', 'pubmed', 'hand washing');
    expect(result.code).toBe(69);
    expect(result.stderr).toMatch(/503/);
    // The search itself failed: no manifest, no folder, nothing for a later run to mistake for a result.
    expect(readdirSync(path.join(dir, 'fetched'))).toHaveLength(folders);
  });
});

/** `citemed fetch europepmc` end to end, against a fake Europe PMC on 127.0.0.1. */
describe('citemed fetch europepmc', () => {
  let dir: string;
  let config: string;
  let server: FakeEuropePmc;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'citemed-fetch-epmc-'));
    server = await startFakeEuropePmc();
    config = path.join(dir, 'settings.json');
    writeFileSync(config, JSON.stringify({ literature: { folder: path.join(dir, 'saved'), europepmc: { baseUrl: server.baseUrl, maxRetries: 1, timeoutMs: 5_000 } } }));
  });
  afterAll(async () => {
    await server.close().catch(() => {});
  });

  it('saves the JSON replies in the configured folder and ingests them with evidence levels, preprint and retraction notes', async () => {
    const db = path.join(dir, 'lib.db');
    const result = await runCli(['--db', db, '--config', config, 'fetch', 'europepmc', 'fixturol', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.folder).toMatch(new RegExp(`^${path.join(dir, 'saved')}/europepmc-`));
    expect(report.parts.map((p: { path: string }) => path.basename(p.path))).toEqual(['part-0001.europepmc.json']);
    expect(report.fetched).toBeGreaterThan(3);
    expect(report.ingest.totals.added).toBe(report.fetched);
    expect(server.requests.map((r) => r.params.resultType)).toEqual(['idlist', 'core']);

    const trial = JSON.parse((await runCli(['--db', db, 'sources', 'show', '90000101', '--json'])).stdout).source;
    expect(trial).toMatchObject({ id: 'pmid:90000101', evidenceLevel: 'randomized-trial', origin: { format: 'europepmc' } });
    const search = JSON.parse((await runCli(['--db', db, 'search', 'fixturol', '--collection', 'europepmc', '-n', '20', '--json'])).stdout);
    const levels = new Set(search.hits.map((h: { source: { evidenceLevel: string } }) => h.source.evidenceLevel));
    expect(levels.has('systematic-review')).toBe(true);
    const sources = search.hits.map((h: { source: { statusNote?: string; integrity: string } }) => h.source);
    expect(sources.some((source: { statusNote?: string }) => source.statusNote === 'Preprint: not peer reviewed')).toBe(true);
    expect(sources.some((source: { integrity: string }) => source.integrity === 'retracted')).toBe(true);
  });

  it('with --full-text, saves and ingests the open-access JATS beside the records, as the same work as the abstract', async () => {
    const db = path.join(dir, 'full-text.db');
    const result = await runCli(['--db', db, '--config', config, 'fetch', 'europepmc', 'fixturol', '--full-text', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout);
    // Only the data files are parts, and only they are ingested: the chunk's marker is bookkeeping.
    expect(report.parts.map((p: { path: string }) => path.basename(p.path))).toEqual(['part-0001.europepmc.json', 'part-0001-2.nxml']);
    expect(report.ingest.files.map((f: { path: string }) => path.basename(f.path))).toEqual(['part-0001.europepmc.json', 'part-0001-2.nxml']);
    expect(readdirSync(report.folder).sort()).toEqual(['manifest.json', 'part-0001-2.nxml', 'part-0001.done', 'part-0001.europepmc.json']);
    expect(server.requests.filter((r) => r.method === 'GET').map((r) => r.path.split('/').slice(-2).join('/'))).toEqual([
      'PMC9000101/fullTextXML',
      'PMC9000106/fullTextXML',
    ]);

    const fullText = JSON.parse((await runCli(['--db', db, 'sources', 'show', 'pmc:PMC9000101', '--json'])).stdout).source;
    expect(fullText).toMatchObject({ id: 'pmc:PMC9000101', origin: { format: 'jats' } });
    const search = JSON.parse((await runCli(['--db', db, 'search', 'fixturol full-text discussion dosing', '-n', '20', '--json'])).stdout);
    const hit = search.hits.find((h: { source: { id: string } }) => h.source.id === 'pmc:PMC9000101');
    expect(hit?.source.work).toBe('pmid:90000101');

    // Run again the same day: the chunk has its marker, so nothing is asked for again.
    const before = server.requests.length;
    const again = await runCli(['--db', db, '--config', config, 'fetch', 'europepmc', 'fixturol', '--full-text', '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect(server.requests.length).toBe(before);
    expect(JSON.parse(again.stdout).parts.map((p: { reused: boolean }) => p.reused)).toEqual([true, true]);
  });
});
