import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildSource } from '../../../domain/source.js';
import { readMarkdown } from './markdown.js';
import { readAll } from './__fixtures__/streams.js';

// The starter library is written alongside this reader; the test reads whatever is there at run time.
const starterDir = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../../library/starter');
const files = (() => {
  try {
    return readdirSync(starterDir).filter((name) => name.endsWith('.md')).sort();
  } catch {
    return [];
  }
})();

/** The lines of the file's "## References" section, as plain words. */
function referenceLines(markdown: string): string[] {
  const lines = markdown.split('\n');
  const start = lines.findIndex((line) => /^##\s+References\s*$/.test(line));
  if (start < 0) return [];
  const end = lines.findIndex((line, i) => i > start && /^#{1,2}\s/.test(line));
  return lines
    .slice(start + 1, end < 0 ? undefined : end)
    .map((line) => line.replace(/^\s*\d+\.\s+/, '').replace(/[*_]/g, '').trim())
    .filter((line) => line.length > 20);
}

describe.skipIf(files.length === 0)(`starter library (${files.length} files in ${starterDir})`, () => {
  it.each(files)('%s reads as one unreviewed in-house overview with references', async (name) => {
    const filePath = path.join(starterDir, name);
    const markdown = readFileSync(filePath, 'utf8');
    const items = await readAll(readMarkdown, markdown, filePath);
    expect(items.map((item) => (item.kind === 'skip' ? `skip line ${item.line}: ${item.reason}` : item.kind))).toEqual(['source']);
    const source = items[0]!.kind === 'source' ? items[0]!.source : undefined;
    if (!source) return;

    expect(source.id).toMatch(/^doc:overview-[a-z0-9-]+$/);
    expect(source.reviewStatus).toBe('not-reviewed');
    expect(source.evidenceLevel).toBe('in-house');
    expect(buildSource(source).evidenceLevel).toBe('in-house');
    expect(source.title.length).toBeGreaterThan(0);
    expect(source.references.length).toBeGreaterThanOrEqual(1);
    expect(source.text).toMatch(/\[\d+(?:,\s*\d+)*\]/);
    expect(source.sections.some((section) => section.path.join(' ').toLowerCase().includes('reference'))).toBe(false);
    for (const line of referenceLines(markdown)) expect(source.text).not.toContain(line);

    // The visible status, from metadata; the banner itself is not indexed.
    expect(source.statusNote).toBe('Sample content — not medically reviewed');
    expect(markdown).toContain('> **Sample content — not medically reviewed.**');
    expect(source.text).not.toContain('Written as a starting library');

    // Every citation marker points at a reference, and every reference is complete and cited.
    const labels = new Set(source.references.map((reference) => reference.label));
    const cited = new Set([...source.text.matchAll(/\[(\d+(?:,\s*\d+)*)\]/g)].flatMap((m) => (m[1] ?? '').split(/,\s*/)));
    expect([...cited].filter((n) => !labels.has(n)), 'markers without a reference').toEqual([]);
    expect([...labels].filter((n) => n !== undefined && !cited.has(n)), 'references never cited').toEqual([]);
    for (const reference of source.references) {
      expect(reference.title, `reference ${reference.label} title`).toBeTruthy();
      expect(reference.journal, `reference ${reference.label} journal`).toBeTruthy();
      expect(reference.year, `reference ${reference.label} year`).toBeGreaterThan(1900);
      expect(['guideline', 'research']).toContain(reference.kind);
    }
  });
});
