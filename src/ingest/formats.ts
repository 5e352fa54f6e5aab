import { xmlRootElement } from '../domain/markup.js';
import type { SourceFormat } from '../domain/source.js';

/**
 * Tells which reader a file needs, from its name (a trailing .gz is ignored; gzip itself is
 * detected from content) and, for XML, from its root element: MEDLINE and PMC JATS both use .xml.
 * A Europe PMC search reply is named `.europepmc.json` (as `citemed fetch` saves it); a plain
 * `.json` file is read as one when its start looks like one.
 */
export type Detection = { format: SourceFormat } | { error: string };

export const SUPPORTED_FORMATS_TEXT =
  'MEDLINE/PubMed XML (.xml, .xml.gz), PMC JATS (.nxml, .xml), Markdown (.md), HTML (.html, .htm), PDF (.pdf), JSON lines of {id, title, text} (.jsonl), Europe PMC search replies (.europepmc.json)';

/** Bytes of the decompressed head needed to find the XML root element past prolog and DOCTYPE. */
export const SNIFF_BYTES = 16 * 1024;

const BY_EXTENSION: Readonly<Record<string, SourceFormat | 'xml' | 'json'>> = {
  '.md': 'markdown',
  '.markdown': 'markdown',
  '.html': 'html',
  '.htm': 'html',
  '.xhtml': 'html',
  '.pdf': 'pdf',
  '.nxml': 'jats',
  '.xml': 'xml',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
  '.json': 'json',
};

const EUROPEPMC_SUFFIX = '.europepmc.json';

export function detectFormat(fileName: string, head: Uint8Array): Detection {
  const lower = fileName.toLowerCase().replace(/\.gz$/, '');
  if (lower.endsWith(EUROPEPMC_SUFFIX)) return { format: 'europepmc' };
  const dot = lower.lastIndexOf('.');
  const extension = dot >= 0 ? lower.slice(dot) : '';
  const byName = BY_EXTENSION[extension];
  if (byName === undefined) {
    return { error: `not a supported format (${extension || 'no extension'}); citemed reads ${SUPPORTED_FORMATS_TEXT}` };
  }
  if (byName === 'pdf' && !startsWithAscii(head, '%PDF-')) {
    return { error: 'named .pdf but does not start with a PDF header' };
  }
  if (byName === 'json') {
    if (looksLikeEuropePmcReply(new TextDecoder('utf-8', { fatal: false }).decode(head))) return { format: 'europepmc' };
    return { error: `JSON that is not a Europe PMC search reply (no "resultList" at its start); citemed reads ${SUPPORTED_FORMATS_TEXT}` };
  }
  if (byName !== 'xml' && byName !== 'jats') return { format: byName };
  const root = xmlRootElement(new TextDecoder('utf-8', { fatal: false }).decode(head));
  if (root === undefined) return { error: 'named as XML but no XML root element was found at its start' };
  if (root === 'PubmedArticleSet' || root === 'MedlineCitationSet') return { format: 'medline' };
  if (root === 'article' || root.endsWith(':article') || root === 'pmc-articleset') return { format: 'jats' };
  return {
    error: `XML with root element <${root}>: citemed reads MEDLINE/PubMed (<PubmedArticleSet>, <MedlineCitationSet>) and PMC JATS (<article>, <pmc-articleset>)`,
  };
}

/**
 * Europe PMC's JSON starts `{"version":"…","hitCount":…`, then the request it answered (a few KB
 * at most), then `"resultList"`: all well inside SNIFF_BYTES.
 */
function looksLikeEuropePmcReply(head: string): boolean {
  const text = head.replace(/^\uFEFF/, '');
  return /^\s*\{/.test(text) && (/"resultList"\s*:\s*\{/.test(text) || /^\s*\{\s*"version"\s*:\s*"[^"]*"\s*,\s*"hitCount"\s*:/.test(text));
}

function startsWithAscii(bytes: Uint8Array, prefix: string): boolean {
  for (let i = 0; i < prefix.length; i++) if (bytes[i] !== prefix.charCodeAt(i)) return false;
  return true;
}
