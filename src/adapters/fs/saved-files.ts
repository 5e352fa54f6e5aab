import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CitemedError } from '../../domain/errors.js';
import type { SavedFiles } from '../../ports/files.js';

/**
 * SavedFiles on the local disk. A file is written under a temporary name in its own folder and
 * renamed into place, so an interrupted write never leaves a partial file under the real name
 * (a rename within one folder is atomic on POSIX file systems).
 */
export function createNodeSavedFiles(): SavedFiles {
  return {
    async write(file, bytes) {
      const folder = path.dirname(file);
      const temporary = path.join(folder, `.${path.basename(file)}.${randomBytes(4).toString('hex')}.part`);
      try {
        await mkdir(folder, { recursive: true });
        await writeFile(temporary, bytes);
        await rename(temporary, file);
      } catch (error) {
        await rm(temporary, { force: true }).catch(() => undefined);
        throw new CitemedError('cannot-write', `cannot write ${file}: ${(error as Error).message}`, {
          hint: 'check that the folder is writable and the disk has room (literature.folder sets where fetched records go)',
        });
      }
    },
    async readText(file) {
      try {
        return await readFile(file, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw new CitemedError('unreadable', `cannot read ${file}: ${(error as Error).message}`);
      }
    },
    async exists(file) {
      return (await stat(file).catch(() => undefined))?.isFile() ?? false;
    },
  };
}
