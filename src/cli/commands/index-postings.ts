import type { Command } from 'commander';
import { CitemedError } from '../../domain/errors.js';
import { describePostingsAdvice, postingsAdvice as adviseOnPostings, postingsInUse, type PostingsState } from '../../domain/postings.js';
import type { PostingsBuild, Store } from '../../ports/store.js';
import { withContainer, type GlobalOptions } from '../context.js';
import { formatBytes, formatCount, formatDurationMs } from '../format.js';
import { printJson, type Io } from '../io.js';
import { createCountProgress } from '../progress.js';

interface IndexCommandOptions {
  drop?: boolean;
  json?: boolean;
  quiet?: boolean;
}

export function registerIndex(program: Command, io: Io): void {
  program
    .command('index')
    .description('build the postings index: faster searches in a large SQLite library, with the same results')
    .option('--drop', 'remove the postings index; searches use the full-text index alone')
    .option('--json', 'print the summary as JSON on stdout')
    .option('-q, --quiet', 'no progress output')
    .addHelpText(
      'after',
      [
        '',
        'Searches rank the same passages with or without it; with it, a search in a library of a',
        'million passages took 8–9 ms instead of 20–29 ms (docs/benchmarks.md). Ingest does not update it:',
        'deleted passages are skipped, and passages added later are held in memory by each searching',
        'process, up to 50,000 (past that, the full-text index ranks alone). `citemed stats` says how',
        'many there are; run it again after a large ingest.',
        'The build reads the whole full-text index from a snapshot (about 3 minutes per million',
        'passages); searches, ingests and other writes go on meanwhile, and the new index replaces',
        'the old one at the end. Interrupted, it leaves the index in service as it was.',
      ].join('\n'),
    )
    .action(async (options: IndexCommandOptions, command: Command) => {
      await withContainer(command.optsWithGlobals<GlobalOptions>(), { create: false }, async ({ store, settings }) => {
        const postings = store.postings;
        if (!postings) {
          throw new CitemedError('usage', `${store.description} has no postings index: it is for SQLite libraries`, {
            hint: 'PostgreSQL libraries rank in the database; nothing to build',
          });
        }
        if (options.drop) {
          const before = await postings.state();
          await postings.drop();
          if (options.json) printJson(io, { dropped: before !== undefined });
          else io.out(before ? 'Removed the postings index; searches use the full-text index alone.' : 'There was no postings index.');
          return;
        }
        const view = createCountProgress(io, {
          label: 'index',
          unit: 'tokens',
          quiet: options.quiet === true,
          logIntervalMs: settings.ingest.logIntervalMs,
        });
        const started = performance.now();
        let build: PostingsBuild;
        try {
          build = await postings.build((p) => view.update({ done: p.done, total: p.total, elapsedMs: performance.now() - started }));
        } finally {
          view.stop();
        }
        if (options.json) printJson(io, build);
        else io.out(presentBuild(build, settings.store.usePostings));
      });
    });
}

export function presentBuild(build: PostingsBuild, inUse: boolean): string {
  return [
    `Built the postings index in ${formatDurationMs(build.elapsedMs)}: ${formatCount(build.passages)} passages, ${formatCount(build.terms)} terms, ${formatBytes(build.bytes)}.`,
    inUse
      ? 'Searches now rank from it. Run it again after large ingests (`citemed stats` tells how much was added since).'
      : 'store.usePostings is false, so searches do not use it yet: set it to true (the default) for them to.',
  ].join('\n');
}

/** The `citemed stats` line about the postings index. */
export function presentPostingsState(state: PostingsState | undefined): string {
  if (!state) return 'Postings index: none (`citemed index` builds one; it speeds up searches in large libraries)';
  const since: string[] = [];
  if (state.newer > 0) since.push(`${formatCount(state.newer)} passages added since`);
  if (state.removed > 0) since.push(`${formatCount(state.removed)} removed since`);
  const head = `Postings index: ${formatCount(state.passages)} passages, built ${state.builtAt}`;
  if (!postingsInUse(state)) {
    return `${head}; not in use: ${since.join(', ')}, more than the ${formatCount(state.newerLimit)} searches hold. Run \`citemed index\`.`;
  }
  return since.length > 0 ? `${head}; ${since.join('; ')}` : head;
}

/** After an ingest: a line advising `citemed index` when it would help (domain/postings.ts decides), else undefined. */
export async function postingsAdvice(store: Store): Promise<string | undefined> {
  if (!store.postings) return undefined;
  const state = await store.postings.state();
  const advice = adviseOnPostings(state, state ? state.passages : (await store.corpusStats()).passages);
  if (!advice) return undefined;
  return `citemed: ${advice.kind === 'build' ? 'tip: ' : ''}${describePostingsAdvice(advice, 'run `citemed index`')}`;
}
