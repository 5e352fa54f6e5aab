import { isCitemedError } from '../domain/errors.js';
import type { Embedder } from '../ports/embedder.js';
import type { PassageToEmbed, Store } from '../ports/store.js';

/**
 * The embed use case: gives every passage of the library a vector from the embedder, for hybrid
 * search. Each batch's vectors are stored as they arrive, so an interrupted run keeps what it
 * did and the next run embeds only what is left. Passages whose text did not change keep their
 * vectors across re-ingests (vectors are keyed by the passage's content-hash id).
 */
export interface EmbedOptions {
  /** Passages per store page; the embedder splits its own requests by its batch size. */
  batchSize: number;
  /** Drop the model's vectors first and embed everything again (after the model changed). */
  rebuild: boolean;
  signal?: AbortSignal;
  onProgress?: (progress: EmbedProgress) => void;
}

export interface EmbedProgress {
  /** Passages embedded in this run so far. */
  done: number;
  /** Passages this run set out to embed. */
  total: number;
  elapsedMs: number;
}

export interface EmbedReport {
  model: string;
  embedder: string;
  /** Vectors stored in this run. */
  embedded: number;
  /** Passages that already had a vector for the model. */
  alreadyEmbedded: number;
  /** Vectors removed because their passages had left the library. */
  pruned: number;
  /** Vectors removed by --rebuild. */
  dropped: number;
  passages: number;
  dimensions?: number;
  interrupted: boolean;
  elapsedMs: number;
}

export interface EmbedDeps {
  store: Store;
  embedder: Embedder;
  elapsedMs: () => number;
}

export async function embedLibrary({ store, embedder, elapsedMs }: EmbedDeps, options: EmbedOptions): Promise<EmbedReport> {
  const started = elapsedMs();
  const model = embedder.model;
  const pruned = await store.pruneVectors();
  const dropped = options.rebuild ? await store.dropVectors(model) : 0;
  const before = await store.vectorStats(model);
  const total = before.passages - before.embedded;
  let done = 0;
  let cursor: string | undefined;
  let interrupted = false;
  options.onProgress?.({ done, total, elapsedMs: 0 });
  for (;;) {
    if (options.signal?.aborted) {
      interrupted = true;
      break;
    }
    const page = await store.passagesToEmbed(model, options.batchSize, cursor);
    if (page.passages.length === 0) break;
    cursor = page.cursor;
    let vectors: Float32Array[];
    try {
      vectors = await embedder.embed(page.passages.map(embeddingText), 'passage', options.signal);
    } catch (error) {
      // Stopped by the user mid-request: what was stored stays, the next run goes on from there.
      if (options.signal?.aborted && isCitemedError(error) && error.code === 'interrupted') {
        interrupted = true;
        break;
      }
      throw error;
    }
    done += await store.putVectors(
      model,
      page.passages.map((p, i) => ({ passageId: p.id, vector: vectors[i] as Float32Array })),
    );
    options.onProgress?.({ done, total, elapsedMs: elapsedMs() - started });
  }
  const after = await store.vectorStats(model);
  const report: EmbedReport = {
    model,
    embedder: embedder.description,
    embedded: done,
    alreadyEmbedded: before.embedded,
    pruned,
    dropped,
    passages: after.passages,
    interrupted,
    elapsedMs: elapsedMs() - started,
  };
  if (after.dimensions !== undefined) report.dimensions = after.dimensions;
  return report;
}

/**
 * What is embedded for a passage: the source title and section label give a short passage its
 * context ("Results" alone says little), as they do in the lexical index's fields.
 */
export function embeddingText(passage: PassageToEmbed): string {
  return [passage.title, passage.section, passage.text].filter((part) => part.trim() !== '').join('\n');
}
