import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { openBeirDataset } from '../adapters/beir/beir-dataset.js';
import { createAnthropicComposer } from '../adapters/composers/anthropic-messages.js';
import { createOpenAiChatComposer } from '../adapters/composers/openai-chat.js';
import { createOpenAiEmbedder } from '../adapters/embeddings/openai-embedder.js';
import { createNodeFileSystem } from '../adapters/fs/node-files.js';
import { loadSharedDataResources } from '../adapters/resources/shared-data-resources.js';
import { createArgon2Hasher } from '../adapters/passwords/argon2.js';
import type { AccountsDeps } from '../accounts/accounts.js';
import type { ArticlesDeps } from '../articles/service.js';
import { ask, toEvidence, type AskRequest } from '../answer/ask.js';
import { createExtractiveComposer } from '../answer/extractive.js';
import { DEFAULT_VERIFY_OPTIONS } from '../answer/verify.js';
import type { Answer } from '../domain/answer.js';
import { CitemedError } from '../domain/errors.js';
import { embedLibrary, type EmbedOptions, type EmbedReport } from '../ingest/embed.js';
import { createInProcessPreparer, routeBySize, type Preparer } from '../ingest/prepare-items.js';
import { createReaders } from '../ingest/readers/index.js';
import { createWorkerPreparer } from '../ingest/worker/worker-preparer.js';
import type { IngestDeps } from '../ingest/pipeline.js';
import type { Composer } from '../ports/composer.js';
import type { RetrievalDataset } from '../ports/dataset.js';
import type { EditorialStore } from '../ports/editorial.js';
import type { IngestJobRecords } from '../ports/ingest-jobs.js';
import type { RateLimiter } from '../ports/rate-limiter.js';
import type { WorkQueue } from '../ports/work-queue.js';
import type { Embedder } from '../ports/embedder.js';
import type { FileSystem } from '../ports/files.js';
import type { LiteratureService, LiteratureServiceName } from '../ports/literature.js';
import type { FetchDeps } from '../ingest/fetch-literature.js';
import { createNodeSavedFiles } from '../adapters/fs/saved-files.js';
import type { SearchFilters, Store } from '../ports/store.js';
import type { ThreadStore } from '../ports/threads.js';
import { buildExpansionIndex, type ExpansionIndex } from '../retrieval/expansion/build-index.js';
import { expansionClauses } from '../retrieval/expansion-clauses.js';
import { DEFAULT_EXPANSION_OPTIONS, type ExpansionSettings } from '../retrieval/expansion/options.js';
import { createAssociationSource } from '../retrieval/associations.js';
import { createRetriever, type Expander, type RetrievalOptions, type RetrievalResult } from '../retrieval/retrieve.js';
import { libraryProvenance, openLibrary } from './backends.js';
import type { Settings } from './settings.js';

/**
 * The composition root: the one place that chooses and wires adapters from settings.
 * Everything else receives its collaborators as arguments.
 */
export interface Container {
  settings: Settings;
  store: Store;
  files: FileSystem;
  /** Follow-up threads of the HTTP API, kept in the library so every server on it shares them. */
  threads: ThreadStore;
  /** Accounts, articles, reviews and the audit log, in the library's database. */
  editorial: EditorialStore;
  /** Sign-in, sessions, API keys. */
  accounts: AccountsDeps;
  /** Publishing, revising, reviewing and re-checking articles. */
  articles: ArticlesDeps;
  ingestDeps(): IngestDeps;
  /** Finds the passages that best answer a question (analysis, expansion, ranking, diversity). */
  search(text: string, request?: SearchRequest): Promise<RetrievalResult>;
  /**
   * Reads now what the first search would otherwise stop for: the store's warm-up and the ranking's
   * word associations (`prepareRanking`). `citemed serve` calls it before it listens.
   */
  warmSearch(): Promise<void>;
  /**
   * When the top of the ranking is rescored, makes sure the library's word associations are saved
   * or kept for this library, learning them if it changed by a tenth; `beforeLearning` is called
   * first then, with the passage count. `citemed ingest` calls it after it wrote.
   */
  prepareRanking(beforeLearning?: (passages: number) => void): Promise<void>;
  /** Answers a question from the library: evidence, a composed draft, every statement verified. */
  ask(request: AskRequest): Promise<Answer>;
  /** Gives the library's passages vectors from the configured embedder, for hybrid search. */
  embed(options: EmbedOptions): Promise<EmbedReport>;
  /**
   * Rate-limit buckets shared through the library's database (PostgreSQL), so several server
   * processes enforce one budget; undefined: each server keeps its own in memory.
   */
  rateLimiter?: RateLimiter;
  /** The work queue of `citemed worker` (PostgreSQL store only), opened on first use; the caller stops it. */
  workQueue(): Promise<WorkQueue>;
  /**
   * Administrators' ingest jobs kept in the library's database (PostgreSQL), run through the work
   * queue; undefined: the server keeps them in memory and runs them itself (config/ingest-jobs.ts).
   */
  ingestJobRecords?: IngestJobRecords;
  /** Where fetched records are saved, and how. */
  fetchDeps(): FetchDeps;
  close(): Promise<void>;
}

