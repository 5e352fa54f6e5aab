import { isCitemedError } from '../domain/errors.js';

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
}

export function processIo(): Io {
  return {
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
    errPart: (text) => process.stderr.write(text),
    isTTY: Boolean(process.stderr.isTTY),
    columns: process.stdout.columns || 100,
  };
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
