import type { Answer } from '../../types';
import { problemsText } from './statementNotes';

/** Plain-language meanings of the medical words a patient answer uses. */
export function Glossary({ answer }: { answer: Answer }) {
  if (answer.glossary.length === 0) return null;
  return (
    <section>
      <h2>Words used</h2>
      <dl className="glossary">
        {answer.glossary.map((entry) => (
          <div key={entry.term}>
            <dt>{entry.term}</dt>
            <dd>{entry.meaning}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

/** Statements the verifier took out, and why: nothing is silently lost. */
export function RemovedStatements({ answer }: { answer: Answer }) {
  if (answer.removed.length === 0) return null;
  return (
    <details className="removed">
      <summary>Statements removed by the verifier ({answer.removed.length})</summary>
      <p className="small muted">These were drafted but the cited passages do not say them, so they are not part of the answer.</p>
      <ul>
        {answer.removed.map((statement, index) => (
          <li key={index}>
            <span className="removed-text">{statement.text}</span>
            <span className="small"> Removed because {problemsText(statement, 'the cited passages do not support it')}.</span>
          </li>
        ))}
      </ul>
    </details>
  );
}

/** Suggested next questions; choosing one puts it in the follow-up box rather than asking at once. */
export function FollowUpSuggestions({ answer, onChoose }: { answer: Answer; onChoose: (question: string) => void }) {
  if (answer.followUps.length === 0) return null;
  return (
    <section className="noprint">
      <h2>Related questions</h2>
      <ul className="plain follow-up-suggestions">
        {answer.followUps.map((question) => (
          <li key={question}>
            <button type="button" className="secondary" onClick={() => onChoose(question)}>
              {question}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
