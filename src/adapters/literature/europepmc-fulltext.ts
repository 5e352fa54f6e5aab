/**
 * Europe PMC's open-access full text (`GET <base>/<PMCID>/fullTextXML`): which records of a
 * `core` reply have one, and whether a reply is the JATS article it should be. Europe PMC serves
 * full text only for the open-access subset it holds itself (`isOpenAccess` and `inEPMC` "Y");
 * even then some records have none, and it answers 404 (europepmc.ts skips those).
 */
import { describeHtmlPage, isHtmlPage, xmlRootElement } from '../../domain/markup.js';
import { isRecord } from '../http/json.js';

/** The extension full texts are saved under: PMC's own for JATS, read by citemed's JATS reader. */
export const JATS_EXTENSION = '.nxml';

/** Bytes of a reply looked at to find its root element (past the prolog and a DOCTYPE). */
const HEAD_BYTES = 16 * 1024;

/** A record whose full text may be fetched: its "SOURCE:id" key and its PMCID. */
export interface OpenAccessRecord {
  key: string;
  pmcid: string;
}

/**
 * The results of a core reply that Europe PMC holds open-access full text for, in their order,
 * each PMCID once. `inEPMC` is checked only when present: older replies leave it out.
 */
export function openAccessRecords(results: readonly unknown[]): OpenAccessRecord[] {
  const out: OpenAccessRecord[] = [];
  const seen = new Set<string>();
  for (const result of results) {
    if (!isRecord(result) || result.isOpenAccess !== 'Y') continue;
    if (result.inEPMC !== undefined && result.inEPMC !== 'Y') continue;
    const pmcid = typeof result.pmcid === 'string' ? result.pmcid.trim().toUpperCase() : '';
    if (!/^PMC\d+$/.test(pmcid) || seen.has(pmcid)) continue;
    seen.add(pmcid);
    out.push({ key: `${String(result.source)}:${String(result.id)}`, pmcid });
  }
  return out;
}

/** Why a reply is not a JATS article (its root element is not `<article>`), or undefined when it is. */
export function notJats(bytes: Uint8Array): string | undefined {
  const head = new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(0, HEAD_BYTES)).replace(/^\uFEFF/, '');
  if (isHtmlPage(head)) return `${describeHtmlPage(head)} instead of a JATS article`;
  const root = xmlRootElement(head);
  if (root === 'article' || root?.endsWith(':article')) return undefined;
  if (root === undefined) return `no XML root element at its start (${JSON.stringify(head.trim().slice(0, 60))}), not a JATS article`;
  return `XML with root element <${root}>, not a JATS <article>`;
}
