import type { Command } from 'commander';
import type { EmbedReport } from '../../ingest/embed.js';
import { withContainer, type GlobalOptions } from '../context.js';
import { formatCount, formatDurationMs, formatRate } from '../format.js';
import { printJson, type Io } from '../io.js';
import { createCountProgress } from '../progress.js';

interface EmbedCommandOptions {
  rebuild?: boolean;
  json?: boolean;
  quiet?: boolean;
}

export function registerEmbed(program: Command, io: Io, setExitCode: (code: number) => void): void {
  program
    .command('embed')
    .description('give the library\'s passages vectors from the embedding server, for hybrid search (settings: embedder.*)')
    .option('--rebuild', 'drop the stored vectors of the model and embed every passage again')
    .option('--json', 'print the summary as JSON on stdout')
    .option('-q, --quiet', 'no progress output')
    .addHelpText(
      'after',
      [
        '',
        'Needs an OpenAI-compatible server, e.g. Ollama:',
        '  CITEMED__EMBEDDER__BASE_URL=http://127.0.0.1:11434/v1 CITEMED__EMBEDDER__MODEL=nomic-embed-text citemed embed',
        'Interrupt at any time: stored vectors stay, and running it again embeds only what is left.',
        'Then search with `citemed search --hybrid …` (or set search.hybrid.enabled).',
      ].join('\n'),
    )
    .action(async (options: EmbedCommandOptions, command: Command) => {
      const report = await withContainer(command.optsWithGlobals<GlobalOptions>(), { create: false }, async (container) => {
        const controller = new AbortController();
        const onSignal = () => {
          if (controller.signal.aborted) process.exit(130);
          io.err('\ncitemed: stopping after the current request (again to stop at once)…');
          controller.abort();
        };
        process.on('SIGINT', onSignal);
        process.on('SIGTERM', onSignal);
        const view = createCountProgress(io, {
          label: 'embed',
          unit: 'passages',
          quiet: options.quiet === true,
          logIntervalMs: container.settings.ingest.logIntervalMs,
        });
        try {
          return await container.embed({
            batchSize: container.settings.embedder.batchSize,
            rebuild: options.rebuild === true,
            signal: controller.signal,
            onProgress: view.update,
          });
        } finally {
          view.stop();
          process.off('SIGINT', onSignal);
          process.off('SIGTERM', onSignal);
        }
      });
      if (options.json) printJson(io, report);
      else io.out(presentEmbedReport(report));
      setExitCode(report.interrupted ? 130 : 0);
    });
}

export function presentEmbedReport(report: EmbedReport): string {
  const lines = [
    `${report.interrupted ? 'Interrupted' : 'Embedded'}: ${formatCount(report.embedded)} passages in ${formatDurationMs(report.elapsedMs)}` +
      (report.embedded > 0 ? ` (${formatRate(report.embedded, report.elapsedMs, 'passages')})` : ''),
    `  with ${report.embedder}${report.dimensions !== undefined ? `, ${report.dimensions} dimensions` : ''}`,
    `  already embedded before: ${formatCount(report.alreadyEmbedded)} of ${formatCount(report.passages)} passages`,
  ];
  if (report.dropped > 0) lines.push(`  dropped for --rebuild: ${formatCount(report.dropped)} vectors`);
  if (report.pruned > 0) lines.push(`  removed: ${formatCount(report.pruned)} vectors of passages no longer in the library`);
  if (report.interrupted) lines.push('Run the same command again to embed the rest.');
  else lines.push('Search with `citemed search --hybrid "<question>"`, or set search.hybrid.enabled.');
  return lines.join('\n');
}
