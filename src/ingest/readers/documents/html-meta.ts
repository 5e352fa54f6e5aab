import type { RawDocumentMeta } from './document-meta.js';

/**
 * Collects <meta name content> tags into the front-matter keys of document-meta.ts, so HTML
 * and Markdown metadata are validated by one schema. Names follow Highwire Press (the
 * citation_* tags Google Scholar reads), Dublin Core (DC.*, DCTERMS.*) and citemed's own
 * citemed-* tags. For single-valued keys the first tag of the highest-ranked name wins; the
 * author and keyword names repeat.
 */
type MetaKey = keyof RawDocumentMeta;

interface MetaRule {
  key: MetaKey;
  /** Lower rank wins when several names fill the same key. */
  rank: number;
  repeats?: boolean;
}

const RULES: Readonly<Record<string, MetaRule>> = {
  citation_title: { key: 'title', rank: 0 },
  'dc.title': { key: 'title', rank: 1 },
  citation_author: { key: 'authors', rank: 0, repeats: true },
  'dc.creator': { key: 'authors', rank: 1, repeats: true },
  citation_journal_title: { key: 'journal', rank: 0 },
  citation_publisher: { key: 'publisher', rank: 0 },
  'dc.publisher': { key: 'publisher', rank: 1 },
  citation_publication_date: { key: 'date', rank: 0 },
  citation_date: { key: 'date', rank: 1 },
  citation_online_date: { key: 'date', rank: 2 },
  'dc.date': { key: 'date', rank: 3 },
  'dcterms.issued': { key: 'date', rank: 4 },
  citation_doi: { key: 'doi', rank: 0 },
  citation_pmid: { key: 'pmid', rank: 0 },
  citation_keywords: { key: 'keywords', rank: 0, repeats: true },
  'dc.subject': { key: 'keywords', rank: 1, repeats: true },
  citation_language: { key: 'language', rank: 0 },
  'dc.language': { key: 'language', rank: 1 },
  'dc.rights': { key: 'licence', rank: 0 },
  'citemed-id': { key: 'id', rank: 0 },
  'citemed-type': { key: 'type', rank: 0 },
  'citemed-evidence-level': { key: 'evidence_level', rank: 0 },
  'citemed-review-status': { key: 'review_status', rank: 0 },
  'citemed-status-note': { key: 'status_note', rank: 0 },
};

/** The tag a value came from: `<meta name="…">` or an attribute such as `<html lang>`. */
export interface MetaOrigin {
  tag: string;
  line: number;
}

export interface HtmlMetaCollector {
  /** One <meta> tag's name and content, with the 1-based line it is on. */
  add(name: string, content: string, line: number): void;
  /** Sets a key unless a <meta> tag already did (the <html lang> attribute, for one). */
  addFallback(key: MetaKey, value: string, origin: MetaOrigin): void;
  /** The raw metadata, and where each key came from (for error messages). */
  result(): { raw: Record<string, unknown>; origins: ReadonlyMap<string, MetaOrigin> };
}

export function createHtmlMetaCollector(): HtmlMetaCollector {
  const single = new Map<MetaKey, { rank: number; value: string; origin: MetaOrigin }>();
  const repeated = new Map<MetaKey, { rank: number; values: string[]; origin: MetaOrigin }>();
  const fallbacks = new Map<MetaKey, { value: string; origin: MetaOrigin }>();

  return {
    add(name, content, line) {
      const lower = name.trim().toLowerCase();
      // DC.identifier carries a DOI only sometimes ("doi:10.…", "https://doi.org/10.…", an ISBN…).
      const rule =
        RULES[lower] ?? (lower === 'dc.identifier' && /(?:^doi:|doi\.org\/|^10\.\d)/i.test(content.trim()) ? { key: 'doi' as const, rank: 1 } : undefined);
      const value = content.trim();
      if (rule === undefined || value === '') return;
      const origin = { tag: `<meta name="${name}">`, line };
      if (rule.repeats) {
        const current = repeated.get(rule.key);
        if (current === undefined || rule.rank < current.rank) repeated.set(rule.key, { rank: rule.rank, values: [value], origin });
        else if (rule.rank === current.rank) current.values.push(value);
        return;
      }
      const current = single.get(rule.key);
      if (current === undefined || rule.rank < current.rank) single.set(rule.key, { rank: rule.rank, value, origin });
    },
    addFallback(key, value, origin) {
      if (value.trim() !== '' && !fallbacks.has(key)) fallbacks.set(key, { value: value.trim(), origin });
    },
    result() {
      const raw: Record<string, unknown> = {};
      const origins = new Map<string, MetaOrigin>();
      for (const [key, { value, origin }] of fallbacks) {
        raw[key] = value;
        origins.set(key, origin);
      }
      for (const [key, { value, origin }] of single) {
        raw[key] = value;
        origins.set(key, origin);
      }
      for (const [key, { values, origin }] of repeated) {
        // citation_keywords is often one tag of "a; b; c" or "a, b, c"; an author name has a comma of its own.
        const separator = key === 'keywords' ? /[;,]/ : /;/;
        raw[key] = values.flatMap((value) => value.split(separator)).map((value) => value.trim()).filter(Boolean);
        origins.set(key, origin);
      }
      return { raw, origins };
    },
  };
}
