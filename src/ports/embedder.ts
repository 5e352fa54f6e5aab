/**
 * Turns text into vectors for hybrid search. Optional: citemed's retrieval is lexical without one.
 * The adapter for OpenAI-compatible `/v1/embeddings` servers (Ollama, vLLM, llama.cpp, hosted
 * services) lives in adapters/embeddings.
 */
export interface Embedder {
  /** e.g. "OpenAI-compatible http://127.0.0.1:11434/v1, model nomic-embed-text", for messages. */
  readonly description: string;
  /**
   * Names the vector space: vectors from different models are never compared. Stored vectors are
   * kept per model, so switching models needs a new `citemed embed` run, not a new library.
   */
  readonly model: string;
  /**
   * One vector per text, in the order given. `purpose` lets an adapter add the prefixes some
   * models expect ("search_query: ", "query: "). Every vector has the same length.
   */
  embed(texts: readonly string[], purpose: EmbeddingPurpose, signal?: AbortSignal): Promise<Float32Array[]>;
}

export type EmbeddingPurpose = 'query' | 'passage';
