import { SaxesParser } from 'saxes';
import type { MeshDescriptor } from '../../ports/resources.js';

/**
 * Reads NLM MeSH descriptor XML (`<DescriptorRecordSet>` of `<DescriptorRecord>`s, the desc20xx
 * format): each record's UI, preferred name, tree numbers and entry terms. Entry terms are the
 * `<Term>` strings of all its concepts, except the preferred name itself and permuted terms
 * (`IsPermutedTermYN="Y"`, word-order variants such as "A23187, Antibiotic").
 *
 * Malformed XML stops the reading. The records completed before the error are kept, and so is
 * the record the error cut short when its UI and name were read (sample files are often cut
 * mid-record): what it holds is right, only possibly incomplete.
 */
export interface MeshXmlResult {
  descriptors: MeshDescriptor[];
  problem?: string;
}

interface Draft {
  id: string;
  name: string;
  treeNumbers: string[];
  terms: string[];
}

export function parseMeshDescriptorXml(xml: string): MeshXmlResult {
  const descriptors: MeshDescriptor[] = [];
  const path: string[] = [];
  let draft: Draft | undefined;
  let text = '';
  let permuted = false;
  let problem: string | undefined;

  const parser = new SaxesParser<{ xmlns?: false; position: boolean }>({ position: true });
  parser.on('opentag', (tag) => {
    path.push(tag.name);
    text = '';
    if (tag.name === 'DescriptorRecord') draft = { id: '', name: '', treeNumbers: [], terms: [] };
    if (tag.name === 'Term') permuted = tag.attributes['IsPermutedTermYN'] === 'Y';
  });
  parser.on('text', (chunk) => {
    text += chunk;
  });
  parser.on('closetag', (tag) => {
    const parent = path[path.length - 2];
    const grandparent = path[path.length - 3];
    const value = text.trim();
    if (draft !== undefined) {
      // Nested DescriptorUI / String elements (qualifiers, related descriptors) sit deeper; only
      // the record's own children count.
      if (tag.name === 'DescriptorUI' && parent === 'DescriptorRecord') draft.id = value;
      else if (tag.name === 'String' && parent === 'DescriptorName' && grandparent === 'DescriptorRecord') draft.name = value;
      else if (tag.name === 'TreeNumber' && parent === 'TreeNumberList') draft.treeNumbers.push(value);
      else if (tag.name === 'String' && parent === 'Term' && !permuted) draft.terms.push(value);
      else if (tag.name === 'DescriptorRecord') {
        if (draft.id !== '' && draft.name !== '') descriptors.push(finish(draft));
        draft = undefined;
      }
    }
    path.pop();
    text = '';
  });
  parser.on('error', (error) => {
    problem = error.message;
    throw error;
  });

  try {
    parser.write(xml).close();
  } catch (error) {
    problem ??= (error as Error).message;
    const cut = draft as Draft | undefined; // assigned in the handlers above
    if (cut !== undefined && cut.id !== '' && cut.name !== '') {
      descriptors.push(finish(cut));
      problem += `; record ${cut.id} was cut short and is kept as far as it was read`;
    }
  }
  return problem === undefined ? { descriptors } : { descriptors, problem };
}

function finish(draft: Draft): MeshDescriptor {
  const seen = new Set([draft.name.toLowerCase()]);
  const entryTerms: string[] = [];
  for (const term of draft.terms) {
    const key = term.toLowerCase();
    if (term === '' || seen.has(key)) continue;
    seen.add(key);
    entryTerms.push(term);
  }
  return { id: draft.id, name: draft.name, treeNumbers: [...new Set(draft.treeNumbers)], entryTerms };
}
