import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CitemedError, type ErrorCode } from '../../domain/errors.js';
import {
  hashedBagOfWords,
  startFakeEmbeddingServer,
  type EmbeddingsReply,
  type FakeEmbeddingServer,
} from '../../../test/support/fake-embedding-server.js';
import { failure } from '../../../test/support/failure.js';
import { createOpenAiEmbedder, type OpenAiEmbedderOptions } from './openai-embedder.js';

let server: FakeEmbeddingServer;
let sleeps: number[];

beforeEach(async () => {
  server = await startFakeEmbeddingServer();
  sleeps = [];
});

afterEach(async () => {
  await server.close();
});

/** Defaults suit the fake server; `sleep` records instead of waiting so backoff costs nothing. */
function embedder(overrides: Partial<OpenAiEmbedderOptions> = {}) {
  return createOpenAiEmbedder({
    baseUrl: server.baseUrl,
    model: 'toy-embed',
    batchSize: 16,
    timeoutMs: 5_000,
    maxRetries: 2,
    queryPrefix: '',
    passagePrefix: '',
    sleep: async (ms) => void sleeps.push(ms),
    ...overrides,
  });
}

const vectorOf = (text: string, dimensions = 64) => Float32Array.from(hashedBagOfWords(text, dimensions));

function inputsSent(): unknown[] {
  return server.requests.map((request) => (request.body as { input: unknown }).input);
}

describe('createOpenAiEmbedder: the happy path', () => {
  it('embeds a batch and sends the protocol body', async () => {
    const texts = ['acetylcysteine for paracetamol overdose', 'aspirin after myocardial infarction', ''];
    const vectors = await embedder().embed(texts, 'passage');

    expect(vectors).toEqual(texts.map((text) => vectorOf(text)));
    expect(vectors.every((vector) => vector instanceof Float32Array)).toBe(true);
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]?.path).toBe('/v1/embeddings');
    expect(server.requests[0]?.headers['content-type']).toBe('application/json');
    expect(server.requests[0]?.body).toEqual({ model: 'toy-embed', input: texts, encoding_format: 'float' });
  });

  it('orders vectors by index, not by their place in the reply', async () => {
    server.script({ rewrite: (reply) => ({ ...reply, data: [...reply.data].reverse() }) });
    const texts = ['first text', 'second text', 'third text'];

    expect(await embedder().embed(texts, 'passage')).toEqual(texts.map((text) => vectorOf(text)));
  });

  it('splits large calls into batches and keeps the order', async () => {
    const texts = ['one', 'two', 'three', 'four', 'five'];
    const vectors = await embedder({ batchSize: 2 }).embed(texts, 'passage');

    expect(inputsSent()).toEqual([['one', 'two'], ['three', 'four'], ['five']]);
    expect(vectors).toEqual(texts.map((text) => vectorOf(text)));
  });

  it('adds the prefix that belongs to the purpose', async () => {
    const prefixed = embedder({ queryPrefix: 'search_query: ', passagePrefix: 'search_document: ' });
    const query = await prefixed.embed(['nac dose'], 'query');
    const passage = await prefixed.embed(['nac dose'], 'passage');

    expect(inputsSent()).toEqual([['search_query: nac dose'], ['search_document: nac dose']]);
    expect(query).toEqual([vectorOf('search_query: nac dose')]);
    expect(passage).toEqual([vectorOf('search_document: nac dose')]);
  });

  it('sends Authorization only when an API key is given', async () => {
    await embedder().embed(['a'], 'query');
    await embedder({ apiKey: 'sk-test-key' }).embed(['a'], 'query');

    expect(server.requests[0]?.headers.authorization).toBeUndefined();
    expect(server.requests[1]?.headers.authorization).toBe('Bearer sk-test-key');
  });

  it('sends dimensions only when set, and gets vectors of that length', async () => {
    await embedder().embed(['a b c'], 'query');
    const short = await embedder({ dimensions: 16 }).embed(['a b c'], 'query');

    expect(server.requests[0]?.body).not.toHaveProperty('dimensions');
    expect(server.requests[1]?.body).toMatchObject({ dimensions: 16 });
    expect(short[0]).toHaveLength(16);
  });

  it('decodes base64 float32 vectors', async () => {
    const base64Server = await startFakeEmbeddingServer({ base64: true });
    try {
      const texts = ['base64 please', 'and another'];
      const vectors = await embedder({ baseUrl: base64Server.baseUrl }).embed(texts, 'passage');
      expect(vectors).toEqual(texts.map((text) => vectorOf(text)));
      expect(base64Server.requests[0]?.body).toMatchObject({ encoding_format: 'float' });
    } finally {
      await base64Server.close();
    }
  });

  it('returns [] for no texts without asking the server', async () => {
    expect(await embedder().embed([], 'query')).toEqual([]);
    expect(server.requests).toHaveLength(0);
  });

  it('accepts the base URL with a trailing slash or already ending in /embeddings', async () => {
    await embedder({ baseUrl: `${server.baseUrl}/` }).embed(['a'], 'query');
    await embedder({ baseUrl: `${server.baseUrl}/embeddings` }).embed(['a'], 'query');

    expect(server.requests.map((request) => request.path)).toEqual(['/v1/embeddings', '/v1/embeddings']);
  });

  it('describes itself by URL and model, and never by key', () => {
    const described = embedder({ apiKey: 'sk-secret', baseUrl: 'http://127.0.0.1:11434/v1/', model: 'nomic-embed-text' });

    expect(described.description).toBe('OpenAI-compatible http://127.0.0.1:11434/v1, model nomic-embed-text');
    expect(described.model).toBe('nomic-embed-text');
  });

  it('rejects impossible settings as bad-config', () => {
    expect(() => embedder({ batchSize: 0 })).toThrow(expect.objectContaining({ code: 'bad-config' }));
    expect(() => embedder({ baseUrl: 'localhost:11434' })).toThrow(/not an http\(s\) URL/);
  });
});

