/**
 * Embedder for any server that speaks OpenAI's `POST /embeddings` protocol: Ollama, vLLM,
 * llama.cpp's server, OpenAI itself and most hosted services. One adapter covers them all because
 * they agree on the wire format; where they differ (error shapes, base64 vectors, `index` order)
 * this file tolerates the difference and checks the result hard, since a wrong vector stored
 * silently would poison search without any visible failure.
 */
import { CitemedError } from '../../domain/errors.js';
import { inPieces } from '../../domain/pieces.js';
import type { Embedder, EmbeddingPurpose } from '../../ports/embedder.js';
import type { FailureWording } from '../http/errors.js';
import { isRecord, parseJson } from '../http/json.js';
import { HttpClient, type HttpClientOptions } from '../http/post.js';
import { endpointProblems, isWholeNumber, rejectBadSettings, retryProblems, trimTrailingSlashes } from '../http/settings.js';

/** Settings come from configuration; every knob a real deployment has needed is here. */
export interface OpenAiEmbedderOptions extends HttpClientOptions {
  /** e.g. "http://127.0.0.1:11434/v1"; "/embeddings" is appended unless already there. */
  baseUrl: string;
  model: string;
  /** Sent as a bearer token only when given; never echoed in messages. */
  apiKey?: string;
  /** Asks the server for shorter vectors (OpenAI text-embedding-3); vectors must then have this length. */
  dimensions?: number;
  /** Most inputs per request: servers cap request size, and smaller batches fail more cheaply. */
  batchSize: number;
  /** Prepended to queries (nomic-embed-text wants "search_query: ", e5 wants "query: "). */
  queryPrefix: string;
  /** Prepended to passages ("search_document: ", "passage: "). */
  passagePrefix: string;
}

/**
 * Builds the embedder. Options are checked here so a bad configuration fails at start-up with a
 * config error rather than on the first search.
 */
export function createOpenAiEmbedder(options: OpenAiEmbedderOptions): Embedder {
  checkOptions(options);
  const url = embeddingsUrl(options.baseUrl);
  const client = new EmbeddingsClient(url, options);
  const prefixes: Record<EmbeddingPurpose, string> = { query: options.queryPrefix, passage: options.passagePrefix };

  return {
    description: `OpenAI-compatible ${trimTrailingSlashes(options.baseUrl)}, model ${options.model}`,
    model: options.model,
    async embed(texts, purpose, signal) {
      if (texts.length === 0) return [];
      const prefix = prefixes[purpose];
      const vectors: Float32Array[] = [];
      for (const batch of inPieces(texts, options.batchSize)) {
        vectors.push(...(await client.embedBatch(batch.map((text) => prefix + text), signal)));
      }
      return vectors;
    },
  };
}

/** Accepts the base URL with or without a trailing slash, or already pointing at /embeddings. */
export function embeddingsUrl(baseUrl: string): string {
  const trimmed = trimTrailingSlashes(baseUrl);
  return trimmed.endsWith('/embeddings') ? trimmed : `${trimmed}/embeddings`;
}

function checkOptions(options: OpenAiEmbedderOptions): void {
  const problems = endpointProblems(options);
  if (!isWholeNumber(options.batchSize, 1)) problems.push(`batchSize must be a whole number ≥ 1, not ${options.batchSize}`);
  problems.push(...retryProblems(options));
  if (options.dimensions !== undefined && !isWholeNumber(options.dimensions, 1)) {
    problems.push(`dimensions must be a whole number ≥ 1, not ${options.dimensions}`);
  }
  rejectBadSettings('embedder', problems);
}


/** The embedder's own words in failure messages: the embedder settings to check. */
function embedderWording(url: string): FailureWording {
  return {
    hints: {
      apiKey: 'check the API key: embedder.apiKey, or CITEMED__EMBEDDER__API_KEY',
      notFound: 'check the setting embedder.baseUrl (usually ending in /v1) and that the model is installed on the server',
      tooLarge: 'a text may be too long for the model; try a smaller batchSize or shorter chunks',
      rateLimited: 'the server is rate-limiting; wait and try again, or lower the batch size',
      unreachable: 'start the embedding server or check the setting embedder.baseUrl',
    },
    unreachable: 'could not reach',
    timedOut: 'no answer',
    cancelledRequest: `embedding request to ${url}`,
  };
}

/**
 * One endpoint, its retry policy, and the vector length it has committed to: the first vectors
 * fix the length, so a server that switches models between calls is caught, not stored.
 */
class EmbeddingsClient {
  private readonly http: HttpClient;
  private readonly headers: Record<string, string>;
  private expectedLength: number | undefined;

