import { useId } from 'react';
import { AUDIENCE_LABELS, AUDIENCES, type Audience } from '../../types';
import './ask.css';

const STORAGE_KEY = 'citemed.audience';

/** The reader's choice from last time (localStorage can be unavailable or hold anything). */
export function rememberedAudience(): Audience {
  try {
    const stored = window.localStorage.getItem(STORAGE_KEY);
    return AUDIENCES.find((audience) => audience === stored) ?? 'clinician';
  } catch {
    return 'clinician';
  }
}

export function rememberAudience(audience: Audience): void {
  try {
    window.localStorage.setItem(STORAGE_KEY, audience);
  } catch {
    // Private windows may refuse storage: the choice then lasts for this page only.
  }
}

/** "Which best describes you?": the answer's wording (and, for patients, its red flags) follows it. */
export function AudiencePicker({ value, onChange }: { value: Audience; onChange: (audience: Audience) => void }) {
  const name = useId();
  return (
    <fieldset className="audience-picker">
      <legend>Which best describes you?</legend>
      <p className="muted small">Your choice sets the language of the answer.</p>
      <div className="choices">
        {AUDIENCES.map((audience) => (
          <label key={audience} className="choice">
            <input type="radio" name={name} value={audience} checked={value === audience} onChange={() => onChange(audience)} />
            {AUDIENCE_LABELS[audience]}
          </label>
        ))}
      </div>
    </fieldset>
  );
}
