import { EVIDENCE_LEVEL_LABELS, INTEGRITY_LABELS, type Answer, type EvidenceLevel } from '../../types';
import { StatementText } from './StatementText';

/**
 * The evidence at a glance: how many sources of which level, how old, where they disagree, and
 * which retrieved sources are retracted or otherwise flagged.
 */
export function EvidenceSummary({ answer }: { answer: Answer }) {
  const summary = answer.summary;
  if (summary.sources === 0 && summary.flagged.length === 0 && summary.disagreements.length === 0) return null;
  const levels = (Object.entries(summary.byLevel) as [EvidenceLevel, number][]).map(([level, count]) => `${count} ${EVIDENCE_LEVEL_LABELS[level].toLowerCase()}`);
  const span =
    summary.newestYear === undefined ? '' : summary.oldestYear === undefined || summary.oldestYear === summary.newestYear ? `${summary.newestYear}` : `${summary.oldestYear}–${summary.newestYear}`;
  return (
    <section className="evidence-summary">
      <h2>Evidence summary</h2>
      <ul>
        {summary.sources > 0 ? (
          <li>
            {summary.sources} source{summary.sources === 1 ? '' : 's'} cited: {levels.join(', ')}
            {span ? `; published ${span}` : ''}.
          </li>
        ) : null}
        {summary.disagreements.map((disagreement, index) => (
          <li key={index}>
            Sources differ on <em>{disagreement.topic}</em>:
            <ul>
              {disagreement.sides.map((side, sideIndex) => (
                <li key={sideIndex}>
                  <StatementText statement={side} />
                </li>
              ))}
            </ul>
          </li>
        ))}
        {summary.flagged.map((flagged) => (
          <li key={flagged.sourceId}>
            <strong>{INTEGRITY_LABELS[flagged.status]}:</strong> {flagged.title} (
            {flagged.status === 'retracted' ? 'retrieved, never used as support' : 'check it before relying on what it says'}).
          </li>
        ))}
      </ul>
    </section>
  );
}
