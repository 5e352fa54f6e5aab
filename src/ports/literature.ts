/**
 * A live literature service: a bibliographic database on the network that citemed can search and
 * fetch records from, to add them to the library (`citemed fetch`). Adapters: PubMed through
 * NCBI's E-utilities, and Europe PMC's REST API (adapters/literature). Nothing calls one unless a
 * user asks: citemed works offline without any.
 *
 * The records come back as the service wrote them (MEDLINE XML from PubMed, Europe PMC's JSON),
 * to be saved as files and read by citemed's own readers, so what was fetched can be read again,
 * checked and cited by file, and goes through the same ingest as everything else.
 */
export interface LiteratureService {
  /** The name users type: "pubmed", "europepmc". */
  readonly name: LiteratureServiceName;
  /** For messages: "PubMed (NCBI E-utilities, https://eutils.ncbi.nlm.nih.gov/entrez/eutils)". */
  readonly description: string;
  /**
   * What the service saves beyond the query's records, when it can save more ("full-text": Europe
   * PMC's open-access JATS). A fetch with a variant is another fetch, in a folder of its own.
   */
  readonly variant?: string;
  /** The records matching a query, best first in the service's own order; at most `query.max` ids. */
  search(query: LiteratureQuery, signal?: AbortSignal): Promise<LiteratureSearch>;
  /**
   * The records of `ids` (as `search` gave them), in pieces of at most the service's own limit per
   * request. Each piece is one whole file in a format citemed reads (Europe PMC's full texts are
   * further pieces, one article each). Ids the service no longer has are left out, not errors.
   */
  fetch(ids: readonly string[], signal?: AbortSignal): AsyncIterable<FetchedPiece>;
}

export type LiteratureServiceName = 'pubmed' | 'europepmc';

export interface LiteratureQuery {
  /** The service's own query syntax, passed on as typed (PubMed's field tags, Europe PMC's fields). */
  query: string;
  /** Most records wanted. */
  max: number;
  /** Publication years, inclusive; either may be left open. */
  fromYear?: number;
  toYear?: number;
}

export interface LiteratureSearch {
  /** Records the service matched in all (may be far more than `ids`). */
  total: number;
  /** Record ids, best first, at most `max`: PMIDs for PubMed; Europe PMC's "SOURCE:id" keys. */
  ids: string[];
  /** How the service read the query, when it says (PubMed's query translation). */
  translation?: string;
  /** The service's warnings about the query (phrases not found, terms ignored). */
  warnings: string[];
}

export interface FetchedPiece {
  /** Ids this piece was asked for. */
  ids: string[];
  /** The whole reply, as the service sent it. */
  bytes: Uint8Array;
  /** The file name extension that citemed's format detection reads it by: ".xml", ".europepmc.json" or ".nxml" (JATS). */
  extension: string;
  /** How many records the piece holds (fewer than `ids` when some are gone). */
  records: number;
}
