import { EVIDENCE_LEVEL_LABELS, type Answer } from '../../types';
import { useAnswerContext } from './AnswerContext';
import { IntegrityWarning, ReferenceLinks } from './ReferenceParts';

/**
 * The numbered references, each labelled by its evidence level, with its AMA citation and links.
 * `title` names the list where a page shows several ("References of version 2").
 */
export function ReferenceList({ answer, title = 'References' }: { answer: Answer; title?: string }) {
  const { idPrefix } = useAnswerContext();
  if (answer.references.length === 0) return null;
  return (
    <section>
      <h2>{title}</h2>
      <ol className="refs">
        {answer.references.map((reference) => (
          <li key={reference.number} id={`${idPrefix}ref-${reference.number}`} value={reference.number} tabIndex={-1}>
            <span className="ref-label">{reference.label || EVIDENCE_LEVEL_LABELS[reference.source.evidenceLevel]}</span>
            <span className="ref-citation">{reference.citation}</span>
            <IntegrityWarning source={reference.source} />
            <ReferenceLinks links={reference.links} />
          </li>
        ))}
      </ol>
    </section>
  );
}
