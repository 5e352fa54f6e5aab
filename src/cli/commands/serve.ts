import type { Command } from 'commander';
import { parseWholeNumber } from '../../domain/filters.js';
import { openContainer, type GlobalOptions } from '../context.js';
import type { Io } from '../io.js';

interface ServeOptions {
  host?: string;
  port?: string;
}

export function registerServe(program: Command, io: Io): void {
  program
    .command('serve')
    .description('serve the HTTP API and article pages: search, cited answers (streamed), threads, sources, articles and their review; see docs/api.md')
    .option('--host <host>', 'interface to listen on (default from settings: 127.0.0.1, this machine only)')
    .option('--port <port>', 'port to listen on, 0 for any free one (default from settings: 8787)')
    .addHelpText(
      'after',
      [
        '',
        'Anonymous visitors may ask, search and read articles unless server.anonymous says otherwise;',
        'publishing, reviewing and administration need an account (`citemed accounts create`). Serve over',
        'HTTPS (a TLS proxy) before leaving 127.0.0.1. Ctrl-C (or SIGTERM) finishes the requests in flight',
        'and stops; a second one stops at once.',
      ].join('\n'),
    )
    .action(async (options: ServeOptions, command: Command) => {
      // Check the flags before opening the library, so a typo fails fast and touches nothing.
      const port = options.port === undefined ? undefined : parseWholeNumber(options.port, '--port', 0, 65_535);
      const container = openContainer(command.optsWithGlobals<GlobalOptions>(), { create: false });
      try {
        const settings = { ...container.settings.server, ...(options.host ? { host: options.host } : {}), ...(port === undefined ? {} : { port }) };
        const log = { write: (line: string) => (io.errPart ? io.errPart(line) : io.err(line.trimEnd())) };
        // The web server (fastify, its plugins, the routes) is loaded by `serve` alone: an ingest
        // or a search does not carry it in memory.
        const [{ createServer }, { listen }] = await Promise.all([import('../../server/app.js'), import('../../server/listen.js')]);
        // Before listening: what the first search would otherwise read while requests wait behind it.
        await container.warmSearch();
        const running = await listen(createServer(container, settings, { log }), settings);
        io.out(`citemed: serving ${container.store.description} at ${running.url}`);
        io.out(`  API ${running.url}/api/v1 · OpenAPI ${running.url}/openapi.json · Ctrl-C to stop`);
        if ((await container.accounts.store.count()) === 0) {
          io.err('citemed: no accounts yet: make an administrator with `citemed accounts create <username> --role admin --name "…"`');
        }
        const signal = await nextSignal(() => {
          io.err('citemed: second signal, stopping at once');
          running.closeNow();
          process.exit(130);
        });
        io.err(`citemed: ${signal} received, finishing requests in flight (up to ${settings.shutdownGraceMs / 1000} s; again to stop at once)…`);
        await running.close();
        io.err('citemed: stopped');
      } finally {
        await container.close();
      }
    });
}

/** Resolves on the first SIGINT or SIGTERM; a second one calls `onSecond` (which exits). */
function nextSignal(onSecond: () => void): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let received = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (received) return onSecond();
      received = true;
      resolve(signal);
    };
    // The handlers stay until the process exits: the second signal matters while closing.
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
