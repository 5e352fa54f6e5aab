import { z } from 'zod';

/**
 * All of citemed's settings: one typed object, validated once at start-up.
 *
 * Precedence, lowest to highest: built-in defaults, a named preset, a JSON settings file,
 * CITEMED_* environment variables, command-line flags. See docs/configuration.md.
 */
export const SettingsSchema = z
  .object({
    store: z
      .object({
        /**
         * A PostgreSQL server for the library (`postgres://user@host:5432/database`; a password in
         * it is never printed). Empty: the embedded SQLite file at `path`.
         */
        url: text()
          .default('')
          .refine((url) => url === '' || /^postgres(ql)?:\/\//.test(url), { message: 'store.url must start with postgres:// or postgresql://, or be empty for SQLite' }),
        /** Database file; relative paths resolve against the working directory. */
        path: z.string().min(1).default('data/citemed.db'),
        /** How long a write waits for another process's lock before failing, in ms. */
        busyTimeoutMs: z.number().int().min(0).max(600_000).default(5_000),
        /**
         * SQLite page cache, in MiB (SQLite's cache_size). 16 MiB ingests as fast as 64 MiB and
         * keeps a large ingest's peak memory lower; reads also have the OS page cache.
         */
        cacheMiB: z.number().int().min(1).max(16_384).default(16),
        /**
         * SQLite: rank from the postings index once `citemed index` has built one (the same
         * results as FTS5, faster in a large library). False: FTS5 alone, as before any build.
         */
        usePostings: z.boolean().default(true),
        /** With store.url: the schema holding the library (several libraries can share a database). */
        schema: z
          .string()
          .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'store.schema is a lower-case identifier: letters, digits and "_"')
          .default('citemed'),
        /** With store.url: connections per process. */
        poolSize: z.number().int().min(1).max(200).default(10),
        /**
         * With store.url: longest a statement waits for a lock another session holds, in ms, before
         * the command fails and says so (PostgreSQL's lock_timeout). Ingest batches and workers
         * hold their locks for seconds, so a minute means something is stuck: an open transaction
         * left in psql, a VACUUM FULL, a migration. 0: the server's own setting (by default, wait forever).
         */
        lockTimeoutMs: z.number().int().min(0).max(3_600_000).default(60_000),
        /**
         * With store.url: longest a statement may run, in ms (statement_timeout); migrations are
         * exempt. 0 (the default): the server's own setting. A large ingest batch or a library-wide
         * vector clean-up may rightly take minutes, so set it for `citemed serve` processes only
         * (e.g. 30000), where a runaway read should not hold a connection.
         */
        statementTimeoutMs: z.number().int().min(0).max(86_400_000).default(0),
      })
      .strict()
      .prefault({}),
    /**
     * The work queue of `citemed worker` (PostgreSQL only: store.url). A job is one file's ingest,
     * a re-check of the articles, or an administrator's ingest job from the web app.
     */
    jobs: z
      .object({
        /**
         * A job still running after this many seconds is taken to have lost its worker and is
         * retried elsewhere. Above the longest honest ingest of one file (a MEDLINE baseline file
         * takes about 15 s here).
         */
        expireSeconds: z.number().int().min(2).max(86_400).default(1_800),
        /** Tries after the first before a job is failed for good. */
        retryLimit: z.number().int().min(0).max(100).default(5),
        /** First retry after this many seconds, doubling after each. */
        retryDelaySeconds: z.number().int().min(1).max(3_600).default(5),
        /** How often an idle worker looks for a job, in seconds. */
        pollSeconds: z.number().min(0.5).max(600).default(2),
        /** How often expired jobs are looked for, in seconds. */
        maintenanceSeconds: z.number().int().min(1).max(3_600).default(30),
        /**
         * `citemed serve` also runs administrators' ingest jobs from the queue, one at a time, so
         * a single server on PostgreSQL needs no `citemed worker`; workers take them as well.
         * Off: only workers run them (jobs wait, queued, until one does).
         */
        workInServer: z.boolean().default(true),
        /**
         * Administrators' ingest jobs on PostgreSQL: a running job writes its progress and checks
         * for a cancel this often, in ms. Cancels and progress reach other servers within it.
         */
        heartbeatMs: z.number().int().min(50).max(60_000).default(500),
        /**
         * A running ingest job whose worker sent no heartbeat for this many seconds is taken to
         * have lost it (killed, machine gone) and is queued again for another worker, resuming
         * from its files' checkpoints. Shorter finds lost workers sooner; too short hands over
         * the job of a worker that is only slow to reach the database.
         */
        staleSeconds: z.number().int().min(2).max(86_400).default(60),
      })
      .strict()
      .refine((jobs) => jobs.staleSeconds * 1000 >= 4 * jobs.heartbeatMs, {
        message: 'jobs.staleSeconds must be at least four heartbeats (jobs.heartbeatMs), or a working job would be taken from its worker',
        path: ['staleSeconds'],
      })
      .prefault({}),
    ingest: z
      .object({
        /**
         * Parse and prepare records in a worker thread while this thread writes to the library,
         * so ingest uses two cores. Off: everything in one thread (slower, simpler to debug).
         */
        worker: z.boolean().default(true),
        /**
         * Smallest file (MiB) read in the worker thread; smaller ones are read in this thread,
         * since starting a worker costs about 0.6 s. 0 sends every file to the worker.
         */
        workerMinMiB: z.number().min(0).max(100_000).default(1),
        /** Records written per transaction; also how much work a crash can lose (it is redone). */
        batchSize: z.number().int().min(1).max(100_000).default(1_000),
        chunk: z
          .object({
            /** Longest passage, in characters. ~1,200 characters is 200–300 tokens of English. */
            maxChars: z.number().int().min(200).max(20_000).default(1_200),
            /** Shorter paragraphs merge with the next one in the same section, in characters. */
            minChars: z.number().int().min(0).max(5_000).default(200),
          })
          .strict()
          .prefault({}),
        /** Largest PDF read, in MiB; PDF text extraction needs the whole file in memory. */
        maxPdfMiB: z.number().int().min(1).max(4_096).default(256),
        /** How often plain (non-TTY) progress lines are written, in ms. */
        logIntervalMs: z.number().int().min(100).default(5_000),
        /**
         * Folders an administrator may ingest from through the HTTP API (ingest jobs), relative to
         * the server's working directory. A job's paths must resolve inside one of them after
         * symbolic links are followed; empty: no path is accepted.
         */
        serverRoots: z.array(z.string().min(1).max(1_000)).max(50).default(['library', 'data/inbox']),
      })
      .strict()
      .prefault({}),
    search: z
      .object({
        /** Passages returned by default. */
        limit: z.number().int().min(1).max(1_000).default(10),
        /** Passages the index hands to the re-ranker (more: better recall, slower). */
        candidates: z.number().int().min(10).max(10_000).default(100),
        /**
         * First stage: FTS5's BM25 weight of each indexed field. It only chooses the candidates;
         * `ranking` below orders them. The title of a source is indexed with each of its passages.
         */
        fieldWeights: fieldWeights({ title: 4, section: 1, body: 1, terms: 2 }),
        /** Weight of the words of a compound term on their own ("7-day-old" → "day", "old"); 0 is off. */
        partWeight: z.number().min(0).max(1).default(0.6),
        /** Weight of neighbouring question words as phrases, relative to single words; 0 is off. */
        phraseWeight: z.number().min(0).max(1).default(0),
        /**
         * Weight of a question word searched as the library spells it when no passage holds it as
         * typed ("amoxicilin" → "amoxicillin", "drain" → "drainage"); 0 is off.
         */
        respellWeight: z.number().min(0).max(1).default(1),
        /** A question word also searched in its other spelling, British or American ("tumour", "tumor"), where a passage holds it. */
        otherSpellings: z.boolean().default(true),
        /** A question word naming a drug also searched under its other generic names ("paracetamol", "acetaminophen"), where a passage holds them. */
        otherDrugNames: z.boolean().default(true),
        /** Terms in more than this share of passages do not choose candidates when rarer terms exist. */
        maxCommonShare: z.number().min(0).max(1).default(0.2),
        /**
         * Most postings (summed passage frequencies of the terms) the candidate query may touch,
         * rarest terms first: bounds the index's work in a large library (FTS5 scores every match).
         */
        maxPostings: z.number().int().min(1).default(20_000),
        ranking: z
          .object({
            /** BM25 term-frequency saturation. */
            k1: z.number().min(0).max(10).default(1.2),
            /** BM25 length normalisation per field (0 none, 1 full). */
            b: fieldWeights({ title: 1, section: 0.4, body: 0.5, terms: 0.4 }),
            /** BM25F field weights. */
            fieldWeights: fieldWeights({ title: 4, section: 0.5, body: 1, terms: 1 }),
            /** Share of the source-level score (title + all candidate passages) added to a passage's. */
            sourceWeight: z.number().min(0).max(10).default(0.5),
            proximity: z
              .object({
                /** Bonus strength for the user's terms near each other; 0 turns it off. */
                weight: z.number().min(0).max(10).default(0.3),
                /** "Near" means within this many words. */
                window: z.number().int().min(1).max(100).default(8),
              })
              .strict()
              .prefault({}),
            /** Coordination: score × (share of the question's terms matched)^coverage; 0 is off. */
            coverage: z.number().min(0).max(10).default(0),
            priors: z
              .object({
                /** score × (1 + evidence × prior of the level); 0 ignores evidence level. */
                evidence: z.number().min(0).max(10).default(0.15),
                /** score × (1 + recency × 2^(−age / halfLifeYears)); 0 ignores publication year. */
                recency: z.number().min(0).max(10).default(0.1),
                halfLifeYears: z.number().min(0.1).max(100).default(8),
                /** Score factor for retracted sources, which are still shown, flagged. */
                retracted: z.number().min(0).max(1).default(0.2),
              })
              .strict()
              .prefault({}),
          })
          .strict()
          .prefault({}),
        rescore: z
          .object({
            /**
             * Top passages ordered again by the question's coverage with associated words; 0 turns
             * it off. 20 measured best on the train splits (docs/retrieval.md). The associations
             * are learned on the first search after the library changed by a tenth, and saved.
             */
            depth: z.number().int().min(0).max(1_000).default(20),
            /** Weight of the query likelihood (mean log-likelihood ratio per question word), × the best score. */
            likelihood: z.number().min(0).max(100).default(0),
            /** Weight of question words credited through an associated word the passage holds, × the best score. */
            associated: z.number().min(0).max(100).default(0.5),
            /** Dirichlet smoothing of the query likelihood, in words. */
            mu: z.number().min(1).max(100_000).default(1_000),
            /**
             * A query written as a statement ("NAC reduces cocaine relapse.") rather than a question
             * is scored with the query likelihood, and its words credited through associates only
             * where a source lacks them (rescore.ts). Chosen on SciFact's training claims.
             */
            statements: z
              .object({
                /** false scores a statement as a question. */
                enabled: z.boolean().default(true),
                /** Top passages ordered again, for a statement (search.rescore.depth 0 turns both off). */
                depth: z.number().int().min(1).max(1_000).default(50),
                likelihood: z.number().min(0).max(100).default(0.2),
                associated: z.number().min(0).max(100).default(2),
              })
              .strict()
              .prefault({}),
            /** Most passages word associations are learned from, spread evenly over the library. */
            samplePassages: z.number().int().min(100).max(10_000_000).default(50_000),
          })
          .strict()
          .prefault({}),
        diversity: z
          .object({
            /** Most passages of one source among the results. */
            maxPerSource: z.number().int().min(1).max(1_000).default(2),
            /** Maximal marginal relevance λ: 1 ranks by score alone, lower favours variety. */
            mmrLambda: z.number().min(0).max(1).default(0.85),
          })
          .strict()
          .prefault({}),
        expansion: z
          .object({
            /**
             * Folder holding the vocabularies (medical_abbreviations/, mesh/, drug_names_rabbits/),
             * laid out like ../shared/data. Missing: no expansion, said once.
             */
            resourcesDir: z.string().default('../shared/data'),
            /**
             * Off by default: on both benchmarks it measured lower nDCG@10 (docs/retrieval.md).
             * `citemed search --expand` turns it on for one search.
             */
            enabled: z.boolean().default(false),
            abbreviations: z.boolean().default(true),
            mesh: z.boolean().default(true),
            drugs: z.boolean().default(true),
            /** Narrower MeSH headings ("Myocardial Infarction" → "Anterior Wall Myocardial Infarction"). */
            meshNarrower: z.boolean().default(true),
            /** Multiplies every expansion weight (each is below 1 already); lower trusts expansions less. */
            weightScale: z.number().gt(0).max(1).default(1),
          })
          .strict()
          .prefault({}),
        hybrid: z
          .object({
            /**
             * Fuse lexical ranking with the passages nearest the question by embedding
             * (reciprocal-rank fusion). Needs `embedder` and a `citemed embed` run. Off by default:
             * citemed needs no model, and no embedding model could be measured here.
             */
            enabled: z.boolean().default(false),
            /** Nearest passages fetched by vector, fused with the lexical candidates. */
            candidates: z.number().int().min(1).max(10_000).default(100),
            /**
             * Nearest passages count only when their cosine similarity to the question is above this.
             * Where "unrelated" lies depends on the model (often 0.2–0.5); 0 keeps all but the orthogonal.
             */
            minSimilarity: z.number().min(-1).max(1).default(0),
            /** Reciprocal-rank fusion constant k in Σ weight / (k + rank); 60 is the usual choice. */
            rrfK: z.number().min(0).max(10_000).default(60),
            lexicalWeight: z.number().min(0).max(10).default(1),
            vectorWeight: z.number().min(0).max(10).default(1),
          })
          .strict()
          .prefault({}),
        feedback: z
          .object({
            /** Top sources of a first pass that feed pseudo-relevance feedback. */
            documents: z.number().int().min(1).max(100).default(8),
            /** New terms added from them; 0 turns feedback off. */
            terms: z.number().int().min(0).max(100).default(0),
            /** Weight of the strongest feedback term relative to the user's terms. */
            weight: z.number().min(0).max(1).default(0.3),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    answer: z
      .object({
        /**
         * Who drafts answers: `extractive` (default, no model: sentences quoted from the evidence),
         * `openai` (any OpenAI-compatible chat server) or `anthropic` (the Messages API). Every
         * draft is verified against its cited passages either way.
         */
        composer: z.enum(['extractive', 'openai', 'anthropic']).default('extractive'),
        /** Passages retrieved as evidence for an answer. */
        evidence: z.number().int().min(1).max(100).default(20),
        /** Most evidence passages from one source (search results show at most search.diversity.maxPerSource). */
        perSource: z.number().int().min(1).max(100).default(12),
        /** Support score at or above which a statement counts as supported (0–1). */
        supportedAt: z.number().min(0).max(1).default(0.6),
        /** Below this support score a statement is unsupported and removed; between, shown flagged. */
        partialAt: z.number().min(0).max(1).default(0.3),
        /** The chat model for the `openai` and `anthropic` composers. */
        llm: z
          .object({
            /**
             * e.g. "http://127.0.0.1:11434/v1" (Ollama), "http://127.0.0.1:8000/v1" (vLLM);
             * for `anthropic`, "https://api.anthropic.com" when empty.
             */
            baseUrl: text().default(''),
            model: text().default(''),
            /** Prefer CITEMED__ANSWER__LLM__API_KEY to writing it in a file. Never printed. */
            apiKey: text().optional(),
            maxTokens: z.number().int().min(100).max(100_000).default(2_000),
            temperature: z.number().min(0).max(2).default(0),
            timeoutMs: z.number().int().min(1_000).max(600_000).default(120_000),
            maxRetries: z.number().int().min(0).max(20).default(3),
            /** Stream partial output (the server relays it to the browser). */
            stream: z.boolean().default(true),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    /**
     * An OpenAI-compatible embedding server for hybrid search (`POST <baseUrl>/embeddings`):
     * Ollama, vLLM, llama.cpp's server or a hosted service. None by default.
     */
    embedder: z
      .object({
        /** e.g. "http://127.0.0.1:11434/v1" for Ollama; empty: no embedder. */
        baseUrl: text().default(''),
        /** The model the server should use; also names the library's stored vectors. */
        model: text().default(''),
        /** Sent as a bearer token. Prefer CITEMED__EMBEDDER__API_KEY to writing it in a file. */
        apiKey: text().optional(),
        /** Ask for vectors of this length (models that support it, such as text-embedding-3). */
        dimensions: z.number().int().min(1).max(65_536).optional(),
        /** Texts per request. */
        batchSize: z.number().int().min(1).max(2_048).default(64),
        timeoutMs: z.number().int().min(100).max(600_000).default(60_000),
        /** Retries after network errors, 408, 429 and 5xx, backing off. */
        maxRetries: z.number().int().min(0).max(20).default(3),
        /** Prepended to questions, for models trained with one ("search_query: " for nomic-embed-text). */
        queryPrefix: z.string().default(''),
        /** Prepended to passages ("search_document: " for nomic-embed-text). */
        passagePrefix: z.string().default(''),
      })
      .strict()
      .prefault({}),
    /**
     * Live literature services that `citemed fetch` searches and fetches records from, to add
     * them to the library. Nothing contacts them unless a user runs that command, or, with
     * `serverFetch`, an editor asks the server to (POST /api/v1/literature/fetch).
     */
    literature: z
      .object({
        /**
         * Whether `citemed serve` may search PubMed or Europe PMC itself when an editor (or an
         * administrator) asks it to, from the web app's "Search PubMed for this question" or
         * POST /api/v1/literature/fetch. Off: the server never reaches them, and the route answers 404.
         */
        serverFetch: z.boolean().default(false),
        /**
         * Where fetched records are saved before they are ingested, one folder per fetch. Empty: a
         * `fetched` folder beside the SQLite library (`data/fetched` with a PostgreSQL store).
         */
        folder: text().default(''),
        /** PubMed through NCBI's E-utilities. */
        pubmed: z
          .object({
            baseUrl: text().default('https://eutils.ncbi.nlm.nih.gov/entrez/eutils'),
            /** An NCBI API key raises the rate limit from 3 to 10 requests a second. Prefer CITEMED__LITERATURE__PUBMED__API_KEY. */
            apiKey: text().optional(),
            /** NCBI asks callers to name themselves with a contact address (`email`) and a tool name. */
            email: text().default(''),
            tool: text().default('citemed'),
            /** Requests started per second; NCBI's limit by default (3, or 10 with an API key). */
            requestsPerSecond: z.number().gt(0).max(100).optional(),
            timeoutMs: z.number().int().min(100).max(600_000).default(30_000),
            /** Retries after network errors, 408, 429 and 5xx, backing off. */
            maxRetries: z.number().int().min(0).max(20).default(3),
          })
          .strict()
          .prefault({}),
        /** Europe PMC's REST API (MEDLINE, PMC, preprints and more). */
        europepmc: z
          .object({
            baseUrl: text().default('https://www.ebi.ac.uk/europepmc/webservices/rest'),
            /** A contact address, sent with each request as Europe PMC suggests; optional. */
            email: text().default(''),
            /** Also fetch the open-access full text (JATS) of the records that have one (`citemed fetch --full-text`). */
            fullText: z.boolean().default(false),
            timeoutMs: z.number().int().min(100).max(600_000).default(30_000),
            maxRetries: z.number().int().min(0).max(20).default(3),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    /** The HTTP API (`citemed serve`). See docs/api.md. */
    server: z
      .object({
        /**
         * Interface to listen on. The loopback interface by default. Before choosing 0.0.0.0, put
         * a TLS proxy in front (session cookies are Secure over HTTPS only) and decide what
         * anonymous visitors may do (`anonymous`).
         */
        host: z.string().min(1).default('127.0.0.1'),
        /** TCP port; 0 picks a free one (printed at start). */
        port: z.number().int().min(0).max(65_535).default(8787),
        /** Largest request body, in bytes; larger ones get 413. A question with filters is a few hundred bytes. */
        bodyLimitBytes: z.number().int().min(1_024).max(10 * 1024 * 1024).default(64 * 1024),
        /** How long a client may take to send a whole request (headers and body), in ms: slow senders are cut off. */
        requestTimeoutMs: z.number().int().min(1_000).max(600_000).default(30_000),
        /**
         * Longest an answer may take, in ms; composing is then cancelled and the client gets 504.
         * Above answer.llm.timeoutMs so one slow model reply is retried before the deadline.
         */
        answerTimeoutMs: z.number().int().min(1_000).max(3_600_000).default(180_000),
        /** On SIGINT/SIGTERM, how long requests in flight may take to finish before their connections are cut, in ms. */
        shutdownGraceMs: z.number().int().min(0).max(600_000).default(30_000),
        /** Log level of the request log on stderr; `silent` turns it off. */
        logLevel: z.enum(['silent', 'error', 'warn', 'info', 'debug']).default('info'),
        /**
         * Write questions and search text to the log. Off by default: a question can carry
         * personal health information, and request lines never include it (no bodies, no query strings).
         */
        logQuestions: z.boolean().default(false),
        /**
         * Requests per API key (requests that carry one) or per client address (the rest); over
         * the limit: 429 with Retry-After. Health, readiness and metrics are never limited.
         */
        rateLimit: z
          .object({
            enabled: z.boolean().default(true),
            /** Any API request, per address per minute (bursts up to the same number). */
            requestsPerMinute: z.number().int().min(1).max(1_000_000).default(600),
            /** Asks, which cost far more than reads, per address per minute. */
            asksPerMinute: z.number().int().min(1).max(1_000_000).default(60),
            /** Sign-in attempts per address per minute, far fewer than requests: passwords must not be guessable by trying. */
            signInsPerMinute: z.number().int().min(1).max(1_000_000).default(10),
            /** Any API request, per API key per minute: programs get their own budget, apart from their address. */
            keyRequestsPerMinute: z.number().int().min(1).max(1_000_000).default(1_200),
            /** Asks per API key per minute. */
            keyAsksPerMinute: z.number().int().min(1).max(1_000_000).default(120),
            /** Addresses remembered; the least recently seen are forgotten first. */
            maxClients: z.number().int().min(100).max(10_000_000).default(100_000),
          })
          .strict()
          .prefault({}),
        /**
         * What visitors who are not signed in may do. Both on by default, for a service on a
         * trusted network or a public site of reviewed articles; turn `ask` off before exposing a
         * service whose library or model costs must stay in-house.
         */
        anonymous: z
          .object({
            /** Ask, search and read sources without an account. */
            ask: z.boolean().default(true),
            /** Read published articles (the approved version, or the current one marked unreviewed). */
            readArticles: z.boolean().default(true),
          })
          .strict()
          .prefault({}),
        /** Browser sessions (signing in with a username and password). */
        sessions: z
          .object({
            /** How long a session lasts, in hours. */
            hours: z.number().min(0.1).max(24 * 90).default(12),
            /**
             * The Secure attribute of the session cookie: `auto` sets it when the request came over
             * HTTPS (directly, or through a proxy trusted with `trustProxy`); `always` behind a TLS
             * proxy that is not trusted; `never` only for plain-HTTP testing.
             */
            secureCookie: z.enum(['auto', 'always', 'never']).default('auto'),
          })
          .strict()
          .prefault({}),
        /** Trust X-Forwarded-For / -Proto from a reverse proxy (its address, or true for any). Off: the socket's address counts. */
        trustProxy: z.union([z.boolean(), z.string().min(1)]).default(false),
        /** Where "View editorial policy" leads on article pages; the built-in policy page by default. */
        editorialPolicyUrl: z.string().min(1).default('/editorial-policy'),
        /** The built web app (`npm run build` makes it); empty: web/dist in citemed's own folder. */
        webDir: z.string().default(''),
        /** Follow-up threads, kept in the library (shared by every server on it; a restart keeps them), bounded. */
        threads: z
          .object({
            /** Threads kept; creating one beyond this deletes the least recently continued (created or continued longest ago; reading does not count). */
            maxThreads: z.number().int().min(1).max(1_000_000).default(1_000),
            /** Turns kept per thread; beyond this the oldest is dropped (follow-ups read the latest). */
            maxTurns: z.number().int().min(1).max(1_000).default(20),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
  })
  .strict();

/** A string setting; a value an environment variable spelled as a number stays a string. */
function text() {
  return z.preprocess((value) => (typeof value === 'number' ? String(value) : value), z.string());
}

function fieldWeights(defaults: { title: number; section: number; body: number; terms: number }) {
  return z
    .object({
      title: z.number().min(0).default(defaults.title),
      section: z.number().min(0).default(defaults.section),
      body: z.number().min(0).default(defaults.body),
      terms: z.number().min(0).default(defaults.terms),
    })
    .strict()
    .prefault({});
}

export type Settings = z.infer<typeof SettingsSchema>;

/** A partial settings object, as written in a preset or settings file. */
export type SettingsPatch = { [K in keyof Settings]?: DeepPartial<Settings[K]> };
type DeepPartial<T> = T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;
