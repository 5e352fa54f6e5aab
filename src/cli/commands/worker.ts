import type { Command } from 'commander';
import { recheck } from '../../articles/service.js';
import { ingestJobWorkerFor } from '../../config/ingest-jobs.js';
import { startWorker } from '../../ingest/distributed.js';
import { JOB_KINDS } from '../../ports/work-queue.js';
import { withContainer, type GlobalOptions } from '../context.js';
import { printJson, type Io } from '../io.js';

/**
 * `citemed worker`: takes ingest and re-check jobs, and administrators' ingest jobs from the web
 * app, from the PostgreSQL work queue until stopped. Run any number, on any machine that sees the
 * files and the database. SIGINT/SIGTERM: the running ingest finishes its batch and the worker
 * exits; its job is retried (an administrator's job: queued again) for another worker.
 */
export function registerWorker(program: Command, io: Io): void {
  program
    .command('worker')
    .description("take ingest and re-check jobs, and administrators' ingest jobs, from the queue (PostgreSQL store); run as many as you like")
    .action(async (_options: unknown, command: Command) => {
      await withContainer(command.optsWithGlobals<GlobalOptions>(), { create: true }, async (container) => {
        const queue = await container.workQueue();
        const stopping = new AbortController();
        const log = (line: string) => io.out(`${new Date().toISOString()} ${line}`);
        try {
          const worker = await startWorker({
            queue,
            files: container.files,
            ingestDeps: () => container.ingestDeps(),
            prepareSearch: () => container.prepareRanking(),
            recheck: async (actor) => {
              const report = await recheck(container.articles, actor);
              return { checked: report.checked, raised: report.raised.length };
            },
            log,
            signal: stopping.signal,
            ingestJobs: ingestJobWorkerFor(container, { onServerError: (error) => log(`ingest-request: ${error instanceof Error ? error.message : String(error)}`) }),
          });
          io.out(`citemed: worker ${process.pid} ready on ${container.store.description}; Ctrl-C stops`);
          const signal = await new Promise<NodeJS.Signals>((resolve) => {
            process.once('SIGINT', resolve);
            process.once('SIGTERM', resolve);
          });
          io.err(`citemed: ${signal}: finishing the current batch, then stopping`);
          stopping.abort();
          await worker.idle();
        } finally {
          await queue.stop({ graceful: true, timeoutMs: 60_000 });
        }
      });
    });

  program
    .command('jobs')
    .description('how many queued, running, finished and failed jobs the work queue holds')
    .option('--json', 'print the counts as JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      await withContainer(command.optsWithGlobals<GlobalOptions>(), { create: false }, async (container) => {
        const queue = await container.workQueue();
        try {
          const counts = await queue.counts();
          if (options.json) return printJson(io, counts);
          for (const kind of JOB_KINDS) {
            const c = counts[kind];
            io.out(`${kind.padEnd(17)} ${c.waiting} waiting, ${c.active} running, ${c.completed} done, ${c.failed} failed, ${c.cancelled} cancelled`);
          }
        } finally {
          await queue.stop({ graceful: false });
        }
      });
    });
}
