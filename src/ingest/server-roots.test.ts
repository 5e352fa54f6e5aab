import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { realPathOf } from '../adapters/fs/real-path.js';
import { isInside, openServerRoots, type ServerRoots } from './server-roots.js';

describe('server roots', () => {
  let cwd: string;
  let roots: ServerRoots;

  beforeAll(() => {
    cwd = mkdtempSync(path.join(tmpdir(), 'citemed-roots-'));
    mkdirSync(path.join(cwd, 'library', 'starter'), { recursive: true });
    mkdirSync(path.join(cwd, 'library-old'));
    mkdirSync(path.join(cwd, 'private'));
    writeFileSync(path.join(cwd, 'library', 'starter', 'a.md'), '# A\n');
    writeFileSync(path.join(cwd, 'private', 'b.md'), '# B\n');
    symlinkSync(path.join(cwd, 'private'), path.join(cwd, 'library', 'link-out'));
    symlinkSync(path.join(cwd, 'library', 'starter'), path.join(cwd, 'library', 'link-in'));
    roots = openServerRoots({ roots: ['library', 'data/inbox'], cwd, realPath: realPathOf });
  });
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));

  it('accepts what really lies inside a root, links inside included', async () => {
    expect(await roots.resolve(['library/starter', 'library/link-in/a.md', 'library'])).toEqual([
      path.join(cwd, 'library', 'starter'),
      path.join(cwd, 'library', 'starter', 'a.md'),
      path.join(cwd, 'library'),
    ]);
    await expect(roots.check([path.join(cwd, 'library', 'link-in', 'a.md')])).resolves.toBeUndefined();
  });

  it('refuses every path outside, missing, escaping by .. or by a link, in one message naming the roots', async () => {
    await expect(roots.resolve(['library/../private', 'library/link-out/b.md', 'library-old', 'library/none.md'])).rejects.toMatchObject({
      code: 'usage',
      message:
        'no such file or folder on the server: library/none.md; outside the folders this server ingests from: library/../private, library/link-out/b.md, library-old (allowed: library, data/inbox)',
    });
    await expect(roots.check([path.join(cwd, 'library', 'link-out', 'b.md')])).rejects.toMatchObject({ code: 'usage', message: expect.stringMatching(/: b\.md \(allowed/) });
  });

  it('refuses everything when no root is configured', async () => {
    const none = openServerRoots({ roots: [], cwd, realPath: realPathOf });
    await expect(none.resolve(['library'])).rejects.toMatchObject({ message: expect.stringContaining('(allowed: (none: ingest.serverRoots is empty))') });
  });

  it('writes the server\'s paths under a root as the root is configured', async () => {
    await roots.resolve(['library']);
    expect(roots.redact(`cannot read ${path.join(cwd, 'library', 'starter', 'a.md')}: damaged`)).toBe(`cannot read ${path.join('library', 'starter', 'a.md')}: damaged`);
  });

  it('knows inside from beside', () => {
    expect(isInside('/srv/library', '/srv/library')).toBe(true);
    expect(isInside('/srv/library', '/srv/library/a/b.md')).toBe(true);
    expect(isInside('/srv/library', '/srv/library-old/b.md')).toBe(false);
    expect(isInside('/srv/library', '/srv/library/../etc')).toBe(false);
    expect(isInside('/srv/library', '/srv/library/..data/x')).toBe(true);
  });
});
