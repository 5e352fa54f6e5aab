import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CitemedError } from '../../domain/errors.js';
import { createNodeSavedFiles } from './saved-files.js';

describe('createNodeSavedFiles', () => {
  const dirs: string[] = [];
  const fresh = () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'citemed-saved-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('writes whole files, making folders, and leaves no temporary file behind', async () => {
    const saved = createNodeSavedFiles();
    const file = path.join(fresh(), 'a', 'b', 'part-0001.xml');
    await saved.write(file, new TextEncoder().encode('<PubmedArticleSet/>'));
    await saved.write(file, 'replaced');
    expect(readFileSync(file, 'utf8')).toBe('replaced');
    expect(readdirSync(path.dirname(file))).toEqual(['part-0001.xml']);
    expect(await saved.exists(file)).toBe(true);
    expect(await saved.readText(file)).toBe('replaced');
    expect(await saved.exists(path.dirname(file))).toBe(false);
    expect(await saved.readText(path.join(path.dirname(file), 'missing.json'))).toBeUndefined();
  });

  it('fails with a clear error, and no partial file, where it cannot write', async () => {
    // A folder that is a regular file: fails for root too, which writes through permissions.
    const dir = fresh();
    const saved = createNodeSavedFiles();
    await saved.write(path.join(dir, 'plain'), 'x');
    const error = await saved.write(path.join(dir, 'plain', 'part-0001.xml'), 'y').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CitemedError);
    expect((error as CitemedError).code).toBe('cannot-write');
    expect((error as CitemedError).exitCode).toBe(73);
    expect((error as CitemedError).message).toContain(path.join(dir, 'plain', 'part-0001.xml'));
    expect(readdirSync(dir)).toEqual(['plain']);
  });
});
