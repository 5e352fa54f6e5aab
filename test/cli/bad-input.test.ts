import { chmodSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { beforeEach, describe, expect, it } from 'vitest';
import { medlineFile, medlineRange, medlineRecord, SYNTHETIC_PMID_BASE } from '../factories/medline.js';
import { runCli } from './run-cli.js';

/** Bad input on purpose: every case ends in one clear line and a fitting exit code, never lost data. */
describe('citemed CLI with bad input', () => {
  let dir: string;
  let db: string;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'citemed-cli-'));
    db = path.join(dir, 'lib.db');
  });

  const file = (name: string, content: string | Buffer) => {
    const full = path.join(dir, name);
    writeFileSync(full, content);
    return full;
  };
  const sourceCount = () => {
    const conn = new Database(db, { readonly: true });
    try {
      return (conn.prepare('SELECT count(*) AS n FROM sources').get() as { n: number }).n;
    } finally {
      conn.close();
    }
  };
  const oneLine = (text: string) => text.trim().split('\n').length === 1;

  it('a missing path: one line, exit 66, nothing ingested', async () => {
    const good = file('good.xml', medlineFile(medlineRange(1, 2)));
    const result = await runCli(['--db', db, 'ingest', good, path.join(dir, 'missing.xml')]);
    expect(result.code).toBe(66);
    expect(oneLine(result.stderr)).toBe(true);
    expect(result.stderr).toMatch(/no such file or folder: .*missing\.xml/);
    // An empty --db (an unset shell variable) is a mistake, not the default library.
    const empty = await runCli(['--db', '', 'stats']);
    expect(empty.code).toBe(64);
    expect(empty.stderr).toMatch(/--db is empty/);
    // A quoted glob that matches nothing is said as such, not as a path to check or a glob to quote.
    const pattern = await runCli(['--db', db, 'ingest', path.join(dir, 'updates', '*.xml.gz')]);
    expect(pattern.code).toBe(66);
    expect(oneLine(pattern.stderr)).toBe(true);
    expect(pattern.stderr).toMatch(/no file matches .*updates\/\*\.xml\.gz — check the folder and the pattern/);
  });

  it('a file of the wrong format: one line, exit 65', async () => {
    const docx = file('notes.docx', 'PK\u0003\u0004');
    const result = await runCli(['--db', db, 'ingest', docx]);
    expect(result.code).toBe(65);
    expect(oneLine(result.stderr)).toBe(true);
    expect(result.stderr).toMatch(/cannot ingest .*notes\.docx: not a supported format \(\.docx\)/);
    const rss = file('feed.xml', '<?xml version="1.0"?><rss version="2.0"></rss>');
    expect((await runCli(['--db', db, 'ingest', rss])).stderr).toMatch(/root element <rss>/);
  });

  it('an unreadable file: one line, exit 66', async () => {
    let target: string;
    if (process.getuid?.() === 0) {
      // root reads through any permission bits; /proc/self/mem refuses a read at offset 0 (EIO).
      target = path.join(dir, 'unreadable.xml');
      symlinkSync('/proc/self/mem', target);
    } else {
      target = file('unreadable.xml', medlineFile(medlineRange(1, 1)));
      chmodSync(target, 0o000);
    }
    const result = await runCli(['--db', db, 'ingest', target]);
    expect(result.code).toBe(66);
    expect(oneLine(result.stderr)).toBe(true);
    expect(result.stderr).toMatch(/cannot read .*unreadable\.xml/);
    const device = await runCli(['--db', db, 'ingest', '/dev/null']);
    expect(device.code).toBe(66);
    expect(device.stderr).toMatch(/not a regular file or folder: \/dev\/null/);
  });

  it('a corrupted database: clear error, exit 74, the file left as it was', async () => {
    const garbage = Buffer.alloc(8192, 0x5a);
    writeFileSync(db, garbage);
    const xml = file('a.xml', medlineFile(medlineRange(1, 2)));
    for (const args of [['ingest', xml], ['stats'], ['search', 'abscess']]) {
      const result = await runCli(['--db', db, ...args]);
      expect(result.code, args.join(' ')).toBe(74);
      expect(oneLine(result.stderr)).toBe(true);
      expect(result.stderr).toMatch(/damaged or is not a database/);
    }
    expect(readFileSync(db).equals(garbage)).toBe(true);
  });

  it('a database damaged inside (valid header, broken pages): clear error, never silent loss', async () => {
    const xml = file('a.xml', medlineFile(medlineRange(1, 300)));
    expect((await runCli(['--db', db, 'ingest', xml, '--quiet'])).code).toBe(0);
    const intact = await runCli(['--db', db, 'stats', '--check']);
    expect(intact.code, intact.stderr).toBe(0);
    expect(intact.stderr).toMatch(/every page of SQLite .* was read: no damage found/);
    // Overwrite the middle of the file, past the header page, with junk.
    const bytes = readFileSync(db);
    bytes.fill(0xa5, 4096 * 3, Math.min(bytes.length, 4096 * 12));
    writeFileSync(db, bytes);
    const more = file('b.xml', medlineFile(medlineRange(1000, 50)));
    for (const args of [['stats'], ['stats', '--check'], ['ingest', more, '--quiet'], ['search', 'gout']]) {
      const result = await runCli(['--db', db, ...args]);
      expect(result.code, args[0]).toBe(74);
      expect(result.stderr).toMatch(/damaged or is not a database \(SQLite: database disk image is malformed\)/);
    }
  });

  it('a SQLite file that is not a citemed library is refused and untouched', async () => {
    const foreign = new Database(db);
    foreign.exec('CREATE TABLE customers (name TEXT); INSERT INTO customers VALUES (\'x\');');
    foreign.close();
    const before = readFileSync(db);
    const result = await runCli(['--db', db, 'ingest', file('a.xml', medlineFile(medlineRange(1, 1)))]);
    expect(result.code).toBe(65);
    expect(result.stderr).toMatch(/not a citemed library/);
    expect(readFileSync(db).equals(before)).toBe(true);
  });

  it('a library locked by another process: clear error, exit 75, and it works once the lock is gone', async () => {
    const xml = file('a.xml', medlineFile(medlineRange(1, 3)));
    expect((await runCli(['--db', db, 'ingest', xml, '--quiet'])).code).toBe(0);
    const config = file('fast-timeout.json', JSON.stringify({ store: { busyTimeoutMs: 100 } }));
    const holder = new Database(db);
    holder.exec('BEGIN IMMEDIATE');
    try {
      const more = file('b.xml', medlineFile(medlineRange(10, 3)));
      const result = await runCli(['--db', db, '--config', config, 'ingest', more, '--quiet']);
      expect(result.code).toBe(75);
      expect(oneLine(result.stderr)).toBe(true);
      expect(result.stderr).toMatch(/locked by another process/);
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
    const more = path.join(dir, 'b.xml');
    expect((await runCli(['--db', db, 'ingest', more, '--quiet'])).code).toBe(0);
    expect(sourceCount()).toBe(6);
  });

  it('a truncated .gz: clear error, exit 1, every complete record before the damage kept', async () => {
    const gz = gzipSync(medlineFile(medlineRange(1, 400)));
    const cut = file('cut.xml.gz', gz.subarray(0, Math.floor(gz.length * 0.6)));
    const result = await runCli(['--db', db, 'ingest', cut]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/cut\.xml\.gz: FAILED — .*truncated or damaged gzip/);
    const kept = sourceCount();
    expect(kept).toBeGreaterThan(100);
    expect(kept).toBeLessThan(400);
    // Re-running resumes and stops at the same place: nothing doubled.
    expect((await runCli(['--db', db, 'ingest', cut, '--quiet'])).code).toBe(1);
    expect(sourceCount()).toBe(kept);
  });

  it('a malformed record is skipped with file, line and reason; the rest of the file ingests', async () => {
    const records = medlineRange(1, 5);
    records[2] = (records[2] ?? '').replace('</ArticleTitle>', '</Title>');
    const xml = file('mixed.xml', medlineFile(records));
    const result = await runCli(['--db', db, 'ingest', xml]);
    expect(result.code).toBe(0);
    expect(sourceCount()).toBe(4);
    const lineOfBroken = medlineFile(records).split('\n').findIndex((l) => l.includes(`${SYNTHETIC_PMID_BASE + 3}</PMID>`)) + 1;
    expect(result.stdout).toMatch(/skipped +1/);
    const reported = /mixed\.xml:(\d+)\s.*malformed/.exec(result.stdout);
    expect(reported).not.toBeNull();
    expect(Math.abs(Number(reported?.[1]) - lineOfBroken)).toBeLessThanOrEqual(6);
  });

  it('very large fields and odd Unicode survive intact', async () => {
    const big = Array.from({ length: 20_000 }, (_, i) => `Ωmega‐3 ${i} 𝛼-tocopherol ثلاثة 中文 e\u0301 🧪.`).join(' ');
    const record = medlineRecord(1).replace(/<Abstract>[\s\S]*<\/Abstract>/, `<Abstract><AbstractText>${big}</AbstractText></Abstract>`);
    const xml = file('big.xml', medlineFile([record]));
    expect((await runCli(['--db', db, 'ingest', xml, '--quiet'])).code).toBe(0);
    const shown = await runCli(['--db', db, 'sources', 'show', String(SYNTHETIC_PMID_BASE + 1), '--json']);
    const parsed = JSON.parse(shown.stdout) as { source: { text: string }; passages: { text: string }[] };
    expect(parsed.source.text).toBe(big);
    expect(parsed.passages.map((p) => p.text).join(' ')).toBe(big);
  });

  it('searches with query syntax in them never break the index', async () => {
    await runCli(['--db', db, 'ingest', file('a.xml', medlineFile(medlineRange(1, 5))), '--quiet']);
    for (const query of ['"unbalanced', 'NEAR(abscess pneumonia, 2)', 'gout*', 'a AND (b OR', 'title:gout', '-gout ^flare', "'; DROP TABLE sources; --"]) {
      const result = await runCli(['--db', db, 'search', '--', query]);
      expect(result.code, query).toBe(0);
    }
    const hit = await runCli(['--db', db, 'search', 'NEAR(gout flare)']);
    expect(hit.stdout).toMatch(/gout flare/);
  });

  it('commands that read need a library; usage mistakes exit 64', async () => {
    const search = await runCli(['--db', db, 'search', 'abscess']);
    expect(search.code).toBe(66);
    expect(search.stderr).toMatch(/no library at/);
    expect((await runCli(['--db', db, 'search', 'the', 'of'])).code).toBe(64);
    expect((await runCli(['frobnicate'])).code).toBe(64);
    expect((await runCli(['ingest'])).code).toBe(64);
    expect((await runCli(['--preset', 'nope', 'stats'])).stderr).toMatch(/unknown preset "nope".*embedded/);
    await runCli(['--db', db, 'ingest', file('a.xml', medlineFile(medlineRange(1, 1))), '--quiet']);
    expect((await runCli(['--db', db, 'sources', 'show', 'pmid:1'])).code).toBe(66);
    expect((await runCli(['--db', db, 'search', 'x', '--limit', 'ten'])).code).toBe(64);
    expect((await runCli(['--db', db, 'search', 'x', '--level', 'anecdote'])).stderr).toMatch(/unknown evidence level: anecdote/);
  });
});
