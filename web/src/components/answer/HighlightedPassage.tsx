import type { Evidence, Statement } from '../../types';
import { supportSegments } from './citations';

/** A cited passage with the words that support the statement in <mark> (see citations.ts for how they are found). */
export function HighlightedPassage({ passage, statement }: { passage: Evidence; statement: Statement }) {
  return (
    <p>
      {supportSegments(passage, statement).map((segment, index) => (segment.marked ? <mark key={index}>{segment.text}</mark> : <span key={index}>{segment.text}</span>))}
    </p>
  );
}