  constructor(
    private readonly url: string,
    private readonly options: OpenAiEmbedderOptions,
  ) {
    this.http = new HttpClient({ url, service: 'the embedding server', model: options.model }, options, embedderWording(url));
    this.headers = { 'content-type': 'application/json', accept: 'application/json' };
    if (options.apiKey) this.headers.authorization = `Bearer ${options.apiKey}`;
    this.expectedLength = options.dimensions;
  }

  async embedBatch(input: string[], signal: AbortSignal | undefined): Promise<Float32Array[]> {
    const text = await this.http.post(this.headers, JSON.stringify(this.requestBody(input)), signal, (response) => response.text());
    const vectors = parseEmbeddings(text, input.length, (problem) => this.malformed(problem));
    this.checkLength(vectors[0]?.length ?? 0);
    return vectors;
  }

  private requestBody(input: string[]): Record<string, unknown> {
    const body: Record<string, unknown> = { model: this.options.model, input, encoding_format: 'float' };
    if (this.options.dimensions !== undefined) body.dimensions = this.options.dimensions;
    return body;
  }

  private checkLength(length: number): void {
    if (this.expectedLength === undefined) {
      this.expectedLength = length;
      return;
    }
    if (length === this.expectedLength) return;
    const expectation =
      this.options.dimensions === undefined
        ? `earlier vectors had ${this.expectedLength}; did the server switch models?`
        : `${this.expectedLength} were asked for; the server or model may not support "dimensions"`;
    throw this.malformed(`vectors have ${length} dimensions but ${expectation}`);
  }

  private malformed(problem: string): CitemedError {
    return new CitemedError('service-failed', `the embedding server at ${this.url} sent an unusable reply: ${problem}`, {
      hint: 'check that the server is OpenAI-compatible and serves an embedding model',
    });
  }
}

/**
 * Checks a 2xx body and returns the vectors in input order. `fail` builds the error so this
 * stays free of URLs and settings.
 */
function parseEmbeddings(body: string, count: number, fail: (problem: string) => Error): Float32Array[] {
  const data = dataArray(body, fail);
  if (data.length !== count) throw fail(`asked for ${count} embeddings, got ${data.length}`);
  const vectors: Float32Array[] = new Array<Float32Array>(count);
  data.forEach((entry, position) => {
    if (!isRecord(entry)) throw fail(`data[${position}] is not an object`);
    const index = entry.index;
    if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= count) {
      throw fail(`data[${position}] has index ${JSON.stringify(index)}, expected 0 to ${count - 1}`);
    }
    if (vectors[index] !== undefined) throw fail(`index ${index} appears twice`);
    vectors[index] = toVector(entry.embedding, index, fail);
  });
  const length = vectors[0]?.length;
  const odd = vectors.findIndex((vector) => vector.length !== length);
  if (odd !== -1) throw fail(`vectors differ in length (index 0 has ${length}, index ${odd} has ${vectors[odd]?.length})`);
  return vectors;
}

function dataArray(body: string, fail: (problem: string) => Error): unknown[] {
  const parsed = parseJson(body, fail);
  const data = isRecord(parsed) ? parsed.data : undefined;
  if (!Array.isArray(data)) throw fail('the body has no "data" array');
  return data;
}

/** An array of numbers, or base64 of little-endian float32 (sent by some servers regardless). */
function toVector(embedding: unknown, index: number, fail: (problem: string) => Error): Float32Array {
  let vector: Float32Array;
  if (typeof embedding === 'string') vector = decodeBase64Float32(embedding, index, fail);
  else if (Array.isArray(embedding)) {
    const bad = embedding.findIndex((value) => typeof value !== 'number');
    if (bad !== -1) throw fail(`embedding ${index} has ${JSON.stringify(embedding[bad])} at position ${bad}`);
    vector = Float32Array.from(embedding as number[]);
  } else throw fail(`embedding ${index} is neither an array nor a base64 string`);
  if (vector.length === 0) throw fail(`embedding ${index} is empty`);
  const notFinite = vector.findIndex((value) => !Number.isFinite(value));
  if (notFinite !== -1) throw fail(`embedding ${index} has ${vector[notFinite]} at position ${notFinite}`);
  return vector;
}

function decodeBase64Float32(text: string, index: number, fail: (problem: string) => Error): Float32Array {
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) throw fail(`embedding ${index} is a string but not base64`);
  const bytes = Buffer.from(text, 'base64');
  if (bytes.byteLength % 4 !== 0) throw fail(`embedding ${index} is ${bytes.byteLength} bytes, not a whole number of float32s`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const vector = new Float32Array(bytes.byteLength / 4);
  for (let i = 0; i < vector.length; i++) vector[i] = view.getFloat32(i * 4, true);
  return vector;
}
