import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { pipeline, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { CitemedError } from '../../domain/errors.js';

const READ_CHUNK = 1024 * 1024; // bytes per read

export interface Line {
  /** Without its line break (LF or CRLF) and, on line 1, without a UTF-8 byte-order mark. */
  text: string;
  /** 1-based, counting blank lines, for messages. */
  number: number;
}

/**
 * The lines of a text file, read as a stream. A gzip file (told by its magic bytes, not its
 * name) is inflated on the way; a damaged one fails with an error naming the file.
 */
export async function* readLines(file: string): AsyncIterable<Line> {
  const gzip = await startsWithGzipMagic(file);
  const raw = createReadStream(file, { highWaterMark: READ_CHUNK });
  const input: Readable = gzip ? pipeline(raw, createGunzip({ chunkSize: READ_CHUNK }), () => {}) : raw;
  input.setEncoding('utf8');
  const lines = createInterface({ input, crlfDelay: Infinity });
  let number = 0;
  try {
    for await (const line of lines) {
      number++;
      yield { text: number === 1 && line.startsWith('\uFEFF') ? line.slice(1) : line, number };
    }
  } catch (error) {
    throw explainReadError(file, error, gzip, number);
  } finally {
    lines.close();
    raw.destroy();
  }
}

function explainReadError(file: string, error: unknown, gzip: boolean, linesRead: number): CitemedError {
  if (error instanceof CitemedError) return error;
  const code = (error as { code?: string }).code;
  if (gzip && (code === 'Z_BUF_ERROR' || code === 'Z_DATA_ERROR')) {
    return new CitemedError(
      'unreadable',
      `${file} is a truncated or damaged gzip file (${(error as Error).message} after line ${linesRead})`,
      { hint: 'download or build the data set again', cause: error },
    );
  }
  return new CitemedError('unreadable', `cannot read ${file}: ${(error as Error).message}`, { cause: error });
}

async function startsWithGzipMagic(file: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    throw explainReadError(file, error, false, 0);
  }
  try {
    const magic = Buffer.alloc(2);
    const { bytesRead } = await handle.read(magic, 0, 2, 0);
    return bytesRead === 2 && magic[0] === 0x1f && magic[1] === 0x8b;
  } finally {
    await handle.close();
  }
}
