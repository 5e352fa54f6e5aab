import type { Command } from 'commander';
import { submitIngest } from '../../ingest/distributed.js';
import { ingestAndRecheck } from '../../ingest/ingest-and-recheck.js';
import { planIngest, type IngestReport } from '../../ingest/pipeline.js';
import type { Container } from '../../config/container.js';
import { withContainer, type GlobalOptions } from '../context.js';
import { printJson, type Io } from '../io.js';
import { postingsAdvice } from './index-postings.js';
import { presentIngestSummary } from '../presenters/ingest-summary.js';
import { describeRecheck, recheckArticles } from './articles.js';
import { createProgressView } from '../progress.js';

export interface IngestCommandOptions {
  force?: boolean;
  queue?: boolean;
  json?: boolean;
  quiet?: boolean;
}

export function registerIngest(program: Command, io: Io, setExitCode: (code: number) => void): void {
  program
    .command('ingest')
    .description('add files, folders or globs of literature to the library (MEDLINE/PubMed XML, PMC JATS, Markdown, HTML, PDF, JSON lines, Europe PMC JSON; .gz allowed)')
    .argument('<paths...>', 'files, folders (read recursively) or quoted globs such as "baseline/*.xml.gz"')
    .option('--force', 'read files again even if they were ingested to the end before')
    .option('--json', 'print the summary as JSON on stdout')
    .option('-q, --quiet', 'no progress output')
    .option('--queue', 'do not ingest here: queue one job per file for `citemed worker` processes (PostgreSQL store only)')
    .addHelpText(
      'after',
      '\nInterrupt at any time (Ctrl-C, kill): committed batches stay, and running the same command again\ncontinues where it stopped, with nothing lost and nothing doubled.',
    )
    .action(async (paths: string[], options: IngestCommandOptions, command: Command) => {
      if (options.queue) return queueIngest(paths, options, command.optsWithGlobals<GlobalOptions>(), io);
      const report = await ingestPaths(paths, options, command.optsWithGlobals<GlobalOptions>(), io);
      setExitCode(report.interrupted ? 130 : report.failedFiles > 0 ? 1 : 0);
    });
}

export async function ingestPaths(paths: string[], options: IngestCommandOptions, globals: GlobalOptions, io: Io): Promise<IngestReport> {
  return withContainer(globals, { create: true }, (container) => ingestInto(container, paths, options, io));
}

/** Below this many passages learning the ranking's word associations takes about a second or less: nothing is said. */
const LEARNING_NOTICE_PASSAGES = 50_000;

/**
 * The ingest of `paths` into an open library, with progress, the summary and the articles'
 * re-check. `printReport` replaces the summary on stdout (a command that prints one JSON document of its own).
 */
export async function ingestInto(
  container: Container,
  paths: string[],
  options: IngestCommandOptions,
  io: Io,
  printReport?: (report: IngestReport) => void,
): Promise<IngestReport> {
  const planned = await planIngest(paths, container.files);
  const view = createProgressView(io, { logIntervalMs: container.settings.ingest.logIntervalMs, quiet: options.quiet ?? false });
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      // Second signal: stop now. SQLite rolls back the open batch; the next run redoes it.
      process.exit(130);
    }
    io.err(`\ncitemed: ${signal} received, finishing the current batch (again to stop at once)…`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const { report } = await ingestAndRecheck(planned, container.ingestDeps(), {
      force: options.force ?? false,
      signal: controller.signal,
      onEvent: (event) => view.onEvent(event),
      onReport: (done) => {
        view.stop();
        if (printReport) printReport(done);
        else if (options.json) printJson(io, done);
        else io.out(presentIngestSummary(done));
      },
      // The ranking's word associations, learned now if this ingest changed the library by a
      // tenth, so that the next search does not stop for them (seconds in a large library; said).
      prepareSearch: () =>
        container.prepareRanking((passages) => {
          if (!options.quiet && !options.json && passages >= LEARNING_NOTICE_PASSAGES) {
            io.err(`citemed: learning word associations for ranking from ${passages.toLocaleString('en-US')} passages (once per change of a tenth)…`);
          }
        }),
      // Living articles: what this ingest changed may touch what published articles cite.
      recheck: async () => {
        if ((await container.editorial.articles.citations()).length === 0) return undefined;
        const rechecked = await recheckArticles(container, io);
        io.err(describeRecheck(rechecked));
        return rechecked;
      },
    });
    const advice = options.quiet ? undefined : await postingsAdvice(container.store);
    if (advice) io.err(advice);
    return report;
  } finally {
    view.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** `--queue`: one job per file for the workers, and a line saying what was queued. */
async function queueIngest(paths: string[], options: IngestCommandOptions, globals: GlobalOptions, io: Io): Promise<void> {
  await withContainer(globals, { create: true }, async (container) => {
    const queue = await container.workQueue();
    try {
      const report = await submitIngest(queue, container.files, paths, options.force ?? false);
      if (options.json) return printJson(io, report);
      io.out(`citemed: queued ${report.submitted.length} file(s) for the workers${report.alreadyQueued.length > 0 ? `; ${report.alreadyQueued.length} already waiting` : ''}`);
      for (const skipped of report.ignored) io.err(`  not queued: ${skipped.path} (${skipped.why})`);
    } finally {
      await queue.stop({ graceful: false });
    }
  });
}
