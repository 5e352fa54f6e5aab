import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sourceWithPassages } from '../../test/factories/sources.js';
import { hashedBagOfWords, startFakeEmbeddingServer, type FakeEmbeddingServer } from '../../test/support/fake-embedding-server.js';
import { createOpenAiEmbedder } from '../adapters/embeddings/openai-embedder.js';
import { openSqliteStore } from '../adapters/sqlite/sqlite-store.js';
import type { Store, WriteOp } from '../ports/store.js';
import { embedLibrary, embeddingText, type EmbedProgress } from './embed.js';

const op = (id: string, paragraphs: string[]): WriteOp => ({
  kind: 'upsert',
  ...sourceWithPassages({ id: `pmid:${id}`, ids: { pmid: id }, title: `Title ${id}`, paragraphsText: paragraphs.map((p, i) => [[`Part ${i + 1}`], p]) }),
});

describe('embedLibrary, against a fake embedding server on 127.0.0.1', () => {
  let server: FakeEmbeddingServer;
  let store: Store;
  const embedderFor = (dimensions?: number) =>
    createOpenAiEmbedder({ baseUrl: server.baseUrl, model: 'toy', batchSize: 3, timeoutMs: 2_000, maxRetries: 0, queryPrefix: 'q: ', passagePrefix: 'p: ', ...(dimensions ? { dimensions } : {}) });
  const deps = (embedder = embedderFor()) => ({ store, embedder, elapsedMs: () => 0 });

  beforeEach(async () => {
    server = await startFakeEmbeddingServer();
    store = openSqliteStore({ path: ':memory:', busyTimeoutMs: 1000, cacheMiB: 8 });
    await store.write({
      now: '2026-01-01T00:00:00.000Z',
      ops: Array.from({ length: 5 }, (_, i) => op(String(i + 1), [`First paragraph of paper ${i + 1}.`, `Second paragraph of paper ${i + 1}.`])),
    });
  });
  afterEach(async () => {
    await store.close();
    await server.close();
  });

  it('embeds every passage once, with title and section, and a second run has nothing to do', async () => {
    const progress: EmbedProgress[] = [];
    const report = await embedLibrary(deps(), { batchSize: 4, rebuild: false, onProgress: (p) => progress.push(p) });
    expect(report).toMatchObject({ model: 'toy', embedded: 10, alreadyEmbedded: 0, passages: 10, dimensions: 64, interrupted: false });
    expect(progress.map((p) => p.done)).toEqual([0, 4, 8, 10]);
    expect(progress.every((p) => p.total === 10)).toBe(true);
    const inputs = server.requests.flatMap((r) => (r.body as { input: string[] }).input);
    expect(inputs).toHaveLength(10);
    expect(inputs).toContain('p: Title 1\nPart 1\nFirst paragraph of paper 1.');
    // The stored vector is the server's, scaled to unit length (the fake's already is).
    const [hit] = await store.nearest({ model: 'toy', vector: Float32Array.from(hashedBagOfWords(inputs[0]!)), limit: 1 });
    expect(hit?.score).toBeCloseTo(1, 5);
    expect(embeddingText({ id: 'x', title: hit!.source.title, section: hit!.passage.section, text: hit!.passage.text })).toBe(inputs[0]!.slice(3));

    const again = await embedLibrary(deps(), { batchSize: 4, rebuild: false });
    expect(again).toMatchObject({ embedded: 0, alreadyEmbedded: 10 });
    // Pages of 4, 4 and 2 passages; the embedder splits each 4 into requests of 3 and 1.
    expect(server.requests.map((r) => (r.body as { input: string[] }).input.length)).toEqual([3, 1, 3, 1, 2]);
  });

  it('stops when interrupted, keeps what it stored, and the next run embeds only the rest', async () => {
    const controller = new AbortController();
    const first = await embedLibrary(deps(), {
      batchSize: 4,
      rebuild: false,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.done >= 4) controller.abort();
      },
    });
    expect(first).toMatchObject({ embedded: 4, interrupted: true });
    expect((await store.vectorStats('toy')).embedded).toBe(4);
    const second = await embedLibrary(deps(), { batchSize: 4, rebuild: false });
    expect(second).toMatchObject({ embedded: 6, alreadyEmbedded: 4, interrupted: false });
  });

  it('an abort during a request stops at once and loses nothing stored before it', async () => {
    await embedLibrary(deps(), { batchSize: 4, rebuild: false, signal: AbortSignal.abort() });
    const controller = new AbortController();
    server.script({}, { delayMs: 1_000 });
    setTimeout(() => controller.abort(), 200);
    const report = await embedLibrary(deps(), { batchSize: 3, rebuild: false, signal: controller.signal });
    expect(report).toMatchObject({ embedded: 3, interrupted: true });
  });

  it('a server error stops the run with the error, keeping the batches already stored', async () => {
    server.script({}, { status: 400, body: { error: { message: 'input too long', type: 'invalid_request_error' } } });
    await expect(embedLibrary(deps(), { batchSize: 3, rebuild: false })).rejects.toMatchObject({ code: 'service-failed', message: expect.stringContaining('input too long') });
    expect((await store.vectorStats('toy')).embedded).toBe(3);
  });

  it('refuses vectors of a new length for the same model until --rebuild, then embeds everything again', async () => {
    await embedLibrary(deps(), { batchSize: 4, rebuild: false });
    await store.write({ now: '2026-01-02T00:00:00.000Z', ops: [op('9', ['A new paper.'])] });
    await expect(embedLibrary(deps(embedderFor(16)), { batchSize: 4, rebuild: false })).rejects.toMatchObject({
      code: 'service-failed',
      hint: expect.stringContaining('--rebuild'),
    });
    const rebuilt = await embedLibrary(deps(embedderFor(16)), { batchSize: 4, rebuild: true });
    expect(rebuilt).toMatchObject({ dropped: 10, embedded: 11, dimensions: 16 });
  });

  it('prunes vectors of passages that left the library', async () => {
    await embedLibrary(deps(), { batchSize: 4, rebuild: false });
    await store.write({ now: '2026-01-02T00:00:00.000Z', ops: [{ kind: 'delete', sourceId: 'pmid:1', origin: 'update.xml' }] });
    const report = await embedLibrary(deps(), { batchSize: 4, rebuild: false });
    expect(report).toMatchObject({ pruned: 2, embedded: 0, alreadyEmbedded: 8, passages: 8 });
  });
});
