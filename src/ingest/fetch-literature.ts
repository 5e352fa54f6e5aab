import { createHash } from 'node:crypto';
import path from 'node:path';
import { CitemedError } from '../domain/errors.js';
import { inPieces } from '../domain/pieces.js';
import type { SavedFiles } from '../ports/files.js';
import type { LiteratureQuery, LiteratureService, LiteratureServiceName } from '../ports/literature.js';

/**
 * The fetch use case (`citemed fetch`): a live literature service is searched, and the records it
 * names are fetched and saved as files, one folder per fetch, for the ingest pipeline to read like
 * any other file. Saving first keeps what was fetched (and from where, and when) beside the
 * library, and makes a fetch resumable in the same way an ingest is:
 *
 * - The folder is named by the service, the day and a hash of the query and its options, so the
 *   same command run again on the same day finds it. Its `manifest.json` holds the search's result
 *   (the record ids, in the service's order), written before anything is fetched, so a second run
 *   fetches the same records rather than a newer result list.
 * - Records are fetched `IDS_PER_PART` at a time, a chunk of ids. A service may answer a chunk in
 *   several pieces (Europe PMC's core JSON, then a JATS full text per open-access article), saved
 *   as `part-0001<ext>`, `part-0001-2<ext>` … Each piece is written whole or not at all
 *   (SavedFiles), and after a chunk's last piece its marker `part-0001.done` lists them. Only the
 *   marker proves a chunk complete: a run after an interruption fetches again every chunk without
 *   one, its pieces overwritten. A folder saved before markers existed has none, so its chunks
 *   are fetched again once (the same records, from the same manifest): safer than guessing from
 *   the first piece whether the pieces after it were all saved.
 * - A new day is a new fetch: services add records daily, and a fetch is a snapshot of one search.
 */

/** Ids per request and per saved part; both services take at least this many (PubMed 200, Europe PMC 100). */
export const IDS_PER_PART = 100;

/** The most records one fetch may ask for: PubMed's E-utilities return at most 10,000 ids from a search. */
export const MAX_RECORDS = 10_000;

export const MANIFEST_NAME = 'manifest.json';

/** A chunk's marker: `part-0001.done`, JSON naming its pieces; bookkeeping, never ingested. */
export const PART_MARKER_EXTENSION = '.done';

/** Whether a file in a fetch folder is its bookkeeping (the manifest, a chunk's marker) rather than records. */
export function isFetchBookkeeping(fileName: string): boolean {
  return fileName === MANIFEST_NAME || /^part-\d{4,}\.done$/.test(fileName);
}

/** What a fetch folder's manifest records. */
export interface FetchManifest {
  service: LiteratureServiceName;
  /** The service as it was described when searched (its base URL included). */
  description: string;
  query: LiteratureQuery;
  searchedAt: string;
  total: number;
  translation?: string;
  warnings: string[];
  ids: string[];
}

export type FetchEvent =
  | { kind: 'searched'; manifest: FetchManifest; folder: string; reused: boolean }
  | { kind: 'part'; index: number; parts: number; path: string; records: number | undefined; reused: boolean };

export interface FetchedPart {
  path: string;
  /** The chunk of ids it answers (0-based; `IDS_PER_PART` ids each); a chunk may have several pieces. */
  chunk: number;
  /** Records in the part; undefined for a part saved by an earlier run (not read again here). */
  records: number | undefined;
  reused: boolean;
}

export interface FetchOutcome {
  folder: string;
  manifest: FetchManifest;
  parts: FetchedPart[];
  /** Records fetched by this run. */
  fetched: number;
  /** True when the signal stopped the fetch before every part was saved. */
  interrupted: boolean;
}

export interface FetchDeps {
  saved: SavedFiles;
  /** The folder that holds one folder per fetch (settings: literature.folder). */
  root: string;
  now: () => Date;
}

export interface FetchOptions {
  signal?: AbortSignal;
  onEvent?: (event: FetchEvent) => void;
}

/** Refuses queries that cannot be sent: empty, too many records, years the wrong way round. */
export function checkQuery(query: LiteratureQuery): void {
  if (query.query.trim() === '') throw new CitemedError('usage', 'the query is empty', { hint: 'give the search as the service would take it, e.g. "iliopsoas abscess[tiab]"' });
  if (!Number.isInteger(query.max) || query.max < 1 || query.max > MAX_RECORDS) {
    throw new CitemedError('usage', `--max must be a whole number from 1 to ${MAX_RECORDS.toLocaleString('en-US')}, not ${query.max}`, {
      hint: 'narrow the query instead of fetching more: a fetch is for the evidence on one question',
    });
  }
  if (query.fromYear !== undefined && query.toYear !== undefined && query.fromYear > query.toYear) {
    throw new CitemedError('usage', `the years are the wrong way round (${query.fromYear} to ${query.toYear})`);
  }
}

/**
 * The folder of one fetch: service, UTC day, and 10 hex digits of the query and its options. The
 * service's variant (Europe PMC with full text) is hashed in only when there is one, so the
 * folders of plain fetches keep their names.
 */
