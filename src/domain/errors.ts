/**
 * Errors a user can cause or meet. Each says what went wrong and what to do, and carries the
 * process exit code the CLI uses (sysexits.h numbers where one fits).
 */
export type ErrorCode =
  | 'usage'
  | 'not-found'
  | 'unreadable'
  | 'unsupported-format'
  | 'bad-config'
  | 'database-locked'
  | 'database-corrupt'
  | 'database-foreign'
  | 'database-too-new'
  | 'database-readonly'
  | 'cannot-write'
  | 'service-unavailable'
  | 'service-failed'
  | 'interrupted'
  | 'conflict'
  | 'unauthenticated'
  | 'forbidden';

const EXIT_CODES: Readonly<Record<ErrorCode, number>> = {
  usage: 64, // EX_USAGE
  'not-found': 66, // EX_NOINPUT
  unreadable: 66,
  'unsupported-format': 65, // EX_DATAERR
  'bad-config': 78, // EX_CONFIG
  'database-locked': 75, // EX_TEMPFAIL: try again later
  'database-corrupt': 74, // EX_IOERR
  'database-foreign': 65,
  'database-too-new': 78,
  'database-readonly': 73, // EX_CANTCREAT
  'cannot-write': 73, // a file citemed saves (fetched records) cannot be written
  'service-unavailable': 69, // EX_UNAVAILABLE: a server citemed needs did not answer
  'service-failed': 76, // EX_PROTOCOL: it answered with an error or with something unusable
  interrupted: 130, // 128 + SIGINT
  conflict: 75, // EX_TEMPFAIL: the thing changed meanwhile, or the name is taken; read it again
  unauthenticated: 77, // EX_NOPERM
  forbidden: 77,
};

export class CitemedError extends Error {
  readonly code: ErrorCode;
  /** What the user can do about it, one sentence. */
  readonly hint: string | undefined;

  constructor(code: ErrorCode, message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CitemedError';
    this.code = code;
    this.hint = options.hint;
  }

  get exitCode(): number {
    return EXIT_CODES[this.code];
  }
}

export function isCitemedError(error: unknown): error is CitemedError {
  return error instanceof CitemedError;
}
