import { INTEGRITY_LABELS, type EvidenceSource, type Reference } from '../../types';

/**
 * Pieces of a reference shown both in the reference list and in citation popovers, so the two
 * always say the same thing about a source.
 */

/** A retracted, corrected or otherwise flagged source is said so wherever it is cited. */
export function IntegrityWarning({ source }: { source: EvidenceSource }) {
  if (source.integrity === 'ok') return null;
  return (
    <p className="integrity-warning">
      <strong>{INTEGRITY_LABELS[source.integrity]}.</strong> Check this source before relying on what it says.
    </p>
  );
}

/** PubMed, DOI and PMC links; they leave the app, so they open in a new tab without a referrer. */
export function ReferenceLinks({ links }: { links: Reference['links'] }) {
  if (links.length === 0) return null;
  return (
    <ul className="reference-links">
      {links.map((link) => (
        <li key={link.url}>
          <a href={link.url} target="_blank" rel="noopener noreferrer">
            {link.label}
            <span className="sr-only"> (opens in a new tab)</span>
          </a>
        </li>
      ))}
    </ul>
  );
}
