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
        kind: z.literal('sqlite').default('sqlite'),
        /** Database file; relative paths resolve against the working directory. */
        path: z.string().min(1).default('data/citemed.db'),
        /** How long a write waits for another process's lock before failing, in ms. */
        busyTimeoutMs: z.number().int().min(0).max(600_000).default(5_000),
        /**
         * SQLite page cache, in MiB (SQLite's cache_size). 16 MiB ingests as fast as 64 MiB and
         * keeps a large ingest's peak memory lower; reads also have the OS page cache.
         */
        cacheMiB: z.number().int().min(1).max(16_384).default(16),
      })
      .strict()
      .prefault({}),
    ingest: z
      .object({
        /**
         * Parse and prepare records in a worker thread while this thread writes to the library,
         * so ingest uses two cores. Off: everything in one thread (slower, simpler to debug).
         */
        worker: z.boolean().default(true),
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
      })
      .strict()
      .prefault({}),
    search: z
      .object({
        /** Passages returned by default. */
        limit: z.number().int().min(1).max(1_000).default(10),
        /**
         * BM25 weight of each indexed field (multipliers on a field's BM25 term score; 1 is neutral).
         * The title of a source is indexed with each of its passages.
         */
        fieldWeights: z
          .object({
            title: z.number().min(0).default(4),
            section: z.number().min(0).default(1),
            body: z.number().min(0).default(1),
            terms: z.number().min(0).default(2),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type Settings = z.infer<typeof SettingsSchema>;

/** A partial settings object, as written in a preset or settings file. */
export type SettingsPatch = { [K in keyof Settings]?: DeepPartial<Settings[K]> };
type DeepPartial<T> = T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;
