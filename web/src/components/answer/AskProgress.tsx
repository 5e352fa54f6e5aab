import type { PendingAsk } from './useAskThread';
import './ask.css';

/**
 * While a question is answered: a status line (always in the page, so screen readers announce
 * its changes), the composer's draft greyed out and labelled as unverified, and Cancel.
 */
export function AskProgress({ pending, cancelled, onCancel }: { pending: PendingAsk | null; cancelled: boolean; onCancel: () => void }) {
  return (
    <div className="ask-progress">
      <p role="status" className={pending ? 'ask-status busy' : 'ask-status'}>
        {pending ? 'Searching the library and checking every statement…' : cancelled ? 'Cancelled: no answer was given.' : ''}
      </p>
      {pending ? (
        <>
          <button type="button" className="secondary" onClick={onCancel}>
            Cancel
          </button>
          {pending.draft ? (
            <section className="draft" aria-label="Unverified draft">
              <p className="draft-label small">
                <strong>Unverified draft</strong> as the language model writes it. The verifier may still remove statements; the checked answer
                replaces it.
              </p>
              <div className="stream" tabIndex={0}>{pending.draft}</div>
            </section>
          ) : null}
        </>
      ) : null}
    </div>
  );
}
