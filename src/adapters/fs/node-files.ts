import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream';
import { constants as zlibConstants, createGunzip, gunzipSync } from 'node:zlib';
import { glob, isDynamicPattern } from 'tinyglobby';
import { CitemedError } from '../../domain/errors.js';
import type { ExpandResult, FileEntry, FileSystem, OpenedFile } from '../../ports/files.js';

const FINGERPRINT_SPAN = 64 * 1024; // bytes hashed at each end of a file
const READ_CHUNK = 1024 * 1024; // bytes per read: large reads keep MB/s up on big MEDLINE files
const SKIPPED_FOLDERS = new Set(['node_modules', '.git']);

/** Local files through node:fs; gzip is detected by magic bytes and decompressed on the fly. */
export function createNodeFileSystem(cwd: string = process.cwd()): FileSystem {
  return {
    async expand(args) {
      const result: ExpandResult = { files: [], missing: [], special: [] };
      const seen = new Set<string>();
      const add = (entry: FileEntry) => {
        if (seen.has(entry.path)) return;
        seen.add(entry.path);
        result.files.push(entry);
      };
      for (const arg of args) {
        const full = path.resolve(cwd, arg);
        const info = await stat(full).catch(() => undefined);
        if (info?.isFile()) {
          add({ path: full, sizeBytes: info.size, explicit: true });
        } else if (info?.isDirectory()) {
          for (const entry of await walk(full)) add(entry);
        } else if (info) {
          result.special.push(arg);
        } else if (isDynamicPattern(arg)) {
          const matches = (await glob(arg, { cwd, absolute: true, onlyFiles: true, dot: false })).sort();
          if (matches.length === 0) result.missing.push(arg);
          for (const match of matches) add({ path: match, sizeBytes: (await stat(match)).size, explicit: false });
        } else {
          result.missing.push(arg);
        }
      }
      return result;
    },

    async fingerprint(file) {
      const handle = await openOrExplain(file.path);
      try {
        const hash = createHash('sha256').update(String(file.sizeBytes)).update('\u0000');
        const head = Buffer.alloc(Math.min(FINGERPRINT_SPAN, file.sizeBytes));
        await handle.read(head, 0, head.length, 0);
        hash.update(head);
        if (file.sizeBytes > FINGERPRINT_SPAN) {
          const tail = Buffer.alloc(Math.min(FINGERPRINT_SPAN, file.sizeBytes - FINGERPRINT_SPAN));
          await handle.read(tail, 0, tail.length, file.sizeBytes - tail.length);
          hash.update(tail);
        }
        return hash.digest('hex').slice(0, 40);
      } finally {
        await handle.close();
      }
    },

    async head(file, bytes) {
      const handle = await openOrExplain(file.path);
      try {
        // Not capped by the reported size: special files (/proc, /dev/fd) report 0 and still hold data.
        const raw = Buffer.alloc(Math.max(bytes, 64 * 1024));
        const { bytesRead } = await handle.read(raw, 0, raw.length, 0);
        const start = raw.subarray(0, bytesRead);
        if (!isGzip(start)) return start.subarray(0, bytes);
        // A partial gzip stream inflates as far as it goes with a sync flush.
        return gunzipSync(start, { finishFlush: zlibConstants.Z_SYNC_FLUSH }).subarray(0, bytes);
      } catch (error) {
        if (error instanceof CitemedError) throw error;
        throw new CitemedError('unreadable', `cannot read ${file.path}: ${(error as Error).message}`);
      } finally {
        await handle.close();
      }
    },

    open(file) {
      return openFile(file);
    },
  };
}

function openFile(file: FileEntry): OpenedFile {
  let read = 0;
  async function* bytes(): AsyncIterable<Uint8Array> {
    const gzip = await startsWithGzipMagic(file.path);
    const raw = createReadStream(file.path, { highWaterMark: READ_CHUNK });
    raw.on('data', (chunk) => {
      read += chunk.length;
    });
    const stream = gzip ? pipeline(raw, createGunzip({ chunkSize: READ_CHUNK }), () => {}) : raw;
    try {
      for await (const chunk of stream) yield chunk as Uint8Array;
    } catch (error) {
      throw explainReadError(file.path, error, gzip, read);
    } finally {
      raw.destroy();
    }
  }
  return { bytes: bytes(), bytesRead: () => read };
}

function explainReadError(file: string, error: unknown, gzip: boolean, bytesRead: number): CitemedError {
  const code = (error as { code?: string }).code;
  if (gzip && (code === 'Z_BUF_ERROR' || code === 'Z_DATA_ERROR')) {
    return new CitemedError(
      'unreadable',
      `${file} is a truncated or damaged gzip file (${(error as Error).message} after ${bytesRead} compressed bytes)`,
      { hint: 'download the file again; every complete record before the damage was kept', cause: error },
    );
  }
  return new CitemedError('unreadable', `cannot read ${file}: ${(error as Error).message}`, { cause: error });
}

async function openOrExplain(file: string) {
  try {
    return await open(file, 'r');
  } catch (error) {
    const code = (error as { code?: string }).code;
    const why = code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (error as Error).message;
    throw new CitemedError('unreadable', `cannot read ${file}: ${why}`, {
      hint: 'check the path and its permissions',
      cause: error,
    });
  }
}

async function startsWithGzipMagic(file: string): Promise<boolean> {
  const handle = await openOrExplain(file);
  try {
    const magic = Buffer.alloc(2);
    const { bytesRead } = await handle.read(magic, 0, 2, 0);
    return bytesRead === 2 && isGzip(magic);
  } finally {
    await handle.close();
  }
}

function isGzip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Every file under a folder, in name order, skipping hidden entries and node_modules. */
async function walk(folder: string): Promise<FileEntry[]> {
  const out: FileEntry[] = [];
  const entries = (await readdir(folder, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    if (entry.name.startsWith('.') || SKIPPED_FOLDERS.has(entry.name)) continue;
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(full)));
    else if (entry.isFile()) out.push({ path: full, sizeBytes: (await stat(full)).size, explicit: false });
  }
  return out;
}