export interface SearchRequest {
  limit?: number;
  filters?: SearchFilters;
  /** Per-call changes to the configured retrieval (evaluation, experiments). */
  adjust?: (options: RetrievalOptions) => RetrievalOptions;
}

/** The retrieval options that settings describe. */
export function retrievalOptions(search: Settings['search'], now: Date = new Date()): RetrievalOptions {
  return {
    limit: search.limit,
    candidates: search.candidates,
    firstStageWeights: search.fieldWeights,
    maxCommonShare: search.maxCommonShare,
    maxPostings: search.maxPostings,
    phraseWeight: search.phraseWeight,
    partWeight: search.partWeight,
    respellWeight: search.respellWeight,
    otherSpellings: search.otherSpellings,
    otherDrugNames: search.otherDrugNames,
    ranking: { ...search.ranking, currentYear: now.getUTCFullYear() },
    rescore: search.rescore,
    diversity: search.diversity,
    feedback: search.feedback,
    hybrid: search.hybrid,
    expand: search.expansion.enabled && (search.expansion.abbreviations || search.expansion.mesh || search.expansion.drugs),
  };
}

/**
 * Query expansion from the vocabularies in `resourcesDir`, loaded on the first search that needs
 * them (about a second), once per process. Without the folder, searches go on unexpanded and
 * say so.
 */
function createExpander(expansion: Settings['search']['expansion'], cwd = process.cwd()): Expander {
  const dir = path.resolve(cwd, expansion.resourcesDir);
  let loading: Promise<{ index?: ExpansionIndex; notes: string[] }> | undefined;
  const load = async (): Promise<{ index?: ExpansionIndex; notes: string[] }> => {
    if (!existsSync(dir)) {
      return { notes: [`query expansion is off: no vocabularies at ${dir} (setting search.expansion.resourcesDir)`] };
    }
    const resources = await loadSharedDataResources(dir);
    return { index: buildExpansionIndex(resources), notes: [] };
  };
  const switches: ExpansionSettings = {
    abbreviations: expansion.abbreviations,
    reverseAbbreviations: expansion.abbreviations,
    mesh: expansion.mesh,
    meshNarrower: expansion.mesh && expansion.meshNarrower,
    drugs: expansion.drugs,
    weights: Object.fromEntries(
      Object.entries(DEFAULT_EXPANSION_OPTIONS.weights).map(([kind, weight]) => [kind, weight * expansion.weightScale]),
    ),
  };
  return async (terms) => {
    loading ??= load();
    const { index, notes } = await loading;
    if (!index) return { clauses: [], notes };
    return expansionClauses(terms, index, switches);
  };
}

/** The configured embedding server, or none when `embedder.baseUrl` or `embedder.model` is empty. */
function createEmbedder(settings: Settings['embedder']): Embedder | undefined {
  if (settings.baseUrl === '' || settings.model === '') return undefined;
  return createOpenAiEmbedder({
    baseUrl: settings.baseUrl,
    model: settings.model,
    ...(settings.apiKey ? { apiKey: settings.apiKey } : {}),
    ...(settings.dimensions ? { dimensions: settings.dimensions } : {}),
    batchSize: settings.batchSize,
    timeoutMs: settings.timeoutMs,
    maxRetries: settings.maxRetries,
    queryPrefix: settings.queryPrefix,
    passagePrefix: settings.passagePrefix,
  });
}

function missingEmbedder(what: string): CitemedError {
  return new CitemedError('bad-config', `${what} needs an embedding server, and none is set`, {
    hint: 'set embedder.baseUrl (e.g. http://127.0.0.1:11434/v1) and embedder.model in a settings file or as CITEMED__EMBEDDER__BASE_URL and CITEMED__EMBEDDER__MODEL',
  });
}

/**
 * The answer composer that settings name. LLM composers are built on first use, so a bad model
 * setting fails `citemed ask`, not every command.
 */
