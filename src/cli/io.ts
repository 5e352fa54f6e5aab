import { CitemedError, isCitemedError } from '../domain/errors.js';

/**
 * Where the CLI writes. Results go to stdout (human text or, with --json, one JSON document);
 * progress, warnings and errors go to stderr, so `--json | jq` always gets clean JSON.
 */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** Text to stderr as it comes, with no line break added (streamed drafts). */
  errPart?(text: string): void;
  /** True when stderr is a terminal: live progress bars instead of log lines. */
  isTTY: boolean;
  columns: number;
  /**
   * A secret (a password): typed at the terminal without echo, or read whole from standard input
   * when it is piped. Absent where there is no way to ask (tests pass their own).
   */
  readSecret?(prompt: string): Promise<string>;
}

export function processIo(): Io {
  return {
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
    errPart: (text) => process.stderr.write(text),
    isTTY: Boolean(process.stderr.isTTY),
    columns: process.stdout.columns || 100,
    readSecret: (prompt) => (process.stdin.isTTY ? promptHidden(prompt) : readAllStdin()),
  };
}

/** Reads a line from the terminal with echo off. */
function promptHidden(prompt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    process.stderr.write(prompt);
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding('utf8');
    let value = '';
    const done = (error?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === '\r' || char === '\n') return done();
        if (char === '\u0003') return done(new CitemedError('interrupted', 'cancelled'));
        if (char === '\u007f' || char === '\b') value = value.slice(0, -1);
        else value += char;
      }
    };
    stdin.on('data', onData);
  });
}

/** Standard input to its end, less one trailing line break (`echo "$PW" |` adds one). */
async function readAllStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

export function printJson(io: Io, value: unknown): void {
  io.out(JSON.stringify(value, null, 2));
}

/** One line on stderr saying what went wrong and what to do; returns the exit code. */
export function reportError(io: Io, error: unknown, debug: boolean): number {
  if (isCitemedError(error)) {
    io.err(`citemed: ${error.message}${error.hint ? ` — ${error.hint}` : ''}`);
    if (debug && error.cause instanceof Error && error.cause.stack) io.err(error.cause.stack);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  io.err(`citemed: unexpected error: ${message} — this is a bug; please report it with the command you ran (add --debug for details)`);
  if (debug && error instanceof Error && error.stack) io.err(error.stack);
  return 70; // EX_SOFTWARE
}
