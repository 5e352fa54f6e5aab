import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/** The "may import" column of docs/ARCHITECTURE.md, as code. Keep the two in step. */
const ROOT = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '..');
const SRC = path.join(ROOT, 'src');

const ALLOWED: Record<string, string[]> = {
  domain: ['domain'],
  ports: ['domain', 'ports'],
  ingest: ['domain', 'ports', 'ingest'],
  retrieval: ['domain', 'ports', 'retrieval'],
  eval: ['domain', 'ports', 'ingest', 'retrieval', 'eval'],
  answer: ['domain', 'ports', 'retrieval', 'answer'],
  accounts: ['domain', 'ports', 'accounts'],
  articles: ['domain', 'ports', 'answer', 'articles'],
  adapters: ['domain', 'ports', 'adapters'],
  config: ['domain', 'ports', 'ingest', 'retrieval', 'eval', 'answer', 'accounts', 'articles', 'adapters', 'config'],
  server: ['domain', 'ports', 'retrieval', 'answer', 'accounts', 'articles', 'config', 'server'],
  cli: ['domain', 'ports', 'ingest', 'retrieval', 'eval', 'answer', 'accounts', 'articles', 'config', 'server', 'cli'],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [full] : [];
  });
}

function layerOf(file: string): string {
  return path.relative(SRC, file).split(path.sep)[0] ?? '';
}

describe('architecture', () => {
  it('every src folder is in the map', () => {
    const layers = readdirSync(SRC).filter((n) => statSync(path.join(SRC, n)).isDirectory());
    expect(layers.sort()).toEqual(Object.keys(ALLOWED).sort());
  });

  it('imports follow docs/ARCHITECTURE.md', () => {
    const violations: string[] = [];
    for (const file of sourceFiles(SRC)) {
      const layer = layerOf(file);
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+['"](\.{1,2}\/[^'"]+)['"]/g)) {
        const target = path.resolve(path.dirname(file), match[1] ?? '');
        const targetLayer = target.startsWith(SRC) ? layerOf(target) : 'outside src';
        if (!(ALLOWED[layer] ?? []).includes(targetLayer)) {
          violations.push(`${path.relative(ROOT, file)} imports ${match[1]} (${layer} → ${targetLayer})`);
        }
      }
      if (layer !== 'config' && /process\.env/.test(text)) violations.push(`${path.relative(ROOT, file)} reads process.env`);
    }
    expect(violations).toEqual([]);
  });

  it('the web app takes values only from the pure domain modules, and types from anywhere in src', () => {
    const web = path.join(ROOT, 'web', 'src');
    const violations: string[] = [];
    const files = (dir: string): string[] =>
      readdirSync(dir).flatMap((name) => {
        const full = path.join(dir, name);
        return statSync(full).isDirectory() ? files(full) : /\.tsx?$/.test(name) ? [full] : [];
      });
    for (const file of files(web)) {
      for (const match of readFileSync(file, 'utf8').matchAll(/(?:^|\n)\s*(import|export)(\s+type)?[^'"]*?from\s+['"](\.{1,2}\/[^'"]+)['"]/g)) {
        const target = path.resolve(path.dirname(file), match[3] ?? '');
        if (target.startsWith(web) || match[2]) continue;
        if (!target.startsWith(path.join(SRC, 'domain'))) violations.push(`${path.relative(ROOT, file)} imports ${match[3]}`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('readers depend only on the domain, the reader contract and the byte helpers', () => {
    const readers = path.join(SRC, 'ingest', 'readers');
    const violations: string[] = [];
    for (const file of sourceFiles(readers)) {
      for (const match of readFileSync(file, 'utf8').matchAll(/from\s+['"](\.{1,2}\/[^'"]+)['"]/g)) {
        const target = path.resolve(path.dirname(file), match[1] ?? '');
        const ok =
          target.startsWith(path.join(SRC, 'domain')) ||
          target.startsWith(readers) ||
          target === path.join(SRC, 'ingest', 'reader.js');
        if (!ok) violations.push(`${path.relative(ROOT, file)} imports ${match[1]}`);
      }
    }
    expect(violations).toEqual([]);
  });
});
