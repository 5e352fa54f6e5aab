import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import * as launch from '../../bin/launch.mjs';
import { ROOT, spawnCli } from './run-cli.js';

describe('the launcher (bin/citemed.js)', () => {
  let root = '';
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  /** A project folder with two sources, a test file and a bundle, each modified at the given second. */
  function project(times: { source: number; test: number; bundle?: number }): string {
    root = mkdtempSync(path.join(tmpdir(), 'citemed-launch-'));
    mkdirSync(path.join(root, 'src', 'cli'), { recursive: true });
    const at = (file: string, seconds: number) => utimesSync(file, seconds, seconds);
    writeFileSync(path.join(root, 'src', 'cli', 'main.ts'), 'export {};');
    at(path.join(root, 'src', 'cli', 'main.ts'), 1_000);
    writeFileSync(path.join(root, 'src', 'cli', 'deep.ts'), 'export {};');
    at(path.join(root, 'src', 'cli', 'deep.ts'), times.source);
    writeFileSync(path.join(root, 'src', 'cli', 'deep.test.ts'), 'export {};');
    at(path.join(root, 'src', 'cli', 'deep.test.ts'), times.test);
    if (times.bundle !== undefined) {
      mkdirSync(path.join(root, 'dist', 'cli'), { recursive: true });
      writeFileSync(path.join(root, 'dist', 'cli', 'main.js'), 'export {};');
      at(path.join(root, 'dist', 'cli', 'main.js'), times.bundle);
    }
    return root;
  }
  const entryOf = (dir: string, mode?: string) => launch.cliEntry(pathToFileURL(`${dir}/`), mode);

  it('runs the bundle while it is newer than every source', () => {
    const entry = entryOf(project({ source: 2_000, test: 2_000, bundle: 3_000 }));
    expect(entry.tsx).toBe(false);
    expect(entry.url.pathname.endsWith('/dist/cli/main.js')).toBe(true);
  });

  it('runs the sources through tsx once any source, however deep, changed after the bundle', () => {
    const entry = entryOf(project({ source: 4_000, test: 2_000, bundle: 3_000 }));
    expect(entry.tsx).toBe(true);
    expect(entry.url.pathname.endsWith('/src/cli/main.ts')).toBe(true);
  });

  it('ignores test files, which the bundle does not hold', () => {
    expect(entryOf(project({ source: 2_000, test: 4_000, bundle: 3_000 })).tsx).toBe(false);
  });

  it('runs the sources without a bundle, or when told to', () => {
    expect(entryOf(project({ source: 2_000, test: 2_000 })).tsx).toBe(true);
    rmSync(root, { recursive: true, force: true });
    expect(entryOf(project({ source: 2_000, test: 2_000, bundle: 3_000 }), 'sources').tsx).toBe(true);
  });

  // `npm test` builds the bundle first. Run alone after a source was edited, there is no fresh
  // bundle to compare (`node scripts/build-cli.mjs` makes one), and this is skipped.
  const hasFreshBundle = !launch.cliEntry(new URL('../../', import.meta.url), undefined).tsx;
  it.skipIf(!hasFreshBundle)('gives the same CLI from the bundle as from the sources', async () => {
    const [bundled, sources] = await Promise.all([
      spawnCli(['--help']).done,
      spawnCli(['--help'], { CITEMED_LAUNCH: 'sources' }).done,
    ]);
    expect(sources.code).toBe(0);
    expect(sources.stdout).toContain('citemed');
    expect(bundled).toEqual(sources);
    // The worker threads' entry points, which the code starting them looks for beside the bundle.
    for (const worker of ['prepare-worker.js', 'postings-thread.js']) expect(existsSync(path.join(ROOT, 'dist', 'cli', worker))).toBe(true);
  }, 60_000);

  it('runs the sources, saying so, when the bundle has lost a chunk', () => {
    // A project with the real launcher, a bundle whose main file imports a chunk that is gone,
    // and sources that say where they ran from.
    const dir = project({ source: 2_000, test: 2_000, bundle: 3_000 });
    mkdirSync(path.join(dir, 'bin'));
    for (const file of ['citemed.js', 'launch.mjs']) copyFileSync(path.join(ROOT, 'bin', file), path.join(dir, 'bin', file));
    symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
    writeFileSync(path.join(dir, 'package.json'), '{ "type": "module" }\n');
    writeFileSync(path.join(dir, 'dist', 'cli', 'main.js'), "export { main } from './chunk-gone.js';\n");
    utimesSync(path.join(dir, 'dist', 'cli', 'main.js'), 3_000, 3_000);
    writeFileSync(path.join(dir, 'src', 'cli', 'main.ts'), "export async function main(args: string[]): Promise<number> {\n  console.log(`sources ${args.join(' ')}`);\n  return 0;\n}\n");
    utimesSync(path.join(dir, 'src', 'cli', 'main.ts'), 1_000, 1_000);
    const run = spawnSync(process.execPath, [path.join(dir, 'bin', 'citemed.js'), 'hello'], { encoding: 'utf8', timeout: 60_000 });
    expect(run.stdout).toBe('sources hello\n');
    expect(run.stderr).toContain('the CLI bundle in dist/cli is incomplete');
    expect(run.stderr).toContain('chunk-gone.js');
    expect(run.status).toBe(0);
  }, 60_000);
});
