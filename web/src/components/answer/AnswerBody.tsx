import type { Answer } from '../../types';
import { StatementText } from './StatementText';

/** The bottom line in bold, then each section as a heading and a list of statements. */
export function AnswerBody({ answer }: { answer: Answer }) {
  return (
    <>
      {answer.bottomLine.length > 0 ? (
        <p className="bottom-line">
          {answer.bottomLine.map((statement, index) => (
            <span key={index}>
              {index > 0 ? ' ' : ''}
              <StatementText statement={statement} />
            </span>
          ))}
        </p>
      ) : null}
      {answer.sections
        .filter((section) => section.statements.length > 0)
        .map((section, sectionIndex) => (
          <section key={`${section.kind}-${sectionIndex}`} className="answer-section">
            <h2>{section.title}</h2>
            <ul>
              {section.statements.map((statement, index) => (
                <li key={index}>
                  <StatementText statement={statement} />
                </li>
              ))}
            </ul>
          </section>
        ))}
    </>
  );
}
