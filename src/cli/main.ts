import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Command, CommanderError } from 'commander';
import { listPresets } from '../config/load-settings.js';
import { registerAccounts } from './commands/accounts.js';
import { registerArticles } from './commands/articles.js';
import { registerAsk } from './commands/ask.js';
import { registerEmbed } from './commands/embed.js';
import { registerEval } from './commands/eval.js';
import { registerFetch } from './commands/fetch.js';
import { registerIndex } from './commands/index-postings.js';
import { registerIngest } from './commands/ingest.js';
import { registerQuickstart } from './commands/quickstart.js';
import { registerSearch } from './commands/search.js';
import { registerServe } from './commands/serve.js';
import { registerSources } from './commands/sources.js';
import { registerStats } from './commands/stats.js';
import { registerWorker } from './commands/worker.js';
import { processIo, reportError, type Io } from './io.js';

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

export function buildProgram(io: Io, setExitCode: (code: number) => void): Command {
  const program = new Command('citemed')
    .description('citemed — clinical evidence answer engine: a library of literature where every answer cites a passage that says it')
    .version(version)
    .option('--db <file>', 'library database file (default: data/citemed.db, or CITEMED_DB)')
    .option('--config <file>', 'settings file, JSON (default: ./citemed.config.json when present, or CITEMED_CONFIG)')
    .option('--preset <name>', `settings preset: ${listPresets().join(', ')} (default: embedded)`)
    .option('--debug', 'print stack traces with errors')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .exitOverride();
  registerIngest(program, io, setExitCode);
  registerFetch(program, io, setExitCode);
  registerAsk(program, io);
  registerEmbed(program, io, setExitCode);
  registerIndex(program, io);
  registerSearch(program, io);
  registerStats(program, io);
  registerSources(program, io);
  registerQuickstart(program, io, setExitCode);
  registerEval(program, io);
  registerServe(program, io);
  registerAccounts(program, io);
  registerArticles(program, io);
  registerWorker(program, io);
  for (const command of program.commands) command.exitOverride();
  return program;
}

export async function main(argv: readonly string[], io: Io = processIo()): Promise<number> {
  let exitCode = 0;
  const program = buildProgram(io, (code) => (exitCode = code));
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit 0; usage mistakes (unknown option, missing argument) exit 64.
      return error.exitCode === 0 ? 0 : 64;
    }
    return reportError(io, error, program.opts<{ debug?: boolean }>().debug ?? false);
  }
}

// Run when executed directly (bin/citemed.js or `tsx src/cli/main.ts`), not when imported by tests.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