describe('createOpenAiEmbedder: retries', () => {
  it('retries a 503 and succeeds', async () => {
    server.script({ status: 503 });

    expect(await embedder().embed(['retry me'], 'query')).toEqual([vectorOf('retry me')]);
    expect(server.requests).toHaveLength(2);
    expect(sleeps).toEqual([500]);
  });

  it('waits as long as Retry-After says', async () => {
    server.script({ status: 429, headers: { 'retry-after': '1' } });

    await embedder().embed(['rate limited'], 'query');
    expect(sleeps).toEqual([1000]);
  });

  it('backs off exponentially, then reports the last status as service-unavailable', async () => {
    server.script({ status: 503 }, { status: 502 }, { status: 500, body: { error: { message: 'CUDA out of memory' } } });

    const error = await failure(embedder({ maxRetries: 2 }).embed(['x'], 'query'), 'service-unavailable');
    expect(error.message).toContain('HTTP 500');
    expect(error.message).toContain('CUDA out of memory');
    expect(server.requests).toHaveLength(3);
    expect(sleeps).toEqual([500, 1000]);
  });

  it('does not retry a request the server rejects', async () => {
    server.script({ status: 400, body: { error: { message: 'bad' } } });

    await failure(embedder().embed(['x'], 'query'), 'service-failed');
    expect(server.requests).toHaveLength(1);
  });
});