function createComposer(answer: Settings['answer']): Composer {
  if (answer.composer === 'extractive') return createExtractiveComposer();
  const { llm } = answer;
  if (llm.model === '' || (answer.composer === 'openai' && llm.baseUrl === '')) {
    throw new CitemedError('bad-config', `the ${answer.composer} composer needs answer.llm.model${answer.composer === 'openai' ? ' and answer.llm.baseUrl' : ''}`, {
      hint: 'set them in a settings file or as CITEMED__ANSWER__LLM__BASE_URL and CITEMED__ANSWER__LLM__MODEL, or use the extractive composer',
    });
  }
  const options = {
    baseUrl: llm.baseUrl === '' ? 'https://api.anthropic.com' : llm.baseUrl,
    model: llm.model,
    ...(llm.apiKey ? { apiKey: llm.apiKey } : {}),
    maxTokens: llm.maxTokens,
    temperature: llm.temperature,
    timeoutMs: llm.timeoutMs,
    maxRetries: llm.maxRetries,
    stream: llm.stream,
  };
  return answer.composer === 'openai' ? createOpenAiChatComposer(options) : createAnthropicComposer(options);
}

/**
 * Reading and preparing records: in a worker thread for files big enough to repay its start-up
 * (`ingest.workerMinMiB`), in this thread for the rest and when `ingest.worker` is off.
 */
function preparer(ingest: Settings['ingest']): Preparer {
  const maxPdfBytes = ingest.maxPdfMiB * 1024 * 1024;
  const inProcess = createInProcessPreparer(createReaders({ maxPdfBytes }));
  if (!ingest.worker) return inProcess;
  return routeBySize({ minBytes: ingest.workerMinMiB * 1024 * 1024, large: createWorkerPreparer({ maxPdfBytes }), small: inProcess });
}

export interface ContainerOptions {
  /** False for commands that only read (stats, search, show): a missing library is an error. */
  create?: boolean;
  cwd?: string;
}

