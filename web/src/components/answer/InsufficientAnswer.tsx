import { EVIDENCE_LEVEL_LABELS, type Answer, type EvidenceSource } from '../../types';

/** An answer asked with filters that matched nothing: the filters in words, and asking again without them. */
export interface FiltersLeftNothing {
  filters: string;
  onAskWithout: () => void;
}

/**
 * When the library does not hold enough evidence, nothing is composed: the reader sees that, and
 * what was found, so they can judge for themselves or look elsewhere. When filters found nothing,
 * that says nothing of the library as a whole: the reader is told which filters, and offered to
 * ask without them.
 */
export function InsufficientAnswer({ answer, filtersLeftNothing }: { answer: Answer; filtersLeftNothing?: FiltersLeftNothing | undefined }) {
  const sources = distinctSources(answer);
  if (filtersLeftNothing && sources.length === 0) {
    return (
      <div className="banner warn">
        <p>
          <strong>Nothing in the library matched this question with the filters you set</strong> ({filtersLeftNothing.filters}). No statements
          were written.
        </p>
        <p>
          <button type="button" className="secondary" onClick={filtersLeftNothing.onAskWithout}>
            Ask without the filters
          </button>
        </p>
      </div>
    );
  }
  return (
    <>
      <div className="banner warn">
        <p>
          <strong>The library does not hold enough evidence to answer this question.</strong> No statements were written, so nothing here is
          claimed without a source.
        </p>
        <p>Try other words, widen the filters, or ask for the library to be extended.</p>
      </div>
      <section className="answer-section">
        <h2>What the library found</h2>
        {sources.length === 0 ? (
          <p>Nothing in the library matched the question.</p>
        ) : (
          <ul>
            {sources.map(({ source, sections }) => (
              <li key={source.id}>
                <span className="ref-label">{EVIDENCE_LEVEL_LABELS[source.evidenceLevel]}</span> {source.title}
                {source.journal ? `. ${source.journal}` : ''}
                {source.year !== undefined ? `, ${source.year}` : ''}
                {sections.length > 0 ? <span className="muted small"> (sections: {sections.join(', ')})</span> : null}
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}

function distinctSources(answer: Answer): { source: EvidenceSource; sections: string[] }[] {
  const bySource = new Map<string, { source: EvidenceSource; sections: string[] }>();
  for (const passage of answer.evidence) {
    const entry = bySource.get(passage.source.id) ?? { source: passage.source, sections: [] };
    if (passage.section && !entry.sections.includes(passage.section)) entry.sections.push(passage.section);
    bySource.set(passage.source.id, entry);
  }
  return [...bySource.values()];
}
