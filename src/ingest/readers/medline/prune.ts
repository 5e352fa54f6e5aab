/**
 * Cheap text-level work done on a record before it is parsed as XML.
 *
 * Why prune: the XML parser walks every character in JavaScript, and a third to a half of a
 * PubMed record is in elements this reader never reads (affiliations, grant lists, the old
 * DTD's "Cites" links, PubmedData's reference list). Cutting them out with indexOf first makes
 * parsing that much faster. The cost: well-formedness inside a cut region is checked only for
 * character and entity references (`findBadReference`, run on the whole record).
 */

/** Elements whose whole content the reader ignores. */
const UNREAD_ELEMENTS = [
  'AffiliationInfo',
  'ReferenceList',
  'GrantList',
  'ChemicalList',
  'MedlineJournalInfo',
  'InvestigatorList',
  'DataBankList',
  'History',
] as const;

// "Cites" CommentsCorrections are the 2016 DTD's reference list, not comments or corrections;
// NLM writes the attribute exactly like this.
const CITES_START = '<CommentsCorrections RefType="Cites">';
const CITES_END = '</CommentsCorrections>';

const UNREAD_START = new RegExp(
  `<(${UNREAD_ELEMENTS.join('|')})(?=[\\s/>])|${CITES_START.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`,
  'g',
);

/** Returns the record without the unread regions; regions whose end cannot be found are kept. */
export function pruneUnreadRegions(xml: string): string {
  UNREAD_START.lastIndex = 0;
  let kept = '';
  let copiedTo = 0;
  for (let match = UNREAD_START.exec(xml); match !== null; match = UNREAD_START.exec(xml)) {
    const name = match[1];
    const end = regionEnd(xml, name, match.index);
    if (end === -1) continue;
    kept += xml.slice(copiedTo, match.index);
    copiedTo = end;
    UNREAD_START.lastIndex = end;
  }
  return copiedTo === 0 ? xml : kept + xml.slice(copiedTo);
}

/** Index just after the region starting at `start`, or -1 when its end tag is missing. */
function regionEnd(xml: string, name: string | undefined, start: number): number {
  if (name === undefined) return plainEnd(xml, CITES_END, start);
  const startTagEnd = xml.indexOf('>', start);
  if (startTagEnd === -1) return -1;
  if (xml[startTagEnd - 1] === '/') return startTagEnd + 1;
  return name === 'ReferenceList' ? nestedEnd(xml, name, startTagEnd + 1) : plainEnd(xml, `</${name}>`, startTagEnd + 1);
}

/** Index just after the first `closeTag` from `start` (these elements never nest); -1 if missing. */
function plainEnd(xml: string, closeTag: string, start: number): number {
  const close = xml.indexOf(closeTag, start);
  return close === -1 ? -1 : close + closeTag.length;
}

/**
 * Index just after the end tag closing the element whose content starts at `contentStart`,
 * counting nested elements of the same name (PubmedData's ReferenceList may hold ReferenceLists); -1 when it is missing.
 */
function nestedEnd(xml: string, name: string, contentStart: number): number {
  const openTag = `<${name}`;
  const closeTag = `</${name}>`;
  let depth = 1;
  let from = contentStart;
  while (depth > 0) {
    const close = xml.indexOf(closeTag, from);
    if (close === -1) return -1;
    for (let open = xml.indexOf(openTag, from); open !== -1 && open < close; open = xml.indexOf(openTag, open + 1)) {
      if (isNestedStart(xml, open + openTag.length)) depth++;
    }
    depth--;
    from = close + closeTag.length;
  }
  return from;
}

/** After "<Name": a real, non-empty start tag (not "<NameOther", not "<Name/>"). */
function isNestedStart(xml: string, afterName: number): boolean {
  const next = xml[afterName];
  if (next === '>') return true;
  if (next !== ' ' && next !== '\t' && next !== '\n' && next !== '\r') return false;
  const tagEnd = xml.indexOf('>', afterName);
  return tagEnd !== -1 && xml[tagEnd - 1] !== '/';
}

const VALID_REFERENCE = /&(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);/y;
const REFERENCE_TEXT = /&[^\s&<;]{0,32};?/y;

/**
 * The first "&" that does not start one of the five XML entities or a character reference:
 * an undefined entity (MEDLINE has no DTD entities to resolve) or a bare ampersand.
 */
export function findBadReference(xml: string): { index: number; text: string } | undefined {
  // indexOf finds the (rare) ampersands natively; the regex only checks each one found.
  for (let at = xml.indexOf('&'); at !== -1; at = xml.indexOf('&', at + 1)) {
    VALID_REFERENCE.lastIndex = at;
    if (VALID_REFERENCE.test(xml)) continue;
    REFERENCE_TEXT.lastIndex = at;
    return { index: at, text: REFERENCE_TEXT.exec(xml)?.[0] ?? '&' };
  }
  return undefined;
}
