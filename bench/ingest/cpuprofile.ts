import { readFileSync } from 'node:fs';

/**
 * Summarises a V8 .cpuprofile (node --cpu-prof): self time by part of the ingest path, and the
 * functions with the most self time. Native frames (better-sqlite3's run, crypto digests,
 * TextDecoder, RegExp) have no script URL; their time is charged to the part of the nearest caller
 * that has one, so SQLite time shows up under the writer that called it.
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  totalMs: number;
  byCategory: { category: string; ms: number }[];
  topFunctions: { name: string; ms: number }[];
}

const CATEGORIES: readonly [RegExp, string][] = [
  [/node_modules\/saxes\/|readers\/medline\/fast-xml\.ts/, 'reader: XML tokenizer (fast-xml, saxes)'],
  [/readers\/medline\/extract\.ts/, 'reader: extract (element events → record)'],
  [/readers\/medline\/(splitter|text-window|prologue|gap)\.ts/, 'reader: record scanner'],
  [/readers\/medline\/prune\.ts/, 'reader: prune unread regions + entity check'],
  [/readers\/medline\/(to-item|dates)\.ts/, 'reader: record → SourceInput'],
  [/readers\/(medline\/(medline|record-parser|record)\.ts|bytes\.ts)/, 'reader: glue, UTF-8 decode'],
  [/src\/domain\/(text|sentences|passage)\.ts/, 'prepare: text, sentences, chunking, passage ids'],
  [/src\/domain\/(source|evidence-level|integrity)\.ts/, 'prepare: buildSource (level, integrity, content hash)'],
  [/src\/ingest\/(prepare|pipeline)\.ts/, 'pipeline (batches, events)'],
  [/src\/adapters\/sqlite\//, 'store: SQLite writer (better-sqlite3 + SQLite + FTS5)'],
  [/node_modules\/better-sqlite3\//, 'store: SQLite writer (better-sqlite3 + SQLite + FTS5)'],
  [/src\/domain\/(versioning|ingest-progress)\.ts/, 'store: bookkeeping'],
  [/readers\/medline\//, 'reader: other'],
  [/src\/adapters\/fs\/|node:internal\/(fs|streams|zlib)|node:zlib|node:stream/, 'file read + gunzip (main thread part)'],
  [/bench\/ingest\//, 'bench harness'],
  [/node:internal\/(modules|deps\/cjs-module-lexer|source_map)/, 'start-up: module loading (tsx; outside the timed span)'],
];

function categorize(url: string): string {
  for (const [pattern, name] of CATEGORIES) if (pattern.test(url)) return name;
  if (url.startsWith('node:')) return 'node internals (other)';
  return 'other';
}

export function summarizeProfile(file: string, top = 15): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

  const selfMs = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i] ?? -1;
    selfMs.set(id, (selfMs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  }

  const categories = new Map<string, number>();
  const functions = new Map<string, number>();
  for (const [id, ms] of selfMs) {
    const node = byId.get(id);
    if (!node) continue;
    const { functionName, url } = node.callFrame;
    let category: string;
    if (functionName === '(garbage collector)') category = 'garbage collector';
    else if (functionName === '(idle)') category = 'idle (waiting on I/O or the zlib thread)';
    else if (functionName === '(program)') category = 'V8/native, unattributed ("(program)")';
    else if (url !== '' && !isNative(url)) category = categorize(url);
    else category = categorize(nearestUrl(id, byId, parent));
    categories.set(category, (categories.get(category) ?? 0) + ms);
    // Line numbers are of tsx's transpiled output, so only the file is shown.
    const where = url === '' || isNative(url) ? `native, called from ${shortUrl(nearestUrl(id, byId, parent))}` : shortUrl(url);
    const name = `${functionName || '(anonymous)'} — ${where}`;
    functions.set(name, (functions.get(name) ?? 0) + ms);
  }
  const sorted = (map: Map<string, number>) => [...map.entries()].sort((a, b) => b[1] - a[1]);
  return {
    totalMs: (profile.endTime - profile.startTime) / 1000,
    byCategory: sorted(categories).map(([category, ms]) => ({ category, ms })),
    topFunctions: sorted(functions)
      .slice(0, top)
      .map(([name, ms]) => ({ name, ms })),
  };
}

function nearestUrl(id: number, byId: Map<number, ProfileNode>, parent: Map<number, number>): string {
  for (let at = parent.get(id); at !== undefined; at = parent.get(at)) {
    const url = byId.get(at)?.callFrame.url ?? '';
    if (url !== '' && !isNative(url)) return url;
  }
  return '';
}

/** Node's crypto wrappers are thin shims over native hashing: charge them to whoever hashes. */
function isNative(url: string): boolean {
  return url.startsWith('node:internal/crypto/') || url === 'node:crypto' || url === 'node:internal/encoding';
}

function shortUrl(url: string): string {
  return url.replace(/^file:\/\/.*?\/(src|bench|node_modules)\//, '$1/');
}