export function createContainer(settings: Settings, options: ContainerOptions = {}): Container {
  const { store, editorial, threads, rateLimiter, ingestJobRecords } = openLibrary(settings.store, options.create ?? true, settings.server.threads);
  const files = createNodeFileSystem(options.cwd);
  const embedder = createEmbedder(settings.embedder);
  let composer: Composer | undefined;
  const associations = createAssociationSource(store, settings.search.rescore.samplePassages);
  const retrieve = createRetriever({
    store,
    expander: createExpander(settings.search.expansion, options.cwd),
    ...(embedder ? { embedder } : {}),
    associations,
  });
  const container: Container = {
    settings,
    store,
    files,
    threads,
    ...(rateLimiter ? { rateLimiter } : {}),
    ...(ingestJobRecords ? { ingestJobRecords } : {}),
    editorial,
    accounts: {
      store: editorial.accounts,
      passwords: createArgon2Hasher(),
      now: () => new Date(),
      sessionTtlMs: settings.server.sessions.hours * 3_600_000,
    },
    articles: {
      articles: editorial.articles,
      ask: (request) => container.ask(request),
      getSource: (id) => store.getSource(id),
      findSources: async (question, limit) => {
        const result = await container.search(question, { limit });
        const seen = new Set<string>();
        return (await toEvidence(result.hits, { getSource: (id) => store.getSource(id), versionsOf: (works) => store.versionsOf(works) }))
          .map((e) => e.source)
          .filter((source) => !seen.has(source.id) && seen.add(source.id));
      },
      verify: { ...DEFAULT_VERIFY_OPTIONS, supportedAt: settings.answer.supportedAt, partialAt: settings.answer.partialAt },
      now: () => new Date(),
      random: (n) => randomBytes(n),
    },
    ingestDeps: () => ({
      store,
      files,
      prepare: preparer(settings.ingest),
      now: () => new Date(),
      elapsedMs: () => performance.now(),
      settings: { batchSize: settings.ingest.batchSize, chunk: settings.ingest.chunk },
    }),
    warmSearch: async () => {
      await store.warm?.();
      await container.prepareRanking();
    },
    prepareRanking: async (beforeLearning) => {
      if (settings.search.rescore.depth > 0) await associations.prepare(beforeLearning);
    },
    search: (text, request = {}) => {
      let configured = retrievalOptions(settings.search);
      if (request.limit !== undefined) configured.limit = request.limit;
      if (request.filters) configured.filters = request.filters;
      if (request.adjust) configured = request.adjust(configured);
      if (configured.hybrid.enabled && !embedder) return Promise.reject(missingEmbedder('hybrid search'));
      return retrieve(text, configured);
    },
    ask: (request) =>
      ask(
        {
          // An answer draws on several passages of its best sources (an overview's diagnosis and
          // treatment sections), so it allows more per source than a list of search results does.
          search: (text, { limit, filters }) =>
            container.search(text, {
              limit,
              ...(filters ? { filters } : {}),
              adjust: (o) => ({ ...o, diversity: { ...o.diversity, maxPerSource: settings.answer.perSource } }),
            }),
          getSource: (id) => store.getSource(id),
          versionsOf: (works) => store.versionsOf(works),
          composer: (composer ??= createComposer(settings.answer)),
          now: () => new Date(),
          library: libraryProvenance(settings.store),
          verify: { ...DEFAULT_VERIFY_OPTIONS, supportedAt: settings.answer.supportedAt, partialAt: settings.answer.partialAt },
        },
        { evidence: settings.answer.evidence, ...request },
      ),
    embed: (embedOptions) => {
      if (!embedder) return Promise.reject(missingEmbedder('`citemed embed`'));
      return embedLibrary({ store, embedder, elapsedMs: () => performance.now() }, embedOptions);
    },
    workQueue: async () => {
      if (settings.store.url === '') {
        throw new CitemedError('bad-config', 'the work queue needs the PostgreSQL store', {
          hint: 'set store.url (CITEMED__STORE__URL=postgres://user@host:5432/database); with the embedded SQLite library, run `citemed ingest` directly',
        });
      }
      // pg-boss is loaded only by processes that use the queue.
      const { openPgWorkQueue } = await import('../adapters/postgres/work-queue.js');
      return openPgWorkQueue({
        url: settings.store.url,
        schema: `${settings.store.schema}_queue`,
        expireSeconds: settings.jobs.expireSeconds,
        retryLimit: settings.jobs.retryLimit,
        retryDelaySeconds: settings.jobs.retryDelaySeconds,
        pollSeconds: settings.jobs.pollSeconds,
        maintenanceSeconds: settings.jobs.maintenanceSeconds,
        // The queue's connections wait for locks, and run, as long as the library's do.
        lockTimeoutMs: settings.store.lockTimeoutMs,
        statementTimeoutMs: settings.store.statementTimeoutMs,
      });
    },
    fetchDeps: () => ({ saved: createNodeSavedFiles(), root: literatureFolder(settings, options.cwd), now: () => new Date() }),
    close: () => store.close(),
  };
  return container;
}

/** A live literature service from `literature.*`; the adapters are loaded only by `citemed fetch`. */
export async function createLiteratureService(name: LiteratureServiceName, settings: Settings['literature']): Promise<LiteratureService> {
  if (name === 'pubmed') {
    const { createPubmedService } = await import('../adapters/literature/pubmed.js');
    const { pubmed } = settings;
    return createPubmedService({
      baseUrl: pubmed.baseUrl,
      ...(pubmed.apiKey ? { apiKey: pubmed.apiKey } : {}),
      ...(pubmed.email ? { email: pubmed.email } : {}),
      tool: pubmed.tool,
      requestsPerSecond: pubmed.requestsPerSecond ?? (pubmed.apiKey ? 10 : 3),
      timeoutMs: pubmed.timeoutMs,
      maxRetries: pubmed.maxRetries,
    });
  }
  const { createEuropePmcService } = await import('../adapters/literature/europepmc.js');
  const { europepmc } = settings;
  return createEuropePmcService({
    baseUrl: europepmc.baseUrl,
    ...(europepmc.email ? { email: europepmc.email } : {}),
    fullText: europepmc.fullText,
    timeoutMs: europepmc.timeoutMs,
    maxRetries: europepmc.maxRetries,
  });
}

/** `literature.folder`, or a `fetched` folder beside the SQLite library (`data/fetched` with PostgreSQL). */
export function literatureFolder(settings: Settings, cwd = process.cwd()): string {
  if (settings.literature.folder !== '') return path.resolve(cwd, settings.literature.folder);
  if (settings.store.url !== '') return path.resolve(cwd, 'data', 'fetched');
  return path.join(path.dirname(path.resolve(cwd, settings.store.path)), 'fetched');
}

/** A BEIR-layout test collection (corpus.jsonl, queries.jsonl, qrels/<split>.tsv) in a folder. */
export function openRetrievalDataset(dir: string): Promise<RetrievalDataset> {
  return openBeirDataset(dir);
}
