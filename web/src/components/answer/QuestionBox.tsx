import { useId, type Ref } from 'react';
import './ask.css';

/** The API's limit on a question (characters). */
export const QUESTION_MAX = 2000;
/** How close to the limit (characters left) before the count is shown. */
const SHOW_REMAINING_BELOW = 200;

interface Props {
  label: string;
  value: string;
  onChange: (value: string) => void;
  /** Ctrl+Enter (⌘+Enter) submits, as in most chat boxes; Enter alone makes a new line. */
  onSubmit: () => void;
  problem?: string | undefined;
  rows?: number;
  ref?: Ref<HTMLTextAreaElement>;
}

/**
 * A question textarea with its label, the characters left near the limit, and the reason it was
 * not sent (linked to it, so a screen reader reads both).
 */
export function QuestionBox({ label, value, onChange, onSubmit, problem, rows = 3, ref }: Props) {
  const id = useId();
  const remaining = QUESTION_MAX - value.length;
  const showRemaining = remaining <= SHOW_REMAINING_BELOW;
  const describedBy = [problem ? `${id}-problem` : '', showRemaining ? `${id}-remaining` : ''].filter(Boolean).join(' ');
  return (
    <div className="question-box">
      <label htmlFor={id}>{label}</label>
      <textarea
        ref={ref}
        id={id}
        rows={rows}
        maxLength={QUESTION_MAX}
        value={value}
        aria-invalid={problem ? true : undefined}
        aria-describedby={describedBy || undefined}
        onChange={(e) => onChange(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            onSubmit();
          }
        }}
      />
      {showRemaining ? (
        <p id={`${id}-remaining`} className={remaining === 0 ? 'remaining at-limit small' : 'remaining small muted'} aria-live="polite">
          {remaining === 1 ? '1 character left' : `${remaining} characters left`}
        </p>
      ) : null}
      {problem ? (
        <p id={`${id}-problem`} className="banner error" role="alert">
          {problem}
        </p>
      ) : null}
    </div>
  );
}