describe('createOpenAiEmbedder: errors the server reports', () => {
  it('401 is bad-config and the API key appears nowhere', async () => {
    const apiKey = 'sk-very-secret-0123456789';
    server.script({ status: 401, body: { error: { message: `Incorrect API key provided: ${apiKey}` } } });
    const keyed = embedder({ apiKey });

    const error = await failure(keyed.embed(['x'], 'query'), 'bad-config');
    expect(error.message).toContain('401');
    expect(error.message).toContain('Incorrect API key provided');
    expect(`${error.message} ${error.hint} ${keyed.description}`).not.toContain(apiKey);
    expect(error.hint).toMatch(/API key/);
  });

  it('404 with an Ollama-style error is bad-config and quotes the server', async () => {
    server.script({ status: 404, body: { error: 'model "x" not found, try pulling it first' } });

    const error = await failure(embedder({ model: 'x' }).embed(['x'], 'query'), 'bad-config');
    expect(error.message).toContain('model "x" not found, try pulling it first');
    expect(server.requests).toHaveLength(1);
  });

  it('400 is service-failed with the server message', async () => {
    server.script({ status: 400, body: { error: { message: 'input is too long for context length 2048', type: 'invalid_request_error' } } });

    const error = await failure(embedder().embed(['x'], 'query'), 'service-failed');
    expect(error.message).toContain('input is too long for context length 2048');
  });

  it('quotes plain-text error bodies, shortened', async () => {
    server.script({ status: 422, text: `unprocessable ${'x'.repeat(1000)}` });

    const error = await failure(embedder().embed(['x'], 'query'), 'service-failed');
    expect(error.message).toContain('unprocessable xxx');
    expect(error.message.length).toBeLessThan(500);
  });

  it('points at the embedder settings in its hints', async () => {
    server.script({ status: 401 }, { status: 404 }, { status: 413 }, { status: 429 });
    const hintOf = async (code: ErrorCode) => (await failure(embedder({ maxRetries: 0 }).embed(['x'], 'query'), code)).hint;

    expect(await hintOf('bad-config')).toBe('check the API key: embedder.apiKey, or CITEMED__EMBEDDER__API_KEY');
    expect(await hintOf('bad-config')).toBe('check the setting embedder.baseUrl (usually ending in /v1) and that the model is installed on the server');
    expect(await hintOf('service-failed')).toBe('a text may be too long for the model; try a smaller batchSize or shorter chunks');
    expect(await hintOf('service-unavailable')).toBe('the server is rate-limiting; wait and try again, or lower the batch size');
  });
});

describe('createOpenAiEmbedder: unusable replies', () => {
  const withEntry = (reply: EmbeddingsReply, position: number, change: object) => ({
    ...reply,
    data: reply.data.map((entry, i) => (i === position ? { ...entry, ...change } : entry)),
  });

  it.each([
    ['too few vectors', (reply: EmbeddingsReply) => ({ ...reply, data: reply.data.slice(1) }), /asked for 2 embeddings, got 1/],
    ['a null inside a vector', (reply: EmbeddingsReply) => withEntry(reply, 1, { embedding: [0.1, null, 0.3] }), /null at position 1/],
    ['vectors of different lengths', (reply: EmbeddingsReply) => withEntry(reply, 1, { embedding: [0.1, 0.2] }), /differ in length/],
    ['an empty vector', (reply: EmbeddingsReply) => withEntry(reply, 0, { embedding: [] }), /is empty/],
    ['an index twice', (reply: EmbeddingsReply) => withEntry(reply, 1, { index: 0 }), /index 0 appears twice/],
    ['an index out of range', (reply: EmbeddingsReply) => withEntry(reply, 1, { index: 7 }), /has index 7/],
    ['a missing index', (reply: EmbeddingsReply) => withEntry(reply, 1, { index: undefined }), /has index undefined/],
    ['no data array', (reply: EmbeddingsReply) => ({ ...reply, data: undefined }), /no "data" array/],
    ['a vector that is not base64', (reply: EmbeddingsReply) => withEntry(reply, 0, { embedding: 'not base64!' }), /not base64/],
  ])('rejects %s as service-failed', async (_name, rewrite, message) => {
    server.script({ rewrite });

    const error = await failure(embedder().embed(['alpha', 'beta'], 'passage'), 'service-failed');
    expect(error.message).toMatch(message);
  });

  it('rejects NaN, which is not JSON', async () => {
    server.script({ text: '{"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.5,NaN]}]}' });

    const error = await failure(embedder().embed(['x'], 'query'), 'service-failed');
    expect(error.message).toContain('not JSON');
  });

  it('rejects an HTML page as service-failed', async () => {
    server.script({ text: '<html><body>Welcome to nginx</body></html>' });

    const error = await failure(embedder().embed(['x'], 'query'), 'service-failed');
    expect(error.message).toContain('not JSON');
  });

  it('rejects a change of dimensions between calls, as from a server switching models', async () => {
    const instance = embedder();
    await instance.embed(['first call'], 'passage');
    server.script({ rewrite: (reply) => ({ ...reply, data: reply.data.map((entry) => ({ ...entry, embedding: [0.6, 0.8] })) }) });

    const error = await failure(instance.embed(['second call'], 'passage'), 'service-failed');
    expect(error.message).toMatch(/2 dimensions but earlier vectors had 64/);
  });

  it('rejects vectors not of the requested dimensions', async () => {
    server.script({ rewrite: (reply) => ({ ...reply, data: reply.data.map((entry) => ({ ...entry, embedding: [0.6, 0.8] })) }) });

    const error = await failure(embedder({ dimensions: 16 }).embed(['x'], 'query'), 'service-failed');
    expect(error.message).toMatch(/16 were asked for/);
  });
});

