import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { beforeEach, describe, expect, it } from 'vitest';
import { medlineFile, medlineRange, medlineRecord, SYNTHETIC_PMID_BASE } from '../factories/medline.js';
import { runCli } from './run-cli.js';

describe('citemed commands', () => {
  let dir: string;
  let db: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'citemed-cmd-'));
    db = path.join(dir, 'lib.db');
  });
  const file = (name: string, content: string) => {
    const full = path.join(dir, name);
    writeFileSync(full, content);
    return full;
  };
  const pmid = (i: number) => `pmid:${SYNTHETIC_PMID_BASE + i}`;

  it('has --help everywhere', async () => {
    for (const args of [[], ['ingest'], ['search'], ['ask'], ['embed'], ['index'], ['stats'], ['sources'], ['sources', 'show'], ['quickstart'], ['eval', 'retrieval']]) {
      const result = await runCli([...args, '--help']);
      expect(result.code, args.join(' ')).toBe(0);
      expect(result.stdout, args.join(' ')).toMatch(/Usage: citemed/);
    }
    expect((await runCli(['--version'])).stdout).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('quickstart loads the starter library and answers the example question offline', async () => {
    const result = await runCli(['--db', db, 'quickstart']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/added +3\d/);
    expect(result.stdout).toMatch(/1\. \[In-house overview\] Management of iliopsoas abscess/);
    expect(result.stdout).toMatch(/⚠ Sample content — not medically reviewed/);
    // Then an answer: bottom line, cited, with the review notice first.
    expect(result.stdout).toMatch(/Example: citemed ask "What is the management of an iliopsoas abscess\?"[\s\S]*not reviewed by a qualified clinician[\s\S]*BOTTOM LINE\n {2}\S[^[]*\[1\]/);
    const hematoma = await runCli(['--db', db, 'search', 'iliopsoas hematoma anticoagulation', '--json']);
    const parsed = JSON.parse(hematoma.stdout) as { hits: { source: { id: string; reviewStatus: string } }[] };
    expect(parsed.hits[0]?.source.id).toBe('doc:overview-iliopsoas-hematoma');
    expect(parsed.hits.every((h) => h.source.reviewStatus === 'not-reviewed')).toBe(true);
    // --explain says what the third stage added, over the words the library holds ("zzqx" is in none).
    const explained = await runCli(['--db', db, 'search', 'iliopsoas hematoma zzqx', '--explain', '--limit', '2']);
    expect(explained.stdout).toMatch(/│ top of the ranking: source covers 100% of the question's words the library holds → \+\d+\.\d\d/);
    // A statement is read as one to check, and --explain says how its top was scored.
    const statement = await runCli(['--db', db, 'search', 'Iliopsoas abscess is drained percutaneously.', '--explain', '--limit', '2']);
    expect(statement.stdout).toMatch(/^Searched for: [^\n]*\nRead as a statement to check: /);
    expect(statement.stdout).toMatch(/│ top of the ranking, as a statement: its words [\d.]+× as likely in the source as in the library; [^\n]*→ \+\d+\.\d\d/);
    expect(explained.stdout).not.toMatch(/Read as a statement/);
    // A word no passage holds is searched as the library spells it, and both the notes and --explain say so.
    const respelled = await runCli(['--db', db, 'search', 'how to drain a psoas abscess', '--explain', '--limit', '1']);
    expect(respelled.stdout).toMatch(/^Searched for: drainage · psoas · abscess\nNote: no passage holds "drain": searched "drainage" instead \(the form the library uses\)/);
    expect(respelled.stdout).toMatch(/│ drainage: [^\n]*\[for "drain", which no passage holds\]/);
    const shown = await runCli(['--db', db, 'sources', 'show', 'doc:overview-iliopsoas-abscess']);
    expect(shown.stdout).toMatch(/Evidence level: In-house overview/);
    expect(shown.stdout).toMatch(/⚠ Sample content — not medically reviewed \(review status: not-reviewed\)/);
    expect(shown.stdout.replace(/\s+/g, ' ')).toMatch(/1\. Management and treatment of iliopsoas abscess\. Archives of Surgery\. 2009\. PMID 19841363, DOI 10\.1001\/archsurg\.2009\.144\./);
  });

  it('applies MEDLINE update files: newer versions replace, deletes remove, old files cannot roll back', async () => {
    const baseline = file('baseline.xml', medlineFile(medlineRange(1, 5)));
    const revised = medlineRecord(3, { revised: '2023-06-30' }).replace('Study 3 of', 'Revised study 3 of');
    const update = file('update.xml', medlineFile([revised], `<DeleteCitation><PMID Version="1">${SYNTHETIC_PMID_BASE + 5}</PMID></DeleteCitation>\n`));
    const first = JSON.parse((await runCli(['--db', db, 'ingest', baseline, '--json', '--quiet'])).stdout) as { totals: unknown };
    expect(first.totals).toEqual({ added: 5, updated: 0, deleted: 0, skipped: {} });
    const second = JSON.parse((await runCli(['--db', db, 'ingest', update, '--json', '--quiet'])).stdout) as { totals: unknown };
    expect(second.totals).toEqual({ added: 0, updated: 1, deleted: 1, skipped: {} });
    const shown = JSON.parse((await runCli(['--db', db, 'sources', 'show', pmid(3), '--json'])).stdout) as { source: { title: string } };
    expect(shown.source.title).toMatch(/^Revised study 3 of/);
    expect((await runCli(['--db', db, 'sources', 'show', pmid(5)])).code).toBe(66);

    const again = await runCli(['--db', db, 'ingest', baseline, '--force']);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/3 +already in the library, unchanged/);
    expect(again.stdout).toMatch(/1 +older than the version in the library/);
    expect(again.stdout).toMatch(/1 +deleted by an earlier update file/);
    const still = JSON.parse((await runCli(['--db', db, 'sources', 'show', pmid(3), '--json'])).stdout) as { source: { title: string } };
    expect(still.source.title).toMatch(/^Revised study 3 of/);
  });

  it('sources show finds a DOI however it is pasted', async () => {
    const doc = file('guideline.md', '---\nid: guideline-x\ntitle: A guideline on iliopsoas abscess\ndoi: 10.1234/abc.5\nevidence_level: guideline\n---\n\n# Treatment\n\nDrain the abscess.\n');
    expect((await runCli(['--db', db, 'ingest', doc])).code).toBe(0);
    for (const ref of ['10.1234/abc.5', 'doi:10.1234/abc.5', 'https://doi.org/10.1234/abc.5', 'https://dx.doi.org/10.1234%2Fabc.5']) {
      const shown = await runCli(['--db', db, 'sources', 'show', ref, '--json']);
      expect(shown.code, `${ref}: ${shown.stderr}`).toBe(0);
      expect((JSON.parse(shown.stdout) as { source: { id: string } }).source.id, ref).toBe('doc:guideline-x');
    }
  });

  it('stats and search speak JSON for scripts', async () => {
    await runCli(['--db', db, 'ingest', file('a.xml', medlineFile(medlineRange(1, 10))), '--quiet']);
    const stats = JSON.parse((await runCli(['--db', db, 'stats', '--json'])).stdout) as { sources: number; byEvidenceLevel: Record<string, number> };
    expect(stats.sources).toBe(10);
    expect(stats.byEvidenceLevel).toEqual({ 'randomized-trial': 2, 'systematic-review': 2, 'case-report': 2, 'review-opinion': 2, guideline: 2 });
    // Synthetic record i has topic i % 5 and design i % 5: the guidelines are the hyperkalaemia records.
    const search = JSON.parse((await runCli(['--db', db, 'search', 'hyperkalaemia', '--level', 'guideline', '--json'])).stdout) as {
      plan: { clauses: { label: string; origin: string }[] };
      hits: { source: { evidenceLevel: string; title: string }; explanation: { clauses: { label: string }[] } }[];
    };
    expect(search.plan.clauses.filter((c) => c.origin === 'query').map((c) => c.label)).toEqual(['hyperkalaemia']);
    expect(search.hits[0]?.explanation.clauses.map((c) => c.label)).toContain('hyperkalaemia');
    expect(new Set(search.hits.map((h) => h.source.title)).size).toBe(2);
    expect(search.hits.every((h) => h.source.evidenceLevel === 'guideline' && /hyperkalaemia/.test(h.source.title))).toBe(true);
    const none = JSON.parse((await runCli(['--db', db, 'search', 'gout', '--level', 'guideline', '--json'])).stdout) as { hits: unknown[] };
    expect(none.hits).toEqual([]);
  });

  it('ingest learns the ranking\'s word associations and saves them in the library, again only after a change of a tenth', async () => {
    const learned = () => {
      const raw = new Database(db, { readonly: true });
      try {
        return raw.prepare('SELECT passages, learned_at AS at FROM word_associations_meta').get() as { passages: number; at: string } | undefined;
      } finally {
        raw.close();
      }
    };
    expect((await runCli(['--db', db, 'ingest', file('a.xml', medlineFile(medlineRange(1, 30))), '--quiet'])).code).toBe(0);
    const first = learned();
    expect(first?.passages).toBe(90);
    // Three more records (+10%, not more): the saved ones still hold.
    expect((await runCli(['--db', db, 'ingest', file('b.xml', medlineFile(medlineRange(31, 3))), '--quiet'])).code).toBe(0);
    expect(learned()).toEqual(first);
    // Five more (99 → 114 passages, +15% on the 90 they were learned from): learned again.
    expect((await runCli(['--db', db, 'ingest', file('c.xml', medlineFile(medlineRange(34, 5))), '--quiet'])).code).toBe(0);
    expect(learned()?.passages).toBe(114);
  });

  it('index builds the postings index, searches give the same results, stats follows it, --drop removes it', async () => {
    await runCli(['--db', db, 'ingest', file('a.xml', medlineFile(medlineRange(1, 30))), '--quiet']);
    // The same passages in the same order; first-stage scores may differ in the last bit (summed in another order).
    const search = async () => {
      const { hits } = JSON.parse((await runCli(['--db', db, 'search', 'iliopsoas abscess management', '--json'])).stdout) as {
        hits: { passage: { id: string }; score: number; explanation: { firstStage: number } }[];
      };
      return hits.map((h) => `${h.passage.id} ${h.score.toFixed(9)} ${h.explanation.firstStage.toFixed(9)}`);
    };
    const before = await search();
    expect((await runCli(['--db', db, 'stats'])).stdout).toMatch(/Postings index: none/);

    const built = await runCli(['--db', db, 'index']);
    expect(built.code, built.stderr).toBe(0);
    expect(built.stdout).toMatch(/Built the postings index in .+: 90 passages, [\d,]+ terms/);
    expect(built.stderr).toMatch(/index: [\d,]+\/[\d,]+ tokens/);
    expect(before.length).toBeGreaterThan(5);
    expect(await search()).toEqual(before);

    const more = await runCli(['--db', db, 'ingest', file('b.xml', medlineFile(medlineRange(31, 5)))]);
    expect(more.stderr).toMatch(/15 passages added and 0 removed since the postings index was built: run `citemed index`/);
    const stats = await runCli(['--db', db, 'stats']);
    expect(stats.stdout).toMatch(/Postings index: 90 passages, built \S+; 15 passages added since$/m);
    const json = JSON.parse((await runCli(['--db', db, 'stats', '--json'])).stdout) as { postings: { passages: number; newer: number } };
    expect(json.postings).toMatchObject({ passages: 90, newer: 15, removed: 0 });

    const dropped = await runCli(['--db', db, 'index', '--drop']);
    expect(dropped.stdout).toMatch(/Removed the postings index/);
    expect((await runCli(['--db', db, 'stats'])).stdout).toMatch(/Postings index: none/);
  });

  it('index refuses a missing library with one line', async () => {
    const missing = await runCli(['--db', path.join(dir, 'none.db'), 'index']);
    expect(missing.code).toBe(66);
    expect(missing.stderr).toMatch(/no library at/);
  });
});
