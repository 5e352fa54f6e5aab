import { describe, expect, it } from 'vitest';
import type { AuditInput } from '../domain/audit.js';
import { CitemedError } from '../domain/errors.js';
import type { SavedFiles } from '../ports/files.js';
import type { LiteratureService } from '../ports/literature.js';
import { fetchIntoLibrary, type FetchIntoLibraryDeps } from './fetch-into-library.js';
import type { IngestDeps } from './pipeline.js';

/**
 * The paths of the server's fetch that need no library: the audit entry however the fetch ends,
 * and nothing at all for a request given up before its turn. Fetches that ingest are run end to
 * end against the fake E-utilities in test/server/literature-fetch.test.ts.
 */
const DAY = new Date('2026-12-05T10:00:00Z');

function memoryFiles(): SavedFiles {
  const files = new Map<string, string>();
  return {
    async write(path, bytes) {
      files.set(path, typeof bytes === 'string' ? bytes : new TextDecoder().decode(bytes));
    },
    async readText(path) {
      return files.get(path);
    },
    async exists(path) {
      return files.has(path);
    },
  };
}

/** A service that finds nothing, or fails its search with `failure`. */
function service(failure?: CitemedError): LiteratureService & { searches: number } {
  const fake = {
    name: 'pubmed' as const,
    description: 'PubMed (fake)',
    searches: 0,
    async search() {
      fake.searches++;
      if (failure) throw failure;
      return { total: 0, ids: [], warnings: ['No items found.'] };
    },
    async *fetch() {
      throw new Error('nothing to fetch');
    },
  };
  return fake;
}

function deps(audit: (entry: AuditInput) => Promise<void> = async () => undefined) {
  const entries: AuditInput[] = [];
  const errors: unknown[] = [];
  const value: FetchIntoLibraryDeps = {
    fetch: { saved: memoryFiles(), root: '/srv/fetched', now: () => DAY },
    // Nothing is found, so nothing is ingested.
    ingest: {} as IngestDeps,
    recheck: async () => ({ checked: 0, raised: 0 }),
    audit: {
      append: async (entry) => {
        await audit(entry);
        entries.push(entry);
        return { ...entry, seq: entries.length };
      },
    },
    onServerError: (error) => errors.push(error),
  };
  return { value, entries, errors };
}

const request = (literature: LiteratureService) => ({ service: literature, query: { query: ' zebra migration ', max: 50 }, actor: 'acct-1' });

describe('fetchIntoLibrary', () => {
  it('audits a fetch that found nothing, by the account that asked, with the query as sent', async () => {
    const { value, entries } = deps();
    const result = await fetchIntoLibrary(request(service()), value);
    expect(result).toMatchObject({ service: 'pubmed', total: 0, found: 0, fetched: 0, added: 0, warnings: ['No items found.'], resumed: false });
    expect(result.fetchedAs).toMatch(/^pubmed-2026-12-05-[0-9a-f]{10}$/);
    expect(entries).toEqual([
      {
        at: DAY.toISOString(),
        actor: 'acct-1',
        action: 'literature.fetch',
        subjectType: 'literature-fetch',
        subjectId: result.fetchedAs,
        after: { service: 'pubmed', query: { query: 'zebra migration', max: 50 }, status: 'done', total: 0, found: 0, fetched: 0, added: 0, updated: 0, unchanged: 0, skipped: 0, failedParts: 0 },
      },
    ]);
  });

  it('audits a failed search by its error code only (its message may name the service’s address), and throws the error on', async () => {
    const { value, entries } = deps();
    const failure = new CitemedError('service-unavailable', 'PubMed at http://10.0.0.5/eutils did not answer');
    await expect(fetchIntoLibrary(request(service(failure)), value)).rejects.toBe(failure);
    expect(entries.map((e) => e.after)).toEqual([{ service: 'pubmed', query: { query: 'zebra migration', max: 50 }, status: 'failed', error: 'service-unavailable' }]);
  });

  it('keeps the result when the audit entry cannot be written, and reports the missing entry', async () => {
    const { value, errors } = deps(async () => {
      throw new Error('disk full');
    });
    await expect(fetchIntoLibrary(request(service()), value)).resolves.toMatchObject({ found: 0 });
    expect(String(errors[0])).toMatch(/the audit entry literature\.fetch of pubmed-2026-12-05-\w+ by acct-1 was not written: disk full/);
  });

  it('does nothing for a request given up before it started: no search, no entry', async () => {
    const { value, entries } = deps();
    const literature = service();
    const controller = new AbortController();
    controller.abort();
    await expect(fetchIntoLibrary(request(literature), value, controller.signal)).rejects.toMatchObject({ code: 'interrupted' });
    expect(literature.searches).toBe(0);
    expect(entries).toEqual([]);
  });
});