export function fetchFolderName(service: LiteratureServiceName, query: LiteratureQuery, now: Date, variant?: string): string {
  const options = [service, query.query.trim(), query.max, query.fromYear ?? null, query.toYear ?? null];
  const key = JSON.stringify(variant === undefined ? options : [...options, variant]);
  const digest = createHash('sha256').update(key).digest('hex').slice(0, 10);
  return `${service}-${now.toISOString().slice(0, 10)}-${digest}`;
}

/** How many records match, and how the service read the query; nothing is fetched or saved. */
export async function countRecords(service: LiteratureService, query: LiteratureQuery, signal?: AbortSignal) {
  checkQuery(query);
  return service.search({ ...query, max: 1 }, signal);
}

/** Searches, then fetches and saves every part not already saved. See the file's comment. */
export async function fetchLiterature(service: LiteratureService, query: LiteratureQuery, deps: FetchDeps, options: FetchOptions = {}): Promise<FetchOutcome> {
  checkQuery(query);
  const normalized: LiteratureQuery = { ...query, query: query.query.trim() };
  const folder = path.join(deps.root, fetchFolderName(service.name, normalized, deps.now(), service.variant));
  const manifestPath = path.join(folder, MANIFEST_NAME);

  let manifest = readManifest(await deps.saved.readText(manifestPath), manifestPath);
  const reused = manifest !== undefined;
  if (!manifest) {
    const found = await service.search(normalized, options.signal);
    manifest = {
      service: service.name,
      description: service.description,
      query: normalized,
      searchedAt: deps.now().toISOString(),
      total: found.total,
      ...(found.translation === undefined ? {} : { translation: found.translation }),
      warnings: found.warnings,
      ids: found.ids.slice(0, normalized.max),
    };
    await deps.saved.write(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  }
  options.onEvent?.({ kind: 'searched', manifest, folder, reused });

  const pieces = [...inPieces(manifest.ids, IDS_PER_PART)];
  const parts: FetchedPart[] = [];
  let fetched = 0;
  for (const [index, ids] of pieces.entries()) {
    if (options.signal?.aborted) return { folder, manifest, parts, fetched, interrupted: true };
    const marker = path.join(folder, markerName(index));
    const saved = await savedPieces(deps.saved, folder, marker);
    if (saved) {
      for (const file of saved) {
        parts.push({ path: file, chunk: index, records: undefined, reused: true });
        options.onEvent?.({ kind: 'part', index, parts: pieces.length, path: file, records: undefined, reused: true });
      }
      continue;
    }
    const names: string[] = [];
    for await (const reply of service.fetch(ids, options.signal)) {
      const name = partName(index, names.length, reply.extension);
      const file = path.join(folder, name);
      await deps.saved.write(file, reply.bytes);
      names.push(name);
      parts.push({ path: file, chunk: index, records: reply.records, reused: false });
      fetched += reply.records;
      options.onEvent?.({ kind: 'part', index, parts: pieces.length, path: file, records: reply.records, reused: false });
    }
    // Written even for a chunk of no pieces (every id gone), so it is not asked for again.
    await deps.saved.write(marker, `${JSON.stringify({ pieces: names })}\n`);
  }
  return { folder, manifest, parts, fetched, interrupted: false };
}

/** `part-0001.xml`; a further piece of the same ids (a service with a smaller limit) `part-0001-2.xml`. */
function partName(index: number, piece: number, extension: string): string {
  return `part-${String(index + 1).padStart(4, '0')}${piece === 0 ? '' : `-${piece + 1}`}${extension}`;
}

function markerName(index: number): string {
  return `part-${String(index + 1).padStart(4, '0')}${PART_MARKER_EXTENSION}`;
}

/**
 * The pieces of a chunk its marker lists, when it has a marker and every piece is there; else
 * undefined, and the chunk is fetched again (a marker unreadable or naming a missing file
 * included: the pieces cannot be trusted to be the whole chunk).
 */
async function savedPieces(saved: SavedFiles, folder: string, marker: string): Promise<string[] | undefined> {
  const text = await saved.readText(marker);
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const names = (value as { pieces?: unknown } | null)?.pieces;
  if (!Array.isArray(names) || !names.every((name): name is string => typeof name === 'string' && /^part-[\w.-]+$/.test(name))) return undefined;
  const files = names.map((name) => path.join(folder, name));
  for (const file of files) if (!(await saved.exists(file))) return undefined;
  return files;
}

function readManifest(text: string | undefined, where: string): FetchManifest | undefined {
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  const manifest = value as Partial<FetchManifest> | undefined;
  if (!manifest || !Array.isArray(manifest.ids) || !manifest.ids.every((id) => typeof id === 'string') || typeof manifest.total !== 'number') {
    throw new CitemedError('unreadable', `${where} is not a fetch manifest citemed wrote`, {
      hint: 'delete that folder and run the command again to fetch afresh',
    });
  }
  return { ...(manifest as FetchManifest), warnings: Array.isArray(manifest.warnings) ? manifest.warnings : [] };
}

