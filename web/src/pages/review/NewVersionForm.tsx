import { useId, useState } from 'react';
import { post } from '../../api';
import { ErrorBanner } from './format';
import { useAction } from './use-action';

/**
 * An editor's new version: the question asked again against the library as it is now. It goes
 * back to Submitted. Editing statements by hand needs an editor for statements and their
 * citations, which this page does not have yet.
 */
export function NewVersionForm({ base, onMade }: { base: string; onMade: () => void }) {
  const [note, setNote] = useState('');
  const action = useAction();
  const id = useId();
  const make = async () => {
    const body = { regenerate: true, ...(note.trim() !== '' ? { note: note.trim() } : {}) };
    if (await action.run(() => post(`${base}/versions`, body))) {
      setNote('');
      onMade();
    }
  };
  return (
    <section aria-labelledby="new-version-heading">
      <h2 id="new-version-heading">New version</h2>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void make();
        }}
      >
        <label htmlFor={id}>Note for reviewers</label>
        <textarea id={id} value={note} onChange={(e) => setNote(e.target.value)} maxLength={5000} />
        <ErrorBanner error={action.error} />
        <button type="submit" disabled={action.busy}>{action.busy ? 'Asking again…' : 'Make a new version by asking again'}</button>
        {action.busy ? <p className="muted small" role="status">Composing a new answer from the library; this can take a minute.</p> : null}
      </form>
      <p className="muted small">Editing statements by hand is not available on this page yet; it will come later. A new version goes back to Submitted.</p>
    </section>
  );
}
