import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeEmbeddingServer, withSynonyms, type FakeEmbeddingServer } from '../support/fake-embedding-server.js';
import { runCli } from './run-cli.js';

/** `citemed embed` and `citemed search --hybrid` end to end, against a fake embedding server on 127.0.0.1. */
describe('hybrid search from the command line', () => {
  let dir: string;
  let db: string;
  let config: string;
  let server: FakeEmbeddingServer;
  const doc = (name: string, title: string, body: string) => {
    const full = path.join(dir, 'docs', name);
    writeFileSync(full, `---\nid: ${name.replace('.md', '')}\ntitle: ${title}\ntype: overview\n---\n\n## Summary\n${body}\n`);
  };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'citemed-hybrid-'));
    db = path.join(dir, 'lib.db');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(path.join(dir, 'docs'));
    doc('antidote.md', 'Acetylcysteine after paracetamol overdose', 'Acetylcysteine given early protects the liver after a paracetamol overdose.');
    doc('abscess.md', 'Iliopsoas abscess', 'Percutaneous drainage treats most iliopsoas abscesses.');
    server = await startFakeEmbeddingServer({ embed: withSynonyms({ nac: 'acetylcysteine', acetaminophen: 'paracetamol', poisoning: 'overdose' }) });
    config = path.join(dir, 'settings.json');
    // Drug names off: "acetaminophen" would otherwise find "paracetamol" by name, and the question
    // below is one that no word matches.
    writeFileSync(config, JSON.stringify({ embedder: { baseUrl: server.baseUrl, model: 'toy-embed', maxRetries: 0, timeoutMs: 2000 }, search: { otherDrugNames: false } }));
    const ingest = await runCli(['--db', db, 'ingest', '-q', path.join(dir, 'docs')]);
    expect(ingest.code, ingest.stderr).toBe(0);
  });
  afterAll(async () => {
    await server.close().catch(() => {});
  });

  it('without an embedding server set, embed and --hybrid fail with what to set', async () => {
    for (const args of [['embed'], ['search', '--hybrid', 'abscess']]) {
      const result = await runCli(['--db', db, ...args]);
      expect(result.code, args.join(' ')).toBe(78);
      expect(result.stderr).toMatch(/needs an embedding server, and none is set — set embedder\.baseUrl/);
    }
  });

  it('embeds the library, shows it in stats, and finds by meaning what no word of the question matches', async () => {
    const embedded = await runCli(['--db', db, '--config', config, 'embed']);
    expect(embedded.code, embedded.stderr).toBe(0);
    expect(embedded.stdout).toMatch(/Embedded: 2 passages/);
    expect(embedded.stdout).toContain(`with OpenAI-compatible ${server.baseUrl}, model toy-embed, 64 dimensions`);
    expect((await runCli(['--db', db, '--config', config, 'embed'])).stdout).toMatch(/Embedded: 0 passages[\s\S]*already embedded before: 2 of 2/);
    expect((await runCli(['--db', db, 'stats'])).stdout).toMatch(/Vectors for hybrid search:\n +toy-embed, 64 dimensions +2 \(100% of passages\)/);

    const question = 'NAC for acetaminophen poisoning';
    expect((await runCli(['--db', db, '--config', config, 'search', question])).stdout).toMatch(/No passages match/);
    expect((await runCli(['--db', db, 'search', question])).stdout).toMatch(/Searched for: .*acetaminophen\/paracetamol/);
    const hybrid = await runCli(['--db', db, '--config', config, 'search', '--hybrid', '--explain', question]);
    expect(hybrid.code, hybrid.stderr).toBe(0);
    expect(hybrid.stdout).toMatch(/ 1\. \[In-house overview\] Acetylcysteine after paracetamol overdose/);
    expect(hybrid.stdout).toMatch(/found by meaning \(embedding\) alone/);
    expect(hybrid.stdout).toMatch(/hybrid: no lexical rank, vector rank 1 \(cosine 0\.\d+\)/);
    // The other passage is no nearer to the question than to anything (cosine 0): not shown.
    expect(hybrid.stdout).not.toMatch(/Iliopsoas/);

    const json = JSON.parse((await runCli(['--db', db, '--config', config, 'search', '--hybrid', '--json', 'drainage of abscess'])).stdout) as {
      hits: { source: { id: string }; explanation: { fusion?: { lexicalRank?: number; vectorRank?: number } } }[];
    };
    expect(json.hits[0]?.source.id).toBe('doc:abscess');
    expect(json.hits[0]?.explanation.fusion).toMatchObject({ lexicalRank: 1, vectorRank: 1 });
  });

  it('when the server is down, search still answers lexically and says so; embed fails clearly', async () => {
    await server.close();
    const search = await runCli(['--db', db, '--config', config, 'search', '--hybrid', 'drainage of abscess']);
    expect(search.code, search.stderr).toBe(0);
    expect(search.stdout).toMatch(/Note: hybrid search skipped, lexical results only: .*127\.0\.0\.1/);
    expect(search.stdout).toMatch(/ 1\. \[In-house overview\] Iliopsoas abscess/);
    const embed = await runCli(['--db', db, '--config', config, 'embed', '--rebuild']);
    expect(embed.code).toBe(69);
    expect(embed.stderr).toMatch(/127\.0\.0\.1/);
  });
});
