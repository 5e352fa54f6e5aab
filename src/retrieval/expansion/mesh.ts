import type { ExpansionIndex, MeshHeading } from './build-index.js';
import type { ExpansionOptions } from './options.js';
import { isLoneCommonWord, longestMatches, spanText, type AnalysedQuery } from './query-words.js';
import type { Candidate } from './types.js';

const MIN_SINGLE_WORD = 3; // letters; a two-letter word is more often an abbreviation than a heading

/**
 * Query phrases that name a MeSH heading (by its name, in either word order, or an entry term;
 * stemmed, so "infarctions" finds "Infarction") → the heading's synonyms, its children in the tree
 * and, when asked for, its parents.
 */
export function expandMesh(query: AnalysedQuery, index: ExpansionIndex, options: ExpansionOptions, notes: string[]): Candidate[] {
  const { pieces } = query;
  const out: Candidate[] = [];
  const matches = longestMatches(pieces, index.longest.mesh, 'stem', (key, from, to) => {
    if (isLoneCommonWord(pieces, from, to)) return undefined;
    if (from === to && ((pieces[from]?.folded.length ?? 0) < MIN_SINGLE_WORD || /^\d+$/.test(pieces[from]?.folded ?? ''))) return undefined;
    return index.meshNames.get(key);
  });

  for (const { from, to, value: found } of matches) {
    const source = spanText(pieces, from, to);
    const position = pieces[from]?.token ?? 0;
    const add = (text: string, weight: number, reason: string) =>
      out.push({ text, weight, origin: 'mesh', source, reason: `${source} → ${text} (${reason})`, position });

    for (const match of found) {
      const heading = index.mesh[match.heading];
      if (heading === undefined) continue;
      const label = `${heading.name}, ${heading.id}${heading.treeNumbers.length > 0 ? ` ${heading.treeNumbers.join(' ')}` : ''}`;
      if (!match.preferred) add(heading.natural, options.weights.mesh, `MeSH heading ${label}, of which '${match.term}' is an entry term`);
      for (const term of heading.entryTerms) {
        if (term !== match.term) add(term, options.weights.mesh, `MeSH entry term of ${label}`);
      }
      if (options.meshNarrower) {
        const children = narrower(index, heading);
        if (children.length > options.broadHeadingChildren) {
          notes.push(`${source}: MeSH heading ${heading.name} has ${children.length} narrower headings, too broad to add them`);
        } else {
          for (const child of children.slice(0, options.maxNarrowerPerTerm)) {
            const where = `${child.treeNumber}, under ${heading.name} ${child.parent}`;
            add(child.heading.natural, options.weights.meshNarrower, `narrower MeSH heading ${where}`);
          }
        }
      }
      if (options.meshBroader) {
        for (const parent of broader(index, heading)) {
          const where = `${parent.treeNumber}, above ${heading.name} ${parent.child}`;
          add(parent.heading.natural, options.weights.meshBroader, `broader MeSH heading ${where}`);
        }
      }
    }
  }
  return out;
}

/** Distinct child headings over all the heading's tree positions, in tree order. */
function narrower(index: ExpansionIndex, heading: MeshHeading): { heading: MeshHeading; treeNumber: string; parent: string }[] {
  const seen = new Set<MeshHeading>([heading]);
  const out: { heading: MeshHeading; treeNumber: string; parent: string }[] = [];
  for (const parent of heading.treeNumbers) {
    for (const treeNumber of index.meshChildren.get(parent) ?? []) {
      const child = index.mesh[index.meshByTreeNumber.get(treeNumber) ?? -1];
      if (child === undefined || seen.has(child)) continue;
      seen.add(child);
      out.push({ heading: child, treeNumber, parent });
    }
  }
  return out;
}

function broader(index: ExpansionIndex, heading: MeshHeading): { heading: MeshHeading; treeNumber: string; child: string }[] {
  const seen = new Set<MeshHeading>([heading]);
  const out: { heading: MeshHeading; treeNumber: string; child: string }[] = [];
  for (const child of heading.treeNumbers) {
    const dot = child.lastIndexOf('.');
    if (dot <= 0) continue;
    const treeNumber = child.slice(0, dot);
    const parent = index.mesh[index.meshByTreeNumber.get(treeNumber) ?? -1];
    if (parent === undefined || seen.has(parent)) continue;
    seen.add(parent);
    out.push({ heading: parent, treeNumber, child });
  }
  return out;
}
