import type { CitedReference } from '../../../domain/source.js';
import { createTextBuilder, normalizeSpace, type BuiltText } from '../../../domain/text.js';

/**
 * Turns the headings and paragraphs of a document (Markdown or HTML, in reading order) into
 * the canonical text, its sections and the reference list.
 *
 * Section paths: the first level-1 heading is the document's title, so what follows it (and
 * anything before the first heading) is in ["Overview"]; a level-2 heading starts [h2], level 3
 * [h2, h3], and so on. A later level-1 heading starts a top-level section of its own. A section
 * titled "References" or "Bibliography" (and everything under it) is kept out of the text; its
 * list items become cited references.
 */
export interface BodyParagraph {
  text: string;
  /** Set for list items: nesting depth (0 for a top-level item) and, in ordered lists, the number. */
  listItem?: { depth: number; label?: string };
}

export interface DocumentBody {
  heading(depth: number, text: string): void;
  paragraph(paragraph: BodyParagraph): void;
  finish(): BodyResult;
}

export interface BodyResult extends BuiltText {
  /** Text of the first level-1 heading: the title when the metadata gives none. */
  firstHeading?: string;
  /** References listed in the body's References section, in order. */
  references: CitedReference[];
}

export const OVERVIEW_SECTION = 'Overview';

const REFERENCES_HEADING = /^(?:references?|bibliography|reference list|works cited|literature cited)$/;

/** A reference label written at the start of an entry: "[12] ", "12. ", "12) ". */
const LEADING_LABEL = /^(?:\[(\d+)\]|(\d+)[.)])\s+/;

interface OpenHeading {
  depth: number;
  text: string;
  /** The title heading starts the document but names no section. */
  isTitle: boolean;
  isReferences: boolean;
}

export interface BodyOptions {
  /**
   * The document's status note ("Sample content — not medically reviewed"), read when the
   * paragraph arrives. A paragraph before the first section that starts with it is the visible
   * status banner: the status is shown from metadata wherever the source appears, so the banner
   * is not indexed (it would otherwise match every search for the document's title).
   */
  statusNote?: () => string | undefined;
}

export function createDocumentBody(options: BodyOptions = {}): DocumentBody {
  const builder = createTextBuilder();
  const open: OpenHeading[] = [];
  const references: CitedReference[] = [];
  let firstHeading: string | undefined;
  let path: string[] = [OVERVIEW_SECTION];
  let inReferences = false;

  function addReference(paragraph: BodyParagraph): void {
    const clean = normalizeSpace(paragraph.text);
    if (clean === '') return;
    const previous = references[references.length - 1];
    // A nested item ("PMID 123" under its entry) belongs to the entry above it.
    if (paragraph.listItem && paragraph.listItem.depth > 0 && previous) {
      previous.text = `${previous.text ?? ''} ${clean}`.trim();
      return;
    }
    const written = LEADING_LABEL.exec(clean);
    // A plain paragraph in a References section is a note ("All links accessed…") unless numbered.
    if (!paragraph.listItem && !written) return;
    let label = written?.[1] ?? written?.[2] ?? paragraph.listItem?.label ?? String(references.length + 1);
    // Markdown lists are often numbered "1. 1. 1.": a repeated number means "the next one".
    if (references.some((reference) => reference.label === label)) {
      const after = Number(previous?.label);
      label = String(Number.isInteger(after) ? after + 1 : references.length + 1);
    }
    references.push({ label, text: written ? clean.slice(written[0].length) : clean });
  }

  function isStatusBanner(text: string): boolean {
    const note = options.statusNote?.();
    if (!note || path.length !== 1 || path[0] !== OVERVIEW_SECTION) return false;
    return normalizeSpace(text).toLowerCase().startsWith(normalizeSpace(note).toLowerCase());
  }

  return {
    heading(depth, text) {
      const title = normalizeSpace(text);
      if (title === '') return;
      const isTitle = depth === 1 && firstHeading === undefined;
      if (isTitle) firstHeading = title;
      while (open.length > 0 && open[open.length - 1]!.depth >= depth) open.pop();
      open.push({ depth, text: title, isTitle, isReferences: isReferencesHeading(title) });
      const visible = open.filter((heading) => !heading.isTitle).map((heading) => heading.text);
      path = visible.length > 0 ? visible : [OVERVIEW_SECTION];
      inReferences = open.some((heading) => heading.isReferences);
    },
    paragraph(paragraph) {
      if (inReferences) addReference(paragraph);
      else if (!isStatusBanner(paragraph.text)) builder.addParagraph(path, paragraph.text);
    },
    finish() {
      return { ...builder.build(), firstHeading, references };
    },
  };
}

export function isReferencesHeading(heading: string): boolean {
  const bare = heading
    .toLowerCase()
    .replace(/^(?:\d+(?:\.\d+)*\.?|[ivx]+\.)\s+/, '')
    .replace(/[:.]\s*$/, '')
    .trim();
  return REFERENCES_HEADING.test(bare);
}