describe('createOpenAiEmbedder: unreachable, slow and cancelled', () => {
  it('reports a server that refuses connections as service-unavailable, naming the URL', async () => {
    const gone = await startFakeEmbeddingServer();
    await gone.close();

    const error = await failure(embedder({ baseUrl: gone.baseUrl, maxRetries: 1 }).embed(['x'], 'query'), 'service-unavailable');
    expect(error.message).toContain(`${gone.baseUrl}/embeddings`);
    expect(error.message).toContain('after 2 attempts');
    expect(error.hint).toContain('embedder.baseUrl');
    expect(sleeps).toEqual([500]);
  });

  it('gives up on a server slower than timeoutMs', async () => {
    server.script({ delayMs: 2_000 });
    const started = Date.now();

    const error = await failure(embedder({ timeoutMs: 100, maxRetries: 0 }).embed(['x'], 'query'), 'service-unavailable');
    expect(error.message).toContain('no answer within 100 ms');
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('aborts an in-flight request when the signal fires', async () => {
    server.script({ delayMs: 2_000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const started = Date.now();

    await failure(embedder().embed(['x'], 'query', controller.signal), 'interrupted');
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('stops retrying when aborted during backoff', async () => {
    server.script({ status: 503 }, { status: 503 });
    const controller = new AbortController();
    const sleepThenAbort = async () => controller.abort();

    await failure(embedder({ sleep: sleepThenAbort, maxRetries: 5 }).embed(['x'], 'query', controller.signal), 'interrupted');
    expect(server.requests).toHaveLength(1);
  });

  it('sends nothing when the signal has already fired', async () => {
    const controller = new AbortController();
    controller.abort();

    await failure(embedder().embed(['x'], 'query', controller.signal), 'interrupted');
    expect(server.requests).toHaveLength(0);
  });

  it('passes on a CitemedError given as the abort reason', async () => {
    const controller = new AbortController();
    const reason = new CitemedError('interrupted', 'stopped by Ctrl-C');
    controller.abort(reason);

    expect(await failure(embedder().embed(['x'], 'query', controller.signal), 'interrupted')).toBe(reason);
  });
});

describe('fake embedding server', () => {
  it('answers 400 for a missing model and 404 for other paths, like OpenAI', async () => {
    const noModel = await fetch(`${server.baseUrl}/embeddings`, { method: 'POST', body: JSON.stringify({ input: 'x' }) });
    const elsewhere = await fetch(`${server.baseUrl}/chat/completions`, { method: 'POST', body: '{}' });

    expect(noModel.status).toBe(400);
    expect(await noModel.json()).toMatchObject({ error: { type: 'invalid_request_error' } });
    expect(elsewhere.status).toBe(404);
  });

  it('accepts a single string input and echoes the model', async () => {
    const reply = await fetch(`${server.baseUrl}/embeddings`, { method: 'POST', body: JSON.stringify({ model: 'm', input: 'one two' }) });

    expect(await reply.json()).toMatchObject({ object: 'list', model: 'm', data: [{ index: 0 }], usage: { prompt_tokens: 2, total_tokens: 2 } });
  });
});
