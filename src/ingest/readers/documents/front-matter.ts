import { isCollection, LineCounter, parseDocument, type Document } from 'yaml';
import { formatMetaPath, validateDocumentMeta, type DocumentMeta } from './document-meta.js';

/** Opens and closes a YAML front matter block at the very top of a Markdown file. */
export const FRONT_MATTER_OPEN = /^---[ \t]*$/;
export const FRONT_MATTER_CLOSE = /^(?:---|\.\.\.)[ \t]*$/;

export type FrontMatterResult = { ok: true; meta: DocumentMeta } | { ok: false; line: number; reason: string };

/**
 * Parses and validates the YAML between the `---` lines.
 * `firstLine` is the file line of the YAML's first line, so errors point into the file.
 */
export function parseFrontMatter(yamlText: string, firstLine: number): FrontMatterResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(yamlText, { lineCounter, uniqueKeys: true });
  const yamlError = doc.errors[0];
  if (yamlError) {
    const relative = yamlError.linePos?.[0].line ?? 1;
    // yaml appends " at line L, column C:" and a code frame; the line is reported separately.
    const message = yamlError.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '') ?? yamlError.code;
    return { ok: false, line: firstLine + relative - 1, reason: `front matter is not valid YAML: ${message}` };
  }
  const raw: unknown = doc.toJS() ?? {};
  if (typeof raw !== 'object' || Array.isArray(raw) || raw === null) {
    return {
      ok: false,
      line: firstLine,
      reason: 'front matter must be a YAML mapping of keys (id:, title:, …); remove the --- lines if the file has none',
    };
  }
  const validation = validateDocumentMeta(raw);
  if (validation.ok) return { ok: true, meta: validation.meta };
  const issue = validation.issues[0]!;
  const line = firstLine + lineOfPath(doc, lineCounter, issue.path) - 1;
  const extra = validation.issues.length > 1 ? ` (and ${validation.issues.length - 1} more problem(s))` : '';
  return { ok: false, line, reason: `front matter: ${formatMetaPath(issue.path)} ${issue.message}${extra}` };
}

/** 1-based line (within the YAML) of the value at `path`, or of its nearest ancestor that exists. */
function lineOfPath(doc: Document, lineCounter: LineCounter, path: readonly PropertyKey[]): number {
  for (let length = path.length; length > 0; length--) {
    const node: unknown = doc.getIn(path.slice(0, length), true);
    const range = hasRange(node) ? node.range : undefined;
    if (range) return lineCounter.linePos(range[0]).line;
  }
  const rootRange = isCollection(doc.contents) ? doc.contents.range : undefined;
  return rootRange ? lineCounter.linePos(rootRange[0]).line : 1;
}

function hasRange(node: unknown): node is { range: [number, number, number] } {
  return typeof node === 'object' && node !== null && Array.isArray((node as { range?: unknown }).range);
}
